"""Hardening of enforcement's public surface: hostile input to the public pages, forms and API.

Every answer is a 200, 400 or 404 with a Chinese message, never a 500; the reporter's name and
contacts never come back. The API regressions are the 500s schemathesis found against
POST /api/v1/complaints/ and GET /api/v1/penalties/ (a typed '%' read as a format directive, a body
past DATA_UPLOAD_MAX_MEMORY_SIZE).
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enforcement import services
from enforcement.choices import CaseStage, DisclosureState
from enforcement.models import Complaint, PenaltyDisclosure
from tests.conftest import valid_uscc

PHONE = "13912340000"
EMAIL = "hardening-secret@example.com"
REPORTER = "举报人冯某某"
CONTACTS = (PHONE, EMAIL, REPORTER)
FORM = "/complaints/new/"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TEN_MB = 10 * 1024 * 1024


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    from django.core.cache import cache

    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()  # the per-IP form and API throttles
    yield
    cache.clear()


@pytest.fixture
def enforcement_api(api, api_key):
    _, key = api_key(("enforcement:read",))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


@pytest.fixture
def publish(waived, open_case, issue, frozen_today):
    def publish_(**kw):
        decision = issue(waived(open_case(stage=CaseStage.NOTICE)), **kw)
        services.disclosures_publish(actor="test")
        return PenaltyDisclosure.objects.get(decision=decision)

    return publish_


def form_data(**kw) -> dict:
    return {
        "kind": "report",
        "entity_name": "郑州市金水区某某餐馆",
        "entity_uscc": "",
        "content": "后厨使用过期食材。",
        "reporter_name": REPORTER,
        "contact_phone": PHONE,
        "contact_email": EMAIL,
        **kw,
    }


def text_of(response) -> str:
    return response.content.decode()


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_safe(response, allowed=(200, 400, 404)):
    assert response.status_code in allowed, (response.status_code, text_of(response)[:400])
    assert has_chinese(text_of(response))


def assert_no_contacts(response):
    text = text_of(response)
    for secret in CONTACTS:
        assert secret not in text, secret


# --- POST /api/v1/complaints/ (schemathesis regressions) ---------------------------------------------


@pytest.mark.parametrize("typed", ["%d", "%s%s", "9141%(x)s", "\uffef%\u00c3"])
def test_api_complaint_uscc_with_percent_is_400_naming_the_field(api, dept_a, typed):
    # schemathesis: entity_uscc "...%\u00c3..." made validate_uscc's message fail to format → 500.
    response = api.post(
        "/api/v1/complaints/", {"entity_name": "某店", "content": "内容", "entity_uscc": typed}, format="json"
    )
    assert response.status_code == 400, response.content
    errors = {e["attr"]: e["detail"] for e in response.json()["errors"]}
    assert "统一社会信用代码" in errors["entity_uscc"]
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("content_type", ["json", "multipart"])
def test_api_complaint_body_over_the_upload_limit_is_400_not_500(api, dept_a, content_type):
    # schemathesis-style: 10 MB of content tripped DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig) → 500.
    data = {"entity_name": "某店", "content": "a" * TEN_MB, "contact_phone": PHONE}
    if content_type == "json":
        response = api.generic("POST", "/api/v1/complaints/", json.dumps(data), content_type="application/json")
    else:
        response = api.post("/api/v1/complaints/", data, format="multipart")
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["type"] == "client_error" and "请求体过大" in body["errors"][0]["detail"]
    assert PHONE not in text_of(response)


def test_api_complaint_full_width_and_lower_case_uscc_are_normalised(api, make_entity, dept_a, frozen_today):
    shop = make_entity(name="郑州市金水区规范化超市", registration_authority=dept_a)
    typed = shop.uscc.lower().translate(
        {ord(c): ord(c) + 0xFEE0 for c in "0123456789abcdefghijklmnopqrstuvwxyz"}
    )  # full-width, lower case
    response = api.post(
        "/api/v1/complaints/",
        {"entity_name": "", "content": "内容", "entity_uscc": typed, "contact_phone": PHONE},
        format="json",
    )
    assert response.status_code == 400  # entity_name is required by the API contract (blank refused)
    response = api.post(
        "/api/v1/complaints/",
        {"entity_name": shop.name, "content": "内容", "entity_uscc": typed, "contact_phone": PHONE},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Complaint.objects.get().entity_id == shop.uscc
    assert_no_contacts(response)


# --- GET /api/v1/penalties/ (schemathesis regressions) ----------------------------------------------


@pytest.mark.parametrize("uscc", ["%d", "a%", "%(x)s", "%1E%5E", "９１４１%"])
def test_api_penalties_uscc_with_percent_is_400(enforcement_api, db, uscc):
    # schemathesis: ?uscc=%01...%... → django-filter formats every message with ``% params`` → TypeError → 500.
    response = enforcement_api.get("/api/v1/penalties/", {"uscc": uscc})
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert error["attr"] == "uscc" and "统一社会信用代码" in error["detail"] and "%" in error["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "%"},
        {"q": "%_\\.*[(|!&:"},
        {"q": "x" * 100},
        {"year": "5.3e+16"},
        {"year": "abc"},
        {"since": "9999-99-99"},
        {"department": "%s"},
        {"penalty_type": "nonsense"},
        {"page": "0"},
        {"page": "abc"},
        {"page_size": "-1"},
        {"\u00ae\u00fe": "x", "q": "\U000f1234"},
    ],
)
def test_api_penalties_hostile_filters_are_200_400_or_404(enforcement_api, publish, params):
    publish()
    response = enforcement_api.get("/api/v1/penalties/", params)
    assert response.status_code in (200, 400, 404), response.content
    if response.status_code != 200:
        assert has_chinese(response.json()["errors"][0]["detail"])


# --- /complaints/new/ -----------------------------------------------------------------------------------


def test_complaint_form_with_nul_bytes_is_400_in_chinese(client, dept_a):
    response = client.post(FORM, form_data(content="过期\x00食材", entity_name="某\x00店"))
    assert response.status_code == 400
    assert "空字符" in text_of(response)
    assert not Complaint.objects.exists()
    assert_no_contacts(response)


def test_complaint_form_with_10_mb_of_text_says_why_in_chinese(client, dept_a):
    response = client.post(FORM, form_data(content="投" * (TEN_MB // 3)))
    assert response.status_code == 413
    assert "提交的内容过大" in text_of(response)  # over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), before any view runs
    assert not Complaint.objects.exists()
    assert_no_contacts(response)


def test_complaint_form_content_past_5000_chars_is_refused_naming_the_field(client, dept_a):
    response = client.post(FORM, form_data(content="投" * 5001))
    assert response.status_code == 200 and "5000" in text_of(response)
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.pdf", b"\xff\xd8\xff\xe0\x00\x10JFIF"),  # a JPEG renamed .pdf
        ("virus.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),  # an executable renamed .pdf
        ("notes.pdf", "这是一个文本文件".encode()),
        ("empty.pdf", b""),
        ("script.html", b"<script>alert(1)</script>"),
    ],
)
def test_complaint_form_wrong_file_types_are_refused(client, dept_a, name, data):
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    response = client.post(FORM, {**form_data(), "attachments": [upload]})
    assert_safe(response, allowed=(200,))
    html = text_of(response)
    assert "附件" in html and (
        "不符" in html or "不是允许的文件类型" in html or "为空" in html or "空文件" in html or "提交的文件为空" in html
    ), html[:2000]
    assert not Complaint.objects.exists()


def test_complaint_form_six_files_are_refused(client, dept_a):
    uploads = [SimpleUploadedFile(f"证据{i}.pdf", PDF, content_type="application/pdf") for i in range(6)]
    response = client.post(FORM, {**form_data(), "attachments": uploads})
    assert response.status_code == 200
    assert "最多 5 个文件" in text_of(response)
    assert not Complaint.objects.exists()


def test_complaint_form_five_real_pdfs_are_taken_and_contacts_stay_off_the_answer(client, dept_a, frozen_today):
    uploads = [SimpleUploadedFile(f"证据{i}.pdf", PDF, content_type="application/pdf") for i in range(5)]
    response = client.post(
        FORM, {**form_data(), "attachments": uploads}, follow=True
    )  # Post/Redirect/Get (issue 12 §6)
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.tracking_no in text_of(response) and complaint.contact_phone == PHONE
    assert_no_contacts(response)


@pytest.mark.parametrize(
    "typed", ["91410100MA4XY12341", "%d%s", "91410100ma4xy1234", "ＩＯＳＶＺ", "<script>", "9" * 40]
)
def test_complaint_form_invalid_uscc_is_refused_in_chinese(client, dept_a, typed):
    response = client.post(FORM, form_data(entity_uscc=typed))
    assert response.status_code == 200, text_of(response)[:400]
    html = text_of(response)
    assert any(reason in html for reason in ("应为18位", "校验位错误", "含有不允许的字符")), html[:2000]
    assert not Complaint.objects.exists()


def test_complaint_form_wrong_check_character_names_it(client, dept_a):
    good = valid_uscc("91410100MA4XY1234")
    wrong = good[:17] + ("1" if good[17] != "1" else "2")
    html = text_of(client.post(FORM, form_data(entity_uscc=wrong)))
    assert f"第18位应为“{good[17]}”" in html


@pytest.mark.parametrize("how", ["lower", "full_width"])
def test_complaint_form_lower_case_and_full_width_uscc_are_normalised(client, make_entity, dept_a, frozen_today, how):
    shop = make_entity(name="郑州市金水区全角测试商行", registration_authority=dept_a)
    typed = shop.uscc.lower()
    if how == "full_width":
        typed = "".join(chr(ord(c) + 0xFEE0) for c in shop.uscc)
    response = client.post(
        FORM, form_data(entity_name="", entity_uscc=f"  {typed} "), follow=True
    )  # Post/Redirect/Get (issue 12 §6)
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.entity_id == shop.uscc and complaint.entity_name == shop.name
    assert_no_contacts(response)


def test_empty_complaint_form_names_the_missing_fields(client, dept_a):
    response = client.post(FORM, {})
    assert response.status_code == 200
    html = text_of(response)
    assert "请填写被投诉举报对象名称或统一社会信用代码" in html and "该字段是必填项" in html
    assert not Complaint.objects.exists()


def test_complaint_form_get_with_hostile_uscc_prefill(client, db):
    for value in ("%d", "<script>alert(1)</script>", "x" * 500):
        response = client.get(FORM, {"uscc": value})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in text_of(response)


# --- /penalties/ and /exposure/ ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"page": "abc"}, 200),
        ({"page": "999999"}, 200),
        ({"page": "-1"}, 200),
        ({"page": "9" * 30}, 200),
        ({"q": "郑州\x00市"}, 400),
        ({"q": "郑" * 500}, 400),
        ({"q": ".*[(\\|)!&:"}, 200),
        ({"q": "%"}, 200),
        ({"q": "%_"}, 200),
        ({"q": "'; DROP TABLE x;--"}, 200),
        ({"q": "<script>alert(1)</script>"}, 200),
        ({"year": "abc"}, 400),
        ({"year": "9" * 30}, 400),
        ({"year": "1999"}, 400),
        ({"department": "nonexistent"}, 400),
        ({"uscc": "bad"}, 400),
        ({"uscc": "%d"}, 400),
        ({"uscc": "%(x)s%"}, 400),
        ({"penalty_type": "nonsense"}, 400),
        ({"penalty_type": "%s"}, 400),
        ({"since": "2026-13-45"}, 400),
    ],
)
def test_penalty_list_hostile_query_is_200_or_400_in_chinese(client, publish, params, status):
    publish()
    response = client.get("/penalties/", params)
    assert response.status_code == status, text_of(response)[:400]
    assert has_chinese(text_of(response))
    assert "<script>alert(1)</script>" not in text_of(response)
    if status == 400 and not any("\x00" in v for v in params.values()):  # NUL: the middleware's error page
        assert 'role="alert"' in text_of(response)


def test_penalty_detail_shows_only_what_may_be_public(waived, client, publish, open_case, issue, alice, frozen_today):
    published = publish()
    withdrawn = publish(facts="经查，当事人销售过期食品（撤回标记）。")
    services.disclosure_withdraw(actor=alice, disclosure=withdrawn, reason="复议决定撤销")
    pending = issue(waived(open_case(stage=CaseStage.NOTICE))).disclosure
    not_public = issue(
        waived(open_case(stage=CaseStage.NOTICE)),
        penalty_types=["warning"],
        fine_amount=0,
        confiscation_amount=0,
        penalty_content="给予警告",
    ).disclosure
    assert (pending.state, not_public.state) == (DisclosureState.PENDING, DisclosureState.NOT_PUBLIC)

    assert client.get(f"/penalties/{published.pk}/").status_code == 200
    response = client.get(f"/penalties/{withdrawn.pk}/")
    assert response.status_code == 200 and "已撤回" in text_of(response) and "复议决定撤销" in text_of(response)
    assert "撤回标记" not in text_of(response)
    for pk in (pending.pk, not_public.pk, 999999, 0, 2**63 - 1, 10**30):
        response = client.get(f"/penalties/{pk}/")
        assert response.status_code == 404, pk
        assert "未找到" in text_of(response)
    assert client.get("/penalties/abc/").status_code == 404


@pytest.mark.parametrize("page", ["x", "-5", "0", "9" * 30, "%00"])
def test_exposure_with_a_bad_page_is_not_an_error(client, db, page):
    response = client.get(f"/exposure/?page={page}")
    assert_safe(response, allowed=(200, 400))


# --- /track/ ----------------------------------------------------------------------------------------------


def test_track_a_complaint_with_junk_codes_never_shows_it(client, dept_a, frozen_today):
    complaint, code = services.complaint_file(
        actor="public:web",
        entity_name="某店",
        content="内容",
        reporter_name=REPORTER,
        contact_phone=PHONE,
        contact_email=EMAIL,
    )
    number = complaint.tracking_no
    wrong = "000000" if code != "000000" else "111111"
    for no, typed in [
        (number, wrong),
        (number, "%d"),
        (number, "' OR 1=1 --"),
        (number, "９" * 16),
        (number.lower(), "x" * 17),
        ("TS99999999-999999", code),
        ("TS", code),
        ("%s%s", code),
        ("TS" + "9" * 40, code),
    ]:
        response = client.post("/track/", {"tracking_no": no, "code": typed})
        assert response.status_code == 200, (no, typed)
        html = text_of(response)
        assert has_chinese(html) and "办理期限" not in html
        assert_no_contacts(response)
    response = client.post("/track/", {"tracking_no": number, "code": "\x00"})
    assert response.status_code == 400 and "空字符" in text_of(response)
    response = client.post("/track/", {"tracking_no": number, "code": code})
    assert response.status_code == 200 and number in text_of(response)
    assert_no_contacts(response)
    for no in (number, "%d", "<script>", "x" * 500):
        response = client.get("/track/", {"no": no})
        assert response.status_code == 200
        assert_no_contacts(response)


def test_api_complaint_status_never_returns_contacts(api, dept_a, frozen_today):
    complaint, code = services.complaint_file(
        actor="public:web",
        entity_name="某店",
        content="内容",
        reporter_name=REPORTER,
        contact_phone=PHONE,
        contact_email=EMAIL,
    )
    for no, typed in [
        (complaint.tracking_no, code),
        (complaint.tracking_no, "000000" if code != "000000" else "1"),
        ("%d", code),
        ("TS" + "9" * 300, code),
        (complaint.tracking_no, ""),
    ]:
        response = api.get(f"/api/v1/complaints/{no}/", {"code": typed})
        assert response.status_code in (200, 400, 404), (no, response.status_code)
        assert_no_contacts(response)


# --- OpenAPI schema ---------------------------------------------------------------------------------------


def test_schema_documents_the_enforcement_endpoints_with_their_fields(api, db):
    from io import StringIO

    import yaml
    from django.core.management import call_command

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stdout=StringIO(), stderr=StringIO()
    )
    response = api.get("/api/schema/")
    assert response.status_code == 200, response.content[:300]
    schema = yaml.safe_load(response.content)
    paths, components = schema["paths"], schema["components"]["schemas"]

    create = paths["/api/v1/complaints/"]["post"]
    assert "security" not in create and set(create["responses"]) >= {"201", "400", "429"}
    body = components[create["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(body["properties"]) == {
        "entity_name",
        "content",
        "entity_uscc",
        "channel",
        "kind",
        "contact_name",
        "contact_phone",
        "contact_email",
        "whistleblower",
        "external_order_no",  # 12345/12315 work orders from hotline systems (issue 15 §6)
    }
    assert set(body["required"]) == {"entity_name", "content"}

    status = paths["/api/v1/complaints/{tracking_no}/"]["get"]
    assert {p["name"] for p in status["parameters"]} == {"tracking_no", "code"} and set(status["responses"]) >= {
        "200",
        "400",
        "404",
    }
    assert set(components["FilingStatus"]["properties"]) == {
        "tracking_no",
        "status",
        "status_label",
        "deadline",
        "outcome",
    }  # no contacts

    penalties = paths["/api/v1/penalties/"]["get"]
    assert {"uscc", "since", "department", "year", "penalty_type", "q", "page"} <= {
        p["name"] for p in penalties["parameters"]
    }
    assert penalties["security"] and set(penalties["responses"]) >= {"200", "400"}
    assert set(components["Penalty"]["properties"]) == {
        "id",
        "number",
        "party_name",
        "uscc",
        "legal_representative",
        "violation_type",
        "facts",
        "legal_basis",
        "penalty_types",
        "penalty_content",
        "fine_amount",
        "confiscation_amount",
        "decided_on",
        "department",
        "department_code",
        "department_uscc",
        "publicity_ends_on",
        "published_at",
    }
