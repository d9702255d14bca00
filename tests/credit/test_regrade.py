"""Issue 11 §1, follow-up work is never lost: a change marks its entity in its own transaction; a
broker that is down neither fails nor loses the re-grade; the drain and the nightly scan re-grade
what is still marked, deleting only the marks they drained."""

import contextlib
import datetime as dt
import logging
import threading

import pytest
from django.db import connection, transaction

from credit import regrade, services
from credit.choices import Grade, ListGround, ListType
from credit.models import EntityCredit, IndustryRisk, RegradeMark
from credit.scan import run_risk_scan
from portal.celery import app
from tests.conftest import record_data
from tests.credit.test_admin import RECORDS, record_form
from tests.helpers import free_port

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def graded(make_entity, dept_a, evaluate):
    """An entity of department A, graded 良好."""
    entity = make_entity(name="郑州市金水区补偿测试商行", registration_authority=dept_a)
    RegradeMark.objects.all().delete()  # the roster entry's own mark
    evaluate([entity.uscc])
    assert EntityCredit.objects.get(entity_id=entity.uscc).grade == Grade.GOOD
    return entity


@contextlib.contextmanager
def broker_pointed_at_nothing():
    """The Celery app's broker pointed at a port where nothing listens (the real client, a dead address)."""
    saved = app.conf.broker_url, app._pool, app.amqp._producer_pool
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app._pool, app.amqp._producer_pool = saved


@pytest.fixture
def broker_down():
    with broker_pointed_at_nothing():
        yield


def grade_of(entity) -> str:
    return EntityCredit.objects.get(entity_id=entity.uscc).grade


def test_a_change_marks_its_entity_in_its_own_transaction(push, graded):
    push(record_data(graded.uscc, "M-1"))
    assert list(RegradeMark.objects.values_list("uscc", flat=True)) == [graded.uscc]
    # A change that rolls back leaves no mark
    RegradeMark.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        push(record_data(graded.uscc, "M-2"))
        raise RuntimeError("回滚")
    assert not RegradeMark.objects.exists()


@pytest.mark.django_db(
    transaction=True
)  # the admin's transaction really commits, and its on-commit queueing really runs
def test_regrade_not_lost_when_broker_down(client, alice, graded, dept_a, broker_down, caplog):
    # Given the broker is down
    client.force_login(alice)
    # When alice adds a 一般 penalty in the admin
    with caplog.at_level(logging.WARNING, logger="credit.regrade"):
        response = client.post(f"{RECORDS}add/", record_form(graded.uscc, department=str(dept_a.pk)))
    # Then the request succeeds (a redirect, not a 500), the failure is logged, and the entity is marked
    assert response.status_code == 302
    assert "未能入队" in caplog.text
    assert RegradeMark.objects.filter(uscc=graded.uscc).exists()
    assert grade_of(graded) == Grade.GOOD  # nothing re-graded it yet
    # And the drain (the beat job's function) re-grades it and clears the mark
    assert regrade.regrade_drain() == 1
    assert grade_of(graded) == Grade.DISHONEST
    assert not RegradeMark.objects.exists()


def test_listing_and_commitment_outcomes_mark_their_entity(graded, dept_a):
    # A list entry (DOMAIN §3: 经营异常名录 → 失信) marks the entity in its transaction, and the drain grades it
    services.list_entry_add(
        actor="test",
        entity_uscc=graded.uscc,
        list_type=ListType.ABNORMAL,
        ground=ListGround.NO_ANNUAL_REPORT,
        legal_basis="《企业信息公示暂行条例》第十七条",
        department=dept_a,
        decided_on=dt.date(2026, 7, 10),
        ground_established_on=dt.date(2026, 7, 1),
    )
    assert list(RegradeMark.objects.values_list("uscc", flat=True)) == [graded.uscc]
    assert regrade.regrade_drain() == 1 and grade_of(graded) == Grade.DISHONEST
    # A broken commitment becomes a negative record through the push, which marks the entity too
    commitment, _code = services.commitment_make(
        actor="test",
        entity_uscc=graded.uscc,
        commitment_type="voluntary",
        department=dept_a,
        content="依法诚信经营",
        signatory="张三",
        due_on=dt.date(2026, 12, 1),
    )
    services.commitment_break(actor="test", commitment=commitment, note="逾期未整改")
    assert list(RegradeMark.objects.values_list("uscc", flat=True)) == [graded.uscc]


def test_nightly_scan_regrades_still_marked(push, graded):
    push(record_data(graded.uscc, "M-3"))  # no worker ran: the entity is still marked
    assert RegradeMark.objects.filter(uscc=graded.uscc).exists()
    run = run_risk_scan(trigger="test", today=dt.date(2026, 11, 22))
    assert run.counts["regrade_marks_drained"] == 1
    assert grade_of(graded) == Grade.DISHONEST
    assert not RegradeMark.objects.exists()


def test_fast_path_task_clears_the_marks_of_what_it_re_grades(push, graded):
    from credit.tasks import evaluate_entities

    push(record_data(graded.uscc, "M-4"))
    assert evaluate_entities.run([graded.uscc]) == {"evaluated": 1}
    assert grade_of(graded) == Grade.DISHONEST
    assert not RegradeMark.objects.exists()


def test_industry_risk_change_marks_the_entities_of_that_industry(make_entity, graded):
    other = make_entity(industry_code="C1310")
    RegradeMark.objects.all().delete()
    services.simple_save(
        actor="test", obj=IndustryRisk(), action="industry_risk", industry_prefix="F52", name="零售业", level="high"
    )
    assert set(RegradeMark.objects.values_list("uscc", flat=True)) == {graded.uscc}
    assert other.uscc not in set(RegradeMark.objects.values_list("uscc", flat=True))


@pytest.mark.django_db(transaction=True)
def test_drain_deletes_only_what_it_drained(dept_a, make_entity, evaluate):
    # Given a graded entity, and a push for it that has marked it but not yet committed
    entity = make_entity()
    evaluate([entity.uscc])
    RegradeMark.objects.all().delete()
    marked, release = threading.Event(), threading.Event()

    def slow_push():
        try:
            with transaction.atomic():
                services.credit_records_push(actor="test", department=dept_a, records=[record_data(entity.uscc, "M-5")])
                marked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_push)
    thread.start()
    assert marked.wait(timeout=30)
    # When a drain runs meanwhile, it re-grades nothing and deletes no mark
    assert regrade.regrade_drain() == 0
    release.set()
    thread.join(timeout=30)
    # Then the committed mark is still there, and the next drain re-grades the entity
    assert RegradeMark.objects.filter(uscc=entity.uscc).exists()
    assert regrade.regrade_drain() == 1
    assert EntityCredit.objects.get(entity_id=entity.uscc).grade == Grade.DISHONEST
    assert not RegradeMark.objects.exists()
