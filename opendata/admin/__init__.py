"""Admin of issue 15, one module per part."""

from opendata.admin import dumps, exchange, webhooks  # noqa: F401
