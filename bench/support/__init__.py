"""Modules the bench scripts share; not scripts themselves (tests/test_bench_smoke.py scans bench/*.py only)."""
