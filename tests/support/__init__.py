"""Test tooling shared by every test folder: sign-in helpers, a fake Kodik with scripted faults."""
