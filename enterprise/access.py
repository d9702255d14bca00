"""Who is signed in on the entity side, and the one guard of every ``/enterprise/`` view.

``entity_required`` admits an authenticated, non-staff user with an active ``EntityAccount`` and
sets ``request.account`` and ``request.entity``. Every query of an entity view starts from
``request.entity`` (never from an id in the URL alone), so one entity can never read another's data:
an object of another entity is a 404, like one that does not exist.
"""

from functools import wraps

from django.contrib.auth import logout
from django.shortcuts import redirect

from enterprise.models import EntityAccount


def account_of(user) -> EntityAccount | None:
    """The user's active entity account, or None (staff never have one)."""
    if not user.is_authenticated or user.is_staff or user.is_superuser:
        return None
    account = EntityAccount.objects.select_related("entity").filter(user=user).first()
    return account if account is not None and account.active else None


def entity_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        account = account_of(request.user)
        if account is None:
            if request.user.is_authenticated and not request.user.is_staff:
                logout(request)  # a revoked account's session ends here
            return redirect(f"/enterprise/login/?next={request.path}")
        request.account, request.entity = account, account.entity
        return view(request, *args, **kwargs)

    return wrapped
