import pytest

from enterprise.models import EntityAccount


@pytest.fixture
def make_entity_user(db, django_user_model):
    """A liaison's account for ``entity`` (a non-staff user bound to it), as activation leaves it."""

    def make(entity, username=None, *, first=True, email="liaison@example.com", mobile="13800000000"):
        user = django_user_model.objects.create_user(
            username=username or f"e-{entity.uscc}", password="Entity-Secret-123", email=email
        )
        account = EntityAccount.objects.create(
            user=user, entity=entity, full_name="王联络", mobile=mobile, email=email, is_first_liaison=first
        )
        return account

    return make


@pytest.fixture
def entity_client(client, make_entity_user, make_entity):
    """A test client signed in as the first liaison of a fresh entity; ``entity_client.account``."""
    account = make_entity_user(make_entity())
    client.force_login(account.user)
    client.account = account
    return client
