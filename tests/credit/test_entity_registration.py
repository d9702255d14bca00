"""Issue 18 §1.3-1.4: the entity page shows the registration facts GSXT shows (登记机关, 成立日期, 营业期限,
经营范围), the registered English name and the history of list entries and removals; search results
show the English name and the grade badge at a query cost that does not grow with the page."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from credit import services
from credit.choices import ListGround, ListType, RemovalReason
from supervision.selectors import public_entities
from tests.conftest import record_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese_after():
    """An English request leaves English active in this thread (the locale middleware does not reset it),
    which would turn the next test's Chinese texts English; back to the default after each test."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True, scope="module")
def catalogues():
    call_command("compile_catalogues", verbosity=0)


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content.decode()[:300]
    return response.content.decode()


def fact(html, name):
    found = re.search(rf'<dd data-fact="{name}"[^>]*>(.*?)</dd>', html, re.S)
    return found.group(1).strip() if found else None


def abnormal(entity, dept, decided_on, **kw):
    return services.list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=ListType.ABNORMAL,
        ground=ListGround.UNREACHABLE,
        legal_basis="《企业经营异常名录管理暂行办法》第四条",
        department=dept,
        decided_on=decided_on,
        ground_established_on=decided_on,
        **kw,
    )


def test_registration_facts_on_the_entity_page(client, make_entity, dept_a):
    # given an entity registered by department A with a fixed term and a scope, and one with no end date
    fixed = make_entity(
        name="郑州登记事项商贸有限公司",
        registration_authority=dept_a,
        established_on=dt.date(2015, 3, 9),
        operating_from=dt.date(2015, 3, 9),
        operating_to=dt.date(2035, 3, 8),
        business_scope="一般项目：日用百货销售（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
    )
    open_ended = make_entity(name="郑州长期经营商贸有限公司", established_on=dt.date(2020, 1, 2))
    html = page(client, f"/entities/{fixed.uscc}/")
    # then the page shows them as GSXT does
    assert fact(html, "registration_authority") == "郑州市市场监督管理局"
    assert fact(html, "established_on") == "2015年3月9日"
    assert fact(html, "operating_term") == "2015年3月9日 至 2035年3月8日"
    assert fact(html, "business_scope").startswith("一般项目：日用百货销售")
    # and a term without an end is 长期, from the date of establishment
    html = page(client, f"/entities/{open_ended.uscc}/")
    assert fact(html, "operating_term") == "2020年1月2日 至 长期"
    assert fact(html, "registration_authority") == "—" and fact(html, "business_scope") == "—"


def test_registration_facts_are_public_fields_and_nothing_confidential_is(client, make_entity):
    entity = make_entity(name_en="Zhengzhou Facts Trading Co., Ltd.", legal_rep_id_number="410105199001011234")
    loaded = public_entities().get(uscc=entity.uscc)
    deferred = loaded.get_deferred_fields()
    assert not {"name_en", "operating_from", "operating_to", "business_scope"} & deferred
    assert {"legal_rep_id_number", "contact_phone"} <= deferred
    assert "410105199001011234" not in page(client, f"/entities/{entity.uscc}/")


def test_operating_term_end_before_its_start_is_refused(make_entity):
    from django.core.exceptions import ValidationError

    entity = make_entity()
    entity.operating_from, entity.operating_to = dt.date(2026, 1, 1), dt.date(2025, 1, 1)
    with pytest.raises(ValidationError, match="营业期限至不能早于营业期限自"):
        entity.full_clean()


def test_registered_english_name_on_the_page_and_in_results_never_a_translation(client, make_entity):
    foreign = make_entity(name="郑州英文名称贸易有限公司", name_en="Zhengzhou Yingwen Trading Co., Ltd.")
    plain = make_entity(name="郑州没有英文名称贸易有限公司")
    html = page(client, f"/entities/{foreign.uscc}/")
    assert '<p class="entity-name-en" lang="en" data-name-en>Zhengzhou Yingwen Trading Co., Ltd.' in html
    assert "data-name-en" not in page(client, f"/entities/{plain.uscc}/")
    results = page(client, "/entities/?q=英文名称贸易")
    items = re.findall(r"<li>(.*?)</li>", results.split('<ul class="results">')[1], re.S)
    by_name = {re.search(r'">([^<]+)</a>', i).group(1): i for i in items}
    assert "data-name-en>Zhengzhou Yingwen Trading Co., Ltd.</span>" in by_name[foreign.name]
    assert "data-name-en" not in by_name[plain.name]


def test_list_history_shows_entries_and_removals_but_not_revoked_ones(client, make_entity, dept_a):
    # given an entity listed, removed once the duty was met, listed again, and an entry revoked as wrong
    entity = make_entity(name="郑州名单历史商贸有限公司")
    first = abnormal(entity, dept_a, dt.date(2024, 5, 6), decision_no="郑市监异〔2024〕5号")
    services.list_entry_remove(
        actor="test", entry=first, reason=RemovalReason.DUTY_FULFILLED, removed_on=dt.date(2024, 9, 1)
    )
    wrong = abnormal(entity, dept_a, dt.date(2025, 2, 3))
    services.list_entry_remove(
        actor="test", entry=wrong, reason=RemovalReason.DECISION_REVOKED, removed_on=dt.date(2025, 2, 10)
    )
    abnormal(entity, dept_a, dt.date(2026, 11, 20))
    html = page(client, f"/entities/{entity.uscc}/")
    # then the history lists the removal with its dates and reason, and the current entry stays above
    table = html.split("data-list-history>")[1].split("</table>")[0]
    rows = re.findall(r"<tr data-history-entry=\"abnormal\">(.*?)</tr>", table, re.S)
    assert len(rows) == 1
    cells = [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td>(.*?)</td>", rows[0], re.S)]
    assert cells == [
        "经营异常名录",
        "2024年5月6日",
        "通过登记的住所或者经营场所无法联系",
        "2024年9月1日",
        "已履行相关义务（补报、公示、更正或可联系）",
        "郑州市市场监督管理局",
    ]
    assert "2025年2月3日" not in table  # revoked as wrong: never a fact about the entity
    assert "2026年11月20日" in html.split("data-list-history>")[0]  # the entry in force


def test_entity_page_in_english(client, make_entity, dept_a, settings):
    entity = make_entity(
        name="郑州英文页面商贸有限公司",
        name_en="Zhengzhou Page Trading Co., Ltd.",
        registration_authority=dept_a,
        established_on=dt.date(2015, 3, 9),
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(client, f"/entities/{entity.uscc}/")
    assert "Unified Social Credit Code (USCC)" in html and "Registration authority" in html
    assert fact(html, "operating_term") == "From 9 Mar 2015, with no fixed end"
    assert fact(html, "established_on") == "9 Mar 2015"
    assert "郑州英文页面商贸有限公司" in html  # names stay as registered
    assert "the Chinese text is legally authoritative" in html


def test_search_page_cost_does_not_grow_with_results(
    client, make_entity, push, evaluate, frozen_today, django_assert_num_queries
):
    """Each result's badge and last inspection date are columns of the page's one query (no N+1)."""

    def queries_for(q):
        with CaptureQueriesContext(connection) as ctx:
            html = page(client, f"/entities/?q={q}")
        return len(ctx.captured_queries), html

    one = make_entity(name="郑州单个成本检索商行")
    push(record_data(one.uscc, "郑市监检〔2026〕1号", category="inspection_result", polarity="neutral"))
    many = [make_entity(name=f"郑州多个成本检索商行{i:02d}") for i in range(12)]
    push(
        *[
            record_data(e.uscc, f"郑市监检〔2026〕{i + 10}号", category="inspection_result", polarity="neutral")
            for i, e in enumerate(many)
        ]
    )
    evaluate()
    single_cost, html = queries_for("单个成本检索")
    assert html.count('data-last-inspected="2026-11-01"') == 1
    with django_assert_num_queries(single_cost):
        html = page(client, "/entities/?q=多个成本检索")
    assert html.count('data-last-inspected="2026-11-01"') == 12 and html.count("grade-badge--green") == 12
