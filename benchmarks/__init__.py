"""`make bench`: the taizhang benchmarks against their peers and floors (docs/benchmarks.md)."""
