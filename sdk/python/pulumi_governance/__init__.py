"""Governance as code for Pulumi Cloud."""

__version__ = "0.1.0"
