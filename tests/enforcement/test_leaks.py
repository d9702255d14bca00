"""The leak test (issue 6 §6, DESIGN.md quality bars): personal data seeded into complaints, case facts
and penalty content never reaches a public page or a public API response.

The seeds go in through the services an official uses (complaint_file, complaint_convert_to_case,
penalty_decision_issue), the publication job runs, and then every public page and API response is
fetched and scanned, raw and with separators stripped (so "138 3801 2345" counts as the phone too).
"""

import re

import pytest

from enforcement import services
from enforcement.choices import CaseStage, ComplaintVerdict
from enforcement.services.case_steps import case_rights_waive
from tests.enforcement.conftest import decision_fields

ID_NUMBER = "410105198803151234"
ID_NUMBER_X = "41010219900101002X"
MOBILE = "13838012345"
MOBILE_GROUPED = "139-3801-6789"
LANDLINE = "0371-67881234"
BANK_CARD = "6222 0210 0112 3456 789"
HOME = "2号楼1单元302室"
HEALTH = "活动性肺结核"
REPORTER = "钱多多"
REPORTER_PHONE = "15036998877"
REPORTER_EMAIL = "qianduoduo@example.com"
WHISTLEBLOWER = "孙吹哨"
WHISTLEBLOWER_PHONE = "18637100001"

SEEDS = (
    ID_NUMBER,
    ID_NUMBER_X,
    MOBILE,
    MOBILE_GROUPED,
    LANDLINE,
    BANK_CARD,
    HOME,
    HEALTH,
    REPORTER,
    REPORTER_PHONE,
    REPORTER_EMAIL,
    WHISTLEBLOWER,
    WHISTLEBLOWER_PHONE,
)


def digits(text: str) -> str:
    return re.sub(r"[\s\-]", "", text)


@pytest.fixture
def seeded(frozen_today, alice, officers, standard, entity, dept_a):
    """Complaints with reporters and contacts, a converted case, two published penalties with personal
    data typed into the facts and content, one of them on the 曝光台."""
    complaint, code = services.complaint_file(
        actor="public",
        entity_name=entity.name,
        entity_uscc=entity.uscc,
        department=dept_a,
        content=f"我是{REPORTER}，身份证{ID_NUMBER}，电话{REPORTER_PHONE}，该超市销售过期食品，收款账户{BANK_CARD}。",
        reporter_name=REPORTER,
        contact_phone=REPORTER_PHONE,
        contact_email=REPORTER_EMAIL,
    )
    whistle, whistle_code = services.complaint_file(
        actor="public",
        entity_name=entity.name,
        entity_uscc=entity.uscc,
        department=dept_a,
        kind="report",
        whistleblower=True,
        content=f"内部员工举报：店长手机{MOBILE}，仓库在经三路68号院{HOME}。",
        reporter_name=WHISTLEBLOWER,
        contact_phone=WHISTLEBLOWER_PHONE,
    )
    services.complaint_accept(actor=alice, complaint=complaint)
    services.complaint_close(
        actor=alice,
        complaint=complaint,
        verdict=ComplaintVerdict.VERIFIED,
        outcome="经核查属实，已责令当事人下架过期食品。",
    )
    case = services.complaint_convert_to_case(
        actor=alice, complaint=whistle, handlers=officers, title="涉嫌销售超过保质期的食品", standard=standard
    )
    for stage in (CaseStage.INVESTIGATION, CaseStage.REVIEW, CaseStage.NOTICE):
        case = services.case_advance(
            actor=officers[0].user, case=case, to_stage=stage, note=f"询问证人，电话{MOBILE_GROUPED}"
        )
    case = case_rights_waive(actor=officers[0].user, case=case, note="当事人书面放弃陈述申辩和听证权利")
    first = services.penalty_decision_issue(
        actor=officers[0].user,
        case=case,
        **decision_fields(
            facts=(
                f"经查，当事人店长（身份证号码{ID_NUMBER_X}，手机{MOBILE}，家住郑州市金水区经三路68号院{HOME}）销售超过保质期的食品；"
                f"员工诊断为{HEALTH}仍从事接触直接入口食品的工作。固定电话{LANDLINE}。"
            ),
            penalty_content=f"没收违法所得3200元，罚款100000元，罚没款不得转入个人银行卡{BANK_CARD}。",
        ),
    )
    second_case = services.case_open(
        actor=alice,
        department=dept_a,
        party_name=entity.name,
        entity_uscc=entity.uscc,
        title="未按规定明码标价",
        source="monitoring",
        source_note=f"群众来电{REPORTER_PHONE}",
        handlers=officers,
        standard=standard,
    )
    for stage in (CaseStage.INVESTIGATION, CaseStage.REVIEW, CaseStage.NOTICE):
        second_case = services.case_advance(actor=officers[0].user, case=second_case, to_stage=stage)
    second_case = case_rights_waive(actor=officers[0].user, case=second_case, note="当事人书面放弃陈述申辩和听证权利")
    second = services.penalty_decision_issue(
        actor=officers[0].user,
        case=second_case,
        **decision_fields(facts=f"经查，当事人收银员（{ID_NUMBER}）未明码标价，联系电话 {MOBILE_GROUPED}。"),
    )
    assert services.disclosures_publish(actor="test")["published"] == 2
    services.disclosure_feature(
        actor=alice, disclosure=first.disclosure, featured=True, note="典型案例：经营者应落实食品安全主体责任。"
    )
    return {
        "entity": entity,
        "complaints": [(complaint.tracking_no, code), (whistle.tracking_no, whistle_code)],
        "disclosures": [first.disclosure, second.disclosure],
    }


def assert_clean(where: str, text: str):
    flat = digits(text)
    for seed in SEEDS:
        assert seed not in text, f"{where} 泄露了 {seed}"
        if re.fullmatch(r"[\d\s\-X]+", seed):
            assert digits(seed) not in flat, f"{where} 泄露了 {seed}（去掉分隔符后）"


def test_personal_data_never_leaks_to_public_pages_or_api(seeded, client, api, api_key):
    entity = seeded["entity"]
    number = seeded["complaints"][0][0]
    # The seeds really are in the database (the test would prove nothing otherwise).
    first, second = seeded["disclosures"]
    assert first.decision.facts.count(ID_NUMBER_X) == 1 and BANK_CARD in first.decision.penalty_content

    pages = [
        "/",
        "/entities/",
        f"/entities/?q={entity.name[:6]}",
        f"/entities/{entity.uscc}/",
        "/penalties/",
        f"/penalties/?q={entity.name[3:8]}",
        f"/penalties/?q={entity.uscc}",
        f"/penalties/{first.pk}/",
        f"/penalties/{second.pk}/",
        "/exposure/",
        "/lists/",
        "/lists/abnormal/",
        "/lists/serious/",
        "/credit/grades/",
        "/inspections/",
        "/track/",
        f"/track/?no={number}",
        "/complaints/new/",
        "/acts/",
        f"/acts/?q={entity.uscc}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert_clean(url, response.content.decode())
    for no, query_code in seeded["complaints"]:
        response = client.post("/track/", {"tracking_no": no, "code": query_code})
        assert response.status_code == 200
        html = response.content.decode()
        assert no in html  # the lookup found it: status and outcome only
        assert_clean(f"/track/ {no}", html)

    # Public API: complaint status needs no key; penalties and credit records need theirs.
    for no, query_code in seeded["complaints"]:
        response = api.get(f"/api/v1/complaints/{no}/", {"code": query_code})
        assert response.status_code == 200, response.content
        assert_clean(f"/api/v1/complaints/{no}/", response.content.decode())
    _, key = api_key(("enforcement:read", "credit:read"))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    for url in (
        "/api/v1/penalties/",
        f"/api/v1/penalties/?uscc={entity.uscc}",
        f"/api/v1/entities/{entity.uscc}/",
        f"/api/v1/entities/{entity.uscc}/credit-records/",
    ):
        response = api.get(url)
        assert response.status_code == 200, (url, response.content)
        assert_clean(url, response.content.decode())
    body = api.get("/api/v1/penalties/").json()
    assert body["count"] == 2
    facts = next(r["facts"] for r in body["results"] if r["number"] == first.number)
    assert "销售超过保质期的食品" in facts and "＊＊＊" in facts  # redacted, not dropped


# --- issue 15: the open API, the feeds, the rulebook and the bulk files are public too ----------------

# Every public surface of issue 15 the crawl covers (templates: "{uscc}", "{id}", "{list_type}"). The
# list is asserted below: each one must resolve and answer 200, so none is skipped silently.
OPEN_SURFACES = (
    "/api/open/v1/entities/",
    "/api/open/v1/entities/?q={name}",
    "/api/open/v1/entities/?q={uscc}",
    "/api/open/v1/entities/?cursor=",
    "/api/open/v1/entities/{uscc}/",
    "/api/open/v1/penalties/",
    "/api/open/v1/penalties/?cursor=",
    "/api/open/v1/penalties/?q={uscc}",
    "/api/open/v1/penalties/{id}/",
    "/api/open/v1/lists/",
    "/api/open/v1/lists/{list_type}/",
    "/api/open/v1/lists/{list_type}/?cursor=",
    "/api/open/v1/acts/",
    "/api/open/v1/acts/?cursor=",
    "/api/open/v1/inspection-plans/",
    "/api/open/v1/inspection-results/",
    "/api/open/v1/rules/departments/",
    "/api/open/v1/rules/items/",
    "/api/open/v1/rules/benchmarks/",
    "/api/open/v1/rules/measures/",
    "/entities/{uscc}/feed.atom",
    "/penalties/feed.atom",
    "/lists/{list_type}/feed.atom",
    "/rules/",
    "/rules/measures/",
    "/open-data/",
    "/open-data/index.json",
    "/open-data/dictionary/",
    "/open-data/dictionary.json",
)


@pytest.fixture
def listed(seeded, dept_a):
    """The seeded entity on the 重点关注 list, personal data typed into the listing's facts (internal)."""
    from credit.services import list_entry_add

    return list_entry_add(
        actor="test",
        entity_uscc=seeded["entity"].uscc,
        list_type="key_attention",
        ground="dishonest_below_serious",
        legal_basis="《郑州市社会信用条例》第二十九条",
        department=dept_a,
        decided_on=seeded["disclosures"][0].decided_on,
        facts=f"店长身份证{ID_NUMBER}，手机{MOBILE}，住{HOME}。",
    )


def test_personal_data_never_leaks_to_the_open_api_feeds_rulebook_or_open_data(
    seeded, listed, client, api_key, settings, tmp_path
):
    import gzip

    from django.urls import Resolver404, resolve

    from opendata import dumps

    settings.OPEN_API_RATE = "100000/minute"  # one address crawls everything (the limit has its own test)
    settings.OPEN_DATA_DIR = str(tmp_path)
    entity = seeded["entity"]
    first, second = seeded["disclosures"]
    _, key = api_key(("credit:read",))
    values = {"uscc": entity.uscc, "name": entity.name[3:8], "id": first.pk, "list_type": "key_attention"}
    covered, missing = [], []
    for template in OPEN_SURFACES:
        url = template.format(**values)
        try:
            resolve(url.split("?")[0])
        except Resolver404:
            missing.append(url)
            continue
        # No key, and then a key: neither may add anything personal (the open API ignores keys).
        for headers in ({}, {"HTTP_AUTHORIZATION": f"Bearer {key}"}):
            response = client.get(url, **headers)
            assert response.status_code == 200, (url, response.status_code)
            assert_clean(url, response.content.decode())
        covered.append(url)
    assert not missing, f"这些公开地址尚不存在，泄露检查无法覆盖：{missing}"
    assert len(covered) == len(OPEN_SURFACES)
    for pk in (first.pk, second.pk):
        assert_clean(f"/api/open/v1/penalties/{pk}/", client.get(f"/api/open/v1/penalties/{pk}/").content.decode())

    # The seeded listing and penalties are really served (the crawl read the data it was meant to).
    profile = client.get(f"/api/open/v1/entities/{entity.uscc}/").json()
    assert {p["number"] for p in profile["penalties"]} == {first.number, second.number}
    assert [e["list_type"] for e in profile["list_entries"]] == ["key_attention"]
    assert profile["verified_complaints"]["count"] == 1  # a number only, never the complaint
    assert client.get("/api/open/v1/lists/key_attention/").json()["count"] == 1
    feed = client.get(f"/entities/{entity.uscc}/feed.atom").content.decode()
    assert first.number in feed or entity.name in feed

    # The nightly bulk files (issue 15 §2): written now, then every file the index lists is fetched and read.
    dumps.write_all()
    files = client.get("/open-data/index.json").json()
    urls = sorted({f["url"] for f in files.get("files", [])} if isinstance(files, dict) else set())
    assert urls, files
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert_clean(url, gzip.decompress(body).decode("utf-8-sig"))
