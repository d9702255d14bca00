"""Role grants (core/roles.py) after all migrations: every grant names a real permission."""

import pytest
from django.contrib.auth.models import Group, Permission

from core.roles import ROLES

pytestmark = pytest.mark.django_db


def test_every_role_grant_names_a_real_permission_and_is_granted():
    for role, grants in ROLES.items():
        group = Group.objects.get(name=role)
        for app_label, models in grants.items():
            for spec in models:
                model, _, actions = spec.partition(":")
                for action in actions.split(",") if actions else ["view", "add", "change", "delete"]:
                    codename = f"{action}_{model}"
                    assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), (
                        f"{role}: {app_label}.{codename}"
                    )
                    assert group.permissions.filter(content_type__app_label=app_label, codename=codename).exists(), (
                        f"{role}: {app_label}.{codename}"
                    )
