"""Accounts: first-run setup, members, passwords, invites, sign-in throttling, API tokens."""
