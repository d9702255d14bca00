"""Credit checks, rough edges (issue 18 §1.8): every bad index at once, the grade's reasons, and a
measures catalogue whose list mapping names its source."""

import datetime as dt
import json

import pytest

from core.uscc import check_character
from credit import services
from credit.choices import ListGround, ListType
from credit.models import CreditCheck, JointMeasure
from tests.conftest import BAOSTEEL, SINOPEC

CHECK = "/api/v1/credit-checks/"


def code(n: int) -> str:
    body = f"914101008{n:08d}"
    return body + check_character(body)


def post(api, body):
    return api.post(CHECK, json.dumps(body, ensure_ascii=False), content_type="application/json")


@pytest.fixture(autouse=True)
def _today(frozen_today):
    return frozen_today


@pytest.fixture
def serious(dept_a):
    def add(uscc_code):
        return services.list_entry_add(
            actor="test",
            entity_uscc=uscc_code,
            list_type=ListType.SERIOUS,
            ground=ListGround.HEAVY_FINE,
            legal_basis="《市场监督管理严重违法失信名单管理办法》第二条",
            department=dept_a,
            decided_on=dt.date(2026, 10, 10),
            notice_on=dt.date(2026, 10, 1),
        )

    return add


def test_check_of_1000_codes_with_3_bad_ones_names_all_three_at_once(credit_api):
    # given 1,000 codes of which three (at 17, 500 and 999) are malformed in different ways
    codes = [code(i) for i in range(1000)]
    codes[17] = codes[17][:17] + ("0" if codes[17][17] != "0" else "1")  # wrong check character
    codes[500] = "123"
    codes[999] = ""
    # when checked
    response = post(credit_api, {"usccs": codes, "purpose": "政府采购"})
    # then the contract's 400 lists every bad index in one answer, and nothing is logged
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["index"], e["attr"]) for e in errors] == [(17, "usccs"), (500, "usccs"), (999, "usccs")]
    assert all(e["detail"] for e in errors)
    assert CreditCheck.objects.count() == 0


def test_check_results_carry_the_grades_reasons(credit_api, make_entity, serious, evaluate):
    # given an entity on the 严重违法失信名单 and a clean one
    make_entity(uscc_code=BAOSTEEL, name="宝山钢铁股份有限公司")
    make_entity(uscc_code=SINOPEC, name="中国石油化工股份有限公司")
    serious(BAOSTEEL)
    evaluate()
    # when both are checked
    listed, clean = post(credit_api, {"usccs": [BAOSTEEL, SINOPEC], "purpose": "政府采购"}).json()["results"]
    # then the listed one's grade comes with its reasons, in the entity profile's two shapes
    assert listed["grade"]["code"] == "SERIOUSLY_DISHONEST"
    assert listed["reasons"] and all(isinstance(r, str) and r for r in listed["reasons"])
    assert [r["text"] for r in listed["reason_items"]] == listed["reasons"]
    assert "SERIOUSLY_DISHONEST" in {r["level"] for r in listed["reason_items"]}
    assert any("严重违法失信名单" in r for r in listed["reasons"])
    # and the clean one says why it is green
    assert clean["grade"]["code"] == "GOOD"
    assert clean["reasons"] and "SERIOUSLY_DISHONEST" not in {r["level"] for r in clean["reason_items"]}


def test_high_consumption_restriction_is_not_a_measure_of_the_market_regulation_serious_list(
    credit_api, make_entity, serious, evaluate
):
    # 限制高消费 is decided by a people's court for a 失信被执行人 (最高人民法院 法释〔2015〕17号), not a
    # consequence of 市场监督管理严重违法失信名单.
    make_entity(uscc_code=BAOSTEEL)
    serious(BAOSTEEL)
    evaluate()
    result = post(credit_api, {"usccs": [BAOSTEEL], "purpose": "政府采购"}).json()["results"][0]
    codes = {m["code"] for m in result["measures"]}
    assert "P-HIGH-CONSUMPTION" not in codes
    assert "P-GOV-PROCUREMENT" in codes  # the serious list's own measures still apply
    measure = JointMeasure.objects.get(code="P-HIGH-CONSUMPTION")
    assert (measure.list_types, measure.active) == ([], False)
    assert "失信被执行人" in measure.legal_basis and "法释〔2015〕17号" in measure.legal_basis


def test_every_mapped_measure_cites_its_source_document_and_none_cites_the_listing_article(db):
    # 第十二条 of 总局令第44号 is about when to list (性质恶劣、情节严重), not what follows from a listing.
    for measure in JointMeasure.objects.filter(active=True):
        assert measure.list_types, measure.code
        assert "《" in measure.legal_basis and "》" in measure.legal_basis, measure.code
        assert "第44号）第十二条" not in measure.legal_basis, measure.code


def test_public_measures_page_no_longer_lists_the_court_measure(client, db):
    html = client.get("/rules/measures/").content.decode()
    assert "限制参与政府投资项目招标投标" in html
    assert "限制高消费" not in html
