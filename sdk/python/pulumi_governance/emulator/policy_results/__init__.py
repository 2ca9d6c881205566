"""Policy violations (seeded through ``/_emulator/violations``): ``models`` and ``routes``."""
