"""Benchmarks: one module per ``attribution bench NAME``."""
