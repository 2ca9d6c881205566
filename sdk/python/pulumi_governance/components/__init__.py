"""Components built from the governance resources."""
