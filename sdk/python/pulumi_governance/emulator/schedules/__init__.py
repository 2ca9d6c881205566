"""Deployment schedules: ``cron``, ``models`` (rules, state) and ``routes`` (HTTP)."""
