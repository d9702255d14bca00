"""A real Celery worker (solo pool) on the real Redis broker, against the test database, on the test's
frozen clock (tests/worker.py): the test process and the worker agree on today's date."""

from tests.worker import worker  # noqa: F401  (fixture)
