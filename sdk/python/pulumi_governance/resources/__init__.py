"""Governance resources: one module per kind (logic + dynamic Resource + its provider)."""
