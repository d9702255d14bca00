"""The dashboard at /admin/dashboard/ (issue 17 §2): who may open it, what each viewer sees, the filters and
the figures of every chart.

The daily figures here are a hand-built dataset with known sums, made with ``DailyFigure.objects.bulk_create``:
the page reads only the snapshots, and the 03:00 job's own tests cover how the rows are computed from
the facts (tests/oversight/test_aggregates*.py)."""

import datetime as dt

import pytest

from core.choices import Role
from oversight.models import DailyFigure

D = dt.date
URL = "/admin/dashboard/"
NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}
HALF_YEAR = {"start": "2026-06-01", "end": "2026-11-30"}


def figure(day, metric, department, value, key="", region="", industry=""):
    return DailyFigure(
        day=day, metric=metric, department=department, key=key, value=value, region_code=region, industry=industry
    )


@pytest.fixture
def figures(tree):
    """Known figures: 金水 and 二七 under the city bureau, 洛阳 beside it."""
    js, eq, city, ly = tree["jinshui"], tree["erqi"], tree["city"], tree["luoyang"]
    g = "entities_by_grade"
    rows = []
    for day, bump in ((D(2026, 10, 31), 0), (D(2026, 11, 30), 10)):
        rows += [
            figure(day, g, js, 100 + bump, "GOOD", "410105", "F"),
            figure(day, g, js, 20, "GOOD", "410105", "I"),
            figure(day, g, js, 5 + bump // 10, "WARNING", "410105", "F"),
            figure(day, g, eq, 50 + bump // 2, "GOOD", "410103", "F"),
            figure(day, g, ly, 300 + bump, "GOOD", "410300", "C"),
            figure(day, g, city, 2 + bump // 10, "DISHONEST", "410100", "F"),
        ]
    rows.append(figure(D(2026, 10, 15), g, js, 999, "GOOD", "410105", "F"))  # mid-month: not a month's end
    n = "negative_records"
    key = "administrative_penalty|general"
    rows += [
        figure(D(2026, 5, 31), n, js, 9, key, "410105", "F"),  # before the period
        figure(D(2026, 10, 3), n, js, 2, key, "410105", "F"),
        figure(D(2026, 10, 20), n, js, 1, key, "410105", "I"),
        figure(D(2026, 11, 5), n, js, 4, key, "410105", "F"),
        figure(D(2026, 11, 6), n, eq, 3, key, "410103", "F"),
        figure(D(2026, 11, 7), n, ly, 7, key, "410300", "C"),
    ]
    for day, metric, dept, value in (
        (D(2026, 11, 2), "deadline_opened", js, 3),
        (D(2026, 11, 20), "deadline_opened", js, 2),
        (D(2026, 11, 24), "deadline_closed", js, 4),
        (D(2026, 11, 24), "deadline_on_time", js, 2),
        (D(2026, 11, 24), "deadline_late", js, 2),
        (D(2026, 11, 24), "deadline_late_exempted", js, 1),
        (D(2026, 11, 29), "deadline_open", js, 9),  # not the period's end
        (D(2026, 11, 30), "deadline_open", js, 3),
        (D(2026, 11, 30), "deadline_overdue", js, 1),
        (D(2026, 11, 24), "deadline_on_time", eq, 1),
        (D(2026, 11, 30), "deadline_open", eq, 1),
        (D(2026, 11, 30), "deadline_open", ly, 8),
    ):
        rows.append(figure(day, metric, dept, value, "complaint"))
    day = D(2026, 11, 10)
    rows += [
        figure(day, "complaints_filed", js, 4, "12345"),
        figure(day, "complaints_filed", js, 1, "web"),
        figure(day, "complaints_closed", js, 2, "12345|verified"),
        figure(day, "complaints_closed", js, 1, "12345|unfounded"),
        figure(day, "complaints_filed", eq, 2, "web"),
        figure(day, "complaints_filed", ly, 6, "web"),
        figure(day, "plans_started", js, 1, "joint"),
        figure(day, "plans_started", js, 3, "single"),
        figure(day, "entities_drawn", js, 10, "joint", "410105", "F"),
        figure(day, "entities_drawn", js, 30, "single", "410105", "F"),
        figure(day, "entities_inspected", js, 25, "single", "410105", "F"),
        figure(day, "results_published", js, 20, "single", "410105", "F"),
        figure(day, "inspected_by_item", js, 10, "11410100000001", industry="F"),
        figure(day, "findings_by_item", js, 2, "11410100000001", industry="F"),
        figure(day, "inspected_by_item", eq, 5, "11410100000001", industry="I"),
        figure(day, "findings_by_item", eq, 5, "11410100000001", industry="I"),
        figure(day, "credit_checks", js, 5, "政府采购"),
        figure(day, "credit_checks", js, 2, "招标投标"),
        figure(day, "credit_checks", eq, 1, "政府采购"),
    ]
    DailyFigure.objects.bulk_create(rows)
    return tree


def chart(response, code):
    return next(c for c in response.context["charts"] if c.code == code)


def table(response, code, index=0) -> dict:
    """``{row label: [cell values]}`` of a chart's table."""
    return {label: [c.value for c in cells] for label, cells in chart(response, code).tables[index].rows}


def cells(response, code, index=0) -> dict:
    return {label: cells for label, cells in chart(response, code).tables[index].rows}


# --- who may open it ------------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_admin_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/dashboard/")


def test_an_entity_account_is_refused(client, make_entity, django_user_model):
    entity_user = django_user_model.objects.create_user(username="e-liaison", password="Entity-Secret-123")
    client.force_login(entity_user)
    assert client.get(URL).status_code == 403


def test_an_official_without_the_permission_or_a_department_is_refused(client, tree, make_official, django_user_model):
    # Given a staff account without any role, and a 部门监管人员 without a department
    bare = django_user_model.objects.create_user(username="bare", password="pw-Secret-123", is_staff=True)
    bare.department = tree["jinshui"]
    bare.save(update_fields=["department"])
    client.force_login(bare)
    assert client.get(URL).status_code == 403
    homeless = make_official("homeless", None)
    client.force_login(homeless)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    "role", [Role.DEPARTMENT_OFFICIAL, Role.ENFORCEMENT_OFFICER, Role.AUDITOR, Role.PLATFORM_ADMIN]
)
def test_every_official_role_with_a_department_may_open_it(client, tree, make_official, role, december_first):
    client.force_login(make_official("someone", tree["jinshui"], role=role))
    response = client.get(URL)
    assert response.status_code == 200
    assert "监管数据看板" in response.content.decode()


def test_the_admin_home_links_to_the_dashboard_for_officials_only(client, officials, django_user_model):
    client.force_login(officials["jinshui"])
    assert 'href="/admin/dashboard/"' in client.get("/admin/").content.decode()
    bare = django_user_model.objects.create_user(username="bare", password="pw-Secret-123", is_staff=True)
    client.force_login(bare)
    assert 'href="/admin/dashboard/"' not in client.get("/admin/").content.decode()


# --- scope ------------------------------------------------------------------------------------------------


def test_district_official_sees_only_their_district(client, figures, officials, december_first):
    client.force_login(officials["jinshui"])
    response = client.get(URL, NOVEMBER)
    assert response.status_code == 200
    negative = table(response, "negative")
    assert negative == {"郑州市金水区市场监督管理局": [4, 4], "合计": [4, 4]}
    assert "郑州市二七区市场监督管理局" not in response.content.decode().split("dashboard-data")[0]
    assert table(response, "complaints")["网站"][:2] == [1, 0]  # 二七's and 洛阳's web complaints are not counted


def test_city_official_sees_their_subtree_and_not_the_other_city(client, figures, officials, december_first):
    client.force_login(officials["city"])
    response = client.get(URL, NOVEMBER)
    negative = table(response, "negative")
    assert negative["郑州市金水区市场监督管理局"] == [4, 4]
    assert negative["郑州市二七区市场监督管理局"] == [3, 3]
    assert negative["合计"] == [7, 7]
    assert "洛阳市市场监督管理局" not in negative


def test_platform_admin_sees_every_department(client, figures, officials, december_first):
    client.force_login(officials["admin"])
    response = client.get(URL, NOVEMBER)
    assert table(response, "negative")["合计"] == [14, 14]
    assert table(response, "timeliness")["投诉举报办理"][6] == 12  # open at the end: 3 + 1 + 8


def test_a_department_outside_the_subtree_is_refused_with_a_message(client, figures, officials, december_first):
    # Given the 金水 official, when the query string asks for 二七 (or the city above them)
    client.force_login(officials["jinshui"])
    for other in ("erqi", "city"):
        response = client.get(URL, {**NOVEMBER, "department": figures[other].pk})
        # Then the page refuses it, names the field and shows no figures
        assert response.status_code == 403
        body = response.content.decode()
        assert "部门：" in body and "不在您可以查看的范围内" in body
        assert response.context["charts"] == []


def test_a_city_official_may_narrow_to_one_district(client, figures, officials, december_first):
    client.force_login(officials["city"])
    response = client.get(URL, {**NOVEMBER, "department": figures["erqi"].pk})
    assert table(response, "negative") == {"郑州市二七区市场监督管理局": [3, 3], "合计": [3, 3]}


def test_an_overseer_without_a_department_sees_the_whole_platform(client, figures, make_official, december_first):
    client.force_login(make_official("overseer", None, role=Role.AUDITOR))
    response = client.get(URL, NOVEMBER)
    assert response.status_code == 200
    assert table(response, "negative")["合计"] == [14, 14]
    # ... with no links: the 监督人员 role does not see the credit records list
    assert all(c.url is None for c in cells(response, "negative")["合计"])


# --- the figures ------------------------------------------------------------------------------------------


def test_entities_by_grade_are_read_on_each_months_last_day(client, figures, officials, december_first):
    client.force_login(officials["city"])
    response = client.get(URL, HALF_YEAR)
    grades = table(response, "grades")
    # columns: 良好, 警示, 失信, 严重失信, 合计; the 15 October row (999) is no month's end
    assert grades["2026-10-31"] == [170, 5, 2, 0, 177]
    assert grades["2026-11-30"] == [185, 6, 3, 0, 194]
    assert grades["2026-06-30"] == [None] * 5  # no figures that day
    assert chart(response, "grades").categories[-1] == "2026-11-30"


def test_a_short_period_reads_the_stock_at_each_weeks_end(client, figures, officials, december_first):
    client.force_login(officials["jinshui"])
    response = client.get(URL, {"start": "2026-10-01", "end": "2026-11-30"})
    grades = table(response, "grades")
    assert list(grades)[:2] == ["2026-10-04", "2026-10-11"]  # Sundays
    assert grades["2026-11-30"][4] == 136


def test_region_and_industry_filters_apply_to_the_metrics_cut_by_them(client, figures, officials, december_first):
    client.force_login(officials["city"])
    response = client.get(URL, {**HALF_YEAR, "region": "410105", "industry": "F"})
    assert table(response, "grades")["2026-11-30"] == [110, 6, 0, 0, 116]
    assert table(response, "negative")["合计"][-1] == 6  # 2 + 4 (not the 1 in industry I, not 二七's)
    # Complaints are counted per department only: the page says the region filter does not apply
    notes = " ".join(chart(response, "complaints").notes)
    assert "不按行政区划细分" in notes and "不按行业门类细分" in notes


def test_negative_records_by_department_and_month(client, figures, officials, december_first):
    client.force_login(officials["jinshui"])
    response = client.get(URL, {"start": "2026-10-01", "end": "2026-11-30"})
    assert table(response, "negative") == {"郑州市金水区市场监督管理局": [3, 4, 7], "合计": [3, 4, 7]}
    series = chart(response, "negative").series
    assert series == [{"name": "郑州市金水区市场监督管理局", "data": [3, 4], "stack": "negative"}]


def test_timeliness_counts_exempted_late_items_out_of_the_on_time_rate(client, figures, officials, december_first):
    client.force_login(officials["jinshui"])
    response = client.get(URL, NOVEMBER)
    row = table(response, "timeliness")["投诉举报办理"]
    # 新增, 办结, 按时, 超期, 其中尽职免责, 按时办结率, 期末未办结, 其中已逾期 (on 30 November, not the 29th)
    assert row[:5] == [5, 4, 2, 2, 1]
    assert row[5] == pytest.approx(2 / 3)
    assert row[6:] == [3, 1]
    assert table(response, "timeliness")["异议处理"][:5] == [0, 0, 0, 0, 0]  # a registered kind with no items


def test_inspection_coverage_and_joint_share(client, figures, officials, december_first):
    client.force_login(officials["jinshui"])
    response = client.get(URL, NOVEMBER)
    row = table(response, "coverage")["郑州市金水区市场监督管理局"]
    # 计划, 联合, 联合占比, 抽取, 检查, 完成率, 公示, 公示率
    assert row == [4, 1, 0.25, 40, 25, 25 / 40, 20, 0.8]


def test_findings_rate_by_item_and_by_industry(client, figures, officials, december_first):
    client.force_login(officials["city"])
    by_item = table(client.get(URL, NOVEMBER), "findings")
    assert by_item == {"11410100000001": [15, 7, 7 / 15]}
    by_industry = table(client.get(URL, {**NOVEMBER, "findings_by": "industry"}), "findings")
    assert by_industry == {"F 批发和零售业": [10, 2, 0.2], "I 信息传输、软件和信息技术服务业": [5, 5, 1.0]}


def test_complaints_by_channel_and_outcome(client, figures, officials, december_first):
    client.force_login(officials["jinshui"])
    response = client.get(URL, NOVEMBER)
    # 登记, 办结, then one column per verdict that occurred (属实, 不属实)
    assert chart(response, "complaints").tables[0].head == ["渠道", "登记", "办结", "属实", "不属实"]
    assert table(response, "complaints") == {"网站": [1, 0, 0, 0], "12345热线": [4, 3, 2, 1]}


def test_credit_check_usage_by_department_and_purpose(client, figures, officials, december_first):
    client.force_login(officials["city"])
    response = client.get(URL, NOVEMBER)
    assert table(response, "checks", 0) == {
        "郑州市金水区市场监督管理局": [7],
        "郑州市二七区市场监督管理局": [1],
        "合计": [8],
    }
    assert table(response, "checks", 1) == {"政府采购": [6], "招标投标": [2]}


def test_chart_series_are_in_the_page_as_json_and_no_inline_script(client, figures, officials, december_first):
    client.force_login(officials["jinshui"])
    response = client.get(URL, NOVEMBER)
    body = response.content.decode()
    assert '<script id="dashboard-data" type="application/json">' in body
    assert "vendor/echarts/echarts.min.js" in body and "oversight/dashboard.js" in body
    # every <script> is either a file or JSON data (the CSP allows no inline script)
    for tag in body.split("<script")[1:]:
        head = tag.split(">", 1)[0]
        assert "src=" in head or 'type="application/json"' in head, head
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_echarts_is_loaded_on_the_dashboard_only(client, officials, december_first):
    client.force_login(officials["jinshui"])
    assert "echarts" not in client.get("/admin/").content.decode()


def test_the_page_reads_each_chart_with_one_query(
    client, figures, officials, december_first, django_assert_max_num_queries
):
    client.force_login(officials["city"])
    # session, user, groups and permissions; the subtree; the filter lists; one per chart (plus the
    # last-day look-ups of the two stocks, the department and item names)
    with django_assert_max_num_queries(24):
        response = client.get(URL, NOVEMBER)
    assert response.status_code == 200


# --- bad input ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, message",
    [
        ({"start": "2026-13-01"}, "起始日期："),
        ({"end": "昨天"}, "截止日期："),
        ({"start": "2026-11-30", "end": "2026-11-01"}, "起始日期不能晚于截止日期"),
        ({"start": "2020-01-01", "end": "2026-11-30"}, "统计期间最长3年"),
        ({"department": "abc"}, "部门：未找到该部门"),
        ({"department": "999999"}, "部门：未找到该部门"),
        ({"region": "4101"}, "行政区划：行政区划代码应为6位数字"),
        ({"industry": "Z"}, "行业门类：行业门类应为 A–T"),
        ({"findings_by": "colour"}, "发现问题率分组："),
    ],
)
def test_bad_filters_get_a_message_naming_the_field(client, officials, december_first, params, message):
    client.force_login(officials["jinshui"])
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    # what was typed stays in the form
    for name, value in params.items():
        assert response.context["values"][name] == value


def test_without_dates_the_page_shows_the_last_twelve_months(client, officials, december_first):
    client.force_login(officials["jinshui"])
    response = client.get(URL)
    f = response.context["filters"]
    assert (f.start, f.end) == (D(2025, 12, 1), D(2026, 11, 30))
    shortcuts = {label: query for label, query, _ in response.context["shortcuts"]}
    assert "start=2026-07-01" in shortcuts["本半年"] and "end=2026-11-30" in shortcuts["本半年"]
    assert "start=2026-01-01&end=2026-06-30" in shortcuts["上半年度"]
    assert "start=2026-07-01&end=2026-09-30" in shortcuts["上季度"]


def test_only_the_latest_grade_figures_link_to_todays_grade_list(client, figures, officials, december_first):
    """The grade list shows today's grades: a past month's end has no list to link to."""
    client.force_login(officials["jinshui"])
    rows = cells(client.get(URL, HALF_YEAR), "grades")
    assert all(c.url is None for c in rows["2026-10-31"])
    assert all(c.url and "grade" in c.url for c in rows["2026-11-30"][:4])
    # A period ending in the past: its last day is not today's state either
    past = cells(client.get(URL, {"start": "2026-06-01", "end": "2026-10-31"}), "grades")
    assert all(c.url is None for c in past["2026-10-31"])


def test_the_region_filter_offers_the_regions_of_the_entities_in_scope(client, figures, officials, december_first):
    client.force_login(officials["city"])
    codes = [code for code, _ in client.get(URL).context["regions"]]
    # the city's and its districts' regions; not 洛阳's (410300), which is outside the subtree
    assert codes == ["410100", "410103", "410105"]
