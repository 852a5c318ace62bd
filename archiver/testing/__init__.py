"""Tooling for tests, benchmarks and the demo: a loopback site server and corruption simulators."""
