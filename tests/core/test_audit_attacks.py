"""Issue 11 §3: the audit chain must catch a privileged attacker.

Each test plays one attack as a database superuser (the table owner, trigger disabled), or as
the application's own role, and checks that ``verify_audit`` fails, or that the role is refused.
"""

import json
import subprocess
import sys

import psycopg2
import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core import anchors, audit
from core.choices import HashScheme
from core.models import AuditAnchor, AuditEvent
from tests.helpers import BASE_DIR, child_env, db_url_for_children

WRONG_KEY = "an-attacker-guess-of-the-audit-key-0123456789"


@pytest.fixture
def anchor_dir(settings, tmp_path):
    settings.AUDIT_ANCHOR_DIR = str(tmp_path / "audit")
    return tmp_path / "audit"


def _events(n=5):
    for i in range(n):
        audit.record(actor="test", action="demo.change", target=("demo.thing", i), after={"n": i})
    return list(AuditEvent.objects.order_by("id"))


def _owner_sql(*statements):
    """As the table owner would: disable the append-only triggers around the statements."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        cursor.execute("ALTER TABLE core_auditanchor DISABLE TRIGGER USER")
        for sql, params in statements:
            cursor.execute(sql, params)
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
        cursor.execute("ALTER TABLE core_auditanchor ENABLE TRIGGER USER")


def _rewrite_chain(*, edit_id, scheme, key=None, relabel=True):
    """Edit one event, then recompute every later link as the attacker can. ``relabel``: also mark
    the rewritten events with ``scheme`` (a downgrade to the legacy plain SHA-256)."""
    columns = ("id", "scheme", "hash", *audit.KEYED_HASHED_FIELDS)
    prev = audit.GENESIS
    statements = []
    for row in AuditEvent.objects.order_by("id").values_list(*columns):
        event = dict(zip(columns, row, strict=True))
        if event["id"] < edit_id:
            prev = event["hash"]
            continue
        if event["id"] == edit_id:
            event["after"] = {"n": 99}
        new_hash = audit.event_hash(prev, event, scheme, key=key)
        statements.append(
            (
                "UPDATE core_auditevent SET after = %s, prev_hash = %s, hash = %s, scheme = %s WHERE id = %s",
                [json.dumps(event["after"]), prev, new_hash, str(scheme if relabel else event["scheme"]), event["id"]],
            )
        )
        prev = new_hash
    _owner_sql(*statements)


@pytest.mark.parametrize(
    ("edit_index", "scheme", "key", "relabel"),
    [
        pytest.param(2, HashScheme.SHA256, None, False, id="plain-sha256"),
        pytest.param(2, HashScheme.SHA256, None, True, id="plain-sha256-relabelled-legacy"),
        pytest.param(0, HashScheme.SHA256, None, True, id="whole-chain-relabelled-legacy"),
        pytest.param(2, HashScheme.HMAC_SHA256, WRONG_KEY, True, id="hmac-wrong-key"),
    ],
)
def test_rehashed_chain_detected_without_audit_key(db, anchor_dir, edit_index, scheme, key, relabel):
    events = _events()
    edited = events[edit_index]
    _rewrite_chain(edit_id=edited.pk, scheme=scheme, key=key, relabel=relabel)
    assert AuditEvent.objects.get(pk=edited.pk).after == {"n": 99}
    # No anchor exists yet: the key alone catches the rewrite.
    assert not anchor_dir.exists()
    with pytest.raises(CommandError, match=f"#{edited.pk}") as failure:
        call_command("verify_audit")
    assert "审计链校验未通过" in str(failure.value) and "FAILED" in str(failure.value)


def test_legacy_events_verify_and_the_chain_continues_keyed(db, anchor_dir, capsys):
    # Events written before AUDIT_KEY existed: plain SHA-256, as the old code stored them.
    prev = audit.GENESIS
    for i in range(2):
        fields = {
            "occurred_at": django_now(),
            "actor_type": "system",
            "actor_user_id": None,
            "actor_client_id": None,
            "actor_label": "old",
            "action": "demo.old",
            "target_type": "demo.thing",
            "target_id": str(i),
            "target_label": "",
            "before": None,
            "after": {"n": i},
            "request_id": "",
        }
        event = AuditEvent.objects.create(
            prev_hash=prev, hash=audit.event_hash(prev, fields, HashScheme.SHA256), scheme=HashScheme.SHA256, **fields
        )
        prev = event.hash
    anchors.anchor_cutover()  # what migration 0006 does at the upgrade
    new = _events(2)[2:]
    assert all(e.scheme == HashScheme.HMAC_SHA256 for e in new)
    assert new[0].prev_hash == prev  # the chain continues from the last legacy event
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "审计链完整：已校验 4 条事件，其中 2 条为启用密钥前的旧事件" in out and "Audit chain intact" in out
    # Without the cutover anchor, legacy events are not accepted (they could be a downgrade).
    (anchor_dir / anchors.ANCHOR_FILE).unlink()
    with pytest.raises(CommandError, match="降级"):
        call_command("verify_audit")


def django_now():
    from django.utils import timezone

    return timezone.now()


def test_rewritten_anchored_event_detected_even_with_audit_key(db, anchor_dir):
    """Whoever also holds AUDIT_KEY can recompute the chain, but not the anchors outside the database."""
    events = _events(3)
    anchors.audit_anchor_create()
    _rewrite_chain(edit_id=events[1].pk, scheme=HashScheme.HMAC_SHA256)
    assert audit.verify_chain().ok  # the chain alone is consistent again
    with pytest.raises(CommandError, match=f"#{events[2].pk}.*链被重算"):
        call_command("verify_audit")


@pytest.mark.django_db(transaction=True)
def test_deleted_tail_detected_by_anchor(anchor_dir):
    events = _events(5)
    anchors.audit_anchor_create()  # the hourly job: head #5 is now anchored outside the database
    call_command("verify_audit")
    # The attacker deletes the newest two events, and the published anchor rows with them.
    _owner_sql(
        ("DELETE FROM core_auditevent WHERE id >= %s", [events[3].pk]),
        ("DELETE FROM core_auditanchor", []),
    )
    assert not AuditAnchor.objects.exists()
    assert audit.verify_chain().ok  # what is left is a consistent chain: only the anchor shows the cut
    with pytest.raises(CommandError, match="审计链被截断") as failure:
        call_command("verify_audit")
    assert f"#{events[4].pk}" in str(failure.value) and "truncated" in str(failure.value)
    # manage.py exits non-zero, with the Chinese and English report.
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_audit"],
        cwd=BASE_DIR,
        env=child_env(DATABASE_URL=db_url_for_children(), AUDIT_ANCHOR_DIR=anchor_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "审计链被截断" in result.stderr and "audit chain truncated" in result.stderr, result.stderr[-2000:]


# --- the application's database role --------------------------------------------------------------

APP_PASSWORD = "app-role-test-password"


def _connect_as_app_role():
    s = connection.settings_dict
    host = s["HOST"] or s["OPTIONS"].get("host") or None
    return psycopg2.connect(
        dbname=s["NAME"],
        user=django_settings.DATABASE_APP_ROLE,
        password=APP_PASSWORD,
        host=host,
        port=s["PORT"] or None,
    )


@pytest.mark.django_db(transaction=True)
def test_app_role_cannot_disable_audit_trigger():
    events = _events(2)
    call_command("grant_app_role", password=APP_PASSWORD)
    with connection.cursor() as cursor:  # a table a later migration creates: default privileges cover it
        cursor.execute("CREATE TABLE audit_role_probe (id bigserial PRIMARY KEY, note text)")
    app = _connect_as_app_role()
    app.autocommit = True
    try:
        with app.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM core_auditevent")
            assert cursor.fetchone()[0] == 2
            cursor.execute(
                "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
            )
            assert cursor.fetchone()[0] == 0  # owns nothing
            # What the application needs still works: appending an event, DML elsewhere, new tables.
            cursor.execute(
                "INSERT INTO core_auditevent (occurred_at, actor_type, actor_label, action, target_type, target_id, target_label,"
                " request_id, prev_hash, hash, scheme) VALUES (now(), 'system', 'app', 'demo.append', 'demo.thing', '9', '', '', %s, %s, %s)",
                [events[-1].hash, "f" * 64, HashScheme.HMAC_SHA256],
            )
            cursor.execute("UPDATE django_celery_beat_periodictask SET description = description")
            cursor.execute("INSERT INTO audit_role_probe (note) VALUES ('ok')")
            attacks = [
                ("UPDATE core_auditevent SET action = 'tampered'", "permission denied"),
                ("DELETE FROM core_auditevent", "permission denied"),
                ("TRUNCATE core_auditevent", "permission denied"),
                ("UPDATE core_auditanchor SET event_hash = 'x'", "permission denied"),
                ("ALTER TABLE core_auditevent DISABLE TRIGGER USER", "must be owner"),
                ("ALTER TABLE core_auditevent DISABLE TRIGGER pgtrigger_audit_append_only_b1f7b", "must be owner"),
                ("DROP TRIGGER pgtrigger_audit_append_only_b1f7b ON core_auditevent", "must be owner"),
                ("SET session_replication_role = replica", "permission denied"),
            ]
            for statement, message in attacks:
                with pytest.raises(psycopg2.Error, match=message):
                    cursor.execute(statement)
            # pgtrigger's own bypass is a session setting anyone may set; the privilege check comes first.
            cursor.execute("SET pgtrigger.ignore = '{pgtrigger_audit_append_only_b1f7b}'")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute("DELETE FROM core_auditevent")
    finally:
        app.close()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE audit_role_probe")
    assert AuditEvent.objects.count() == 3
    assert not AuditEvent.objects.filter(action="tampered").exists()


def test_grant_app_role_refuses_a_bad_role_name(db):
    with pytest.raises(CommandError, match="角色名无效"):
        call_command("grant_app_role", role="portal; DROP TABLE x")


# --- the public page --------------------------------------------------------------------------------


def test_public_anchor_page_shows_daily_heads(db, client, anchor_dir):
    day_one = time_machine.travel("2026-11-20 09:00 +0800", tick=False)
    with day_one:
        _events(1)
        early = anchors.audit_anchor_create()
    with time_machine.travel("2026-11-20 23:00 +0800", tick=False):
        _events(1)
        last_of_day_one = anchors.audit_anchor_create()
    with time_machine.travel("2026-11-21 00:00 +0800", tick=False):
        _events(1)
        day_two = anchors.audit_anchor_create()
    html = client.get("/audit/anchors/").content.decode()
    assert "审计链每日锚点" in html and 'class="site-header"' in html  # the site's base template
    assert "2026年11月20日" in html and "2026年11月21日" in html
    assert last_of_day_one.event_hash in html and day_two.event_hash in html
    assert early.event_hash not in html  # one head per day: the last one
    assert html.index("2026年11月21日") < html.index("2026年11月20日")  # newest day first
    # Linked from every public page's footer; bad paging input is no error.
    assert 'href="/audit/anchors/"' in client.get("/").content.decode()
    assert client.get("/audit/anchors/?page=abc").status_code == 200
    assert client.post("/audit/anchors/").status_code == 405
    call_command("verify_audit")  # the page and the anchor file agree with the chain


# --- the key's configuration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "audit_key", [None, "dev-audit-key-not-for-production-0123456789"], ids=["missing", "development"]
)
def test_debug_off_refuses_missing_or_development_audit_key(audit_key):
    env = child_env(DEBUG="false")
    env.pop("AUDIT_KEY", None)
    if audit_key:
        env["AUDIT_KEY"] = audit_key
    command = [sys.executable, "-c", "import django; django.setup()"]
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    result = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "AUDIT_KEY" in result.stderr, result.stderr[-1500:]
    result = subprocess.run(
        command, cwd=BASE_DIR, env={**env, "DEBUG": "true"}, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-1500:]  # development (DEBUG on) keeps its default


def test_audit_event_records_the_client_address_by_the_trusted_proxy_rule(client, settings, dept_a):
    # Given one trusted proxy in front, and a citizen who forged a hop of their own
    settings.TRUSTED_PROXY_COUNT = 1
    # When they file a complaint (an audited change)
    response = client.post(
        "/api/v1/complaints/",
        {"entity_name": "某某餐馆", "content": "后厨卫生条件差"},
        content_type="application/json",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
    )
    assert response.status_code == 201
    # Then the audit event carries the address the proxy saw, not the forged one, sealed in the chain
    event = AuditEvent.objects.latest("id")
    assert event.client_ip == "203.0.113.9"
    assert audit.verify_chain().ok
    row = dict(AuditEvent.objects.filter(pk=event.pk).values(*audit.KEYED_HASHED_FIELDS).get())
    assert audit.event_hash(event.prev_hash, row, event.scheme) == event.hash
    row["client_ip"] = "6.6.6.6"
    assert audit.event_hash(event.prev_hash, row, event.scheme) != event.hash
