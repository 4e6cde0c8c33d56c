"""Benchmarks, each runnable as a script; figures and method in ``docs/benchmarks.md``."""
