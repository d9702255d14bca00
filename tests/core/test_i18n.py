"""English for the public side (issue 18 §2): who gets which language, the page cache per language, public pages
and the entity portal in English, stored grade reasons shown in the reader's language.

The language: the django_language cookie first, then Accept-Language (zh → Chinese, en → English, anything else
Chinese), Chinese by default; the admin and the field app always Chinese (core.middleware).
"""

import pytest
from django.core.cache import cache
from django.utils import translation

from core import pagecache
from credit.display_text import reason_text
from tests.conftest import record_data

EN = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}


def lang(response) -> str:
    return response["Content-Language"]


@pytest.mark.django_db
def test_default_is_chinese_and_says_so(client):
    response = client.get("/penalties/")
    assert response.status_code == 200
    assert lang(response) == "zh-hans"
    assert "行政处罚信息公示" in response.content.decode()
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-US,en;q=0.9", "en"),
        ("en", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-hans"),
        ("fr-FR,en;q=0.5", "en"),  # the first language we have
        ("fr-FR,de;q=0.8", "zh-hans"),  # none we have: Chinese
        ("zh-TW", "zh-hans"),
        (";;;q=garbage", "zh-hans"),  # unparseable: Chinese, never an error
    ],
)
def test_accept_language_on_public_pages(client, header, expected):
    response = client.get("/penalties/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert lang(response) == expected


@pytest.mark.django_db
def test_cookie_beats_accept_language(client):
    client.cookies["django_language"] = "zh-hans"
    assert lang(client.get("/penalties/", **EN)) == "zh-hans"
    client.cookies["django_language"] = "en"
    response = client.get("/penalties/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert lang(response) == "en"
    assert "Administrative Penalties" in response.content.decode()


@pytest.mark.django_db
def test_unknown_cookie_falls_back_to_accept_language(client):
    client.cookies["django_language"] = "xx"
    assert lang(client.get("/penalties/", **EN)) == "en"


@pytest.mark.django_db
def test_the_language_switch_sets_the_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/penalties/"})
    assert response.status_code == 302 and response["Location"] == "/penalties/"
    assert response.cookies["django_language"].value == "en"
    assert "Administrative Penalties" in client.get("/penalties/").content.decode()


@pytest.mark.django_db
def test_api_honours_accept_language(client):
    response = client.get("/api/v1/entities/91410100MA00000000/credit/", **EN)
    assert lang(response) == "en"
    assert "accept-language" in response["Vary"].lower()
    assert lang(client.get("/api/v1/entities/91410100MA00000000/credit/")) == "zh-hans"


@pytest.mark.django_db
def test_admin_stays_chinese_with_english_header_and_cookie(client, alice):
    login = client.get("/admin/login/", **EN)
    assert lang(login) == "zh-hans"
    assert "登录" in login.content.decode()
    client.force_login(alice)
    client.cookies["django_language"] = "en"
    index = client.get("/admin/", **EN)
    assert index.status_code == 200
    assert lang(index) == "zh-hans"
    body = index.content.decode()
    assert "站点管理" in body or "综合监管" in body
    assert "Site administration" not in body and "Log out" not in body
    assert "accept-language" not in index.get("Vary", "").lower()


@pytest.mark.django_db
def test_field_app_stays_chinese(client):
    client.cookies["django_language"] = "en"
    response = client.get("/field/login/", **EN)
    assert response.status_code == 200
    assert lang(response) == "zh-hans"
    assert "登录" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "english"),
    [
        ("/penalties/", "Administrative Penalties"),
        ("/lists/", "Credit Lists"),
        ("/credit/grades/", "How grades are given and how long information is published"),
        ("/complaints/new/", "Your complaint or report"),
        ("/acts/", "Administrative Acts"),
        ("/inspections/", "“Double Random, One Public” Inspection Plans"),
        ("/track/", "Track credit commitments"),
        ("/open-data/", "Open Data"),
        ("/rules/", "Supervision Rules Published in Advance"),
        ("/audit/anchors/", "Daily Anchors of the Audit Chain"),
    ],
)
def test_public_pages_in_english_with_the_cookie(client, url, english):
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.content.decode()
    assert english in body, url
    assert lang(response) == "en"


@pytest.mark.django_db
def test_grade_names_and_rules_in_english_from_the_model_data(client):
    client.cookies["django_language"] = "en"
    body = client.get("/credit/grades/").content.decode()
    for name in ("Good", "Warning", "Discredited", "Seriously discredited"):
        assert f'<span class="grade-label">{name}</span>' in body
    assert "No discreditable or warning information in force" in body  # the seeded description (data)
    assert "严重失信" not in body


@pytest.mark.django_db
def test_complaint_form_errors_in_english(client):
    client.cookies["django_language"] = "en"
    response = client.post("/complaints/new/", {"kind": "complaint", "entity_uscc": "91410100MA0000000X"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Your submission did not go through" in body
    assert "check character of the Unified Social Credit Code" in body or "Unified Social Credit Code" in body
    assert "提交未成功" not in body


@pytest.mark.django_db
def test_missing_entity_page_in_english(client):
    client.cookies["django_language"] = "en"
    response = client.get("/entities/91410100MA00000000/")
    assert response.status_code in (400, 404)
    body = response.content.decode()
    assert "Back to the home page" in body


@pytest.mark.django_db
def test_admin_choices_stay_chinese_while_public_reads_english(client, alice):
    """A choice label is lazy: the same label reads English for the public and Chinese in the admin."""
    from credit.choices import Grade

    with translation.override("en"):
        assert str(Grade.SERIOUSLY_DISHONEST.label) == "Seriously discredited"
    client.force_login(alice)
    client.cookies["django_language"] = "en"
    body = client.get("/admin/credit/creditrecord/", **EN).content.decode()
    assert "Administrative penalty" not in body


def test_stored_reasons_read_in_the_readers_language():
    stored = [
        "行政处罚（一般）郑市监罚〔2026〕77号，公示至 2029-05-01",
        "列入经营异常名录（未按规定期限（6月30日前）报送年度报告），2026-07-01 起",
        "信用承诺违诺 CN20260101-000001（2026-03-01），12个月内计入",
        "近12个月经核实的投诉举报 4 件（达到3件即为警示）",
        "无有效期内的失信、警示信息",
        "官员手写的理由",
    ]
    with translation.override("zh-hans"):
        assert [reason_text(t) for t in stored] == stored
    with translation.override("en"):
        got = [reason_text(t) for t in stored]
    assert got[0] == "Administrative penalty (General) 郑市监罚〔2026〕77号, published until 2029-05-01"
    assert got[2] == "Broken credit commitment CN20260101-000001 (2026-03-01), counts for 12 months"
    assert got[3] == "4 verified complaints in the last 12 months (3 or more mean Warning)"
    assert got[4] == "No discreditable or warning information in force"
    assert got[5] == "官员手写的理由"  # free text stays as entered


def test_stored_list_reason_with_nested_brackets():
    with translation.override("en"):
        text = reason_text("列入经营异常名录（未按规定期限（6月30日前）报送年度报告），2026-07-01 起")
    assert text == (
        "On the List of Enterprises with Abnormal Operations (Annual report not filed by the deadline (30 June))"
        " since 2026-07-01"
    )


@pytest.mark.django_db(transaction=True)
def test_page_cache_keeps_languages_apart(client):
    """An Accept-Language English request never gets the cached Chinese page, nor the other way round."""
    cache.clear()
    pagecache._breaker.open_until = 0.0
    chinese = client.get("/penalties/")
    assert chinese["X-Page-Cache"] == "miss" and "行政处罚信息公示" in chinese.content.decode()
    english = client.get("/penalties/", **EN)
    assert english["X-Page-Cache"] == "miss"
    assert "Administrative Penalties" in english.content.decode()
    assert lang(english) == "en"
    again_zh = client.get("/penalties/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert again_zh["X-Page-Cache"] == "hit" and "行政处罚信息公示" in again_zh.content.decode()
    assert lang(again_zh) == "zh-hans"
    again_en = client.get("/penalties/", **EN)
    assert again_en["X-Page-Cache"] == "hit" and "Administrative Penalties" in again_en.content.decode()
    assert lang(again_en) == "en"
    assert "accept-language" in again_en["Vary"].lower()


@pytest.mark.django_db(transaction=True)
def test_entity_page_cache_per_language_with_english_reasons(client, make_entity, push, evaluate):
    cache.clear()
    pagecache._breaker.open_until = 0.0
    entity = make_entity()
    push(record_data(entity.uscc, source_ref="郑市监罚〔2026〕91号", title="未按规定明码标价"))
    evaluate()
    url = f"/entities/{entity.uscc}/"
    zh = client.get(url).content.decode()
    en_response = client.get(url, **EN)
    en = en_response.content.decode()
    assert en_response["X-Page-Cache"] == "miss"
    assert "郑市监罚〔2026〕91号" in zh and "郑市监罚〔2026〕91号" in en
    assert "公示至" in zh and "published until" in en
    assert "公示至" not in en


@pytest.mark.django_db
def test_entity_portal_in_english_by_accept_language(client, make_entity, django_user_model):
    from enterprise.models import EntityAccount

    entity = make_entity(name="郑州自贸区外资测试有限公司")
    user = django_user_model.objects.create_user(username="liaison-i18n", password="Entity-Secret-123")
    EntityAccount.objects.create(user=user, entity=entity, full_name="Anna Smith", mobile="13800000000", email="")
    login = client.get("/enterprise/login/", **EN)
    assert lang(login) == "en" and "Entity portal sign-in" in login.content.decode()
    client.force_login(user)
    for url, english in [
        ("/enterprise/", "Services"),
        ("/enterprise/file/", "Credit grade"),
        ("/enterprise/filings/", "My applications"),
        ("/enterprise/annual-report/", "Annual reports"),
        ("/enterprise/account/", "Two-step verification"),
    ]:
        response = client.get(url, **EN)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert english in body, url
        assert "the Chinese text is legally authoritative" in body
        assert entity.name in body  # the registered name stays as registered
    chinese = client.get("/enterprise/").content.decode()
    assert "以中文文本为准" not in chinese and "我要办理" in chinese
