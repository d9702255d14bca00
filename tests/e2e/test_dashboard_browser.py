"""The dashboard in a real browser (issue 17 §2, Debian's chromium via Playwright): a district official and
the platform administrator each open /admin/dashboard/, the charts draw under the CSP, each sees their own
scope, and a number's link opens the admin list of exactly the rows behind it.

The daily figures are a hand-built dataset (the 03:00 job is tested on its own); the complaints behind the
12345 figure are filed through the service, so the drill-down lands on real rows. Screenshots at 1280 and
390 px go to ``E2E_SCREENSHOT_DIR`` (``dash-*.png``)."""

import datetime as dt
import os
from urllib.parse import urlencode

import pytest
import time_machine

from core.choices import Role
from enforcement import services as enforcement_services
from oversight.models import DailyFigure

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("E2E_SCREENSHOT_DIR", "/tmp")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PERIOD = "?start=2026-06-01&end=2026-11-30"
MONTH_ENDS = [dt.date(2026, m + 1, 1) - dt.timedelta(days=1) for m in range(6, 12)]
DISTRICTS = [
    ("ZZJS", "郑州市金水区市场监督管理局", "金水", "410105"),
    ("ZZEQ", "郑州市二七区市场监督管理局", "二七", "410103"),
    ("ZZZY", "郑州市中原区市场监督管理局", "中原", "410102"),
    ("ZZGC", "郑州市管城回族区市场监督管理局", "管城", "410104"),
]


def figures_for(dept, region, n):
    """Six months of figures for one department; ``n`` makes each department's numbers its own."""
    rows = []

    def add(day, metric, value, key="", region_code="", industry=""):
        rows.append(
            DailyFigure(
                day=day,
                metric=metric,
                department=dept,
                key=key,
                value=value,
                region_code=region_code,
                industry=industry,
            )
        )

    for i, end in enumerate(MONTH_ENDS):
        for industry, base in (("F", 900), ("I", 300), ("C", 150)):
            add(end, "entities_by_grade", base * n + 20 * i, "GOOD", region, industry)
            add(end, "entities_by_grade", base // 10 * n + i, "WARNING", region, industry)
            add(end, "entities_by_grade", base // 40 * n, "DISHONEST", region, industry)
            add(end, "entities_by_grade", n, "SERIOUSLY_DISHONEST", region, industry)
        mid = end.replace(day=15)
        add(mid, "negative_records", 3 * n + i, "administrative_penalty|general", region, "F")
        add(mid, "negative_records", n + i % 3, "business_abnormal|minor", region, "I")
        add(mid, "plans_started", 1, "joint" if i % 2 else "single")
        add(mid, "entities_drawn", 40 * n, "single", region, "F")
        add(mid, "entities_inspected", 36 * n - i, "single", region, "F")
        add(mid, "results_published", 30 * n - i, "single", region, "F")
        add(mid, "inspected_by_item", 12 * n, "11410100000001", industry="F")
        add(mid, "findings_by_item", 2 * n + i % 2, "11410100000001", industry="F")
        add(mid, "inspected_by_item", 6 * n, "11410100000002", industry="H")
        add(mid, "findings_by_item", n, "11410100000002", industry="H")
        add(mid, "complaints_filed", 5 * n, "web")
        add(mid, "complaints_closed", 3 * n, "web|unfounded")
        add(mid, "complaints_closed", n, "web|verified")
        add(mid, "credit_checks", 20 * n + i, "政府采购")
        add(mid, "credit_checks", 8 * n, "招标投标")
        add(mid, "credit_checks", 3 * n, "财政资金申请")
        for kind, opened in (("complaint", 6), ("penalty_disclosure", 4), ("result_publication", 5), ("objection", 2)):
            add(mid, "deadline_opened", opened * n, kind)
            add(mid, "deadline_on_time", opened * n - 1, kind)
            add(mid, "deadline_late", 1, kind)
            add(mid, "deadline_closed", opened * n, kind)
    for kind, still_open in (("complaint", 3), ("penalty_disclosure", 1), ("result_publication", 2), ("objection", 1)):
        add(MONTH_ENDS[-1], "deadline_open", still_open * n, kind)
        add(MONTH_ENDS[-1], "deadline_overdue", n if kind == "complaint" else 0, kind)
    return rows


@pytest.fixture
def city(make_department, make_official):
    city = make_department(name="郑州市市场监督管理局", code="ZZSJ", short_name="郑市监", region_code="410100")
    districts = [
        make_department(name=name, code=code, short_name=short, level="county", region_code=region, parent=city)
        for code, name, short, region in DISTRICTS
    ]
    luoyang = make_department(name="洛阳市市场监督管理局", code="LYSJ", short_name="洛市监", region_code="410300")
    rows = []
    for n, (dept, region) in enumerate([(d, r) for d, (*_, r) in zip(districts, DISTRICTS, strict=True)], start=2):
        rows += figures_for(dept, region, n)
    rows += figures_for(luoyang, "410300", 7)
    # 金水's 12345 complaints: filed through the service in November, counted on the day they were filed
    jinshui = districts[0]
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)):
        complaints = [
            enforcement_services.complaint_file(
                actor="public:web",
                entity_name=f"金水某超市{i}",
                content="销售过期食品",
                channel="12345",
                department=jinshui,
                external_no=f"GD202611020{i}",
            )[0]
            for i in range(3)
        ]
    rows.append(
        DailyFigure(day=dt.date(2026, 11, 2), metric="complaints_filed", department=jinshui, key="12345", value=3)
    )
    DailyFigure.objects.bulk_create(rows)
    return {
        "jinshui": jinshui,
        "complaints": complaints,
        "district_official": make_official("jinshui-official", jinshui, first_name="李娜"),
        "admin": make_official("platform-admin", city, role=Role.PLATFORM_ADMIN, first_name="王强"),
    }


def login(browser, live_server, user, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    problems = []
    # CSP violations and script errors; a missing resource by its address (the favicon aside)
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None,
    )
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}") if r.status >= 400 and not r.url.endswith("/favicon.ico") else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(f"{live_server.url}/admin/login/?{urlencode({'next': '/admin/dashboard/' + PERIOD})}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-Secret-123")
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_url("**/admin/dashboard/**")
    charts = page.locator("[data-chart]")
    page.wait_for_function(
        "n => document.querySelectorAll('[data-chart][data-drawn]').length === n", arg=charts.count()
    )
    return page, problems


def row_texts(page, chart, table=0) -> dict:
    """``{row label: [cell texts]}`` of a chart's table, as the browser shows it."""
    rows = page.locator(f"#chart-{chart} .dash-table").nth(table).locator("tbody tr")
    out = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        out[row.locator("th").inner_text()] = [c.strip() for c in row.locator("td").all_inner_texts()]
    return out


def shot(page, name):
    page.screenshot(path=os.path.join(SHOTS, f"dash-{name}.png"), full_page=True)


def test_district_official_sees_their_district_and_drills_down_to_the_complaints(browser, live_server, city):
    # Given the 金水 official on the dashboard for June–November
    page, problems = login(browser, live_server, city["district_official"], 1280)
    # Then every chart is drawn (ECharts under the CSP: no console error) ...
    assert page.locator("svg").count() >= 7
    # ... and only 金水's figures are there: no other district, no other city
    negative = row_texts(page, "negative")
    assert list(negative) == ["郑州市金水区市场监督管理局", "合计"]
    assert "二七" not in page.locator("#content-main").inner_text()
    assert row_texts(page, "complaints")["12345热线"][0] == "3"
    shot(page, "district-1280")
    # When they follow the 3 of 12345 complaints
    page.locator("#chart-complaints tbody tr", has_text="12345热线").locator("td a").first.click()
    page.wait_for_url("**/admin/enforcement/complaint/**")
    # Then the admin list shows exactly those three complaints
    listed = page.locator("#result_list tbody tr")
    assert listed.count() == 3
    text = page.locator("#result_list").inner_text()
    assert all(c.tracking_no in text for c in city["complaints"])
    page.close()
    assert problems == []

    # On a phone, the page stays readable: nothing is wider than the screen except inside a table's scroller
    page, problems = login(browser, live_server, city["district_official"], 390)
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= 390 + 1, overflow
    shot(page, "district-390")
    page.close()
    assert problems == []


def test_platform_admin_sees_every_department(browser, live_server, city):
    page, problems = login(browser, live_server, city["admin"], 1280)
    negative = row_texts(page, "negative")
    assert {"郑州市金水区市场监督管理局", "郑州市二七区市场监督管理局", "洛阳市市场监督管理局"} <= set(negative)
    coverage = row_texts(page, "coverage")
    assert "洛阳市市场监督管理局" in coverage
    shot(page, "admin-1280")
    page.close()
    page, _ = login(browser, live_server, city["admin"], 390)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 391
    shot(page, "admin-390")
    page.close()
    assert problems == []
