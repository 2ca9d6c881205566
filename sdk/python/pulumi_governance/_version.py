"""The package version, in a module of its own so that every layer can read it without importing
anything above it."""

__version__ = "0.1.0"
