"""Webhooks: ``rules`` (formats, events), ``models`` (state), ``delivery``, ``routes`` (HTTP)."""
