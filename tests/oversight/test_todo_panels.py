"""The 待办 panels (issue 17 §6) on a dataset with items in every deadline group: new items show at once,
"我的" and "本部门" are separate, 督办 shows on both sides, and every number's list has exactly its rows."""

import datetime as dt

import pytest

from enforcement.models import Complaint
from oversight import services
from oversight.models import Directive
from tests.oversight.conftest import TODAY
from tests.oversight.panels import assert_lists_agree

# Wed 2026-09-30: the next working day is 10-08 (after National Day), the third 10-10 (the make-up Saturday)
GROUP_DUE = {
    "overdue": dt.date(2026, 9, 29),
    "d1": dt.date(2026, 10, 8),
    "d3": dt.date(2026, 10, 10),
    "later": dt.date(2026, 10, 12),
}


@pytest.fixture
def pressed(today, superior, complaint_at, district):
    """Four overdue complaints of the district, each pressed by the city with its answer deadline set
    into one group; and one more answered, waiting for the issuer's review."""
    made = []
    for group, due in GROUP_DUE.items():
        complaint = complaint_at(district, dt.date(2026, 9, 1), name=f"超市{group}")
        directive = services.directive_issue(
            actor=superior, kind="complaint", object_id=complaint.pk, reason="请办理", answer_working_days=3
        )
        Directive.objects.filter(pk=directive.pk).update(answer_due_on=due)
        made.append(directive)
    answered = services.directive_issue(
        actor=superior,
        kind="complaint",
        object_id=complaint_at(district, dt.date(2026, 9, 2)).pk,
        reason="请办理",
        answer_working_days=3,
    )
    return made, answered


def test_directive_panel_on_both_sides(client, pressed, superior, responsible, outsider):
    _made, answered = pressed
    services.directive_answer(actor=responsible, directive=answered, answer="已办结")

    # The responsible department: each group holds one 督办 to answer; nothing of its own to review
    client.force_login(responsible)
    html = client.get("/admin/").content.decode()
    assert "待办：督办" in html
    numbers = assert_lists_agree(client, html)
    assert {g: numbers[("directive-inbox", g)][0] for g in GROUP_DUE} == dict.fromkeys(GROUP_DUE, 1)
    assert numbers[("directive-inbox", "total")][0] == 4
    assert ("directive-review", "total") not in numbers

    # The issuer's department: the same four wait for the other side (the overdue one marked); one answer
    # waits for the issuer's own review under "我的"
    client.force_login(superior)
    html = client.get("/admin/").content.decode()
    numbers = assert_lists_agree(client, html)
    assert numbers[("directive-issued", "total")][0] == 4 and numbers[("directive-issued", "overdue")][0] == 1
    assert numbers[("directive-review", "total")][0] == 1
    assert 'class="todo-cell urgent" data-group="overdue"' in html
    assert html.index("我的") < html.index("我发出的督办")

    # An unrelated department: nothing
    client.force_login(outsider)
    numbers = assert_lists_agree(client, client.get("/admin/").content.decode())
    assert not [k for k in numbers if k[0].startswith("directive")]


def test_complaints_show_at_once_in_their_group(client, today, responsible, complaint_at, district):
    for group, due in GROUP_DUE.items():
        Complaint.objects.filter(pk=complaint_at(district, TODAY, name=f"超市{group}").pk).update(due_on=due)
    client.force_login(responsible)
    numbers = assert_lists_agree(client, client.get("/admin/").content.decode())
    assert {g: numbers[("complaints", g)][0] for g in GROUP_DUE} == dict.fromkeys(GROUP_DUE, 1)
    assert numbers[("complaints", "total")][0] == 4


def test_the_panels_cost_the_same_queries_for_more_items(
    client, pressed, superior, responsible, complaint_at, district
):
    """One aggregate query per line, never one per item (issue 17 §6: keep the panel fast)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(responsible)
    client.get("/admin/")  # the session and permissions warmed up

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/").status_code == 200
        return len(captured)

    before = queries()
    for n in range(5):
        complaint = complaint_at(district, dt.date(2026, 9, 3), name=f"又一家{n}")
        services.directive_issue(
            actor=superior, kind="complaint", object_id=complaint.pk, reason="请办理", answer_working_days=3
        )
    assert queries() == before
