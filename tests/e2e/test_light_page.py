"""A light public entity page (issue 16 §1), in Debian's chromium at 390 px on Fast 3G.

Goals: no more than 100 KB transferred in all (HTML, CSS, scripts, fonts, images, as compressed on
the wire), no render-blocking script, and every section visible within 2 s under the DevTools
"Fast 3G" preset. The server is a live Django server with WhiteNoise in front of it serving a real
``collectstatic`` (hashed, gzip), as gunicorn serves it in production; pytest-django's own live
server would serve unhashed, uncompressed files from the finders instead.
"""

import datetime as dt
import os

import pytest
from django.test.testcases import LiveServerThread

from bench.support.fast3g import load_on_fast_3g
from enforcement import services as enforcement_services
from enforcement.choices import CaseStage
from tests.conftest import record_data
from tests.enforcement.conftest import (  # noqa: F401  (fixtures: a case to publish a penalty on)
    entity,
    handler,
    issue,
    make_inspector,
    officers,
    open_case,
    standard,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUDGET_BYTES = 100 * 1024
BUDGET_MS = 2000


@pytest.fixture
def production_server(production_static):
    """A live server without Django's static handler: /static/ goes through WhiteNoise's middleware."""
    server = LiveServerThread("127.0.0.1", static_handler=lambda app: app)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://127.0.0.1:{server.port}"
    server.terminate()


@pytest.fixture
def busy_entity(entity, push, evaluate, dept_a, open_case, issue, frozen_today):
    """An entity with what a busy real one has: records of several kinds, a list entry, a grade that
    changed, and published penalties (built through the services, as the departments do)."""
    from credit.services import list_entry_add

    evaluate([entity.uscc])
    kinds = [
        ("administrative_penalty", "negative", "general", "未按规定明码标价"),
        ("administrative_penalty", "negative", "minor", "超范围经营"),
        ("administrative_licence", "positive", "", "食品经营许可"),
        ("administrative_confirmation", "neutral", "", "食品小作坊登记"),
        ("award", "positive", "", "诚信经营示范店"),
        ("administrative_penalty", "negative", "general", "销售过期食品"),
    ]
    for n, (category, polarity, severity, title) in enumerate(kinds * 2):
        push(
            record_data(
                entity.uscc,
                source_ref=f"郑市监〔2026〕{100 + n}号",
                category=category,
                polarity=polarity,
                severity=severity,
                title=title,
                decided_on=(dt.date(2026, 1, 10) + dt.timedelta(days=25 * n)).isoformat(),
            )
        )
        if n in (0, 5):
            evaluate([entity.uscc])
    list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type="abnormal",
        ground="unreachable",
        legal_basis="《企业经营异常名录管理暂行办法》第四条",
        department=dept_a,
        decided_on=dt.date(2026, 7, 10),
        ground_established_on=dt.date(2026, 7, 1),
    )
    evaluate([entity.uscc])
    for months in (3, 6, 9):
        decided_on = frozen_today - dt.timedelta(days=30 * months)
        case = open_case(
            stage=CaseStage.NOTICE,
            filed_on=decided_on - dt.timedelta(days=40),
            served_on=decided_on - dt.timedelta(days=30),  # past any holiday's 5 working days
        )
        issue(case, decided_on=decided_on)
    enforcement_services.disclosures_publish(actor="test")
    return entity


def _lower(headers: dict) -> dict:
    return {k.lower(): v for k, v in headers.items()}


def test_public_entity_page_is_light_on_fast_3g_at_390px(browser, production_server, busy_entity):
    url = f"{production_server}/entities/{busy_entity.uscc}/"
    warm = browser.new_page()
    assert warm.goto(url).status == 200  # warm the server up (a production server is warm)
    warm.close()

    context, page, wire, seen = load_on_fast_3g(browser, url)

    # The page is the busy one: every section is there, the penalties and the chart included.
    headings = page.locator("h2").all_inner_texts()
    for title in ("信用状况", "公示中的信用信息", "列入名单情况", "信用等级变化", "行政处罚信息"):
        assert title in headings, headings
    assert page.locator("section[aria-labelledby=penalties-title] li").count() >= 3
    assert page.locator("#grade-history-chart svg[role=img]").count() == 1
    assert page.locator(".history-table table caption").count() == 1

    # No more than 100 KB transferred, all responses counted as they crossed the wire.
    total = sum(size for size, _ in wire.values())
    report = "\n".join(
        f"{size:>7} {_lower(r['headers']).get('content-encoding', '-'):5} {u}" for u, (size, r) in wire.items()
    )
    print(f"\nFast 3G, 390 px: {total} bytes transferred\n{report}")
    assert total <= BUDGET_BYTES, report
    assert not any("echarts" in u for u in wire), report
    # Static files as production serves them: hashed, compressed, cached for good; the HTML gzipped.
    statics = {u: _lower(r["headers"]) for u, (_, r) in wire.items() if "/static/" in u}
    assert statics, report
    for u, headers in statics.items():
        assert "immutable" in headers.get("cache-control", ""), u
        if u.endswith((".css", ".js", ".svg")):
            assert headers.get("content-encoding") == "gzip", u
    assert _lower(wire[url][1]["headers"]).get("content-encoding") == "gzip", report

    # No render-blocking script: nothing in <head> runs before the page shows, and no script
    # in the page at all is fetched without defer, async or type=module.
    blocking = page.evaluate(
        """() => Array.from(document.querySelectorAll("script")).filter(s => {
             const type = (s.type || "text/javascript").toLowerCase();
             const code = ["text/javascript", "application/javascript", "module", ""].includes(type);
             return code && type !== "module" && !s.defer && !s.async && (s.src || s.closest("head"));
           }).map(s => s.outerHTML)"""
    )
    assert blocking == []

    # On a phone nothing runs off the side, and the chart fits the screen.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    box = page.locator("#grade-history-chart svg").bounding_box()
    assert 250 <= box["width"] <= 390 - 16
    page.screenshot(path=os.environ.get("E2E_LIGHT_SCREENSHOT", "/tmp/e2e-light-entity-390.png"), full_page=True)
    context.close()

    # Every section visible within 2 s of the start of navigation. The machine running the suite
    # is shared, so the best of three cold loads counts (bench/README: best of 3), each one complete.
    runs = [seen]
    while max(runs[-1].values()) > BUDGET_MS and len(runs) < 3:
        context, _, _, again = load_on_fast_3g(browser, url)
        context.close()
        runs.append(again)
    for run in runs:
        assert set(headings) <= set(run), run
    best = min(runs, key=lambda run: max(run.values()))
    print("sections visible at (ms), per run:", [round(max(run.values())) for run in runs])
    print("best run:", {title: round(ms) for title, ms in best.items()})
    assert max(best.values()) <= BUDGET_MS, runs
