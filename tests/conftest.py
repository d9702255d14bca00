import datetime as dt

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from core import services as core_services
from core.choices import Role
from supervision import services as sv

# Real, public codes from DOMAIN.md §1 and a few generated valid ones.
SINOPEC = "91110000710926094P"
BAOSTEEL = "91310000631696382C"
HUAWEI = "914403001922038216"


def valid_uscc(body17: str) -> str:
    from core.uscc import check_character

    return body17 + check_character(body17)


@pytest.fixture
def make_department(db):
    counter = {"n": 0}

    def make(name=None, code=None, **kw):
        counter["n"] += 1
        n = counter["n"]
        return sv.department_save(
            actor="test",
            code=code or f"D{n:03d}",
            name=name or f"测试部门{n}",
            short_name=kw.pop("short_name", f"测{n}"),
            level=kw.pop("level", "city"),
            uscc=kw.pop("uscc", valid_uscc(f"11410100MB{n:07d}")),
            region_code=kw.pop("region_code", "410100"),
            **kw,
        )

    return make


@pytest.fixture
def dept_a(make_department):
    return make_department(name="郑州市市场监督管理局", code="ZZSJ", short_name="郑市监")


@pytest.fixture
def dept_b(make_department):
    return make_department(name="郑州市卫生健康委员会", code="ZZWJ", short_name="郑卫健")


@pytest.fixture
def make_official(db, django_user_model):
    def make(username, department, role=Role.DEPARTMENT_OFFICIAL, **kw):
        user = django_user_model.objects.create_user(
            username=username, password="pw-Secret-123", department=department, is_staff=True, **kw
        )
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def alice(make_official, dept_a):
    """An official of the owning department."""
    return make_official("alice", dept_a)


@pytest.fixture
def bob(make_official, dept_b):
    """An official of another department."""
    return make_official("bob", dept_b)


@pytest.fixture
def platform_admin(make_official, dept_a):
    return make_official("root-admin", dept_a, role=Role.PLATFORM_ADMIN)


@pytest.fixture
def make_entity(db):
    counter = {"n": 0}

    def make(uscc_code=None, name=None, **kw):
        counter["n"] += 1
        n = counter["n"]
        return sv.entity_save(
            actor="test",
            uscc=uscc_code or valid_uscc(f"914101005{n:08d}"),
            name=name or f"郑州测试商贸有限公司{n}",
            region_code=kw.pop("region_code", "410105"),
            industry_code=kw.pop("industry_code", "F5211"),
            legal_representative=kw.pop("legal_representative", "张三"),
            established_on=kw.pop("established_on", dt.date(2020, 1, 1)),
            **kw,
        )

    return make


@pytest.fixture
def api_key(dept_a):
    def make(scopes=("credit:read",), department=None):
        client, key = core_services.api_client_create(
            actor="test", name="政府采购系统", department=department or dept_a, scopes=list(scopes)
        )
        return client, key

    return make


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def credit_api(api, api_key):
    _, key = api_key(("credit:read",))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


@pytest.fixture(autouse=True, scope="session")
def _audit_anchor_dir(tmp_path_factory):
    """Audit anchors (core.anchors) go to this session's directory, never to the checkout's
    var/audit; worker processes started by tests inherit it through the environment."""
    import os

    from django.conf import settings

    path = str(tmp_path_factory.mktemp("audit-anchors"))
    os.environ["AUDIT_ANCHOR_DIR"] = settings.AUDIT_ANCHOR_DIR = path
    yield


def _reseed_channel_deadlines(apps):
    """The complaint channels' default deadlines, as enforcement migrations 0002 and 0007 leave them:
    15 working days from 2020-01-01 for every channel (kind ``complaint``, variant = channel)."""
    deadline = apps.get_model("supervision", "StatutoryDeadline")
    labels = dict(apps.get_model("enforcement", "Complaint")._meta.get_field("channel").choices)
    for channel in ("web", "api", "12345", "12315", "window"):
        deadline.objects.get_or_create(
            kind="complaint",
            variant=channel,
            department=None,
            region_code="",
            effective_from=dt.date(2020, 1, 1),
            defaults={
                "working_days": 15,
                "effective_to": None,
                "note": f"{labels.get(channel, channel)}渠道",
                "citation": "默认办理时限：15个工作日",
            },
        )


@pytest.fixture(autouse=True, scope="session")
def _flush_past_audit_truncate_guard():
    """Transactional tests end with TRUNCATE of every table; the audit trail refuses TRUNCATE
    (append-only), so the test teardown alone is let through with pgtrigger.ignore. The roles
    and schedules that migrations create are then restored."""
    import pgtrigger
    from django.core.management.commands import flush

    original = flush.Command.handle

    def handle(self, *args, **options):
        from core.roles import ensure_roles, ensure_schedules

        with pgtrigger.ignore("core.AuditEvent:audit_no_truncate"):
            result = original(self, *args, **options)
        # The flush also removed what migrations create; put it back for the next test.
        ensure_roles()
        ensure_schedules()
        import importlib

        from django.apps import apps

        importlib.import_module("credit.migrations.0002_seed_rules").seed(apps, None)
        importlib.import_module("credit.migrations.0020_i18n_adminapi").correct(apps, None)
        importlib.import_module("supervision.migrations.0003_seed_statutory_deadlines").seed(apps, None)
        importlib.import_module("supervision.migrations.0004_party_answer_deadline").seed(apps, None)
        _reseed_channel_deadlines(apps)
        importlib.import_module("oversight.migrations.0003_i17_eval").seed_indicators(apps, None)
        return result

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


# --- credit ---------------------------------------------------------------------------------------

TODAY = dt.date(2026, 11, 22)


def record_data(
    uscc_code,
    source_ref="郑市监罚〔2026〕12号",
    *,
    category="administrative_penalty",
    polarity="negative",
    severity="general",
    decided_on="2026-11-01",
    title="未按规定明码标价",
    **kw,
) -> dict:
    """One record as the API takes it (API.md)."""
    data = {
        "source_ref": source_ref,
        "uscc": uscc_code,
        "category": category,
        "polarity": polarity,
        "severity": severity if polarity == "negative" else "",
        "title": title,
        "decided_on": str(decided_on),
        "legal_basis": kw.pop("legal_basis", "《中华人民共和国价格法》第十三条"),
        "content": kw.pop("content", "经查，当事人销售商品未明码标价。"),
    }
    data.update(kw)
    return data


@pytest.fixture
def frozen_today():
    """The wall clock at 2026-11-22 10:00 Asia/Shanghai (STYLE.md rule 15: never the real clock)."""
    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=True):
        yield TODAY


@pytest.fixture
def push(dept_a):
    """Push records through the one service, as department A unless told otherwise."""
    from credit.services import credit_records_push

    def push(*records, department=None, actor="test"):
        return credit_records_push(actor=actor, department=department or dept_a, records=list(records))

    return push


@pytest.fixture
def evaluate():
    from credit.evaluation import evaluate as run

    return run


@pytest.fixture
def records_api(api, api_key):
    _, key = api_key(("credit:read", "records:write"))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup, django_db_blocker):
    """The whole demo (``manage.py seed_demo``, every app's hook), seeded once per test module on
    2026-11-22 inside a transaction that is rolled back when the module ends. Each test that also
    asks for ``db`` runs in a savepoint inside it, as Django's ``TestCase.setUpTestData`` does, so
    a test's own changes are undone and the next test sees the demo as seeded."""
    import io

    import time_machine
    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with time_machine.travel(
                dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=True
            ):
                out = io.StringIO()
                call_command("seed_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- static files as production serves them (issue 16 §1) ----------------------------------------
# The suite renders with the plain storage (STATIC_MANIFEST=0 in pyproject.toml), so a clean clone
# needs no collectstatic. These two fixtures give a test the production path: hashed, gzip-compressed
# files in a temporary STATIC_ROOT, served by WhiteNoise, with the manifest strict.
PRODUCTION_STATIC_STORAGE = "portal.staticfiles.PortalStaticFilesStorage"


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """``collectstatic`` once per test process into a temporary directory."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    root = tmp_path_factory.mktemp("static")
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STATIC_STORAGE}}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def production_static(collected_static, settings):
    """Settings as in production after ``collectstatic``; a missing manifest entry raises here."""
    settings.WHITENOISE_MANIFEST_STRICT = True
    settings.WHITENOISE_USE_FINDERS = False
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STATIC_STORAGE}}
    return collected_static
