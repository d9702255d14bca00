import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import InternalError

from core import audit
from core.models import AuditEvent


def _three_events():
    for i in range(3):
        audit.record(actor="test", action="demo.change", target=("demo.thing", i), after={"n": i})


def test_events_are_chained_by_hash(db):
    _three_events()
    events = list(AuditEvent.objects.order_by("id"))
    assert events[0].prev_hash == audit.GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert audit.verify_chain().ok


def test_audit_trail_is_append_only(db):
    _three_events()
    with pytest.raises(InternalError), transaction.atomic():
        AuditEvent.objects.filter(pk=AuditEvent.objects.first().pk).update(action="tampered")
    with pytest.raises(InternalError), transaction.atomic():
        AuditEvent.objects.all().delete()
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditevent")


def test_verify_audit_reports_the_first_tampered_event(db):
    _three_events()
    middle = AuditEvent.objects.order_by("id")[1]
    # Tamper as someone with table-owner rights would: disable the trigger, edit, re-enable.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        cursor.execute("UPDATE core_auditevent SET after = '{\"n\": 99}' WHERE id = %s", [middle.pk])
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
    report = audit.verify_chain()
    assert report.broken_at == middle.pk
    assert "篡改" in report.reason
    with pytest.raises(CommandError, match=f"#{middle.pk}"):
        call_command("verify_audit")


def test_verify_audit_reports_a_deleted_event(db):
    _three_events()
    _, middle, last = AuditEvent.objects.order_by("id")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [middle.pk])
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
    report = audit.verify_chain()
    assert report.broken_at == last.pk
    assert "删除" in report.reason


def test_verify_audit_passes_on_an_intact_chain(db, capsys):
    _three_events()
    call_command("verify_audit")
    assert "审计链完整：已校验 3 条" in capsys.readouterr().out


def test_service_writes_its_event_with_actor_and_request_id(db, alice):
    from supervision import services
    from tests.conftest import valid_uscc

    token = audit.request_id_var.set("req-123")
    try:
        entity = services.entity_save(
            actor=alice, uscc=valid_uscc("91410105MA0000001"), name="郑州审计测试有限公司", region_code="410105"
        )
    finally:
        audit.request_id_var.reset(token)
    event = AuditEvent.objects.get(action="entity.create", target_id=str(entity.pk))
    assert event.actor_user == alice
    assert event.actor_label == "alice"
    assert event.request_id == "req-123"
    assert event.after["name"] == "郑州审计测试有限公司"
    assert audit.verify_chain().ok
