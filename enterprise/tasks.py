"""Thin Celery tasks of the entity side; they import what they call inside their body, so this module
imports nothing of enterprise and closes no circle (as ``credit.tasks``)."""

from celery import shared_task


@shared_task(name="enterprise.inbox_collect", acks_late=True, ignore_result=True)
def inbox_collect() -> dict:
    """Every minute (beat) and on commit of a change: inbox messages from the audit trail and the grade
    history, then their e-mail (``enterprise.inbox``). Safe to run twice, or two at once."""
    from enterprise.inbox import inbox_collect as collect

    return collect()
