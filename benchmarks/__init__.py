"""Performance scripts; ``make bench`` runs them all through ``benchmarks/run.py``."""
