"""The API docs as people read them (issue 18 §1.7): Chinese tags with descriptions, real examples,
401/403/429 documented with the error shape, an English version, the guide at /api/guide/, and API
error details in the request's language."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from core import uscc

PLACEHOLDER_AMOUNT = re.compile(r"^-?\d{6,}\.$")  # drf-spectacular's made-up "2483790950925."


@pytest.fixture(scope="module", autouse=True)
def _catalogues():
    call_command("compile_catalogues", verbosity=0)  # `make test` does this first; a lone run needs it too


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def test_every_tag_is_chinese_and_described(schema):
    tags = {t["name"]: t.get("description", "") for t in schema["tags"]}
    for path, method, operation in operations(schema):
        for tag in operation["tags"]:
            assert not tag.isascii(), f"{method} {path}: English tag {tag!r}"
            assert tags.get(tag), f"{method} {path}: tag {tag!r} has no description"
    assert "公众办事" in tags and "public filings" not in tags


def test_every_operation_documents_429_and_keyed_ones_401_and_403_with_the_error_shape(schema):
    error_ref = "#/components/schemas/CreditApiError"
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        assert "429" in responses, f"{method} {path}"
        assert "Retry-After" in responses["429"].get("headers", {}), f"{method} {path}"
        keyed = bool(operation.get("security")) and {} not in operation["security"]
        expected = ("401", "403", "429") if keyed else ("429",)
        for status in expected:
            body = responses[status]["content"]["application/json"]
            assert body["schema"]["$ref"] == error_ref, f"{method} {path} {status}"
            example = next(iter(body["examples"].values()))["value"]
            assert set(example) == {"type", "errors"} and {"code", "detail", "attr"} <= set(example["errors"][0])
    check = schema["paths"]["/api/v1/credit-checks/"]["post"]["responses"]
    assert check["401"]["content"]["application/json"]["examples"]["401"]["value"]["errors"][0]["code"] == (
        "not_authenticated"
    )


def test_examples_are_real_values_not_placeholders(schema):
    components = schema["components"]["schemas"]
    example_uscc = components["CheckItem"]["properties"]["uscc"]["example"]
    assert uscc.problems(example_uscc) is None  # a valid check character (GB 32100)
    record = components["CreditRecordInputRequest"]["properties"]
    assert record["amount"]["example"] == "5000.00"
    assert record["decided_on"]["example"] == "2026-11-22"
    assert components["CreditCheckInputRequest"]["properties"]["usccs"]["example"][0] == example_uscc
    for name, component in components.items():
        for prop, spec in (component.get("properties") or {}).items():
            example = spec.get("example")
            assert example != "string", f"{name}.{prop}"
            assert not (isinstance(example, str) and PLACEHOLDER_AMOUNT.match(example)), f"{name}.{prop}: {example}"


def test_docs_link_the_guide_not_an_unreachable_document(schema, client):
    description = schema["info"]["description"]
    assert "/api/guide/" in description and "API.md" not in description
    assert client.get(reverse("api-guide")).status_code == 200


def test_schema_in_english_on_lang_en(client, db):
    english = client.get("/api/schema/?format=json&lang=en").json()
    names = {t["name"] for t in english["tags"]}
    assert {"Credit", "Public filings", "Market entities"} <= names
    assert english["info"]["title"] == "Integrated Supervision Platform API"
    responses = english["paths"]["/api/v1/credit-checks/"]["post"]["responses"]
    assert responses["403"]["description"].startswith("Forbidden")


def test_guide_mentions_every_path_of_the_schema(schema, client):
    html = client.get(reverse("api-guide")).content.decode()
    missing = [path for path in schema["paths"] if path not in html]
    assert missing == [], f"not in /api/guide/: {missing}"
    for section in ("Authorization: Bearer", "page_size", "Idempotency-Key", "Retry-After", "validation_error", "curl"):
        assert section in html


def test_guide_is_public_in_the_site_layout_and_in_english_on_request(client, db):
    response = client.get(reverse("api-guide"))
    html = response.content.decode()
    assert response.status_code == 200 and "接口使用指南" in html and 'class="site-header"' in html
    client.cookies["django_language"] = "en"
    english = client.get(reverse("api-guide")).content.decode()
    assert "API guide" in english and "Authentication" in english


def test_api_error_detail_is_chinese_by_default_and_english_when_asked(api, db):
    # Chinese by default
    response = api.get("/api/v1/entities/")
    assert response.status_code == 401
    assert response.json()["errors"][0]["detail"] == "需要接口密钥：Authorization: Bearer <密钥>"
    # English for a client that asked for English: the language cookie (Accept-Language: the test below)
    api.cookies["django_language"] = "en"
    response = api.get("/api/v1/entities/", HTTP_AUTHORIZATION="Bearer not-a-key")
    assert response.json()["errors"][0]["detail"] == "The API key is invalid"
    response = api.get("/api/v1/objections/YY20261122-000001/", {"code": "000000"})
    assert response.status_code == 404
    assert response.json()["errors"][0]["detail"] == "Not found: the tracking number or the query code is wrong"


def test_api_error_detail_follows_accept_language(api, db):
    """A client system that sends Accept-Language: en gets English details; zh or none gets Chinese."""
    response = api.get(
        "/api/v1/entities/", HTTP_AUTHORIZATION="Bearer not-a-key", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"
    )
    assert response.json()["errors"][0]["detail"] == "The API key is invalid"
    assert response["Content-Language"] == "en"
    response = api.get(
        "/api/v1/entities/", HTTP_AUTHORIZATION="Bearer not-a-key", HTTP_ACCEPT_LANGUAGE="zh-CN,en;q=0.5"
    )
    assert response.json()["errors"][0]["detail"] != "The API key is invalid"
    assert response["Content-Language"] == "zh-hans"
