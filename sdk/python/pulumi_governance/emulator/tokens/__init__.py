"""Organization access tokens: ``models`` (rules, state) and ``routes`` (HTTP)."""
