"""Thin Celery tasks of issue 15; each calls one function of its part's module."""

from celery import shared_task


@shared_task(name="opendata.dump_open_data", acks_late=True)
def dump_open_data() -> dict:
    """Nightly 02:00: write every dataset's bulk files (issue 15 §2)."""
    from opendata import dumps

    return dumps.write_all()


@shared_task(name="opendata.deliver_webhooks", acks_late=True)
def deliver_webhooks() -> dict:
    """Every minute (and on commit of new events): fan events out to subscriptions, deliver what is due (§4)."""
    from opendata import webhooks

    return webhooks.run()


@shared_task(name="opendata.exchange_push", acks_late=True)
def exchange_push() -> dict:
    """Every 10 minutes: send new and changed rows to the provincial platform, read receipts (§6)."""
    from opendata import exchange

    return exchange.run()
