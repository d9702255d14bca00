"""Public credit pages (issue 3 §5): an entity's credit section, the public lists, the grades page.

Each test names the DOMAIN §3 rule it checks. The clock is frozen at 2026-11-22 (frozen_today)
and grades are computed by calling evaluate() directly.
"""

import datetime as dt
import json
import re

import pytest

from credit import services as credit_services
from credit.choices import RecordState, RiskClass
from credit.models import CreditRecord, EntityCredit
from tests.conftest import SINOPEC, record_data

ID_NUMBER = "410105198803151234"
PHONE = "13838012345"
ABNORMAL_BASIS = "《企业经营异常名录管理暂行办法》第四条"
SERIOUS_BASIS = "《市场监督管理严重违法失信名单管理办法》第二条"


@pytest.fixture
def list_entity(dept_a):
    """List an entity through the one service (DOMAIN §3 rules enforced there)."""

    def add(entity, list_type="abnormal", **kw):
        defaults = {
            "abnormal": {
                "ground": "no_annual_report",
                "legal_basis": ABNORMAL_BASIS,
                "decided_on": dt.date(2026, 7, 10),
                "ground_established_on": dt.date(2026, 7, 1),
            },
            "serious": {
                "ground": "heavy_fine",
                "legal_basis": SERIOUS_BASIS,
                "decided_on": dt.date(2026, 9, 1),
                "notice_on": dt.date(2026, 8, 1),
            },
            "key_attention": {
                "ground": "dishonest_below_serious",
                "legal_basis": "《郑州市重点关注对象名单管理办法》",
                "decided_on": dt.date(2026, 8, 1),
            },
            "red": {"ground": "trustworthy", "legal_basis": "国发〔2016〕33号", "decided_on": dt.date(2026, 6, 1)},
        }[list_type]
        return credit_services.list_entry_add(
            actor="test", entity_uscc=entity.uscc, list_type=list_type, department=dept_a, **{**defaults, **kw}
        )

    return add


ENTITY_LINK = re.compile(r'<a href="/entities/[0-9A-Z]{18}/">')


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def flat_context(response) -> dict:
    values = {}
    for ctx in response.context:
        for d in ctx.dicts:
            values.update(d)
    return values


# --- the entity page: colour, reasons, what would change it --------------------------------------


def test_entity_page_shows_badge_label_score_and_reasons(client, frozen_today, make_entity, push, evaluate):
    entity = make_entity(name="郑州市金水区老王烩面馆")
    push(record_data(entity.uscc))  # 行政处罚（一般）, decided 2026-11-01
    evaluate([entity.uscc])
    credit = EntityCredit.objects.get(entity_id=entity.uscc)

    html = page(client, f"/entities/{entity.uscc}/")

    assert 'class="grade-badge grade-badge--red"' in html
    assert '<span class="grade-label">失信</span>' in html
    assert f"<strong>{credit.score}</strong>" in html
    assert "行政处罚（一般）郑市监罚〔2026〕12号，公示至 2027-11-01" in html
    assert "郑州市金水区老王烩面馆" in html  # the base data stays


def test_entity_page_says_when_the_grade_can_improve(client, frozen_today, make_entity, push, evaluate):
    """Reasons age out with the window: the page names the day the grade is re-evaluated, and repair."""
    entity = make_entity()
    push(record_data(entity.uscc))
    evaluate([entity.uscc])
    assert EntityCredit.objects.get(entity_id=entity.uscc).improves_on == dt.date(2027, 11, 2)

    html = page(client, f"/entities/{entity.uscc}/")

    assert "若无新的失信信息，2027年11月2日 起将按其余信息重新评价" in html
    assert "信用修复" in html
    assert "一般失信信息 3个月" in html


def test_entity_page_for_a_list_entry_says_removal_changes_it(client, frozen_today, make_entity, list_entity, evaluate):
    """A list entry holds the grade (no improves_on date): the page says leaving the list changes it."""
    entity = make_entity()
    list_entity(entity, "abnormal")
    evaluate([entity.uscc])
    assert EntityCredit.objects.get(entity_id=entity.uscc).improves_on is None

    html = page(client, f"/entities/{entity.uscc}/")

    assert "移出经营异常名录后，将按其余信息重新评价" in html
    assert "5个工作日内" in html
    assert "列入经营异常名录（未按规定期限（6月30日前）报送年度报告），2026-07-10 起" in html  # the reason
    assert "列入名单情况" in html and ABNORMAL_BASIS in html  # the entry itself
    assert 'href="/lists/abnormal/"' in html


def test_entity_good_grade_is_green(client, frozen_today, make_entity, evaluate):
    entity = make_entity()
    evaluate([entity.uscc])
    html = page(client, f"/entities/{entity.uscc}/")
    assert 'class="grade-badge grade-badge--green"' in html
    assert "无有效期内的失信、警示信息" in html


def test_entity_not_yet_evaluated_shows_not_evaluated(client, frozen_today, make_entity):
    entity = make_entity()
    html = page(client, f"/entities/{entity.uscc}/")
    assert "尚未评价" in html
    assert "grade-history-chart" not in html


# --- the entity page: which records are public ----------------------------------------------------


def test_public_records_grouped_by_category_with_publicity_end_date(client, frozen_today, make_entity, push, evaluate):
    entity = make_entity()
    push(
        record_data(entity.uscc, "郑市监罚〔2026〕12号"),
        record_data(
            entity.uscc,
            "郑市监许〔2026〕7号",
            category="administrative_licence",
            polarity="positive",
            title="食品经营许可",
            decided_on="2026-03-01",
        ),
    )
    evaluate([entity.uscc])

    html = page(client, f"/entities/{entity.uscc}/")

    assert html.index("<h3>行政许可") < html.index("食品经营许可")
    assert html.index("<h3>行政处罚") < html.index("未按规定明码标价")
    assert "2027年11月1日" in html  # the penalty's publicity end (一般: 1 year)
    assert "2029年3月1日" in html  # the licence's (positive: 3 years)


def test_minor_record_not_published_by_default_is_not_on_page(client, frozen_today, make_entity, push, evaluate):
    """轻微 is not published by default (《信用修复管理办法》); an unpublished record changes no public
    colour and is never hinted at (issue 12 §3): it counts in the internal risk class only."""
    entity = make_entity()
    push(
        record_data(
            entity.uscc, "郑市监轻〔2026〕3号", severity="minor", title="店招未亮证经营（轻微）", content="轻微违法内容"
        )
    )
    evaluate([entity.uscc])
    assert CreditRecord.objects.get(source_ref="郑市监轻〔2026〕3号").published is False

    html = page(client, f"/entities/{entity.uscc}/")

    assert "grade-badge--green" in html and "grade-badge--yellow" not in html
    assert "不予公示" not in html.split('id="records-title"')[0]  # no reason hints at it
    assert "郑市监轻〔2026〕3号" not in html
    assert "店招未亮证经营" not in html
    assert "轻微违法内容" not in html
    assert "暂无公示中的信用信息" in html


def test_revoked_record_not_on_page(client, frozen_today, make_entity, push, evaluate):
    entity = make_entity()
    push(
        record_data(entity.uscc, "郑市监罚〔2026〕40号", title="被撤销的处罚"),
        record_data(entity.uscc, "郑市监罚〔2026〕41号", title="仍有效的处罚"),
    )
    record = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕40号")
    credit_services.credit_record_revoke(actor="test", record=record, reason="复议撤销")
    evaluate([entity.uscc])

    html = page(client, f"/entities/{entity.uscc}/")

    assert "仍有效的处罚" in html
    assert "被撤销的处罚" not in html
    assert "郑市监罚〔2026〕40号" not in html


def test_record_past_its_publicity_window_not_on_page(client, frozen_today, make_entity, push, evaluate):
    """一般: publication stops at the maximum (1 year from the decision)."""
    entity = make_entity()
    push(record_data(entity.uscc, "郑市监罚〔2025〕5号", decided_on="2025-10-01", title="已过公示期的处罚"))
    evaluate([entity.uscc])
    html = page(client, f"/entities/{entity.uscc}/")
    assert "已过公示期的处罚" not in html
    assert "grade-badge--green" in html


# --- the entity page: history chart and URL behaviour ---------------------------------------------


def test_grade_history_is_an_inline_svg_with_its_table_and_no_script(client, frozen_today, make_entity, push, evaluate):
    """Issue 16 §1: the history is drawn on the server; ECharts is not loaded on a public page."""
    entity = make_entity()
    evaluate([entity.uscc])
    push(record_data(entity.uscc))
    evaluate([entity.uscc])

    html = page(client, f"/entities/{entity.uscc}/")

    assert "echarts" not in html and "<script" not in html
    svg = re.search(r'<figure id="grade-history-chart"[^>]*>(<svg .*?</svg>)', html, re.S).group(1)
    assert 'role="img"' in svg and re.search(r'data-tick="2026-\d\d-\d\d"', svg)
    rows = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td><td>(.*?)</td>", html)
    assert [label for _, label in rows][:2] == ["良好", "失信"]


def test_entity_page_keeps_the_uscc_rules(client, frozen_today, make_entity):
    """The credit view answers /entities/<USCC>/ with supervision's rules: redirect, 400, 404."""
    make_entity(uscc_code=SINOPEC)
    assert client.get(f"/entities/{SINOPEC.lower()}/")["Location"] == f"/entities/{SINOPEC}/"
    bad = client.get("/entities/91350100M000100Y4Z/")
    assert bad.status_code == 400 and "应为“3”" in bad.content.decode()
    missing = client.get("/entities/914403001922038216/")
    assert missing.status_code == 404 and "未找到" in missing.content.decode()


# --- internal and personal data never public ------------------------------------------------------


def test_risk_class_never_in_public_html(client, frozen_today, make_entity, push, list_entity, evaluate):
    """SAMR 国市监信发〔2022〕6号: the risk class is internal; no public page shows or even loads it."""
    entity = make_entity(name="郑州高风险餐饮有限公司", industry_code="H6210")  # 餐饮业: a high-risk industry
    push(
        record_data(entity.uscc, "郑市监罚〔2026〕90号", severity="serious", title="使用超范围食品添加剂"),
        record_data(entity.uscc, "郑市监查〔2026〕91号", category="inspection_result", title="抽查发现问题"),
    )
    list_entity(entity, "serious")
    evaluate([entity.uscc])
    assert EntityCredit.objects.get(entity_id=entity.uscc).risk_class == RiskClass.D

    responses = [
        client.get(f"/entities/{entity.uscc}/"),
        client.get("/lists/"),
        client.get("/lists/serious/"),
        client.get("/lists/serious/", {"q": "餐饮有限"}),
        client.get("/credit/grades/"),
    ]
    for response in responses:
        assert response.status_code == 200
        html = response.content.decode()
        for needle in ("D类", "风险分类", "risk_class", "高风险"):
            assert needle not in html.replace("郑州高风险餐饮有限公司", ""), (response.request["PATH_INFO"], needle)
    context = flat_context(responses[0])
    assert not any(isinstance(v, EntityCredit) for v in context.values())
    assert "risk_class" not in json.dumps(context["credit"], default=str)


def test_personal_data_never_on_credit_pages(client, frozen_today, make_entity, push, list_entity, evaluate):
    entity = make_entity(
        name="郑州隐私测试商行", legal_rep_id_number=ID_NUMBER, contact_phone=PHONE, entity_type="individual"
    )
    push(record_data(entity.uscc))
    list_entity(entity, "abnormal")
    evaluate([entity.uscc])
    for url, params in [
        (f"/entities/{entity.uscc}/", {}),
        ("/lists/", {}),
        ("/lists/abnormal/", {}),
        ("/lists/abnormal/", {"q": "隐私测试"}),
        ("/lists/abnormal/", {"q": entity.uscc}),
        ("/credit/grades/", {}),
    ]:
        html = page(client, url, **params)
        assert ID_NUMBER not in html
        assert PHONE not in html


# --- list pages -----------------------------------------------------------------------------------


def test_list_index_shows_every_public_list_with_counts(client, frozen_today, make_entity, list_entity):
    list_entity(make_entity(), "abnormal")
    list_entity(make_entity(), "abnormal")
    html = page(client, "/lists/")
    for code, label in [
        ("abnormal", "经营异常名录"),
        ("serious", "严重违法失信名单"),
        ("key_attention", "重点关注对象名单"),
        ("red", "守信激励对象名单"),
    ]:
        assert f'href="/lists/{code}/"' in html and label in html
    assert "现有 2 户" in html


def test_list_page_links_each_row_to_the_entity(client, frozen_today, make_entity, list_entity):
    entity = make_entity(name="郑州市中原区失联商贸有限公司")
    list_entity(entity, "abnormal", ground="unreachable")
    html = page(client, "/lists/abnormal/")
    assert f'href="/entities/{entity.uscc}/"' in html
    assert "郑州市中原区失联商贸有限公司" in html
    assert "通过登记的住所或者经营场所无法联系" in html
    assert "2026年7月10日 列入" in html


def test_list_page_search_by_name_substring_and_uscc(client, frozen_today, make_entity, list_entity):
    noodle = make_entity(name="郑州市金水区老王烩面馆")
    tea = make_entity(name="郑州市二七区茶叶商行")
    list_entity(noodle, "abnormal")
    list_entity(tea, "abnormal")
    other_list = make_entity(name="郑州市惠济区烩面馆")
    list_entity(other_list, "key_attention")

    by_name = page(client, "/lists/abnormal/", q="烩面")
    assert "老王烩面馆" in by_name and "茶叶商行" not in by_name
    assert "惠济区烩面馆" not in by_name  # only this list
    by_code = page(client, "/lists/abnormal/", q=tea.uscc.lower())
    assert "茶叶商行" in by_code and "老王烩面馆" not in by_code
    by_prefix = page(client, "/lists/abnormal/", q=tea.uscc[:17])
    assert "茶叶商行" in by_prefix
    none = page(client, "/lists/abnormal/", q="不存在的名字")
    assert "本名单中没有与“不存在的名字”相符的市场主体" in none


def test_list_page_pages_by_20(client, frozen_today, make_entity, list_entity):
    for i in range(25):
        list_entity(
            make_entity(name=f"郑州分页测试商行{i:02d}"),
            "abnormal",
            listed_on=dt.date(2026, 7, 10) + dt.timedelta(days=i),
        )
    first = page(client, "/lists/abnormal/")
    second = page(client, "/lists/abnormal/", page=2)
    assert len(ENTITY_LINK.findall(first)) == 20
    assert len(ENTITY_LINK.findall(second)) == 5
    assert "共 25 户" in first and "第 1 / 2 页" in first and 'href="?page=2"' in first
    assert "分页测试商行24" in first and "分页测试商行00" in second  # newest listings first
    search = page(client, "/lists/abnormal/", q="分页测试", page=2)
    assert len(ENTITY_LINK.findall(search)) == 5 and 'href="?q=%E5%88%86%E9%A1%B5%E6%B5%8B%E8%AF%95&page=1"' in search
    assert client.get("/lists/abnormal/", {"page": "abc"}).status_code == 200


def test_removed_entry_leaves_the_list_page(client, frozen_today, make_entity, list_entity):
    entity = make_entity(name="郑州已补报年报商行")
    entry = list_entity(entity, "abnormal")
    credit_services.list_entry_remove(
        actor="test",
        entry=entry,
        reason="duty_fulfilled",
        removed_on=dt.date(2026, 11, 20),
        duty_fulfilled_on=dt.date(2026, 11, 18),
    )
    assert "郑州已补报年报商行" not in page(client, "/lists/abnormal/")
    assert "未列入" in page(client, f"/entities/{entity.uscc}/")


def test_unknown_list_type_is_404_in_chinese(client, db):
    response = client.get("/lists/blacklist/")
    assert response.status_code == 404
    assert "未找到该名单" in response.content.decode()


# --- the grades page ------------------------------------------------------------------------------


def test_grades_page_shows_bands_rules_and_windows_from_data(client, db, frozen_today):
    html = page(client, "/credit/grades/")
    for label, colour, band in [
        ("良好", "绿色", "800–1000"),
        ("警示", "黄色", "600–799"),
        ("失信", "红色", "400–599"),
        ("严重失信", "黑色", "0–399"),
    ]:
        assert label in html and colour in html and band in html
    rules = re.findall(r"<li><strong>(.*?)</strong>", html.split('id="rules-title"')[1])[:4]
    assert rules == ["严重失信", "失信", "警示", "良好"]  # DOMAIN §3: applied in this order
    assert "默认不予公示" in html
    assert "最短 3个月，最长 1年" in html
    assert "最短 1年，最长 3年" in html
    assert "信用修复" in html and "异议" in html


def test_grades_page_follows_a_new_model_version(client, db, frozen_today, evaluate, make_entity):
    """Labels and ranges are data: a new version in force today changes the page (and the badge)."""
    bands = [
        {"grade": "GOOD", "label": "守信", "colour": "green", "score_min": 850, "score_max": 1000},
        {"grade": "WARNING", "label": "关注", "colour": "yellow", "score_min": 600, "score_max": 849},
        {"grade": "DISHONEST", "label": "失信", "colour": "red", "score_min": 300, "score_max": 599},
        {"grade": "SERIOUSLY_DISHONEST", "label": "严重失信", "colour": "black", "score_min": 0, "score_max": 299},
    ]
    credit_services.evaluation_model_create(
        actor="test", effective_from=dt.date(2026, 11, 1), bands=bands, note="测试：调整等级名称"
    )
    credit_services.evaluation_model_create(
        actor="test", effective_from=dt.date(2027, 1, 1), bands=[{**b, "label": b["label"] + "（未来）"} for b in bands]
    )

    html = page(client, "/credit/grades/")

    assert "守信" in html and "850–1000" in html and "关注" in html and "600–849" in html
    assert "800–1000" not in html and "（未来）" not in html
    assert "第 2 版" in html
    entity = make_entity()
    evaluate([entity.uscc])
    assert '<span class="grade-label">守信</span>' in page(client, f"/entities/{entity.uscc}/")


def test_credit_pages_are_linked_from_the_nav_and_entity_page(client, frozen_today, make_entity):
    entity = make_entity()
    html = page(client, f"/entities/{entity.uscc}/")
    assert 'href="/credit/grades/"' in html and 'href="/lists/"' in html
    assert 'href="/credit/grades/"' in page(client, "/")


# --- query budgets (STYLE.md 14) ------------------------------------------------------------------


def test_entity_page_query_budget_does_not_grow_with_records(
    client, frozen_today, make_entity, push, list_entity, evaluate, django_assert_max_num_queries
):
    entity = make_entity()
    push(*[record_data(entity.uscc, f"郑市监罚〔2026〕{i}号", decided_on=f"2026-{i:02d}-01") for i in range(1, 11)])
    push(
        *[
            record_data(
                entity.uscc,
                f"郑市监许〔2026〕{i}号",
                category="administrative_licence",
                polarity="positive",
                title="许可",
            )
            for i in range(1, 6)
        ]
    )
    list_entity(entity, "abnormal")
    list_entity(entity, "key_attention")
    evaluate([entity.uscc])
    CreditRecord.objects.filter(source_ref="郑市监罚〔2026〕1号").update(state=RecordState.EXPIRED)
    evaluate([entity.uscc])

    # 8 for the credit sections + 1 for the sections other apps add (inspections: its published results).
    # +1 per section another app adds through entity_page_sections (inspections results, enforcement penalties).
    # Issue 12: +1 消费投诉公示 count; +1 inspection results pushed by other systems (issue 12 §7).
    # Issue 14: +1 年度报告 (supervision's section, corrections included); +1 企业自主填报信息 (信用信息注册).
    with django_assert_max_num_queries(14):
        html = page(client, f"/entities/{entity.uscc}/")
    # 14 records and 2 list entries, plus the 10 penalties' summaries under 行政处罚信息: a pushed penalty is
    # disclosed there on its own clock (issue 12 §1, §7), the one whose credit record expired included.
    assert html.count('class="record-title"') == 14 + 2 + 10


def test_list_page_query_budget(client, frozen_today, make_entity, list_entity, django_assert_max_num_queries):
    for _ in range(25):
        list_entity(make_entity(name="郑州预算测试商行"), "abnormal")
    with django_assert_max_num_queries(2):
        page(client, "/lists/abnormal/")
    with django_assert_max_num_queries(3):
        page(client, "/lists/abnormal/", q="预算测试")
    with django_assert_max_num_queries(1):
        page(client, "/lists/")
    with django_assert_max_num_queries(4):
        page(client, "/credit/grades/")
