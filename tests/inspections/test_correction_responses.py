"""Answering a correction order (责令改正) online (issue 14 §3, inspections.services.corrections): the entity
answers with a statement and evidence, the issuing department accepts (closing the order) or returns it
with reasons; an order closed in time raises no abnormal-list proposal at the nightly scan."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from credit.choices import ListGround, ListType
from credit.models import ListProposal
from credit.scan import run_risk_scan
from inspections import services
from inspections.choices import CorrectionState, ResponseState, ResultCategory
from inspections.models import CorrectionOrder, CorrectionResponse

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
WINDOW = {"starts_on": dt.date(2026, 9, 1), "ends_on": dt.date(2026, 11, 30)}
INSPECTED_ON = dt.date(2026, 11, 20)  # Fri; 10 working days (correction period): 11-23..27 (5), 11-30..12-04 (10)
DUE_ON = dt.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def at(day: dt.date, hour=10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def make_orders(make_plan, graded_entities, make_inspector, dept_a, frozen_today):
    """``n`` correction orders of dept_a (未按规定公示, inspected on Fri 2026-11-20, due 2026-12-04)."""

    def make(n=1):
        graded_entities(n, industry_code="I6513")
        for _ in range(2):
            make_inspector(dept_a)
        draw = services.draw_run(actor="test", plan=make_plan(ratio_a=Decimal("1"), **WINDOW))
        orders = []
        for task in draw.tasks.order_by("entity"):
            result = services.result_submit(
                actor="test",
                task=task,
                department=dept_a,
                categories=[ResultCategory.NOT_PUBLISHED],
                findings="经核查，当事人未按规定公示行政许可信息。",
                inspected_on=INSPECTED_ON,
            )
            orders.append(CorrectionOrder.objects.get(result=result))
        return orders

    return make


def evidence(name="补充公示截图.pdf"):
    return [SimpleUploadedFile(name, PDF, "application/pdf")]


def respond(order, actor="entity", statement="已于国家企业信用信息公示系统补充公示行政许可信息。", **kw):
    return services.correction_respond(actor=actor, order=order, statement=statement, files=evidence(), **kw)


def test_the_correction_period_is_10_working_days_from_the_inspection(make_orders):
    # supervision.deadlines CORRECTION_ORDER: national default 10 working days (责令限期改正)
    (order,) = make_orders()
    assert order.due_on == DUE_ON


def test_the_entity_answers_an_open_order_with_statement_and_evidence(make_orders):
    (order,) = make_orders()
    response = respond(order)
    assert response.state == ResponseState.SUBMITTED and response.order_id == order.pk
    assert [e.filename for e in response.evidence.all()] == ["补充公示截图.pdf"]
    order.refresh_from_db()
    assert order.state == CorrectionState.OPEN  # answering does not close: the department decides
    event = AuditEvent.objects.get(action="correction.respond")
    assert event.target_id == str(response.pk) and event.after["order"] == order.pk


def test_an_answer_needs_a_statement_and_evidence_and_nothing_is_kept_when_refused(make_orders):
    (order,) = make_orders()
    with pytest.raises(ValidationError) as exc:
        services.correction_respond(actor="entity", order=order, statement="  ", files=[])
    assert set(exc.value.message_dict) == {"statement", "files"}
    assert not CorrectionResponse.objects.exists() and not AuditEvent.objects.filter(action="correction.respond")


def test_one_answer_at_a_time_is_under_review(make_orders):
    (order,) = make_orders()
    respond(order)
    with pytest.raises(ValidationError, match="正在审核"):
        respond(order)


def test_another_entity_cannot_answer_the_order(make_orders, make_entity):
    (order,) = make_orders()
    with pytest.raises(ValidationError, match="不属于本企业"):
        respond(order, entity=make_entity())
    assert not CorrectionResponse.objects.exists()


def test_no_answer_after_the_due_date(make_orders):
    (order,) = make_orders()
    with at(DUE_ON, hour=23):  # the due date itself is still in time
        respond(order)
    CorrectionResponse.objects.all().delete()
    with at(DUE_ON + dt.timedelta(days=1)), pytest.raises(ValidationError, match="改正期限 2026-12-04 已过"):
        respond(order)


def test_accepting_closes_the_order_on_the_date_the_answer_was_submitted(make_orders, alice):
    (order,) = make_orders()
    with at(dt.date(2026, 12, 1)):
        response = respond(order)
    with at(dt.date(2026, 12, 8)):  # reviewed after the due date
        services.correction_response_accept(actor=alice, response=response)
    order.refresh_from_db()
    response.refresh_from_db()
    assert (order.state, order.corrected_on) == (CorrectionState.CORRECTED, dt.date(2026, 12, 1))
    assert response.state == ResponseState.ACCEPTED and response.reviewer == alice and response.reviewed_at
    assert AuditEvent.objects.filter(action="correction.response_accept", target_id=str(response.pk)).exists()
    assert AuditEvent.objects.get(action="correction.corrected").after == {"corrected_on": "2026-12-01"}
    with pytest.raises(ValidationError, match="已接受"):
        services.correction_response_accept(actor=alice, response=response)


def test_returned_with_reasons_then_answered_again(make_orders, alice):
    (order,) = make_orders()
    first = respond(order)
    with pytest.raises(ValidationError) as exc:
        services.correction_response_return(actor=alice, response=first, reasons="  ")
    assert "reasons" in exc.value.message_dict
    services.correction_response_return(actor=alice, response=first, reasons="截图未显示公示日期，请补充。")
    first.refresh_from_db()
    order.refresh_from_db()
    assert (first.state, first.return_reasons, first.reviewer) == (
        ResponseState.RETURNED,
        "截图未显示公示日期，请补充。",
        alice,
    )
    assert order.state == CorrectionState.OPEN
    assert (
        AuditEvent.objects.get(action="correction.response_return").after["return_reasons"]
        == "截图未显示公示日期，请补充。"
    )
    second = respond(order, statement="已补充公示日期截图。")
    services.correction_response_accept(actor=alice, response=second)
    order.refresh_from_db()
    assert order.state == CorrectionState.CORRECTED
    assert list(order.responses.order_by("pk").values_list("state", flat=True)) == [
        ResponseState.RETURNED,
        ResponseState.ACCEPTED,
    ]


def test_only_the_issuing_department_decides(make_orders, bob, platform_admin, make_entity_user_free):
    (order,) = make_orders()
    response = respond(order)
    for outsider in (bob, make_entity_user_free(order.entity)):
        with pytest.raises(ValidationError, match="只有责令部门"):
            services.correction_response_accept(actor=outsider, response=response)
        with pytest.raises(ValidationError, match="只有责令部门"):
            services.correction_response_return(actor=outsider, response=response, reasons="不符合")
    response.refresh_from_db()
    assert response.state == ResponseState.SUBMITTED
    services.correction_response_accept(actor=platform_admin, response=response)  # 平台管理员 may
    order.refresh_from_db()
    assert order.state == CorrectionState.CORRECTED


@pytest.fixture
def make_entity_user_free(django_user_model):
    """A signed-in-able non-staff user (an entity's liaison has no department)."""

    def make(entity):
        return django_user_model.objects.create_user(username=f"e-{entity.uscc}", password="Entity-Secret-123")

    return make


def proposals():
    return ListProposal.objects.filter(list_type=ListType.ABNORMAL, ground=ListGround.INFO_NOT_PUBLISHED)


def test_an_order_answered_and_accepted_in_time_raises_no_listing_at_the_nightly_scan(make_orders, alice):
    # Given two orders due 2026-12-04: one answered on 12-01 and accepted on 12-02, one never answered
    answered, ignored = make_orders(2)
    with at(dt.date(2026, 12, 1)):
        response = respond(answered)
    with at(dt.date(2026, 12, 2)):
        services.correction_response_accept(actor=alice, response=response)
    # When the nightly scan runs after the due date
    with at(dt.date(2026, 12, 7), hour=2):
        run_risk_scan(trigger="test", today=dt.date(2026, 12, 7))
    answered.refresh_from_db()
    ignored.refresh_from_db()
    # Then the accepted one stays closed and raises nothing; the unanswered one is proposed as before
    assert (answered.state, answered.corrected_on) == (CorrectionState.CORRECTED, dt.date(2026, 12, 1))
    assert ignored.state == CorrectionState.OVERDUE
    assert list(proposals().values_list("source_ref", flat=True)) == [f"责令改正 #{ignored.pk}"]


def test_an_answer_pending_at_the_due_date_keeps_the_order_open_until_decided(make_orders, alice):
    # Given two orders due 2026-12-04, both answered in time and still under review at the due date
    accepted, returned = make_orders(2)
    with at(dt.date(2026, 12, 3)):
        to_accept, to_return = respond(accepted), respond(returned)
    # When the scan runs after the due date: neither is overdue yet
    with at(dt.date(2026, 12, 7), hour=2):
        run_risk_scan(trigger="test", today=dt.date(2026, 12, 7))
    accepted.refresh_from_db()
    returned.refresh_from_db()
    assert (accepted.state, returned.state) == (CorrectionState.OPEN, CorrectionState.OPEN)
    assert not proposals().exists()
    # And once decided: accepted → corrected on the day it was answered; returned → overdue at the next scan
    with at(dt.date(2026, 12, 8)):
        services.correction_response_accept(actor=alice, response=to_accept)
        services.correction_response_return(actor=alice, response=to_return, reasons="材料与公示信息不符。")
        with pytest.raises(ValidationError, match="已过"):
            respond(returned)  # the deadline stays: no new answer after it
    with at(dt.date(2026, 12, 9), hour=2):
        run_risk_scan(trigger="test", today=dt.date(2026, 12, 9))
    accepted.refresh_from_db()
    returned.refresh_from_db()
    assert (accepted.state, accepted.corrected_on) == (CorrectionState.CORRECTED, dt.date(2026, 12, 3))
    assert returned.state == CorrectionState.OVERDUE
    assert list(proposals().values_list("source_ref", flat=True)) == [f"责令改正 #{returned.pk}"]
