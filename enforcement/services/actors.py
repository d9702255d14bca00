"""Who did it: the official behind an actor (or none, for a system actor), and the label kept on the record."""

from django.contrib.auth import get_user_model


def _actor_label(actor) -> str:
    if getattr(actor, "is_authenticated", False):
        return actor.get_full_name() or actor.get_username()
    return str(actor or "")


def _user(actor):
    """The official behind ``actor``, or None for a system actor (a string, an API client)."""
    return actor if isinstance(actor, get_user_model()) and actor.is_authenticated else None
