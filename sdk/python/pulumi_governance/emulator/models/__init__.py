"""State and rules of each API area, apart from the HTTP handlers in ``routes/``."""
