"""Benchmarks of the gateway against a bare Chalice floor: `make bench` prints one table."""
