"""The hourly audit anchor (issue 11 §3) through a real Celery worker on the real Redis broker."""

import json

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from core import anchors, audit
from core.models import AuditAnchor, AuditEvent
from core.tasks import anchor_audit_chain
from tests.worker import worker_start, worker_stop

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_audit_anchor_is_scheduled_every_hour(db):
    task = PeriodicTask.objects.get(task="core.anchor_audit_chain")
    assert task.enabled and task.name == "审计链锚定"
    assert (task.crontab.minute, task.crontab.hour) == ("0", "*")
    assert str(task.crontab.timezone) == "Asia/Shanghai"


def test_anchor_job_appends_head_through_worker(settings, tmp_path, frozen_today):
    anchor_dir = tmp_path / "anchors"
    settings.AUDIT_ANCHOR_DIR = str(anchor_dir)
    for i in range(3):
        audit.record(actor="test", action="demo.change", target=("demo.thing", i), after={"n": i})
    anchors.audit_anchor_create()  # an earlier anchor, written by this process
    earlier = (anchor_dir / anchors.ANCHOR_FILE).read_text()
    proc = worker_start(AUDIT_ANCHOR_DIR=anchor_dir)
    try:
        audit.record(actor="test", action="demo.change", target=("demo.thing", 3), after={"n": 3})
        first = anchor_audit_chain.delay().get(timeout=60)
        audit.record(actor="test", action="demo.change", target=("demo.thing", 4), after={"n": 4})
        second = anchor_audit_chain.delay().get(timeout=60)
    except Exception:
        print(worker_stop(proc))
        raise
    worker_stop(proc)
    head = AuditEvent.objects.order_by("-id").first()
    assert second["anchored"] == head.pk and second["hash"] == head.hash
    assert first["anchored"] == head.pk - 1
    # Appended, one line per anchor, after what was there.
    lines = (anchor_dir / anchors.ANCHOR_FILE).read_text().splitlines(keepends=True)
    assert len(lines) == 3 and lines[0] == earlier
    last = json.loads(lines[-1])
    assert (last["kind"], last["id"], last["hash"]) == ("hourly", head.pk, head.hash)
    # The same anchors are published for the public page, and the chain agrees with all of them.
    assert list(AuditAnchor.objects.order_by("anchored_at").values_list("event_id", flat=True)) == [
        head.pk - 2,
        head.pk - 1,
        head.pk,
    ]
    call_command("verify_audit")
