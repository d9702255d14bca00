"""Drill-down from the dashboard (issue 17 §2): a number's link opens the admin list of exactly the rows it
counts. The facts are made through the services; the day's figures that count them are written by hand
(the 03:00 job is tested on its own), with the values those facts give."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine

from core.deadline_items import Status
from credit import services as credit_services
from enforcement import services as enforcement_services
from oversight.models import DailyFigure
from tests.conftest import record_data

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
URL = "/admin/dashboard/"
NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}


def at(day, hour=10):
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI)


def link_of(response, code, row, column, table_index=0):
    chart = next(c for c in response.context["charts"] if c.code == code)
    cells = dict(chart.tables[table_index].rows)[row]
    return cells[column]


def listed(client, url) -> set:
    response = client.get(url)
    assert response.status_code == 200, url
    return {obj.pk for obj in response.context["cl"].queryset}


@pytest.fixture
def complaints(tree):
    """Filed on Mon 2 November, all due Mon 23 November. 金水: three 12345 complaints, one closed 不属实 on
    the 10th, one closed 不属实 a day late on the 24th, one still open; and one web complaint, still open.
    二七: one 12345 complaint, still open."""
    js, eq = tree["jinshui"], tree["erqi"]
    with time_machine.travel(at(dt.date(2026, 11, 2))):
        made = [
            enforcement_services.complaint_file(
                actor="public:web",
                entity_name=f"某超市{n}",
                content="销售过期食品",
                channel="12345",
                department=js,
                external_no=f"GD2026110200{n}",
            )[0]
            for n in range(3)
        ]
        web = enforcement_services.complaint_file(
            actor="public:web", entity_name="某饭店", content="卫生差", channel="web", department=js
        )[0]
        other = enforcement_services.complaint_file(
            actor="public:web",
            entity_name="某药店",
            content="无证经营",
            channel="12345",
            department=eq,
            external_no="GD20261102009",
        )[0]
    with time_machine.travel(at(dt.date(2026, 11, 10))):
        enforcement_services.complaint_close(
            actor="test", complaint=made[0], verdict="unfounded", outcome="经核查不属实"
        )
    with time_machine.travel(at(dt.date(2026, 11, 24))):
        enforcement_services.complaint_close(
            actor="test", complaint=made[1], verdict="unfounded", outcome="经核查不属实"
        )
    DailyFigure.objects.bulk_create(
        [
            DailyFigure(day=dt.date(2026, 11, 2), metric="complaints_filed", department=js, key="12345", value=3),
            DailyFigure(day=dt.date(2026, 11, 2), metric="complaints_filed", department=js, key="web", value=1),
            DailyFigure(day=dt.date(2026, 11, 2), metric="complaints_filed", department=eq, key="12345", value=1),
            DailyFigure(
                day=dt.date(2026, 11, 10), metric="complaints_closed", department=js, key="12345|unfounded", value=1
            ),
            DailyFigure(
                day=dt.date(2026, 11, 24), metric="complaints_closed", department=js, key="12345|unfounded", value=1
            ),
            DailyFigure(day=dt.date(2026, 11, 10), metric="deadline_on_time", department=js, key="complaint", value=1),
            DailyFigure(day=dt.date(2026, 11, 24), metric="deadline_late", department=js, key="complaint", value=1),
            DailyFigure(day=dt.date(2026, 11, 30), metric="deadline_open", department=js, key="complaint", value=2),
            DailyFigure(day=dt.date(2026, 11, 30), metric="deadline_overdue", department=js, key="complaint", value=2),
            DailyFigure(day=dt.date(2026, 11, 30), metric="deadline_open", department=eq, key="complaint", value=1),
            DailyFigure(day=dt.date(2026, 11, 30), metric="deadline_overdue", department=eq, key="complaint", value=1),
        ]
    )
    return {"made": made, "web": web, "other": other}


def test_complaint_figures_link_to_exactly_their_complaints(client, tree, officials, complaints, december_first):
    # Given the 金水 official on the dashboard for November
    client.force_login(officials["jinshui"])
    response = client.get(URL, NOVEMBER)
    made = complaints["made"]
    # When they follow 12345 登记 (3), 办结 (2) and 不属实 (2), and 网站 登记 (1)
    filed = link_of(response, "complaints", "12345热线", 0)
    closed = link_of(response, "complaints", "12345热线", 1)
    unfounded = link_of(response, "complaints", "12345热线", 2)
    web = link_of(response, "complaints", "网站", 0)
    # Then each list shows exactly the complaints behind the number
    assert (filed.value, closed.value, unfounded.value, web.value) == (3, 2, 2, 1)
    assert listed(client, filed.url) == {c.pk for c in made}
    assert listed(client, closed.url) == {made[0].pk, made[1].pk}
    assert listed(client, unfounded.url) == {made[0].pk, made[1].pk}
    assert listed(client, web.url) == {complaints["web"].pk}


def test_a_late_complaint_links_through_the_timeliness_filter(client, tree, officials, complaints, december_first):
    client.force_login(officials["jinshui"])
    response = client.get(URL, NOVEMBER)
    made = complaints["made"]
    # columns: 新增, 办结, 按时, 超期, 其中尽职免责, 按时办结率, 期末未办结, 其中已逾期
    on_time, late = (
        link_of(response, "timeliness", "投诉举报办理", 2),
        link_of(response, "timeliness", "投诉举报办理", 3),
    )
    still_open = link_of(response, "timeliness", "投诉举报办理", 6)
    overdue = link_of(response, "timeliness", "投诉举报办理", 7)
    assert (on_time.value, late.value, still_open.value, overdue.value) == (1, 1, 2, 2)
    assert parse_qs(urlparse(late.url).query)["dl"] == [Status.LATE]
    assert listed(client, on_time.url) == {made[0].pk}
    assert listed(client, late.url) == {made[1].pk}
    assert listed(client, still_open.url) == {made[2].pk, complaints["web"].pk}
    assert listed(client, overdue.url) == {made[2].pk, complaints["web"].pk}  # both due on the 23rd


def test_the_platform_admin_follows_the_same_figures_across_departments(
    client, tree, officials, complaints, december_first
):
    client.force_login(officials["admin"])
    response = client.get(URL, NOVEMBER)
    filed = link_of(response, "complaints", "12345热线", 0)
    overdue = link_of(response, "timeliness", "投诉举报办理", 7)
    assert (filed.value, overdue.value) == (4, 3)
    assert listed(client, filed.url) == {c.pk for c in complaints["made"]} | {complaints["other"].pk}
    assert listed(client, overdue.url) == {complaints["made"][2].pk, complaints["web"].pk, complaints["other"].pk}


def test_a_city_official_gets_no_link_where_the_list_would_show_fewer_rows(
    client, tree, officials, complaints, december_first
):
    """The admin lists show an official their own department's rows: a subtree total would not match."""
    client.force_login(officials["city"])
    response = client.get(URL, NOVEMBER)
    filed = link_of(response, "complaints", "12345热线", 0)
    assert filed.value == 4 and filed.url is None
    assert "下级部门的数字不设链接" in response.content.decode()


@pytest.fixture
def records(tree, make_entity):
    """金水 decided two negative records in November (one on an entity in industry I), one in October
    and one positive record in November; 二七 one negative record in November."""
    js, eq = tree["jinshui"], tree["erqi"]
    shop = make_entity(registration_authority=js, region_code="410105", industry_code="F5211")
    studio = make_entity(registration_authority=js, region_code="410105", industry_code="I6510")

    def save(dept, entity, ref, **kw):
        return credit_services.credit_record_save(actor="test", department=dept, **record_data(entity.uscc, ref, **kw))

    with time_machine.travel(at(dt.date(2026, 11, 28))):
        made = {
            "nov_f": save(js, shop, "金市监罚〔2026〕1号", decided_on="2026-11-03"),
            "nov_i": save(js, studio, "金市监罚〔2026〕2号", decided_on="2026-11-20", severity="minor"),
            "oct": save(js, shop, "金市监罚〔2026〕3号", decided_on="2026-10-15"),
            "award": save(
                js, shop, "金市监奖〔2026〕1号", decided_on="2026-11-04", category="award", polarity="positive"
            ),
            "erqi": save(eq, shop, "二市监罚〔2026〕1号", decided_on="2026-11-05"),
        }

    def negative(day, dept, severity, industry):
        return DailyFigure(
            day=day,
            metric="negative_records",
            department=dept,
            key=f"administrative_penalty|{severity}",
            value=1,
            region_code="410105",
            industry=industry,
        )

    DailyFigure.objects.bulk_create(
        [
            negative(dt.date(2026, 11, 3), js, "general", "F"),
            negative(dt.date(2026, 11, 20), js, "minor", "I"),
            negative(dt.date(2026, 10, 15), js, "general", "F"),
            negative(dt.date(2026, 11, 5), eq, "general", "F"),
        ]
    )
    return made


def test_negative_record_figures_link_to_exactly_their_records(client, tree, officials, records, december_first):
    client.force_login(officials["jinshui"])
    response = client.get(URL, {"start": "2026-10-01", "end": "2026-11-30"})
    october, november, total = (link_of(response, "negative", "郑州市金水区市场监督管理局", i) for i in range(3))
    assert (october.value, november.value, total.value) == (1, 2, 3)
    assert listed(client, november.url) == {records["nov_f"].pk, records["nov_i"].pk}
    assert listed(client, october.url) == {records["oct"].pk}
    assert listed(client, total.url) == {records["nov_f"].pk, records["nov_i"].pk, records["oct"].pk}
    # With the industry filter, the figure and its list both keep only the record on the I entity
    response = client.get(URL, {**NOVEMBER, "industry": "I"})
    november = link_of(response, "negative", "郑州市金水区市场监督管理局", 0)
    assert november.value == 1
    assert listed(client, november.url) == {records["nov_i"].pk}


def test_another_districts_official_neither_sees_nor_reaches_these_records(
    client, tree, officials, records, december_first
):
    client.force_login(officials["erqi"])
    response = client.get(URL, NOVEMBER)
    own = link_of(response, "negative", "郑州市二七区市场监督管理局", 0)
    assert own.value == 1
    assert "郑州市金水区市场监督管理局" not in dict(response.context["charts"][1].tables[0].rows)
    assert listed(client, own.url) == {records["erqi"].pk}
    # Even with 金水's id put into the list's query string by hand, the list keeps to 二七's own rows
    assert (
        listed(
            client, own.url.replace(f"department__id__in={tree['erqi'].pk}", f"department__id__in={tree['jinshui'].pk}")
        )
        == set()
    )


def test_every_link_on_the_page_opens_its_list_with_the_filters_accepted(client, tree, officials, december_first):
    """Each list accepts each lookup its links use (a refused lookup would redirect to ``?e=1``)."""

    js = tree["jinshui"]
    rows = [
        ("entities_by_grade", "GOOD", "410105", "F"),
        ("negative_records", "administrative_penalty|general", "410105", "F"),
        ("plans_started", "joint", "", ""),
        ("entities_drawn", "joint", "410105", "F"),
        ("entities_inspected", "single", "410105", "F"),
        ("results_published", "single", "410105", "F"),
        ("inspected_by_item", "11410100000001", "", "F"),
        ("findings_by_item", "11410100000001", "", "F"),
        ("complaints_filed", "12345", "", ""),
        ("complaints_closed", "12345|verified", "", ""),
        ("credit_checks", "政府采购", "", ""),
        ("deadline_late", "objection", "", ""),
        ("deadline_open", "correction_order", "", ""),
    ]
    DailyFigure.objects.bulk_create(
        [
            DailyFigure(day=dt.date(2026, 11, 30), metric=m, department=js, key=k, value=1, region_code=r, industry=i)
            for m, k, r, i in rows
        ]
    )
    client.force_login(officials["admin"])
    for params in (
        NOVEMBER,
        {**NOVEMBER, "region": "410105", "industry": "F"},
        {**NOVEMBER, "findings_by": "industry"},
    ):
        response = client.get(URL, params)
        urls = {
            c.url for chart in response.context["charts"] for t in chart.tables for _, cells in t.rows for c in cells
        }
        urls.discard(None)
        assert len(urls) > 30
        for url in urls:
            got = client.get(url)
            assert got.status_code == 200, (url, got.status_code, got.get("Location"))
