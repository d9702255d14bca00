"""Webhooks through the real worker (issue 15 §4): the task "opendata.deliver_webhooks" runs in a Celery
worker process on the real Redis broker; the worker is killed and a new one started, and the loopback
receiver counts what it got. Nothing is delivered twice unless the receiver failed (or never answered)."""

import collections
import datetime as dt
import os
import signal
import threading

import pytest
import time_machine
from django.utils import timezone

from opendata.models import WebhookAttempt, WebhookDelivery
from portal.celery import app
from tests.helpers import wait_for
from tests.opendata.test_webhooks import emit, private_hosts, receiver, subscribe  # noqa: F401  (fixtures)
from tests.worker import worker_start, worker_stop

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WORKER_ENV = {"WEBHOOK_ALLOW_PRIVATE_HOSTS": "1"}  # the loopback receiver, for the worker process too


def run_task_until(predicate, timeout=300):
    """Send the task (as the beat and the on-commit kick do) until ``predicate()`` holds."""

    def once():
        app.send_task("opendata.deliver_webhooks").get(timeout=60)
        return predicate()

    return wait_for(once, timeout, step=0.3)


def kill(proc):
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def test_worker_restart_delivers_nothing_twice_unless_the_receiver_failed(
    frozen_today, receiver, private_hosts, api_key
):
    # Given a subscription, and a receiver that refuses the third request it gets
    client, _ = api_key(("credit:read",))
    subscribe(client, receiver.url)
    receiver.statuses = [200, 200, 500]
    first = worker_start(**WORKER_ENV)
    second = None
    try:
        # When five events are committed and the worker runs the task until each reached the receiver
        events = [emit(ref=f"郑市监罚〔2026〕{i}号").pk for i in range(5)]
        assert run_task_until(lambda: set(receiver.event_ids()) == set(events)), worker_stop(first)
        failed = WebhookDelivery.objects.get(state=WebhookDelivery.State.PENDING)
        assert failed.attempts == 1
        # And the worker is killed, five more events come, and a new worker starts a minute later
        kill(first)
        events += [emit(ref=f"郑市监罚〔2026〕{i}号").pk for i in range(5, 10)]
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=1), tick=True):
            second = worker_start(**WORKER_ENV)
            assert run_task_until(
                lambda: WebhookDelivery.objects.filter(state=WebhookDelivery.State.DELIVERED).count() == 10
            ), worker_stop(second)
            # And the task runs once more
            app.send_task("opendata.deliver_webhooks").get(timeout=60)
        # Then every event reached the receiver once, except the one it refused, which came twice
        counts = collections.Counter(receiver.event_ids())
        assert set(counts) == set(events)
        assert {e: n for e, n in counts.items() if n != 1} == {failed.event_id: 2}
        assert WebhookAttempt.objects.count() == 11
        assert list(
            WebhookAttempt.objects.filter(delivery=failed)
            .order_by("attempted_at")
            .values_list("status_code", flat=True)
        ) == [500, 200]
    finally:
        if first.poll() is None:
            kill(first)
        if second is not None:
            worker_stop(second)


def test_worker_killed_mid_request_sends_only_that_one_again_after_its_lease(
    frozen_today, receiver, private_hosts, api_key
):
    # Given a delivered event, and a receiver that holds the next request without answering
    client, _ = api_key(("credit:read",))
    subscribe(client, receiver.url)
    first = worker_start(**WORKER_ENV)
    second = None
    try:
        done = emit(ref="1").pk
        assert run_task_until(lambda: receiver.event_ids() == [done]), worker_stop(first)
        receiver.hold = threading.Event()
        held = emit(ref="2").pk
        # (the task is sent again every 2 s until the request arrives: a run finds the event only once every
        # older transaction on the server has ended; the runs queued behind the held one are harmless)
        assert wait_for(lambda: app.send_task("opendata.deliver_webhooks") and held in receiver.event_ids(), 120, 2)
        # When the worker is killed while the request is in flight (the receiver never answered it)
        kill(first)
        receiver.hold.set()
        receiver.hold = None
        delivery = WebhookDelivery.objects.get(event_id=held)
        assert delivery.state == WebhookDelivery.State.PENDING and delivery.attempts == 1
        # And a new worker starts after the claim's 5-minute lease
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=6), tick=True):
            second = worker_start(**WORKER_ENV)
            assert run_task_until(lambda: receiver.event_ids().count(held) == 2), worker_stop(second)
            app.send_task("opendata.deliver_webhooks").get(timeout=60)
        # Then only the unanswered one was sent again, with the same X-Event-Id; the delivered one never
        assert collections.Counter(receiver.event_ids()) == {done: 1, held: 2}
        delivery.refresh_from_db()
        assert delivery.state == WebhookDelivery.State.DELIVERED and delivery.attempts == 2
    finally:
        if receiver.hold is not None:
            receiver.hold.set()
        if first.poll() is None:
            kill(first)
        if second is not None:
            worker_stop(second)
