"""Issue 16 §5, partitions with retention: the growing tables are partitioned by month, writes land in
their month's partition, the nightly 分区维护 creates future partitions and drops expired ones by the
RetentionPolicy rows (audited, with row counts), a dropped change-event month raises the feed's horizon
(410 below it), the webhook fan-out stays idempotent, and credit reports still verify."""

import datetime as dt
import importlib

import psycopg2
import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from core import changes, partitions
from core.changes import ChangeEvent, ChangeType, Cursor, CursorExpired, FeedConsumer
from core.models import AuditEvent
from core.partitions import retention_policy_update
from core.retention import RetentionPolicy
from core.tasks import maintain_partitions
from credit import reports
from credit.models import CreditCheck, CreditReport
from credit.services.checks import credit_check
from opendata import webhooks
from opendata.models import WebhookDelivery
from tests.conftest import SINOPEC
from tests.helpers import wait_for
from tests.worker import worker_start, worker_stop

pytestmark = pytest.mark.django_db(transaction=True)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 22, 3, 50, tzinfo=SHANGHAI)
TABLES = {
    "credit_creditcheck": "checked_at",
    "credit_creditreport": "issued_at",
    "core_changeevent": "occurred_at",
    "opendata_webhookdelivery": "event_occurred_at",
    "opendata_webhookattempt": "attempted_at",
}
VISIBLE_TIMEOUT = 300  # another session's open transaction on the shared server holds the feed back


@pytest.fixture(autouse=True)
def policies():
    """The seeded policies (a transactional test's flush empties the table)."""
    seeded = importlib.import_module("core.migrations.0010_g_partitions").POLICIES
    for policy in seeded:
        RetentionPolicy.objects.update_or_create(code=policy["code"], defaults=policy)
    return {p.code: p for p in RetentionPolicy.objects.all()}


def partition_of(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def month(year, mon):
    return dt.date(year, mon, 1)


def test_the_growing_tables_are_partitioned_by_month_with_a_default_partition():
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, a.attname FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partrelid
               JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
               WHERE pt.partstrat = 'r'"""
        )
        found = dict(cursor.fetchall())
        cursor.execute("SELECT count(*) FROM pg_partitioned_table WHERE partrelid = 'core_auditevent'::regclass")
        audit_partitioned = cursor.fetchone()[0]
    assert {t: found.get(t) for t in TABLES} == TABLES
    assert audit_partitioned == 0  # the audit trail is never partitioned nor dropped
    for table in TABLES:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = %s::regclass",
                [table],
            )
            names = {row[0] for row in cursor.fetchall()}
        assert f"{table}_default" in names
        assert len(partitions.monthly_partitions(table)) >= partitions.AHEAD_MONTHS + 1


def test_the_hot_path_indexes_exist_on_the_partitioned_tables():
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
               JOIN pg_class t ON t.oid = i.indrelid WHERE t.relkind = 'p'"""
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {
        "change_cursor",
        "change_entity_cursor",
        "credit_check_uscc_time_idx",
        "webhook_delivery_due",
        "webhook_delivery_sub_due",
        "webhook_delivery_once_per_event",
    } <= names


def test_writes_land_in_their_months_partition(dept_a, make_entity):
    entity = make_entity()
    with time_machine.travel(NOW, tick=False):
        partitions.partitions_maintain()  # this month's partitions exist from here on
        with transaction.atomic():
            event = changes.emit(type=ChangeType.RECORD_CREATED, uscc=entity.uscc, ref="R-1")
        credit_check(department=dept_a, usccs=[entity.uscc], purpose="政府采购")
        report, _pdf = reports.report_issue(entity=entity)
    check = CreditCheck.objects.get()
    # an event's time is the database's clock (its transaction's start), not the test's
    event.refresh_from_db()
    event_month = partitions.suffix(partitions.month_of(event.occurred_at))
    assert partition_of("core_changeevent", event.pk) == f"core_changeevent_{event_month}"
    assert partition_of("credit_creditcheck", check.pk) == "credit_creditcheck_p202611"
    assert partition_of("credit_creditreport", report.pk) == "credit_creditreport_p202611"
    # a row of a month without a partition lands in the default one, and the job gives it its month
    ChangeEvent.objects.filter(pk=event.pk).update(occurred_at=dt.datetime(2026, 9, 15, tzinfo=SHANGHAI))
    assert partition_of("core_changeevent", event.pk) == "core_changeevent_default"
    with time_machine.travel(NOW, tick=False):
        made = partitions.partitions_maintain()
    assert "core_changeevent_p202609" in made["created"]
    assert partition_of("core_changeevent", event.pk) == "core_changeevent_p202609"
    # ids are still unique and Django reads and writes by id as before
    assert ChangeEvent.objects.get(pk=event.pk).ref == "R-1"


def test_job_creates_future_partitions_and_drops_expired_ones_by_policy(dept_a, make_entity):
    # given partitions of old months for the 逢办必查 log (kept 3 years), one row in the oldest
    entity = make_entity()
    for m in (month(2023, 9), month(2023, 10), month(2023, 11)):
        partitions.partition_create(table="credit_creditcheck", month=m)
    with time_machine.travel(dt.datetime(2023, 9, 10, 9, 0, tzinfo=SHANGHAI), tick=False):
        credit_check(department=dept_a, usccs=[entity.uscc], purpose="招标投标")
    assert CreditCheck.objects.count() == 1
    # when the nightly job runs on 2026-11-22 (cutoff 2023-11-22)
    with time_machine.travel(NOW, tick=False):
        result = partitions.partitions_maintain()
        again = partitions.partitions_maintain()
    # then the months wholly before the cutoff are gone, the month holding it is kept
    months = partitions.monthly_partitions("credit_creditcheck")
    assert month(2023, 9) not in months and month(2023, 10) not in months
    assert month(2023, 11) in months
    assert {"credit_creditcheck_p202309", "credit_creditcheck_p202310"} <= set(result["dropped"])
    assert CreditCheck.objects.count() == 0
    # and this month and the next three exist for every partitioned table
    for table in TABLES:
        have = partitions.monthly_partitions(table)
        assert all(partitions.add_months(month(2026, 11), n) in have for n in range(4)), table
    # each drop is audited with its row count; a second run changes nothing
    drop = AuditEvent.objects.get(action="partition.drop", after__partition="credit_creditcheck_p202309")
    assert drop.after["rows"] == 1 and drop.after["table"] == "credit_creditcheck"
    assert again == {"created": [], "dropped": [], "rows": 0}


def test_a_shorter_policy_drops_more_and_the_change_is_audited(platform_admin, policies):
    partitions.partition_create(table="credit_creditreport", month=month(2026, 3))
    # when an official shortens credit reports from 12 to 6 months (audited), the March partition expires
    retention_policy_update(
        actor=platform_admin, policy=policies["credit_reports"], keep_months=6, keep_days=0, reason="测试：缩短"
    )
    assert AuditEvent.objects.filter(action="retention_policy.update", after__keep_months=6).exists()
    with time_machine.travel(NOW, tick=False):
        result = partitions.partitions_maintain()
    assert "credit_creditreport_p202603" in result["dropped"]
    # and a policy may not keep less than 30 days
    with pytest.raises(ValidationError):
        retention_policy_update(
            actor=platform_admin, policy=policies["credit_reports"], keep_months=0, keep_days=7, reason="太短"
        )


def test_dropping_a_change_event_month_raises_the_horizon_and_an_older_cursor_gets_410():
    # given an event in July 2026 (its own partition) and one now
    partitions.partition_create(table="core_changeevent", month=month(2026, 7))
    with transaction.atomic():
        old = changes.emit(type=ChangeType.RECORD_CREATED, uscc=SINOPEC, ref="old")
    with transaction.atomic():
        august = changes.emit(type=ChangeType.RECORD_CREATED, uscc=SINOPEC, ref="august")
    with transaction.atomic():
        new = changes.emit(type=ChangeType.RECORD_CREATED, uscc=SINOPEC, ref="new")
    ChangeEvent.objects.filter(pk=old.pk).update(occurred_at=dt.datetime(2026, 7, 20, tzinfo=SHANGHAI))
    # 2026-08-23: older than 90 days on 2026-11-22, but its month is not wholly older
    ChangeEvent.objects.filter(pk=august.pk).update(occurred_at=dt.datetime(2026, 8, 23, tzinfo=SHANGHAI))
    assert wait_for(lambda: changes.latest_cursor() >= Cursor(new.txid, new.pk), VISIBLE_TIMEOUT)
    # when the job runs on 2026-11-22 (90 days: cutoff 2026-08-24)
    with time_machine.travel(NOW, tick=False):
        partitions.partitions_maintain()
    # then July is dropped, August is kept whole (events are kept at least 90 days), and the horizon is at "old"
    assert list(ChangeEvent.objects.order_by("id").values_list("ref", flat=True)) == ["august", "new"]
    assert changes.horizon() == Cursor(old.txid, old.pk)
    with pytest.raises(CursorExpired):
        changes.read_after(Cursor(old.txid, old.pk - 1))
    assert [e.ref for e in changes.read_after(Cursor(old.txid, old.pk))[0]] == ["august", "new"]
    drop = AuditEvent.objects.get(action="partition.drop", after__partition="core_changeevent_p202607")
    assert drop.after["rows"] == 1 and drop.after["horizon"] == [old.txid, old.pk]


def test_fan_out_twice_makes_no_duplicate_delivery(api_key, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    client, _key = api_key(("credit:read",))
    webhooks.webhook_subscription_create(
        actor="test", client=client, url="http://127.0.0.1:9/hook", event_types=["record.created"]
    )
    with transaction.atomic():
        event = changes.emit(type=ChangeType.RECORD_CREATED, uscc=SINOPEC, ref="R-9")
    assert wait_for(lambda: changes.latest_cursor() >= Cursor(event.txid, event.pk), VISIBLE_TIMEOUT)
    webhooks.fan_out()
    # when the consumer's cursor goes back (a crashed step redone) and the fan-out runs again
    FeedConsumer.objects.filter(name=webhooks.CONSUMER).update(cursor_txid=0, cursor_id=0)
    webhooks.fan_out()
    # then one delivery, in its event's month partition
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_id == event.pk and delivery.event_occurred_at == event.occurred_at
    month_name = f"opendata_webhookdelivery_{partitions.suffix(partitions.month_of(event.occurred_at))}"
    assert partition_of("opendata_webhookdelivery", delivery.pk) in (month_name, "opendata_webhookdelivery_default")


def test_a_credit_report_still_verifies_and_its_serial_is_unique(make_entity):
    entity = make_entity()
    report, pdf = reports.report_issue(entity=entity)
    check = reports.report_verify(serial=report.serial, pdf_bytes=pdf)
    assert check.found and check.current and check.file_matches
    # a second row with the same serial is refused by its partition's unique index
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditReport.objects.create(
            serial=report.serial,
            entity_id=entity.uscc,
            issued_at=report.issued_at + dt.timedelta(seconds=1),
            content_hash="0" * 64,
            pdf_sha256="0" * 64,
            facts={},
        )
    # and a serial whose date is not the issue date is refused (so a serial lives in one partition only)
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditReport.objects.create(
            serial="XYBG20200101AAAAAAAA",
            entity_id=entity.uscc,
            issued_at=report.issued_at,
            content_hash="0" * 64,
            pdf_sha256="0" * 64,
            facts={},
        )


@pytest.mark.slow
def test_partition_maintenance_runs_through_a_real_worker(frozen_today):
    # given the clock at 2026-11-22 (the migrations made December onwards) and an expired change-event month
    partitions.partition_create(table="core_changeevent", month=month(2026, 6))
    with connection.cursor() as cursor:  # November's may exist from another test: the worker must make it
        cursor.execute("DROP TABLE IF EXISTS core_changeevent_p202611")
    proc = worker_start()
    try:
        result = maintain_partitions.delay().get(timeout=VISIBLE_TIMEOUT)
    except Exception:
        print(worker_stop(proc))
        raise
    worker_stop(proc)
    # then the worker made November's partitions and dropped June's
    assert "core_changeevent_p202611" in result["created"]
    assert "core_changeevent_p202606" in result["dropped"]
    assert month(2026, 6) not in partitions.monthly_partitions("core_changeevent")


def test_platform_admin_changes_a_policy_in_the_admin_in_chinese(client, platform_admin, alice, policies):
    policy = policies["webhook_deliveries"]
    url = f"/admin/core/retentionpolicy/{policy.pk}/change/"
    client.force_login(platform_admin)
    page = client.get("/admin/core/retentionpolicy/")
    assert page.status_code == 200 and "数据保留期限" in page.content.decode() and "6 个月" in page.content.decode()
    # a too-short period is refused with a Chinese message, nothing changes
    client.post(url, {"keep_months": 0, "keep_days": 3, "reason": "试"}, follow=True)
    policy.refresh_from_db()
    assert policy.keep_months == 6
    # a valid change is saved through the service (audited)
    response = client.post(url, {"keep_months": 12, "keep_days": 0, "reason": "对账周期改为一年"})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.keep_months == 12 and policy.reason == "对账周期改为一年"
    assert AuditEvent.objects.filter(action="retention_policy.update", actor_label="root-admin").exists()
    # a department official may not change it
    client.force_login(alice)
    assert client.get(url).status_code == 403


APP_PASSWORD = "app-role-test-password"


def connect_as_app_role():
    s = connection.settings_dict
    return psycopg2.connect(
        dbname=s["NAME"],
        user=django_settings.DATABASE_APP_ROLE,
        password=APP_PASSWORD,
        host=s["HOST"] or s["OPTIONS"].get("host") or None,
        port=s["PORT"] or None,
    )


def test_the_app_role_maintains_partitions_only_through_the_guarded_functions():
    # given the application's role, which owns no table
    call_command("grant_app_role", password=APP_PASSWORD)
    app = connect_as_app_role()
    app.autocommit = True
    try:
        with app.cursor() as cursor:
            # it cannot make or drop partitions itself
            with pytest.raises(psycopg2.Error, match=r"must be owner|permission denied"):
                cursor.execute(
                    "CREATE TABLE core_changeevent_p203101 PARTITION OF core_changeevent "
                    "FOR VALUES FROM ('2031-01-01') TO ('2031-02-01')"
                )
            # through the function it makes a month's partition (idempotent: the second call does nothing)
            lo, hi = partitions.bounds(month(2031, 1))
            cursor.execute("SELECT portal_partition_create('core_changeevent', 'p203101', %s, %s)", [lo, hi])
            assert cursor.fetchone()[0] == 0
            cursor.execute("SELECT portal_partition_create('core_changeevent', 'p203101', %s, %s)", [lo, hi])
            assert cursor.fetchone()[0] is None
            # and it cannot drop a partition within its policy, nor touch the audit trail, nor pass a bad name
            refusals = [
                ("SELECT portal_partition_drop('core_changeevent', 'p203101', now())", "within the retention"),
                ("SELECT portal_partition_drop('core_auditevent', 'p202001', now())", "refused"),
                (
                    "SELECT portal_partition_create('core_auditevent', 'p202001', now(), now() + interval '1 day')",
                    "not a",
                ),
                ("SELECT portal_partition_drop('core_changeevent', 'p2031; DROP TABLE x', now())", "refused"),
            ]
            for statement, message in refusals:
                with pytest.raises(psycopg2.Error, match=message):
                    cursor.execute(statement)
            # an expired month it may drop
            lo, hi = partitions.bounds(month(2020, 1))
            cursor.execute("SELECT portal_partition_create('credit_creditcheck', 'p202001', %s, %s)", [lo, hi])
            cursor.execute("SELECT portal_partition_drop('credit_creditcheck', 'p202001', now())")
            assert cursor.fetchone()[0] is True
    finally:
        app.close()
    assert month(2031, 1) in partitions.monthly_partitions("core_changeevent")
    assert month(2020, 1) not in partitions.monthly_partitions("credit_creditcheck")
