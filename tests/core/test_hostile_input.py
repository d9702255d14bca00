"""Inputs that gave 500s give a 400 or 404 (issue 11, section 3), and an oversized body is refused
before it is read."""

import io
import json

import pytest

from core.api.parsers import MAX_DEPTH
from tests.conftest import SINOPEC, record_data

pytestmark = pytest.mark.django_db

PUSH = "/api/v1/credit-records/"


def test_blank_uscc_in_entity_path_is_400(client):
    response = client.get("/entities/%20/")
    assert response.status_code == 400
    assert "统一社会信用代码" in response.content.decode()


def test_ideographic_space_uscc_in_report_path_is_400(client):
    response = client.get("/entities/%E3%80%80/credit-report.pdf")
    assert response.status_code == 400
    assert "统一社会信用代码" in response.content.decode()


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_nested_5000_deep_is_400_on_keyed_push(records_api):
    body = '{"records": ' + _deep(5000) + "}"
    response = records_api.post(PUSH, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["type"] == "client_error"
    assert "嵌套层数过多" in response.json()["errors"][0]["detail"]


def test_json_nested_5000_deep_is_400_on_public_complaint(api):
    response = api.post("/api/v1/complaints/", data=_deep(5000), content_type="application/json")
    assert response.status_code == 400
    assert "嵌套层数过多" in response.json()["errors"][0]["detail"]


def test_json_nested_past_the_limit_but_parseable_is_400(records_api):
    response = records_api.post(PUSH, data='{"records": ' + _deep(MAX_DEPTH + 1) + "}", content_type="application/json")
    assert response.status_code == 400
    assert "嵌套层数过多" in response.json()["errors"][0]["detail"]


def test_lone_surrogate_in_pushed_title_is_400(records_api):
    body = json.dumps({"records": [record_data(SINOPEC, title="\ud800未按规定明码标价")]})  # ensure_ascii: "\\ud800"
    assert "\\ud800" in body
    response = records_api.post(PUSH, data=body, content_type="application/json")
    assert response.status_code == 400
    assert "代理项" in response.json()["errors"][0]["detail"]


def test_ordinary_push_still_parses(records_api):
    response = records_api.post(
        PUSH, data=json.dumps({"records": [record_data(SINOPEC)]}), content_type="application/json"
    )
    assert response.status_code == 200, response.content


class _MustNotBeRead(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def readable(self):
        return True

    def read(self, *args, **kwargs):
        raise AssertionError("the body of an oversized request was read")

    readline = readinto = read


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/complaints/new/", "multipart/form-data; boundary=x"),
        ("/field/login/", "application/x-www-form-urlencoded"),
        ("/api/v1/complaints/", "application/json"),
        (PUSH, "application/json"),
    ],
)
def test_oversized_request_refused_before_body_is_read(client, path, content_type):
    declared = 150 * 1024 * 1024  # the 150 MB upload of the issue
    response = client.generic(
        "POST", path, CONTENT_TYPE=content_type, CONTENT_LENGTH=str(declared), **{"wsgi.input": _MustNotBeRead()}
    )
    assert response.status_code == 413
    if path.startswith("/api/"):
        assert response.json()["errors"][0]["code"] == "too_large"
        assert "过大" in response.json()["errors"][0]["detail"]
    else:
        assert "过大" in response.content.decode()


def test_request_within_the_limit_is_served(client):
    response = client.post("/complaints/new/", {"entity_name": "", "content": ""})
    assert response.status_code != 413
