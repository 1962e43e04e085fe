"""Benchmarks: a generator of realistic event stores and a read-model rebuild harness."""
