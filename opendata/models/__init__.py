"""Open-data models, one module per part of issue 15; re-exported so ``from opendata.models import X`` works."""

from opendata.models.dumps import OpenDataFile
from opendata.models.exchange import ExchangeBatch
from opendata.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookSubscription

__all__ = ["ExchangeBatch", "OpenDataFile", "WebhookAttempt", "WebhookDelivery", "WebhookSubscription"]
