"""Emulator-only endpoints under ``/_emulator``: orgs, faults, state, reset (``routes``)."""
