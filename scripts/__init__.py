"""Scripts run from the repository root; a package so the benchmarks can share the demo vocabulary."""
