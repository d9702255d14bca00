"""尽职免责 (seed 001/002): the responsible department's official files a documented reason on a late or
overdue item; a superior department (or the platform admin) accepts or rejects it, never the
department itself. Tested with the owning department's official, another department's and anonymous."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEvent
from oversight import services
from oversight.models import DutyExemption
from tests.oversight.conftest import at, evidence
from tests.oversight.test_eval_metrics import complaint

pytestmark = pytest.mark.django_db

DECEMBER_1 = at(dt.date(2026, 12, 1))


@pytest.fixture
def items(tree):
    """C's complaints of 11-02 (due 11-23): late, overdue, on time."""
    return {
        "late": complaint(tree.c, closed=dt.date(2026, 11, 24)),
        "overdue": complaint(tree.c),
        "on_time": complaint(tree.c, closed=dt.date(2026, 11, 20)),
    }


def file(user, item, kind="complaint", **kw):
    fields = {
        "actor": user,
        "kind": kind,
        "object_id": item.pk if hasattr(item, "pk") else item,
        "reason_kind": "force_majeure",
        "reason": "暴雨红色预警停工两日",
        "evidence": evidence(),
    }
    fields.update(kw)
    with time_machine.travel(DECEMBER_1):
        return services.duty_exemption_file(**fields)


def refusal(call) -> dict:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict if hasattr(refused.value, "error_dict") else {None: refused.value.messages}


def test_owning_official_files_a_reason_on_a_late_and_an_overdue_item(tree, items):
    late = file(tree.c_official, items["late"])
    overdue = file(tree.c_official, items["overdue"])
    assert (late.state, late.department, overdue.state) == ("submitted", tree.c, "submitted")
    event = AuditEvent.objects.get(action="duty_exemption.file", target_id=str(late.pk))
    assert event.after["lateness"] == "late"


def test_filing_refuses_another_department_an_item_in_time_a_missing_item_and_no_evidence(tree, items):
    assert "只能为本部门负责的事项" in refusal(lambda: file(tree.o_official, items["late"]))["object_id"][0]
    # a superior department does not file for the department either
    assert "只能为本部门负责的事项" in refusal(lambda: file(tree.p_official, items["late"]))["object_id"][0]
    assert "未超期也未逾期" in refusal(lambda: file(tree.c_official, items["on_time"]))["object_id"][0]
    assert "找不到编号为 999999 的投诉举报办理事项" in refusal(lambda: file(tree.c_official, 999999))["object_id"][0]
    assert "事项类型无效" in refusal(lambda: file(tree.c_official, items["late"], kind="nope"))["kind"][0]
    errors = refusal(lambda: file(tree.c_official, items["late"], evidence=None, reason=" "))
    assert errors["evidence"] == ["请上传证明材料（如放假通知、不可抗力证明）"] and errors["reason"] == [
        "请写明情况说明"
    ]
    file(tree.c_official, items["late"])
    assert "已有待审核或已认可" in refusal(lambda: file(tree.c_official, items["late"]))["object_id"][0]
    assert DutyExemption.objects.count() == 1


def test_only_a_superior_decides_never_the_department_itself(tree, items):
    exemption = file(tree.c_official, items["late"])
    for user in (tree.c_official, tree.o_official, tree.k_official):  # itself, a peer, a department below
        assert (
            "只有上级部门"
            in refusal(
                lambda user=user: services.duty_exemption_decide(
                    actor=user, exemption=exemption, accept=True, note="同意"
                )
            )[None][0]
        )
    assert refusal(
        lambda: services.duty_exemption_decide(actor=tree.p_official, exemption=exemption, accept=True, note="")
    )["note"] == ["请填写审核意见"]
    decided = services.duty_exemption_decide(actor=tree.p_official, exemption=exemption, accept=True, note="情况属实")
    assert (decided.state, decided.decided_by, decided.decision_note) == ("accepted", tree.p_official, "情况属实")
    assert AuditEvent.objects.filter(action="duty_exemption.accept", target_id=str(exemption.pk)).exists()
    assert (
        "不能再审核"
        in refusal(
            lambda: services.duty_exemption_decide(actor=tree.admin, exemption=exemption, accept=False, note="撤回")
        )[None][0]
    )


def test_a_rejected_reason_may_be_followed_by_a_new_one(tree, items):
    first = file(tree.c_official, items["overdue"])
    services.duty_exemption_decide(actor=tree.admin, exemption=first, accept=False, note="证明材料不足")
    second = file(tree.c_official, items["overdue"])
    assert second.pk != first.pk and second.state == "submitted"


# --- admin --------------------------------------------------------------------------------------------


def test_admin_lists_by_subtree(tree, items, client):
    exemption = file(tree.c_official, items["late"])
    url = reverse("admin:oversight_dutyexemption_changelist")
    # Anonymous: the login page
    assert client.get(url).status_code == 302
    seen = {}
    for user in (tree.c_official, tree.p_official, tree.o_official, tree.k_official, tree.admin, tree.auditor):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        seen[user.username] = [e.pk for e in response.context["cl"].result_list]
    assert seen == {
        "c-official": [exemption.pk],
        "p-official": [exemption.pk],  # the superior sees what it decides
        "o-official": [],
        "k-official": [],  # a department below does not see its parent's
        "platform": [exemption.pk],
        "auditor": [exemption.pk],
    }


def test_admin_filing_form_and_superior_action(tree, items, client):
    # Given the owning official files through the admin form
    client.force_login(tree.c_official)
    add = reverse("admin:oversight_dutyexemption_add")
    with time_machine.travel(DECEMBER_1):
        response = client.post(
            add,
            {
                "kind": "complaint",
                "object_id": items["on_time"].pk,
                "reason_kind": "holiday_notice",
                "reason": "国庆调休",
                "evidence": evidence(),
            },
        )
        # An item in time: the form again, the error on the field, the text kept
        assert response.status_code == 200
        assert "该事项未超期也未逾期" in str(response.context["adminform"].form.errors["object_id"])
        assert "国庆调休" in response.content.decode()
        response = client.post(
            add,
            {
                "kind": "complaint",
                "object_id": items["late"].pk,
                "reason_kind": "holiday_notice",
                "reason": "国庆调休",
                "evidence": evidence(),
            },
        )
    assert response.status_code == 302
    exemption = DutyExemption.objects.get()
    assert exemption.evidence.name.startswith("exemptions/") and "dry-run" not in exemption.evidence.name
    changelist = reverse("admin:oversight_dutyexemption_changelist")
    decide = {"action": "accept", "_selected_action": [exemption.pk], "apply": "1", "note": "同意"}
    # The department itself cannot accept its own reason through the action
    client.post(changelist, decide)
    assert DutyExemption.objects.get().state == "submitted"
    # Another department's official does not even see it
    client.force_login(tree.o_official)
    client.post(changelist, decide)
    assert DutyExemption.objects.get().state == "submitted"
    # The superior accepts it
    client.force_login(tree.p_official)
    response = client.post(changelist, decide)
    assert response.status_code == 302
    assert DutyExemption.objects.get().state == "accepted"
    # The evidence is downloadable by the superior, not by another department
    evidence_url = reverse("admin:oversight_dutyexemption_evidence", args=[exemption.pk])
    assert client.get(evidence_url).status_code == 200
    client.force_login(tree.o_official)
    assert client.get(evidence_url).status_code == 404
