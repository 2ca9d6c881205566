"""OIDC issuers and their authorization policies: ``models`` (rules, state), ``routes`` (HTTP)."""
