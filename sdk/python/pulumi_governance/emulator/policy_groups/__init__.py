"""Policy groups and the stack views of them: ``models`` (rules, state), ``routes`` (HTTP)."""
