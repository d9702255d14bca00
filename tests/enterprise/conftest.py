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


class MailDir:
    """The file backend's directory of one test; ``messages()`` parses what was written (subject decoded)."""

    def __init__(self, path):
        self.path = path

    def messages(self):
        import email
        from email import policy

        found = []
        for file in sorted(self.path.glob("*.log")) if self.path.exists() else ():
            for chunk in file.read_bytes().split(b"-" * 79):
                if chunk.strip():
                    found.append(email.message_from_bytes(chunk.lstrip(b"\n"), policy=policy.default))
        return found

    def subjects(self):
        return [str(m["Subject"]).strip() for m in self.messages()]


@pytest.fixture
def mail_dir(settings, tmp_path):
    """E-mail through Django's file backend into a fresh temporary directory (issue 14 §2: tests read it there)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return MailDir(tmp_path / "mail")
