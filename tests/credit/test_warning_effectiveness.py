"""预警规则有效性 (issue 17 §5): per rule over a period, warnings raised, their dispositions, and warned
entities with a confirmed negative finding within 6 months, on a hand-built dataset with known answers
(the 6-month boundary, the local-day period edges, transfers, revoked records, department scope)."""

import datetime as dt

import pytest
import time_machine

from core.choices import Role
from credit.models import CreditRecord, RiskWarning
from credit.selectors import rule_effectiveness, warnings_visible_to
from credit.services import credit_record_revoke, credit_records_push
from tests.conftest import record_data

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PERIOD = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
REPORT = "/admin/credit/riskwarning/effectiveness/"


def _at(y, m, d, hour=10, minute=0):
    return dt.datetime(y, m, d, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def dataset(dept_a, dept_b, make_entity):
    e = {n: make_entity().uscc for n in range(1, 15)}
    seq = iter(range(1000))

    def warn(rule, n, when, department=dept_a, disposition="", **kw):
        return RiskWarning.objects.create(
            rule_code=rule,
            dedupe_key=f"k{next(seq)}",
            entity_id=e[n],
            department=department,
            message=f"预警 {rule} {n}",
            created_at=when,
            state="handled" if disposition else "open",
            disposition=disposition,
            **kw,
        )

    def record(n, decided_on, polarity="negative", ref=None):
        data = record_data(e[n], ref or f"郑市监罚〔2026〕{next(seq)}号", decided_on=decided_on, polarity=polarity)
        credit_records_push(actor="test", department=dept_a, records=[data])
        return CreditRecord.objects.get(entity_id=e[n], source_ref=data["source_ref"])

    with time_machine.travel(_at(2026, 11, 22), tick=True):
        # LIST_ENTERED in department A
        warn("LIST_ENTERED", 1, _at(2026, 2, 10), disposition="case_opened")
        record(1, "2026-08-10")  # exactly 6 months after 02-10: counted
        warn("LIST_ENTERED", 2, _at(2026, 2, 10), disposition="no_issue")
        record(2, "2026-08-11")  # a day past 6 months: not counted
        warn("LIST_ENTERED", 3, _at(2026, 3, 31))
        record(3, "2026-09-30")  # 03-31 + 6 months = 09-30: counted
        warn("LIST_ENTERED", 4, _at(2026, 3, 1), disposition="interviewed")
        record(4, "2026-03-01")  # decided on the warning's day: the fact warned of, not a later finding
        warn("LIST_ENTERED", 5, _at(2026, 4, 1), disposition="no_issue")
        credit_record_revoke(actor="test", record=record(5, "2026-05-01"), reason="复议撤销")  # revoked: not confirmed
        handed_over = warn("LIST_ENTERED", 1, _at(2026, 5, 1), disposition="transferred")  # E1 again
        warn("LIST_ENTERED", 1, _at(2026, 5, 2), department=dept_b, transferred_from=handed_over)  # the same warning
        warn("LIST_ENTERED", 6, _at(2026, 6, 30, 23, 30))  # the last local day of the period (15:30 UTC)
        warn("LIST_ENTERED", 7, _at(2026, 7, 1, 0, 30))  # 06-30 16:30 UTC, but 07-01 locally: outside
        record(6, "2026-07-01", polarity="positive")  # a positive record is no finding
        # GRADE_WORSENED: one warning, right
        warn("GRADE_WORSENED", 8, _at(2026, 1, 5))
        record(8, "2026-04-01")
        # COMMITMENT_OVERDUE: five entities, none found at fault afterwards: rarely right
        for n in range(9, 14):
            warn("COMMITMENT_OVERDUE", n, _at(2026, 1, 15), disposition="no_issue")
        # Department B's own warning
        warn("LIST_ENTERED", 14, _at(2026, 2, 1), department=dept_b)
    return e


def test_rule_effectiveness_counts_with_the_6_month_boundary(dataset, alice):
    figures = rule_effectiveness(*PERIOD, warnings_visible_to(alice))
    listed = figures["LIST_ENTERED"]
    assert (listed["raised"], listed["open"], listed["entities"], listed["hit_entities"]) == (7, 2, 6, 2)
    assert {k: v for k, v in listed.items() if k.startswith("d_") and v} == {
        "d_case_opened": 1,
        "d_no_issue": 2,
        "d_interviewed": 1,
        "d_transferred": 1,
    }
    assert (figures["GRADE_WORSENED"]["raised"], figures["GRADE_WORSENED"]["hit_entities"]) == (1, 1)
    assert (figures["COMMITMENT_OVERDUE"]["entities"], figures["COMMITMENT_OVERDUE"]["hit_entities"]) == (5, 0)


def test_scope_is_the_subtree_and_the_platform_admin_sees_all(dataset, alice, bob, make_official, dept_a):
    assert rule_effectiveness(*PERIOD, warnings_visible_to(bob))["LIST_ENTERED"]["raised"] == 1  # its own (E14)
    root = make_official("root", dept_a, role=Role.PLATFORM_ADMIN)
    assert rule_effectiveness(*PERIOD, warnings_visible_to(root))["LIST_ENTERED"]["raised"] == 8


def test_report_page_links_each_number_to_exactly_its_rows(client, dataset, alice):
    import re

    client.force_login(alice)
    html = client.get(REPORT, {"start": "2026-01-01", "end": "2026-06-30"}).content.decode()
    assert "预警规则有效性分析" in html and "33.3%" in html and "命中率低" in html
    links = re.findall(r'href="([^"]+)" data-(count|entities)="(\d+)"', html)
    assert len(links) >= 8
    for url, kind, n in links:
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200
        rows = response.context["cl"].queryset
        if kind == "count":
            assert rows.count() == int(n), url
        else:  # the finding column counts entities: the list shows their warnings
            assert rows.values("entity_id").distinct().count() == int(n), url


def test_report_names_a_bad_period_and_keeps_it(client, dataset, alice, bob):
    client.force_login(alice)
    response = client.get(REPORT, {"start": "2026-13-01", "end": "2026-06-30"})
    html = response.content.decode()
    assert response.status_code == 200 and "开始日期应为" in html and 'value="2026-13-01"' in html
    response = client.get(REPORT, {"start": "2026-07-01", "end": "2026-06-30"})
    assert "结束日期不能早于开始日期" in response.content.decode()
    client.logout()
    assert client.get(REPORT).status_code == 302  # anonymous: to the login
