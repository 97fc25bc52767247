"""Scheduled jobs: a registry of plain functions, run records, and the scheduler."""
