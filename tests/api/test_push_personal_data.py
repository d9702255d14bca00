"""Pushed text is public text (DOMAIN §5, issue 15 leak found while building the open API): a record
pushed through the API carries its title and content to the entity page, /penalties/ and the open
data, so personal data of natural persons is refused at the door, with the field named, and a
record stored before that rule is masked on the penalty summary it mirrors into."""

import json

import pytest

from credit import services
from credit.models import CreditRecord
from enforcement.models import PenaltyDisclosure
from tests.conftest import SINOPEC, record_data

PUSH = "/api/v1/credit-records/"
PHONE = "13838012345"
ID_NUMBER = "410105198803151234"


@pytest.fixture(autouse=True)
def _today(frozen_today):
    return frozen_today


def post(api, body):
    return api.post(PUSH, json.dumps(body, ensure_ascii=False), content_type="application/json")


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("content", f"当事人负责人手机{PHONE}，拒不整改。"),
        ("content", f"负责人身份证号码{ID_NUMBER}。"),
        ("title", "家住3号楼2单元502室的经营者无证经营"),
    ],
)
def test_push_with_personal_data_is_refused_with_the_field_named(records_api, field, text):
    # given a record whose text holds a natural person's phone, ID number or home
    record = record_data(SINOPEC, "郑市监罚〔2026〕88号", category="administrative_penalty", **{field: text})
    # when pushed
    response = post(records_api, {"records": [record]})
    # then 400 names the item and the field, and nothing is saved
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert (error["index"], error["attr"], error["code"]) == (0, field, "personal_data")
    assert "个人信息" in error["detail"]
    assert CreditRecord.objects.count() == 0


def test_push_keeps_its_own_uscc_and_reference_readable(records_api):
    # given content that quotes the party's USCC and the decision number (public facts, digit runs)
    record = record_data(
        SINOPEC, "郑市监罚〔2026〕89号", category="administrative_penalty", content=f"当事人（{SINOPEC}）逾期未改正。"
    )
    # when pushed, then it is accepted
    assert post(records_api, {"records": [record]}).status_code == 200


def test_penalty_stored_before_the_rule_is_masked_on_its_public_summary(dept_a, make_entity):
    # given a pushed 行政处罚 stored by an internal writer, which is not screened (as before the rule)
    make_entity(SINOPEC)
    services.credit_records_push(
        actor="test",
        department=dept_a,
        records=[
            record_data(
                SINOPEC,
                "郑市监罚〔2026〕90号",
                category="administrative_penalty",
                content=f"经查，负责人手机{PHONE}，身份证号码{ID_NUMBER}。",
            )
        ],
    )
    # then the mirrored public summary carries neither
    summary = PenaltyDisclosure.objects.get(number="郑市监罚〔2026〕90号")
    assert PHONE not in summary.facts and ID_NUMBER not in summary.facts
    assert "＊＊＊" in summary.facts
