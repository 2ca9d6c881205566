"""Policy packs, their versions and uploads: ``models`` (rules, state), ``routes`` (HTTP)."""
