"""The caller and the service: ``models`` (who a token is), ``capabilities``, ``routes``."""
