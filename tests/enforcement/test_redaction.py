"""The one redaction service (DOMAIN §5): ID numbers, phones, home addresses, bank accounts, health
data and other natural persons' names never reach a public summary; what is public stays readable."""

import pytest

from core.redaction import MASK, contains_personal_data, redact_text

PARTY_USCC = "914403001922038216"
NUMBER = "郑市监罚〔2026〕12号"


def redact(text, **kw):
    return redact_text(text, keep=(PARTY_USCC, NUMBER, "11410100MB0000017X"), **kw)


@pytest.mark.parametrize(
    "secret",
    [
        "410105198803151234",
        "41010519880315123X",
        "41010519880315123x",
        "410105 19880315 1234",
        "410105-19880315-1234",
        "４１０１０５１９８８０３１５１２３４",  # typed full-width
        "410105880315123",  # the old 15-digit card
    ],
)
def test_id_card_numbers_masked(secret):
    out = redact(f"经查，当事人雇佣的员工（身份证{secret}）")
    assert secret not in out and MASK in out
    out = redact(f"其公民身份号码为 {secret}。")
    assert secret not in out
    assert redact(f"证人{secret}在场") == f"证人{MASK}在场"  # unlabelled too


@pytest.mark.parametrize(
    "secret",
    [
        "13838012345",
        "138 3801 2345",
        "138-3801-2345",
        "1383 801 2345",
        "+86 138 3801 2345",
        "+8613838012345",
        "+86-138-3801-2345",
        "0086 13838012345",
        "（+86）13838012345",
    ],
)
def test_mobile_numbers_masked(secret):
    out = redact(f"举报人联系方式{secret}，已核实")
    assert "3801" not in out.replace(" ", "").replace("-", "") and "2345" not in out, out
    assert redact(f"当事人店员{secret}称").count(MASK) == 1


@pytest.mark.parametrize(
    "secret", ["0371-67881234", "0371-6788 1234", "(0371)67881234", "（0371）6788-1234", "010 8888 6666"]
)
def test_landlines_masked(secret):
    out = redact(f"固定电话{secret}")
    assert not any(part in out for part in ("6788", "8888")), out


@pytest.mark.parametrize(
    "secret", ["6222021001123456789", "6222 0210 0112 3456 789", "6222-0210-0112-3456", "41050100123456789012"]
)
def test_bank_cards_and_accounts_masked(secret):
    out = redact(f"违法所得转入个人银行卡{secret}后提现")
    assert secret not in out and "0112" not in out and "3456" not in out
    assert redact(f"账号：{secret}") == f"账号：{MASK}"


@pytest.mark.parametrize(
    "text,leaked",
    [
        ("其住址：郑州市金水区经三路68号院2号楼1单元302室。", "经三路"),
        ("当事人家住郑州市二七区大学路12号，", "大学路"),
        ("现住郑州市管城区紫荆山路3号院5号楼。", "紫荆山路"),
        ("户籍地河南省周口市川汇区某村；", "川汇区"),
        ("家庭住址为郑州市中原区桐柏路1号", "桐柏路"),
    ],
)
def test_labelled_home_addresses_masked(text, leaked):
    assert leaked not in redact(text)


def test_home_address_detected_by_its_shape():
    """No label: the building / unit / room numbers that identify a household are masked."""
    out = redact("经查，货物存放于郑州市金水区经三路68号院2号楼1单元302室内")
    assert "2号楼1单元302室" not in out and "302" not in out
    assert "郑州市金水区经三路" in out  # the street stays readable
    assert "302" not in redact("仓库设在金水区丰产路5栋1801")


@pytest.mark.parametrize(
    "text,leaked",
    [
        ("诊断为乙型病毒性肝炎，", "肝炎"),
        ("病历记载其患有糖尿病", "糖尿病"),
        ("健康状况：高血压三级", "高血压"),
        ("经查该员工患有活动性肺结核", "肺结核"),
    ],
)
def test_health_data_masked(text, leaked):
    assert leaked not in redact(text)


def test_other_natural_persons_names_masked():
    out = redact("证人李建国、王芳证实当事人销售过期食品，举报人王芳另称", names=("李建国", "王芳", "", "张"))
    assert "李建国" not in out and "王芳" not in out
    assert "李某" in out and "王某" in out


def test_public_facts_stay_readable():
    """The party's USCC, the decision number, the authority's USCC, amounts and dates are public."""
    text = (
        f"当事人（统一社会信用代码{PARTY_USCC}）于2026年9月29日销售超过保质期的食品，货值金额3,200.00元，违法所得1280元。"
        f"依据《中华人民共和国食品安全法》第一百二十四条第一款第（五）项，{NUMBER}决定罚款100000.00元（处罚机关代码11410100MB0000017X），"
        "2026-10-14前缴纳。"
    )
    assert redact(text) == text
    assert not contains_personal_data("罚款100000元，没收违法所得3200元，2026年10月14日")


def test_number_labels_mask_only_numbers():
    """ "电话" in plain prose is not a phone number: the sentence stays."""
    text = "执法人员通过电话告知当事人到场接受调查，当事人账户流水显示"
    assert redact(text) == text


def test_contains_personal_data():
    assert contains_personal_data("电话13838012345")
    assert not contains_personal_data("")
    assert not contains_personal_data(f"{NUMBER}")


def test_other_natural_persons_and_the_reporter_are_not_named_in_the_summary(alice, officers, frozen_today):
    """DOMAIN §5: names of natural persons other than the party are never published: the ones the
    official names on the decision, and the reporter of the complaint the case came from."""
    from enforcement import services
    from enforcement.choices import CaseStage
    from enforcement.services.case_steps import case_rights_waive
    from tests.enforcement.conftest import decision_fields

    complaint, _ = services.complaint_file(
        actor="public:web",
        entity_name="某烧烤店",
        content="油烟扰民",
        reporter_name="钱多多",
        department=alice.department,
    )
    case = services.complaint_convert_to_case(actor=alice, complaint=complaint, handlers=officers, title="无照经营")
    for stage in (CaseStage.INVESTIGATION, CaseStage.REVIEW, CaseStage.NOTICE):
        case = services.case_advance(actor=officers[0].user, case=case, to_stage=stage)
    case = case_rights_waive(actor=officers[0].user, case=case, note="当事人书面放弃陈述申辩和听证权利")
    facts = "经查，举报人钱多多反映属实；证人孙小美证实当事人雇用孙小美从事烧烤经营。"
    decision = services.penalty_decision_issue(
        actor=officers[0].user, case=case, **decision_fields(facts=facts, other_persons="孙小美")
    )
    summary = decision.disclosure.facts
    assert "钱多多" not in summary and "孙小美" not in summary
    assert "钱某" in summary and "孙某" in summary
    assert decision.facts == facts  # the decision itself keeps the names
