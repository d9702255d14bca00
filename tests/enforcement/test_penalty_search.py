"""Penalty name search with a bounded cost (issue 16 §2): /penalties/?q= and GET /api/v1/penalties/?q=."""

import re

import pytest

from core import search
from enforcement.models import PenaltyDisclosure
from tests.conftest import record_data, valid_uscc

pytestmark = pytest.mark.django_db


def listed(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-penalty="(\d+)"', html)]


@pytest.fixture
def penalties(make_entity, push, frozen_today):
    """Seven published penalties of entities named 郑州有界处罚商行NN (pushed: each gets its summary)."""
    entities = [make_entity(name=f"郑州有界处罚商行{i:02d}") for i in range(7)]
    push(*[record_data(e.uscc, f"郑市监罚〔2026〕{100 + i}号") for i, e in enumerate(entities)])
    assert PenaltyDisclosure.objects.filter(party_name__startswith="郑州有界处罚").count() == 7
    return entities


def test_penalty_name_search_is_capped_and_stable(client, penalties, monkeypatch):
    monkeypatch.setattr(search, "NAME_CANDIDATE_CAP", 4)
    first = listed(client.get("/penalties/", {"q": "有界处罚"}).content.decode())
    again = listed(client.get("/penalties/", {"q": "有界处罚"}).content.decode())
    assert len(first) == 5 and first == again  # cap + 1 read: the page says "以上"


def test_penalty_words_must_all_occur(client, penalties):
    html = client.get("/penalties/", {"q": "有界\u3000商行03"}).content.decode()
    assert len(listed(html)) == 1


def test_other_filters_narrow_before_the_cap(client, penalties, monkeypatch, dept_b, push, make_entity):
    # given a cap of 2 and one matching penalty of another department, pushed last
    monkeypatch.setattr(search, "NAME_CANDIDATE_CAP", 2)
    other = make_entity(name="郑州有界处罚商行99")
    push(record_data(other.uscc, "郑卫健罚〔2026〕1号"), department=dept_b)
    html = client.get("/penalties/", {"q": "有界处罚", "department": dept_b.code}).content.decode()
    # then it is found: the department filter applies before the candidates are taken
    assert listed(html) == list(PenaltyDisclosure.objects.filter(entity_id=other.uscc).values_list("pk", flat=True))


def test_city_level_prefix_matches_the_districts_penalties(client, make_entity, push, frozen_today):
    district = make_entity(uscc_code=valid_uscc("91410105MA00000B1"), name="金水区受罚商贸有限公司")
    push(record_data(district.uscc, "郑市监罚〔2026〕201号"))
    assert len(listed(client.get("/penalties/", {"q": "91410100"}).content.decode())) == 1


def test_penalty_api_name_search_uses_the_bounded_set(penalties, api, api_key, monkeypatch):
    monkeypatch.setattr(search, "NAME_CANDIDATE_CAP", 3)
    _, key = api_key(("enforcement:read",))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    body = api.get("/api/v1/penalties/", {"q": "有界处罚"}).json()
    rows = body.get("results", body)
    assert len(rows) == 4  # cap + 1: the client knows there are more
    assert all("有界处罚" in r["party_name"] for r in rows)
