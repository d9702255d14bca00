"""Public penalty pages and GET /api/v1/penalties/ (issue 6 §4, DESIGN.md public URLs, API.md)."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from enforcement import services
from enforcement.choices import CaseStage, DisclosureState
from enforcement.models import PenaltyDisclosure


@pytest.fixture
def publish(waived, open_case, issue, frozen_today):
    """Issue a decision on a case at 告知 and run the publication job: its published summary."""

    def publish_(**kw):
        case_kw = {k: kw.pop(k) for k in ("party_name", "entity_uscc", "standard") if k in kw}
        decided_on = kw.get("decided_on")
        if decided_on:  # a decision of the past: its 告知 was served more than 5 working days before it
            case = open_case(
                stage=CaseStage.NOTICE,
                filed_on=decided_on - dt.timedelta(days=20),
                served_on=decided_on - dt.timedelta(days=10),
                **case_kw,
            )
        else:
            case = waived(open_case(stage=CaseStage.NOTICE, **case_kw))
        decision = issue(case, **kw)
        services.disclosures_publish(actor="test")
        return PenaltyDisclosure.objects.get(decision=decision)

    return publish_


@pytest.fixture
def enforcement_api(api, api_key):
    _, key = api_key(("enforcement:read",))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


def html_of(client, url, params=None, status=200) -> str:
    response = client.get(url, params or {})
    assert response.status_code == status, response.content.decode()[:500]
    return response.content.decode()


def listed(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-penalty="(\d+)"', html)]


# --- /penalties/ ----------------------------------------------------------------------------------


def test_penalty_list_shows_published_summaries_newest_first(client, publish, entity):
    first = publish(decided_on=dt.date(2026, 11, 2))
    second = publish()
    html = html_of(client, "/penalties/")
    assert listed(html) == [second.pk, first.pk]
    assert "共 2 条公示信息" in html
    assert entity.name in html and first.number in html and "罚款" in html and "没收违法所得" in html
    assert "郑州市市场监督管理局" in html


def test_penalty_list_search_by_name_uscc_and_prefix(client, publish, make_entity):
    a = make_entity(name="郑州市金水区好运来超市有限公司")
    b = make_entity(name="郑州市二七区福满楼酒店有限公司")
    pa = publish(party_name=a.name, entity_uscc=a.uscc)
    pb = publish(party_name=b.name, entity_uscc=b.uscc)
    assert listed(html_of(client, "/penalties/", {"q": "好运来"})) == [pa.pk]
    assert listed(html_of(client, "/penalties/", {"q": "福满楼酒店"})) == [pb.pk]
    assert listed(html_of(client, "/penalties/", {"q": b.uscc.lower()})) == [pb.pk]  # normalised
    assert listed(html_of(client, "/penalties/", {"q": a.uscc[:17]})) == [pa.pk]  # a prefix
    html = html_of(client, "/penalties/", {"q": "不存在的名称"})
    assert listed(html) == [] and "没有符合条件的行政处罚公示信息" in html


def test_penalty_list_filters_department_year_and_type(client, publish, dept_a):
    fine = publish()
    warning_and_revoke = publish(
        penalty_types=["fine", "suspend_licence"], penalty_content="罚款100000元，暂扣食品经营许可证一个月"
    )
    assert listed(html_of(client, "/penalties/", {"department": "ZZSJ"})) == [warning_and_revoke.pk, fine.pk]
    assert listed(html_of(client, "/penalties/", {"penalty_type": "suspend_licence"})) == [warning_and_revoke.pk]
    assert listed(html_of(client, "/penalties/", {"year": "2026"})) == [warning_and_revoke.pk, fine.pk]
    assert listed(html_of(client, "/penalties/", {"year": "2025"})) == []
    html = html_of(client, "/penalties/", {"year": "二〇二六"}, status=400)
    assert 'role="alert"' in html
    html = html_of(client, "/penalties/", {"department": "NOPE"}, status=400)
    assert 'role="alert"' in html


def test_penalty_list_pages_by_20_within_a_query_budget(client, publish, django_assert_max_num_queries):
    rows = [publish() for _ in range(21)]
    with django_assert_max_num_queries(4):
        first = html_of(client, "/penalties/")
    assert len(listed(first)) == 20 and "第 1 / 2 页" in first
    assert listed(html_of(client, "/penalties/", {"page": 2})) == [rows[0].pk]
    assert listed(html_of(client, "/penalties/", {"page": "x"})) == listed(first)  # a bad page number is page 1


# --- /penalties/<id>/ -----------------------------------------------------------------------------


def test_penalty_detail_has_the_domain_summary_fields(client, publish, entity, dept_a):
    d = publish(legal_representative="张三")
    html = html_of(client, f"/penalties/{d.pk}/")
    for text in (
        "郑市监罚〔2026〕1号",
        entity.name,
        entity.uscc,
        "张三",
        "销售超过保质期的食品",
        "货值金额3200元",
        "第一百二十四条第一款第（五）项",
        "罚款",
        "没收违法所得",
        "没收违法所得3200元，罚款100000元",
        "100,000.00 元",
        "3,200.00 元",
        "2026年11月22日",
        dept_a.name,
        dept_a.uscc,
        "2027年11月22日",  # end of publicity (一般: 1 year)
    ):
        assert text in html, text


def test_unknown_or_unpublished_penalty_is_404(waived, client, open_case, issue, frozen_today):
    pending = issue(waived(open_case(stage=CaseStage.NOTICE)))
    assert client.get(f"/penalties/{pending.disclosure.pk}/").status_code == 404
    assert client.get("/penalties/999999/").status_code == 404


# --- /exposure/ and the entity page ---------------------------------------------------------------


def test_exposure_shows_featured_cases_with_the_officials_note(client, publish, alice):
    featured = publish()
    other = publish()
    services.disclosure_feature(
        actor=alice,
        disclosure=featured,
        featured=True,
        note="本案系典型的销售过期食品案件，提醒经营者落实进货查验制度。",
    )
    html = html_of(client, "/exposure/")
    assert listed(html) == [featured.pk]
    assert "落实进货查验制度" in html and other.number not in html
    assert "落实进货查验制度" in html_of(client, f"/penalties/{featured.pk}/")
    # A withdrawn case leaves the 曝光台 too.
    services.decision_revoke(actor=alice, decision=featured.decision, reason="行政诉讼判决撤销")
    assert listed(html_of(client, "/exposure/")) == []


def test_entity_page_gains_its_penalties(client, publish, entity, make_entity):
    mine = publish()
    other_entity = make_entity(name="郑州市另一家公司")
    theirs = publish(party_name=other_entity.name, entity_uscc=other_entity.uscc)
    html = html_of(client, f"/entities/{entity.uscc}/")
    assert "行政处罚信息" in html
    assert f'href="/penalties/{mine.pk}/"' in html and f'href="/penalties/{theirs.pk}/"' not in html


def test_penalty_pages_are_linked_from_the_nav(client, db):
    html = html_of(client, "/")
    assert 'href="/penalties/"' in html and 'href="/exposure/"' in html


# --- GET /api/v1/penalties/ -----------------------------------------------------------------------


def test_penalties_api_needs_the_enforcement_scope(api, api_key, publish):
    publish()
    assert api.get("/api/v1/penalties/").status_code == 401
    _, key = api_key(("credit:read",))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/penalties/").status_code == 403


def test_penalties_api_returns_the_summary_fields(enforcement_api, publish, entity, dept_a):
    d = publish(legal_representative="张三")
    body = enforcement_api.get("/api/v1/penalties/", {"uscc": entity.uscc.lower()}).json()
    assert body["count"] == 1 and body["next"] is None
    row = body["results"][0]
    assert row["number"] == d.number and row["uscc"] == entity.uscc and row["party_name"] == entity.name
    assert row["legal_representative"] == "张三"
    assert row["penalty_types"] == [
        {"code": "fine", "label": "罚款"},
        {"code": "confiscate_income", "label": "没收违法所得"},
    ]
    assert (row["fine_amount"], row["confiscation_amount"]) == ("100000.00", "3200.00")
    assert (row["department"], row["department_uscc"], row["department_code"]) == (dept_a.name, dept_a.uscc, "ZZSJ")
    assert row["decided_on"] == "2026-11-22" and row["publicity_ends_on"] == "2027-11-22"
    assert row["published_at"].endswith("+08:00")
    assert not {"evidence", "party_address", "party_is_minor", "performance", "circumstance"} & set(row)


def test_penalties_api_invalid_uscc_is_400(enforcement_api, db):
    response = enforcement_api.get("/api/v1/penalties/", {"uscc": "91350100M000100Y4Z"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"] == "uscc" and "3" in error["detail"]


def test_penalties_api_since_filters_by_publication_date(enforcement_api, publish):
    publish()
    assert enforcement_api.get("/api/v1/penalties/", {"since": "2026-11-22"}).json()["count"] == 1
    assert enforcement_api.get("/api/v1/penalties/", {"since": "2026-11-23"}).json()["count"] == 0
    assert enforcement_api.get("/api/v1/penalties/", {"since": "昨天"}).status_code == 400


def test_penalties_api_query_budget(enforcement_api, publish, django_assert_max_num_queries):
    for _ in range(5):
        publish()
    with django_assert_max_num_queries(6):
        body = enforcement_api.get("/api/v1/penalties/", {"page_size": 3}).json()
    assert body["count"] == 5 and len(body["results"]) == 3 and body["next"]
    assert all(PenaltyDisclosure.objects.get(pk=r["id"]).state == DisclosureState.PUBLISHED for r in body["results"])
    assert Decimal(body["results"][0]["fine_amount"]) == Decimal("100000")
