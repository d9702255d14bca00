"""The entity inbox's job (issue 14 §2) through a real Celery worker on the real Redis broker and the
test's frozen clock (tests/worker.py): the beat task makes the messages and writes the e-mail, and a
committed change reaches the inbox within seconds without any beat."""

import pytest

from enterprise import inbox
from enterprise.models import DeliveryState, EmailDelivery, Message
from portal.celery import app
from tests.conftest import record_data
from tests.enterprise.conftest import MailDir, make_entity_user  # noqa: F401  (fixture)
from tests.helpers import wait_for
from tests.worker import worker_start, worker_stop

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


@pytest.fixture
def mail_worker(frozen_today, tmp_path):
    """A worker whose e-mail goes to the file backend in this test's temporary directory."""
    app.control.purge()  # nothing left over from earlier tests
    proc = worker_start(EMAIL_BACKEND=FILE_BACKEND, EMAIL_FILE_PATH=str(tmp_path / "mail"))
    proc.mail = MailDir(tmp_path / "mail")
    yield proc
    print(worker_stop(proc))


@pytest.fixture
def liaison(make_entity, make_entity_user, dept_a):
    return make_entity_user(make_entity(registration_authority=dept_a), email="liaison@example.com")


def sent(message_filter):
    return EmailDelivery.objects.filter(message__in=Message.objects.filter(**message_filter), state=DeliveryState.SENT)


def test_the_beat_task_makes_the_message_and_writes_the_mail_through_a_worker(liaison, push, mail_worker):
    # Given a record pushed while no task ran (the on-commit task purged, as if the broker had lost it)
    push(record_data(liaison.entity_id))
    app.control.purge()
    assert not Message.objects.exists()
    # When beat sends the scheduled task by its name
    app.send_task("enterprise.inbox_collect")
    # Then the worker made the message and wrote its e-mail to the file backend's directory
    assert wait_for(lambda: sent({"entity": liaison.entity}).exists(), timeout=60), "no e-mail sent by the worker"
    message = Message.objects.get(entity=liaison.entity)
    assert mail_worker.mail.subjects() == [f"【综合监管平台】{message.subject}"]


def test_a_committed_change_reaches_the_inbox_within_seconds(liaison, dept_a, push, mail_worker):
    inbox._broker_failed_at = 0.0  # no earlier broker failure in this process holds the queueing back
    # When a department pushes a record (committed: the on-commit hook queues the inbox task)
    push(record_data(liaison.entity_id))
    # Then without any beat the message and its e-mail follow within seconds
    assert wait_for(lambda: sent({"entity": liaison.entity}).exists(), timeout=30), "the change did not reach the inbox"
    assert len(mail_worker.mail.messages()) == 1
