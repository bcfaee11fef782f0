"""Benchmarks of Leadwell: acknowledgement latency against a bare Bolt floor, constant-query
reads of App Home and the digest, and the Monday fan-out. Run `python -m bench --help`."""
