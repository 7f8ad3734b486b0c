"""Benchmarks: `make bench` runs them all; each compares against a baseline in the same run."""
