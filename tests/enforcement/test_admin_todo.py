"""The admin home's 待办 panel gains enforcement: complaints by how close their deadline is (issue 17 §6:
new ones at once), cases awaiting 法制审核, publication."""

import datetime as dt
import re

import time_machine

from enforcement import services
from enforcement.choices import CaseStage

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _count(html, key):
    match = re.search(rf'credit-todo-{key}">.*?data-count="(\d+)"', html, re.S)
    return int(match.group(1)) if match else None


def _cell(html, key, group):
    """The count in one deadline group of a line (0 when the cell shows none)."""
    row = re.search(rf'credit-todo-{key}">(.*?)</tr>', html, re.S).group(1)
    match = re.search(rf'data-group="{group}" data-n="(\d+)"', row)
    return int(match.group(1)) if match else 0


def test_todo_panel_counts_the_departments_enforcement_work(
    handler, client, alice, bob, open_case, reviewer, issue, frozen_today
):
    complaint, _ = services.complaint_file(
        actor="public:web", entity_name="某超市", content="销售过期食品", department=alice.department
    )
    open_case(stage=CaseStage.REVIEW, is_major=True)
    case = open_case(stage=CaseStage.REVIEW, is_major=True, title="第二件")
    services.case_advance(actor=handler, case=case, to_stage=CaseStage.LEGAL_REVIEW)
    client.force_login(alice)
    html = client.get("/admin/").content.decode()
    assert "待办：执法监管" in html
    # Issue 17 §6: filed today, it shows at once, in 更晚 (due in 15 working days)
    assert _count(html, "complaints") == 1 and _cell(html, "complaints", "later") == 1
    assert _count(html, "legal-review") == 1
    assert _count(html, "late-disclosures") == 0

    # 15 working days from Sun 2026-11-22: 11-23..27 (5), 11-30..12-04 (10), 12-07..11 (15)
    assert complaint.due_on == dt.date(2026, 12, 11)
    with time_machine.travel(dt.datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI)):  # the working day before it
        client.force_login(alice)  # the session of three weeks ago has expired
        html = client.get("/admin/").content.decode()
    assert _count(html, "complaints") == 1 and _cell(html, "complaints", "d1") == 1
    assert _cell(html, "complaints", "overdue") == 0

    client.force_login(bob)  # another department sees none of it
    html = client.get("/admin/").content.decode()
    assert _count(html, "legal-review") == 0 and _count(html, "complaints") == 0


def test_my_cases_my_reviews_and_the_departments_queue_agree_with_their_lists(
    client, handler, reviewer, alice, bob, open_case, issue, waived, officers, frozen_today
):
    from enforcement.models import PenaltyDisclosure
    from tests.oversight.panels import assert_lists_agree

    # Given two open cases handled by 王晓 (one in 法制审核), one closed-out decision waiting for publication
    open_case()
    case = open_case(stage=CaseStage.REVIEW, is_major=True, title="重大案件")
    services.case_advance(actor=handler, case=case, to_stage=CaseStage.LEGAL_REVIEW)
    decision = issue(waived(open_case(stage=CaseStage.NOTICE, title="第三件")))
    disclosure = PenaltyDisclosure.objects.get(decision=decision)

    # The handler: "我的" holds the cases they handle; the reviewer: the case waiting for their review
    client.force_login(handler)
    html = client.get("/admin/").content.decode()
    numbers = assert_lists_agree(client, html)
    assert numbers[("my-cases", "total")][0] == 3 and ("my-reviews", "total") not in numbers
    client.force_login(reviewer)
    numbers = assert_lists_agree(client, client.get("/admin/").content.decode())
    assert numbers[("my-reviews", "total")][0] == 1 and ("my-cases", "total") not in numbers

    # The department's official: the queue, with the disclosure in its group at once
    client.force_login(alice)
    numbers = assert_lists_agree(client, client.get("/admin/").content.decode())
    assert numbers[("legal-review", "total")][0] == 1
    assert numbers[("late-disclosures", "total")][0] == 1 and disclosure.publish_due_on > frozen_today
    client.force_login(bob)
    numbers = assert_lists_agree(client, client.get("/admin/").content.decode())
    assert ("late-disclosures", "total") not in numbers and ("legal-review", "total") not in numbers
