"""Issue 12 §7 "One entity page that agrees with itself": an entity with facts from every source
(records pushed by another department's system in every category, a decision issued here, an
inspection result published here, a list entry, a commitment) gets one page whose sections agree,
field by field: every public record of a kind is in its kind's section, with the same number,
department, date and amount, and the counts match.

The 行政处罚信息 section belongs to the penalty work of issue 12 §1 (pushed penalties, Order 45);
its assertions are marked PENALTY SECTION.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest

from credit import selectors as credit_selectors
from credit import services as credit_services
from credit.choices import OTHER_ACT_CATEGORIES, ListGround, ListType, RecordCategory
from enforcement import services
from enforcement.choices import CaseStage
from enforcement.models import PenaltyDisclosure
from inspections import services as inspection_services
from inspections.choices import ResultCategory
from inspections.models import InspectionResult
from tests.inspections.conftest import make_item, make_plan  # noqa: F401 - fixtures: a plan to draw the entity in

pytestmark = pytest.mark.django_db


def pushed(uscc: str) -> list[dict]:
    """One record in every category, as another department's system pushes them (API.md)."""
    base = {"uscc": uscc, "legal_basis": "依据略", "content": "内容略"}
    rows = [
        ("administrative_penalty", "郑卫健罚〔2026〕7号", "negative", "serious", "2026-09-01", "200000.00"),
        ("administrative_licence", "郑卫健许〔2026〕11号", "positive", "", "2026-03-02", None),
        ("inspection_result", "郑卫健检〔2026〕3号", "neutral", "", "2026-10-10", None),
        ("business_abnormal", "郑卫健异〔2026〕1号", "negative", "general", "2026-08-03", None),
        ("serious_dishonesty", "郑卫健严〔2026〕2号", "negative", "serious", "2026-07-06", None),
        ("commitment", "郑卫健诺〔2026〕4号", "positive", "", "2026-05-07", None),
        ("award", "郑卫健奖〔2026〕5号", "positive", "", "2026-04-08", None),
        ("judicial", "（2026）豫0105民初100号", "negative", "general", "2026-06-09", "5000.00"),
        ("tax_arrears", "郑卫健欠〔2026〕6号", "negative", "general", "2026-06-10", "1200.00"),
        ("complaint", "郑卫健投〔2026〕8号", "negative", "general", "2026-06-11", None),
        ("administrative_enforcement", "郑卫健强〔2026〕9号", "neutral", "", "2026-06-12", None),
    ]
    return [
        {
            **base,
            "category": c,
            "source_ref": ref,
            "polarity": p,
            "severity": s,
            "decided_on": d,
            "title": f"测试{ref}",
            **({"amount": a} if a else {}),
        }
        for c, ref, p, s, d, a in rows
    ]


def section(html: str, title_id: str) -> str:
    found = re.search(rf'<section[^>]*aria-labelledby="{title_id}".*?</section>', html, re.S)
    assert found, f"no section {title_id}"
    return found.group(0)


def item_with(html: str, needle: str) -> str:
    """The <li> of a section that holds ``needle`` (a number): exactly one."""
    items = [li for li in re.split(r"<li[ >]", html)[1:] if needle in li]
    assert len(items) == 1, f"{needle}: {len(items)} items"
    return items[0]


def day(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def amount_in(li: str, label: str) -> Decimal:
    text = re.search(rf"<dt>{label}</dt><dd>([^<]+)</dd>", li).group(1)
    return Decimal(re.sub(r"[^\d.]", "", text))


@pytest.fixture
def world(entity, dept_a, dept_b, waived, open_case, issue, make_plan, officers, evaluate, frozen_today):
    """Facts from every source about ``entity``."""
    evaluate([entity.uscc])
    # 1. Another department's system pushes a record in every category (through the API's service).
    credit_services.credit_records_push(actor="api:郑卫健系统", department=dept_b, records=pushed(entity.uscc))
    # 2. A decision issued here, published.
    decision = issue(waived(open_case(stage=CaseStage.NOTICE)))
    services.disclosures_publish(actor="test")
    # 3. An inspection result entered and published here.
    draw = inspection_services.draw_run(actor="test", plan=make_plan(ratio_a=Decimal("1")))
    task = draw.tasks.get(entity=entity.uscc)
    result = inspection_services.result_submit(
        actor="test",
        task=task,
        department=dept_a,
        categories=[ResultCategory.NO_PROBLEM],
        inspected_on=frozen_today - dt.timedelta(days=3),
    )
    inspection_services.result_approve(actor="test", result=result)
    inspection_services.results_publish(actor="test")
    # 4. A list entry and 5. a commitment, made here.
    entry = credit_services.list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=ListType.KEY_ATTENTION,
        ground=ListGround.DISHONEST_BELOW_SERIOUS,
        legal_basis="《市场监督管理信用修复管理办法》",
        department=dept_a,
        decided_on=dt.date(2026, 10, 20),
    )
    commitment, _code = credit_services.commitment_make(
        actor="test",
        entity_uscc=entity.uscc,
        commitment_type="voluntary",
        department=dept_a,
        content=credit_services.COMMITMENT_TEMPLATES["voluntary"],
        signatory="王某",
        due_on=dt.date(2027, 5, 22),
    )
    evaluate([entity.uscc])
    return {
        "decision": decision,
        "result": InspectionResult.objects.get(pk=result.pk),
        "entry": entry,
        "commitment": commitment,
    }


def test_entity_page_sections_agree_field_by_field_whatever_the_source(
    client, entity, world, dept_a, dept_b, frozen_today
):
    html = client.get(f"/entities/{entity.uscc}/").content.decode()
    public = list(
        credit_selectors.public_records(frozen_today).filter(entity_id=entity.uscc).select_related("department")
    )
    by_category = {}
    for r in public:
        by_category.setdefault(r.category, []).append(r)
    records, lists, commitments = (
        section(html, "records-title"),
        section(html, "lists-title"),
        section(html, "commitments-title"),
    )
    inspections, penalties = section(html, "inspections-title"), section(html, "penalties-title")

    # Every public record is in 公示中的信用信息 once (other administrative acts in 其他行政行为, issue
    # 12 §2), with its own department, date and amount.
    acts = section(html, "acts-title")
    act_records = [r for r in public if r.category in OTHER_ACT_CATEGORIES]
    assert len(act_records) == 1 and acts.count("<li ") == 1
    assert sum(1 for _ in re.finditer(r"<dt>文号（编号）</dt>", records)) == len(public) - len(act_records)
    for r in public:
        li = item_with(acts if r in act_records else records, f"<dd>{r.source_ref}</dd>")
        assert f"<dd>{r.department.name}</dd>" in li and day(r.decided_on) in li
        if r.amount is not None:
            assert amount_in(li, "金额") == r.amount

    # 双随机抽查结果: the result published here and the one pushed by dept B, and nothing else.
    inspection_records = by_category[RecordCategory.INSPECTION]
    assert len(inspection_records) == 2
    assert inspections.count("<li ") == len(inspection_records) and "暂无已公示的双随机抽查结果" not in inspections
    result = world["result"]
    own = item_with(inspections, f'data-inspection-result="{result.pk}"')
    assert result.credit_record.decided_on == result.inspected_on and day(result.inspected_on) in own
    assert f"<dd>{result.department.name}</dd>" in own and result.credit_record.department == result.department
    other = next(r for r in inspection_records if r.department == dept_b)
    li = item_with(inspections, f"<dd>{other.source_ref}</dd>")
    assert f"<dd>{dept_b.name}</dd>" in li and day(other.decided_on) in li and day(other.publicity_ends_on) in li

    # 列入名单情况: the list entry made here, and the 经营异常 and 严重违法失信 records pushed by dept B.
    assert "未列入经营异常名录" not in lists
    entry = world["entry"]
    assert day(entry.listed_on) in lists and entry.department.name in lists
    for category in (RecordCategory.ABNORMAL, RecordCategory.SERIOUS):
        (r,) = by_category[category]
        li = item_with(lists, f"<dd>{r.source_ref}</dd>")
        assert f"<dd>{dept_b.name}</dd>" in li and day(r.decided_on) in li and day(r.publicity_ends_on) in li

    # 信用承诺: the commitment made here and the one pushed by dept B.
    assert "暂无信用承诺" not in commitments
    assert world["commitment"].tracking_no in commitments
    (pushed_commitment,) = by_category[RecordCategory.COMMITMENT]
    li = item_with(commitments, f"<dd>{pushed_commitment.source_ref}</dd>")
    assert f"<dd>{dept_b.name}</dd>" in li and day(pushed_commitment.decided_on) in li

    # PENALTY SECTION (issue 12 §1, the penalty work): every public 行政处罚 record, pushed or decided
    # here, is in 行政处罚信息 with the same number, department, date and amount.
    penalty_records = by_category[RecordCategory.PENALTY]
    assert len(penalty_records) == 2
    assert "暂无公示中的行政处罚信息" not in penalties, "PENALTY SECTION: the pushed serious penalty is missing"
    decision = world["decision"]
    for r in penalty_records:
        li = item_with(penalties, f">{r.source_ref}<")
        assert f"<dd>{r.department.name}</dd>" in li and day(r.decided_on) in li, f"PENALTY SECTION: {r.source_ref}"
        if r.source_ref == decision.number:
            summary = PenaltyDisclosure.objects.get(decision=decision)
            assert amount_in(li, "罚款金额") == summary.fine_amount == decision.fine_amount
            assert (
                r.amount == decision.fine_amount + decision.confiscation_amount
            )  # the record's amount: fine + confiscation
        else:
            assert amount_in(li, "罚款金额") == r.amount, f"PENALTY SECTION: {r.source_ref}"
