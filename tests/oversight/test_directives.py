"""督办 (issue 17 §4) through its services: who may issue, what may be pressed, the answer deadline in
working days, and every state transition, each audited."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from credit.models import RiskWarning
from oversight import services
from oversight.directives import find_item, pressable_items
from oversight.models import Directive, DirectiveState
from tests.oversight.conftest import at

PDF = b"%PDF-1.4\n%test\n"


def issue(actor, item, kind="complaint", days=3, reason="该投诉已超期未办结，请立即办理并报告结果"):
    return services.directive_issue(actor=actor, kind=kind, object_id=item.pk, reason=reason, answer_working_days=days)


def test_parent_department_presses_an_overdue_item_with_a_working_day_deadline_across_the_holiday(
    today, superior, overdue_complaint, district, city
):
    # When the city bureau presses the district's overdue complaint on Wed 09-30 with 3 working days
    directive = issue(superior, overdue_complaint)

    # Then the district must answer by Sat 10-10: 10-01..07 are National Day, 10-08, 10-09 and the
    # make-up Saturday 10-10 are the three working days (DOMAIN §6: 调休 counted)
    assert directive.answer_due_on == dt.date(2026, 10, 10) and not directive.answer_due_provisional
    assert (directive.department, directive.issuing_department, directive.state) == (district, city, "open")
    event = AuditEvent.objects.get(action="directive.issue")
    assert event.actor_user == superior and event.target_id == str(directive.pk)


def test_an_answer_deadline_past_the_holiday_data_is_provisional(superior, complaint_at, district):
    # Given a complaint overdue on Mon 2026-12-28 (chinese-calendar covers 2026 only)
    complaint = complaint_at(district, dt.date(2026, 11, 30))
    with time_machine.travel(at(dt.date(2026, 12, 28)), tick=True):
        directive = issue(superior, complaint, days=5)
    # 12-29, 12-30, 12-31, then 2027: 01-01 元旦 (statutory), 01-04, 01-05 → provisional
    assert directive.answer_due_on == dt.date(2027, 1, 5) and directive.answer_due_provisional


def test_only_a_platform_admin_or_a_parent_department_may_press(
    today, superior, responsible, outsider, root, overdue_complaint
):
    # The department itself may not press its own item; nor may an unrelated department
    for actor in (responsible, outsider):
        with pytest.raises(ValidationError, match="上级部门"):
            issue(actor, overdue_complaint)
    assert not Directive.objects.exists() and not AuditEvent.objects.filter(action="directive.issue").exists()
    # A platform administrator may, from any department
    directive = issue(root, overdue_complaint)
    assert directive.issued_by == root


def test_only_overdue_or_at_risk_open_items_may_be_pressed(
    today, superior, fresh_complaint, complaint_at, district, overdue_complaint
):
    # Due after the 3-working-day window: not yet
    with pytest.raises(ValidationError, match="3个工作日内到期"):
        issue(superior, fresh_complaint)
    # Filed Thu 09-10: due Thu 10-08, the first working day after the holiday: at risk
    at_risk = complaint_at(district, dt.date(2026, 9, 10))
    assert at_risk.due_on == dt.date(2026, 10, 8)
    assert issue(superior, at_risk).state == DirectiveState.OPEN
    # One live 督办 per item
    issue(superior, overdue_complaint)
    with pytest.raises(ValidationError, match="已有未办结的督办"):
        issue(superior, overdue_complaint)
    # An unknown item, a bad period, no reason: each refused with its field
    with pytest.raises(ValidationError) as exc:
        services.directive_issue(actor=superior, kind="complaint", object_id=999999, reason="x", answer_working_days=3)
    assert "object_id" in exc.value.message_dict
    another = complaint_at(district, dt.date(2026, 9, 2))
    with pytest.raises(ValidationError) as exc:
        services.directive_issue(
            actor=superior, kind="complaint", object_id=another.pk, reason="x", answer_working_days=0
        )
    assert "answer_working_days" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.directive_issue(
            actor=superior, kind="complaint", object_id=another.pk, reason=" ", answer_working_days=3
        )
    assert "reason" in exc.value.message_dict


def test_open_warnings_may_be_pressed(today, superior, district, make_entity):
    entity = make_entity()
    warning = RiskWarning.objects.create(
        rule_code="LIST_ENTERED",
        dedupe_key="t1",
        entity_id=entity.uscc,
        department=district,
        message="列入名单",
        created_at=at(today),
    )
    assert find_item("warning", warning.pk).issuable
    directive = issue(superior, warning, kind="warning")
    assert directive.department == district


def test_answer_close_and_return_with_new_deadline(today, superior, responsible, outsider, overdue_complaint):
    directive = issue(superior, overdue_complaint)

    # Only the department pressed answers (not the issuer, not an outsider)
    for actor in (superior, outsider):
        with pytest.raises(ValidationError, match="被督办部门"):
            services.directive_answer(actor=actor, directive=directive, answer="已办结")
    with pytest.raises(ValidationError) as exc:
        services.directive_answer(actor=responsible, directive=directive, answer="  ")
    assert "answer" in exc.value.message_dict

    # open → answered, with the evidence kept
    upload = SimpleUploadedFile("办结报告.pdf", PDF, content_type="application/pdf")
    directive = services.directive_answer(
        actor=responsible, directive=directive, answer="已联系投诉人并现场核查，已办结", evidence=[upload]
    )
    assert directive.state == DirectiveState.ANSWERED and directive.answered_by == responsible
    assert [e.name for e in directive.evidence.all()] == ["办结报告.pdf"]

    # Only the issuer side reviews
    for actor in (responsible, outsider):
        with pytest.raises(ValidationError, match="督办人"):
            services.directive_close(actor=actor, directive=directive)

    # answered → returned: a new deadline counted from the day it is sent back (Fri 10-09 + 3 = Tue 10-13,
    # the make-up Saturday 10-10 included), the same number of working days
    with time_machine.travel(at(dt.date(2026, 10, 9)), tick=True):
        with pytest.raises(ValidationError) as exc:
            services.directive_return(actor=superior, directive=directive, note="")
        assert "note" in exc.value.message_dict
        directive = services.directive_return(actor=superior, directive=directive, note="未附投诉人回访记录")
    assert directive.state == DirectiveState.RETURNED and directive.answer_due_on == dt.date(2026, 10, 13)
    with pytest.raises(ValidationError, match="尚无待审核的答复"):
        services.directive_close(actor=superior, directive=directive)

    # returned → answered → closed
    directive = services.directive_answer(actor=responsible, directive=directive, answer="已补充回访记录")
    directive = services.directive_close(actor=superior, directive=directive, note="同意办结")
    assert directive.state == DirectiveState.CLOSED and directive.closed_at is not None
    with pytest.raises(ValidationError, match="不能答复"):
        services.directive_answer(actor=responsible, directive=directive, answer="再答一次")
    assert list(
        AuditEvent.objects.filter(target_type="oversight.directive", target_id=str(directive.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["directive.issue", "directive.answer", "directive.return", "directive.answer", "directive.close"]

    # A closed 督办 may be followed by a new one on the same item
    assert issue(superior, overdue_complaint).state == DirectiveState.OPEN


def test_return_may_give_another_number_of_working_days(today, superior, responsible, overdue_complaint):
    directive = issue(superior, overdue_complaint)
    services.directive_answer(actor=responsible, directive=directive, answer="已办结")
    directive = services.directive_return(actor=superior, directive=directive, note="请补充", answer_working_days=1)
    assert directive.answer_due_on == dt.date(2026, 10, 8)  # the first working day after the holiday


def test_pressable_items_are_the_subordinates_overdue_and_at_risk_ones(
    today, superior, responsible, outsider, root, overdue_complaint, fresh_complaint, complaint_at, city
):
    own = complaint_at(city, dt.date(2026, 9, 1))  # the city's own overdue complaint: not for it to press
    assert [(i.kind, i.object_id) for i in pressable_items(superior)] == [("complaint", overdue_complaint.pk)]
    assert pressable_items(responsible) == [] and pressable_items(outsider) == []
    assert {i.object_id for i in pressable_items(root)} == {overdue_complaint.pk, own.pk}
    issue(superior, overdue_complaint)  # pressed: now on the 督办 list instead
    assert pressable_items(superior) == []
