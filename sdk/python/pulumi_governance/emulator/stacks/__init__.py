"""Stacks and their tags: ``models`` holds the rules and state, ``routes`` the HTTP handlers."""
