"""Contract tests of the credit API (API.md, issue 3 §3, §5, §7), written as given/when/then.

Grades are computed by calling ``credit.evaluation.evaluate()`` directly: no worker runs here.
"""

import datetime as dt
import json

import pytest

from core.uscc import check_character
from credit import services
from credit.choices import ListGround, ListType, RemovalReason
from credit.models import CreditCheck, CreditRecord, GradeHistory
from tests.conftest import BAOSTEEL, HUAWEI, SINOPEC, record_data

INVALID = "91350100M000100Y4Z"  # check character should be "3"
UNKNOWN = "91110000100000000X"  # not in the roster; made valid below
UNKNOWN = UNKNOWN[:17] + check_character(UNKNOWN[:17])
PUSH = "/api/v1/credit-records/"
CHECK = "/api/v1/credit-checks/"


def code(n: int) -> str:
    """The n-th valid test USCC (same pattern as the make_entity fixture, another range)."""
    body = f"914101007{n:08d}"
    return body + check_character(body)


@pytest.fixture(autouse=True)
def _today(frozen_today):
    """Every test runs on 2026-11-22 10:00 Asia/Shanghai."""
    return frozen_today


@pytest.fixture
def abnormal(dept_a):
    """List an entity on 经营异常名录 through the service."""

    def add(uscc_code, listed_on=dt.date(2026, 7, 10)):
        return services.list_entry_add(
            actor="test",
            entity_uscc=uscc_code,
            list_type=ListType.ABNORMAL,
            ground=ListGround.NO_ANNUAL_REPORT,
            legal_basis="《企业信息公示暂行条例》第八条、第十七条",
            department=dept_a,
            decided_on=listed_on,
            ground_established_on=listed_on - dt.timedelta(days=3),
            decision_no="郑市监异〔2026〕7号",
        )

    return add


def post(api, path, body):
    return api.post(path, json.dumps(body, ensure_ascii=False), content_type="application/json")


# --- scopes: every endpoint -----------------------------------------------------------------------

ENDPOINTS = [
    ("get", "/api/v1/entities/", None, "credit:read"),
    ("get", f"/api/v1/entities/{SINOPEC}/", None, "credit:read"),
    ("get", f"/api/v1/entities/{SINOPEC}/credit-records/", None, "credit:read"),
    ("get", f"/api/v1/entities/{SINOPEC}/grade-history/", None, "credit:read"),
    ("get", "/api/v1/lists/abnormal/", None, "credit:read"),
    ("post", CHECK, {"usccs": [SINOPEC], "purpose": "政府采购"}, "credit:read"),
    ("post", PUSH, {"records": [record_data(SINOPEC)]}, "records:write"),
]


@pytest.mark.parametrize(("method", "path", "body", "scope"), ENDPOINTS)
def test_every_credit_endpoint_needs_a_key(api, db, method, path, body, scope):
    # given no key; when calling; then 401 in the standard shape
    response = post(api, path, body) if method == "post" else api.get(path)
    assert response.status_code == 401
    assert response.json()["type"] == "client_error"


@pytest.mark.parametrize(("method", "path", "body", "scope"), ENDPOINTS)
def test_every_credit_endpoint_needs_its_scope(api, api_key, make_entity, method, path, body, scope):
    # given a client holding every scope but the one required
    make_entity(uscc_code=SINOPEC, name="中国石油化工股份有限公司")
    others = [s for s in ("credit:read", "records:write", "inspections:read", "enforcement:read") if s != scope]
    _, key = api_key(others)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    # when calling the endpoint
    response = post(api, path, body) if method == "post" else api.get(path)
    # then 403, naming the missing scope in Chinese
    assert response.status_code == 403
    assert scope in response.json()["errors"][0]["detail"]
    assert CreditRecord.objects.count() == 0
    assert CreditCheck.objects.count() == 0


# --- POST /credit-records/ ------------------------------------------------------------------------


def test_push_is_idempotent_by_department_and_source_ref(records_api, dept_a):
    # given a record pushed once
    first = post(records_api, PUSH, {"records": [record_data(SINOPEC, amount="50000.00")]})
    assert first.status_code == 200
    assert first.json() == {"created": 1, "updated": 0, "unchanged": 0}
    # when the same record is pushed again, unchanged, then changed
    again = post(records_api, PUSH, {"records": [record_data(SINOPEC, amount="50000.00")]})
    changed = post(records_api, PUSH, {"records": [record_data(SINOPEC, amount="60000.00")]})
    # then there is still one record, updated in place
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 1}
    assert changed.json() == {"created": 0, "updated": 1, "unchanged": 0}
    record = CreditRecord.objects.get()
    assert (record.department, record.source_ref, str(record.amount)) == (dept_a, "郑市监罚〔2026〕12号", "60000.00")


def test_push_department_comes_from_the_client(api, api_key, dept_a, dept_b):
    # given two departments' systems pushing the same source_ref
    for dept in (dept_a, dept_b):
        _, key = api_key(("records:write",), department=dept)
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        assert post(api, PUSH, {"records": [record_data(SINOPEC)]}).json() == {
            "created": 1,
            "updated": 0,
            "unchanged": 0,
        }
    # then each department owns its own record: the idempotency key is (department, source_ref)
    assert sorted(CreditRecord.objects.values_list("department__code", flat=True)) == sorted([dept_a.code, dept_b.code])


def test_push_batch_is_all_or_nothing(records_api):
    # given a batch whose last item is invalid
    records = [record_data(SINOPEC, "甲1"), record_data(BAOSTEEL, "甲2"), record_data(INVALID, "甲3")]
    # when pushed
    response = post(records_api, PUSH, {"records": records})
    # then 400 and nothing is saved
    assert response.status_code == 400
    assert CreditRecord.objects.count() == 0


def test_push_lists_every_error_with_its_index(records_api):
    # given items 0 and 2 invalid (three problems in all), item 1 valid
    records = [
        record_data(INVALID, "甲1"),
        record_data(SINOPEC, "甲2"),
        record_data(BAOSTEEL, "甲3", decided_on="2026-13-01", category="罚款"),
    ]
    # when pushed
    response = post(records_api, PUSH, {"records": records})
    # then every error is listed with index, attr, code and a Chinese detail
    body = response.json()
    assert response.status_code == 400
    assert body["type"] == "validation_error"
    assert {(e["index"], e["attr"]) for e in body["errors"]} == {(0, "uscc"), (2, "category"), (2, "decided_on")}
    for error in body["errors"]:
        assert error["code"] and error["detail"]
    assert "应为“3”" in next(e for e in body["errors"] if e["index"] == 0)["detail"]


def test_push_accepts_5000_records_and_refuses_5001(records_api):
    # given exactly 5000 records: accepted
    batch = [record_data(code(i % 50), f"郑市监罚〔2026〕{i}号") for i in range(5000)]
    assert post(records_api, PUSH, {"records": batch}).json() == {"created": 5000, "updated": 0, "unchanged": 0}
    # when one more is added
    response = post(records_api, PUSH, {"records": [*batch, record_data(SINOPEC, "郑市监罚〔2026〕5000号")]})
    # then the whole batch is refused, naming the limit, and nothing changes
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == ("records", "max_length")
    assert "5000" in error["detail"]
    assert CreditRecord.objects.count() == 5000


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        ('{"records": [', "application/json"),
        ("[1, 2]", "application/json"),
        ("{}", "application/json"),
        ('{"records": []}', "application/json"),
        ('{"records": "abc"}', "application/json"),
        ('{"records": [1, null]}', "application/json"),
        ('{"records": [{"source_ref": "a\\u0000b", "uscc": "91110000710926094P"}]}', "application/json"),
        (
            '{"records": [{"source_ref": {"a": 1}, "uscc": ["x"], "amount": {"b": 2}, "decided_on": [1]}]}',
            "application/json",
        ),
        ("records=abc", "text/plain"),
        ("records=abc", "application/x-www-form-urlencoded"),
    ],
)
def test_push_malformed_body_is_400_in_the_error_shape_never_500(records_api, raw, content_type):
    # when the body is not JSON, not an object, or has no usable "records"
    response = records_api.post(PUSH, raw, content_type=content_type)
    # then 400 with the standard shape and a Chinese detail
    assert response.status_code == 400
    body = response.json()
    assert body["type"] in ("validation_error", "client_error")
    assert body["errors"] and all(e["detail"] and "attr" in e for e in body["errors"])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["errors"][0]["detail"])
    assert CreditRecord.objects.count() == 0


def test_record_for_a_uscc_not_in_the_roster_is_kept_and_appears_once_the_entity_exists(
    records_api, make_entity, evaluate
):
    # given a record pushed for a valid code that is not in the roster
    assert post(records_api, PUSH, {"records": [record_data(UNKNOWN)]}).status_code == 200
    # then it is kept and readable by code
    records = records_api.get(f"/api/v1/entities/{UNKNOWN}/credit-records/").json()
    assert [r["source_ref"] for r in records["results"]] == ["郑市监罚〔2026〕12号"]
    assert records_api.get(f"/api/v1/entities/{UNKNOWN}/").status_code == 404
    # when the entity is registered and graded
    make_entity(uscc_code=UNKNOWN, name="郑州新开商贸有限公司")
    evaluate([UNKNOWN])
    # then its profile shows the record's effect and count
    profile = records_api.get(f"/api/v1/entities/{UNKNOWN}/").json()
    assert profile["grade"]["code"] == "DISHONEST"
    assert profile["public_record_counts"] == [
        {"category": "administrative_penalty", "category_label": "行政处罚", "count": 1}
    ]
    assert any("郑市监罚〔2026〕12号" in reason for reason in profile["reasons"])


# --- POST /credit-checks/ -------------------------------------------------------------------------


def test_check_gives_grade_lists_and_measures_in_request_order(credit_api, make_entity, abnormal, evaluate):
    # given a clean entity, an entity on the abnormal list, and a valid code not in the roster
    make_entity(uscc_code=SINOPEC, name="中国石油化工股份有限公司")
    make_entity(uscc_code=BAOSTEEL, name="宝山钢铁股份有限公司")
    abnormal(BAOSTEEL)
    evaluate()
    # when checked, in this order (lower case is normalised)
    response = post(credit_api, CHECK, {"usccs": [BAOSTEEL, UNKNOWN, SINOPEC.lower()], "purpose": "政府采购"})
    # then the results come back in request order
    assert response.status_code == 200
    body = response.json()
    assert body["checked_at"] == "2026-11-22T10:00:00+08:00"
    assert [r["uscc"] for r in body["results"]] == [BAOSTEEL, UNKNOWN, SINOPEC]
    listed, unknown, clean = body["results"]
    assert listed["found"] and listed["name"] == "宝山钢铁股份有限公司"
    assert listed["grade"] == {"code": "DISHONEST", "label": "失信", "colour": "red"}
    assert listed["lists"] == [
        {"list_type": "abnormal", "since": "2026-07-10", "reason": str(ListGround.NO_ANNUAL_REPORT.label)}
    ]
    measures = {m["code"]: m for m in listed["measures"]}
    assert "P-ABNORMAL-RESTRICT" in measures and "P-GOV-PROCUREMENT" not in measures
    assert set(measures["P-ABNORMAL-RESTRICT"]) == {"code", "name", "kind", "legal_basis", "department"}
    assert measures["P-ABNORMAL-RESTRICT"]["kind"] == "punish"
    assert unknown == {
        "uscc": UNKNOWN,
        "found": False,
        "name": None,
        "grade": None,
        "reasons": [],
        "reason_items": [],
        "lists": [],
        "measures": [],
    }
    assert clean["grade"] == {"code": "GOOD", "label": "良好", "colour": "green"}
    assert clean["lists"] == [] and clean["measures"] == []


def test_check_grades_a_roster_entity_not_yet_evaluated(credit_api, make_entity):
    # given an entity just registered, never evaluated
    make_entity(uscc_code=HUAWEI, name="华为技术有限公司")
    # when checked
    result = post(credit_api, CHECK, {"usccs": [HUAWEI], "purpose": "行政许可"}).json()["results"][0]
    # then it is found and graded on the spot
    assert result["found"] is True
    assert result["grade"]["code"] == "GOOD"


def test_check_logs_every_code_with_client_purpose_and_time(api, api_key, dept_b, make_entity):
    # given a procurement system of department B
    client, key = api_key(("credit:read",), department=dept_b)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    make_entity(uscc_code=SINOPEC)
    # when it checks two codes (one unknown)
    assert post(api, CHECK, {"usccs": [SINOPEC, UNKNOWN], "purpose": "  政府采购  "}).status_code == 200
    # then one log row per code carries the client, its department, the purpose and the time
    logs = list(CreditCheck.objects.order_by("entity_id"))
    assert [(c.entity_id, c.found) for c in logs] == sorted([(SINOPEC, True), (UNKNOWN, False)])
    for log in logs:
        assert (log.client_id, log.department_id, log.purpose) == (client.pk, dept_b.pk, "政府采购")
        assert log.checked_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date() == dt.date(2026, 11, 22)


def test_check_with_an_invalid_code_is_400_with_each_bad_index_and_logs_nothing(credit_api, make_entity):
    make_entity(uscc_code=SINOPEC)
    # when two of four codes are invalid
    response = post(credit_api, CHECK, {"usccs": [SINOPEC, INVALID, "123", BAOSTEEL], "purpose": "政府采购"})
    # then the whole request is 400, with the index of each bad item
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert [(e["index"], e["attr"]) for e in body["errors"]] == [(1, "usccs"), (2, "usccs")]
    assert CreditCheck.objects.count() == 0


def test_check_accepts_1000_codes_and_refuses_1001(credit_api):
    codes = [code(i) for i in range(1001)]
    # given 1000 codes: accepted, one result and one log row each
    response = post(credit_api, CHECK, {"usccs": codes[:1000], "purpose": "政府采购"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1000
    assert CreditCheck.objects.count() == 1000
    # when 1001 codes are sent, then the request is refused and nothing more is logged
    response = post(credit_api, CHECK, {"usccs": codes, "purpose": "政府采购"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == ("usccs", "max_length")
    assert "1000" in error["detail"]
    assert CreditCheck.objects.count() == 1000


@pytest.mark.parametrize(
    "body",
    [
        {"usccs": [SINOPEC]},
        {"usccs": [SINOPEC], "purpose": "  "},
        {"usccs": [], "purpose": "政府采购"},
        {"purpose": "x"},
    ],
)
def test_check_needs_a_purpose_and_at_least_one_code(credit_api, body):
    response = post(credit_api, CHECK, body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] in ("purpose", "usccs")
    assert CreditCheck.objects.count() == 0


def test_check_malformed_json_is_400_not_500(credit_api):
    response = credit_api.post(CHECK, "{usccs:", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] == "请求体不是有效的 JSON"


def test_nul_characters_are_400_by_index_never_500(credit_api, records_api):
    # PostgreSQL text cannot hold NUL: the API refuses it before any query
    check = post(credit_api, CHECK, {"usccs": [SINOPEC, "9111\x00"], "purpose": "政府\x00采购"})
    assert check.status_code == 400
    assert [(e.get("index"), e["attr"]) for e in check.json()["errors"]] == [(1, "usccs"), (None, "purpose")]
    push = post(records_api, PUSH, {"records": [record_data(SINOPEC), record_data(BAOSTEEL, title="标\x00题")]})
    assert push.status_code == 400
    assert [(e["index"], e["attr"]) for e in push.json()["errors"]] == [(1, "title")]
    for path in (f"/api/v1/entities/{SINOPEC[:5]}%00/", f"/api/v1/entities/{SINOPEC[:5]}%00/credit-records/"):
        assert credit_api.get(path).status_code == 400
    assert CreditRecord.objects.count() == 0 and CreditCheck.objects.count() == 0


# --- GET /entities/{uscc}/credit-records/ ---------------------------------------------------------


def test_records_of_an_entity_have_the_contract_fields(credit_api, push, dept_a):
    push(record_data(SINOPEC, amount="50000.00"))
    body = credit_api.get(f"/api/v1/entities/{SINOPEC}/credit-records/").json()
    assert body["count"] == 1 and body["previous"] is None and body["next"] is None
    record = body["results"][0]
    assert record["amount"] == "50000.00"
    assert record["department"] == dept_a.name
    assert (record["category"], record["category_label"]) == ("administrative_penalty", "行政处罚")
    assert (record["severity"], record["severity_label"]) == ("general", "一般")
    assert record["decided_on"] == "2026-11-01"
    assert record["publicity_ends_on"] == "2027-11-01"
    assert record["state"] == "active"
    assert {"id", "source_ref", "polarity", "title", "content", "legal_basis"} <= set(record)


def test_minor_record_is_absent_from_the_active_listing(credit_api, push):
    # given a 轻微 record (not published by default) and a 一般 one
    push(record_data(SINOPEC, "甲1", severity="minor"), record_data(SINOPEC, "甲2", severity="general"))
    # then only the 一般 record is listed, with or without active=true
    for params in ({"active": "true"}, {}):
        body = credit_api.get(f"/api/v1/entities/{SINOPEC}/credit-records/", params).json()
        assert [r["source_ref"] for r in body["results"]] == ["甲2"]


def test_revoked_record_is_absent(credit_api, push):
    # given a record that its department revoked
    push(record_data(SINOPEC, "甲1"), record_data(SINOPEC, "甲2"))
    services.credit_record_revoke(
        actor="test", record=CreditRecord.objects.get(source_ref="甲1"), reason="决定被依法撤销"
    )
    # then it is in no listing
    for params in ({"active": "true"}, {"active": "false"}, {}):
        body = credit_api.get(f"/api/v1/entities/{SINOPEC}/credit-records/", params).json()
        assert [r["source_ref"] for r in body["results"]] == ["甲2"]


def test_aged_out_record_is_shared_but_not_active(credit_api, push):
    # given a 一般 record whose window (at most 1 year) closed in 2025
    push(record_data(SINOPEC, "旧1", decided_on="2024-01-10"), record_data(SINOPEC, "新1"))
    # then other departments may still read it, but it is not active
    url = f"/api/v1/entities/{SINOPEC}/credit-records/"
    assert [r["source_ref"] for r in credit_api.get(url).json()["results"]] == ["新1", "旧1"]
    assert [r["source_ref"] for r in credit_api.get(url, {"active": "true"}).json()["results"]] == ["新1"]


def test_records_filter_by_category(credit_api, push):
    push(
        record_data(SINOPEC, "甲1"),
        record_data(SINOPEC, "奖1", category="award", polarity="positive", title="守合同重信用企业"),
    )
    url = f"/api/v1/entities/{SINOPEC}/credit-records/"
    assert [r["source_ref"] for r in credit_api.get(url, {"category": "award"}).json()["results"]] == ["奖1"]
    assert credit_api.get(url, {"category": "nope"}).status_code == 400


def test_records_and_history_of_an_invalid_code_are_400_and_of_an_unknown_code_empty(credit_api):
    for suffix in ("credit-records", "grade-history"):
        bad = credit_api.get(f"/api/v1/entities/{INVALID}/{suffix}/")
        assert bad.status_code == 400
        assert bad.json()["errors"][0]["attr"] == "uscc"
        unknown = credit_api.get(f"/api/v1/entities/{UNKNOWN.lower()}/{suffix}/")
        assert unknown.status_code == 200
        assert unknown.json() == {"count": 0, "count_is_estimate": False, "next": None, "previous": None, "results": []}


def test_records_query_budget(credit_api, push, django_assert_max_num_queries):
    push(*[record_data(SINOPEC, f"甲{i}") for i in range(40)])
    with django_assert_max_num_queries(5):
        response = credit_api.get(f"/api/v1/entities/{SINOPEC}/credit-records/", {"page_size": 40, "active": "true"})
    assert len(response.json()["results"]) == 40


# --- GET /entities/{uscc}/grade-history/ ----------------------------------------------------------


def test_grade_history_shows_each_change_with_its_model_version(credit_api, make_entity, push, evaluate):
    # given an entity graded clean, then after a penalty
    make_entity(uscc_code=SINOPEC)
    evaluate()
    push(record_data(SINOPEC))
    evaluate([SINOPEC])
    # then its history holds both grades, oldest first, with the model version
    body = credit_api.get(f"/api/v1/entities/{SINOPEC}/grade-history/").json()
    assert [h["grade"]["code"] for h in body["results"]] == ["GOOD", "DISHONEST"]
    first = body["results"][0]
    assert first["grade"] == {"code": "GOOD", "label": "良好", "colour": "green"}
    assert first["model_version"] == 1
    assert isinstance(first["score"], int)
    assert first["changed_at"].endswith("+08:00")


def test_grade_history_query_budget(credit_api, make_entity, push, evaluate, django_assert_max_num_queries):
    make_entity(uscc_code=SINOPEC)
    evaluate()
    for i in range(10):  # each penalty lowers the score (down to the band floor): a new history row
        push(record_data(SINOPEC, f"甲{i}"))
        evaluate([SINOPEC])
    rows = GradeHistory.objects.filter(entity_id=SINOPEC).count()
    assert rows >= 5
    with django_assert_max_num_queries(5):
        response = credit_api.get(f"/api/v1/entities/{SINOPEC}/grade-history/")
    assert len(response.json()["results"]) == rows


# --- GET /lists/{list_type}/ ----------------------------------------------------------------------


def test_list_shows_active_entries_by_default_and_removed_ones_on_request(credit_api, make_entity, abnormal, dept_a):
    # given one entity on the abnormal list and one removed from it
    make_entity(uscc_code=SINOPEC, name="中国石油化工股份有限公司")
    make_entity(uscc_code=BAOSTEEL, name="宝山钢铁股份有限公司")
    abnormal(SINOPEC)
    removed = abnormal(BAOSTEEL, listed_on=dt.date(2026, 3, 2))
    services.list_entry_remove(
        actor="test", entry=removed, reason=RemovalReason.DUTY_FULFILLED, removed_on=dt.date(2026, 4, 1)
    )
    # when the list is read
    active = credit_api.get("/api/v1/lists/abnormal/").json()
    explicit = credit_api.get("/api/v1/lists/abnormal/", {"active": "true"}).json()
    everything = credit_api.get("/api/v1/lists/abnormal/", {"active": "false"}).json()
    # then only the active entry by default, both with active=false (newest listing first)
    assert [e["uscc"] for e in active["results"]] == [SINOPEC] == [e["uscc"] for e in explicit["results"]]
    assert [e["uscc"] for e in everything["results"]] == [SINOPEC, BAOSTEEL]
    entry = active["results"][0]
    assert entry["name"] == "中国石油化工股份有限公司"
    assert (entry["list_type"], entry["ground"], entry["ground_label"]) == (
        "abnormal",
        "no_annual_report",
        str(ListGround.NO_ANNUAL_REPORT.label),
    )
    assert entry["department"] == dept_a.name
    assert (entry["decision_no"], entry["decided_on"], entry["listed_on"], entry["removed_on"]) == (
        "郑市监异〔2026〕7号",
        "2026-07-10",
        "2026-07-10",
        None,
    )
    assert entry["legal_basis"].startswith("《企业信息公示暂行条例》")
    assert {"notice_on", "removal_reason"} <= set(entry)
    gone = everything["results"][1]
    assert (gone["removed_on"], gone["removal_reason"]) == ("2026-04-01", "duty_fulfilled")
    # and the other lists are separate
    assert credit_api.get("/api/v1/lists/serious/").json()["count"] == 0


def test_unknown_list_type_is_404_with_a_chinese_detail(credit_api):
    response = credit_api.get("/api/v1/lists/blacklist/")
    assert response.status_code == 404
    body = response.json()
    assert body["type"] == "client_error"
    assert "blacklist" in body["errors"][0]["detail"] and "经营异常名录" in body["errors"][0]["detail"]


def test_list_query_budget(credit_api, make_entity, abnormal, django_assert_max_num_queries):
    for _ in range(30):
        abnormal(make_entity().uscc)
    with django_assert_max_num_queries(5):
        response = credit_api.get("/api/v1/lists/abnormal/", {"page_size": 30})
    results = response.json()["results"]
    assert len(results) == 30 and all(e["name"] for e in results)


# --- GET /entities/ and /entities/{uscc}/ ---------------------------------------------------------


def test_entity_list_carries_the_grade_and_filters_by_it(credit_api, make_entity, push, evaluate):
    # given a clean entity, a penalised one, and one not evaluated yet
    make_entity(uscc_code=SINOPEC)
    make_entity(uscc_code=BAOSTEEL)
    push(record_data(BAOSTEEL))
    evaluate()
    make_entity(uscc_code=HUAWEI)
    # then the list shows each grade (null when not evaluated) and filters by it
    grades = {e["uscc"]: e["grade"] for e in credit_api.get("/api/v1/entities/").json()["results"]}
    assert grades == {
        SINOPEC: {"code": "GOOD", "label": "良好", "colour": "green"},
        BAOSTEEL: {"code": "DISHONEST", "label": "失信", "colour": "red"},
        HUAWEI: None,
    }
    assert [e["uscc"] for e in credit_api.get("/api/v1/entities/", {"grade": "DISHONEST"}).json()["results"]] == [
        BAOSTEEL
    ]
    assert credit_api.get("/api/v1/entities/", {"grade": "SERIOUSLY_DISHONEST"}).json()["count"] == 0
    assert credit_api.get("/api/v1/entities/", {"grade": "PURPLE"}).status_code == 400


def test_entity_list_query_budget_with_grades(credit_api, make_entity, push, evaluate, django_assert_max_num_queries):
    entities = [make_entity() for _ in range(30)]
    push(*[record_data(e.uscc, f"甲{i}") for i, e in enumerate(entities[:10])])
    evaluate()
    with django_assert_max_num_queries(6):
        response = credit_api.get("/api/v1/entities/", {"page_size": 30})
    assert all(e["grade"] for e in response.json()["results"])


def test_profile_gains_grade_reasons_risk_class_lists_and_record_counts(
    credit_api, make_entity, push, abnormal, evaluate, dept_a
):
    # given an entity on the abnormal list, with public records in two categories and one 轻微 record
    make_entity(uscc_code=SINOPEC, name="中国石油化工股份有限公司", industry_code="F5211")
    abnormal(SINOPEC)
    push(
        record_data(SINOPEC, "甲1"),
        record_data(SINOPEC, "甲2", decided_on="2026-10-01"),
        record_data(SINOPEC, "甲3", severity="minor"),
        record_data(SINOPEC, "奖1", category="award", polarity="positive", title="守合同重信用企业"),
    )
    evaluate()
    # when the profile is read
    body = credit_api.get(f"/api/v1/entities/{SINOPEC}/").json()
    # then it has the grade with its reasons, and the internal risk class for this credit:read client
    assert body["name"] == "中国石油化工股份有限公司"
    assert body["grade"] == {"code": "DISHONEST", "label": "失信", "colour": "red"}
    assert 0 <= body["score"] <= 1000
    assert body["model_version"] == 1
    assert body["improves_on"] is None  # the list entry holds the grade until it is removed
    assert body["risk_class"]["code"] in "ABCD" and body["risk_class"]["label"].startswith(body["risk_class"]["code"])
    assert any("经营异常名录" in text for text in body["reasons"])
    assert any("甲1" in text for text in body["reasons"])
    assert [item["text"] for item in body["reason_items"]] == body["reasons"]
    assert {item["level"] for item in body["reason_items"]} <= {"DISHONEST", "WARNING"}
    # and its active list entries, and counts of public records (轻微 not counted)
    assert [(e["list_type"], e["list_type_label"], e["department"], e["listed_on"]) for e in body["list_entries"]] == [
        ("abnormal", "经营异常名录", dept_a.name, "2026-07-10")
    ]
    assert body["list_entries"][0]["ground_label"] == str(ListGround.NO_ANNUAL_REPORT.label)
    assert body["list_entries"][0]["legal_basis"]
    assert body["public_record_counts"] == [
        {"category": "administrative_penalty", "category_label": "行政处罚", "count": 2},
        {"category": "award", "category_label": "表彰奖励", "count": 1},
    ]


def test_profile_of_an_entity_not_yet_evaluated_has_no_grade(credit_api, make_entity):
    make_entity(uscc_code=SINOPEC)
    body = credit_api.get(f"/api/v1/entities/{SINOPEC}/").json()
    assert (
        body["grade"],
        body["score"],
        body["risk_class"],
        body["reasons"],
        body["list_entries"],
        body["public_record_counts"],
    ) == (
        None,
        None,
        None,
        [],
        [],
        [],
    )


def test_profile_query_budget(credit_api, make_entity, push, abnormal, evaluate, django_assert_max_num_queries):
    make_entity(uscc_code=SINOPEC)
    abnormal(SINOPEC)
    push(*[record_data(SINOPEC, f"甲{i}") for i in range(20)])
    evaluate()
    with django_assert_max_num_queries(8):  # issue 14 §4: +1 for annual_reports
        response = credit_api.get(f"/api/v1/entities/{SINOPEC}/")
    assert response.json()["public_record_counts"][0]["count"] == 20
