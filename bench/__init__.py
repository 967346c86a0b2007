"""Benchmarks (not tests): `make bench` runs bench/lifecycle.py."""
