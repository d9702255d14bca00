"""The public grade is computed from public facts only (issue 12 §3, DOMAIN §3 "Credit grade").

- The public grade, its score, its reasons and its history count only facts public at evaluation
  time; unpublished facts (轻微 by default) count in the internal risk class only.
- 消费投诉公示 (seed 004 §15 ff.): the number of verified complaints in the last 12 months is public,
  without any complainant data, and rule 3 reads it.
- An entity objects to or repairs any record about it through the party's link (当事人告知链接);
  without the link an unpublished record looks exactly like an unknown one.
- "In the last 12 months": a fact decided exactly 12 months ago still counts, one a day older does
  not (《民法典》第二百零一、二百零二条; credit/evaluation.py).

The clock is frozen at 2026-11-22 (frozen_today).
"""

import datetime as dt
import re

import pytest
from django.core.cache import cache

from credit import services
from credit.choices import Grade
from credit.evaluation import lookback_start
from credit.models import CreditRecord, EntityCredit, GradeHistory, Objection, RepairApplication
from credit.record_links import record_link_path, record_token
from tests.conftest import record_data

pytestmark = pytest.mark.usefixtures("frozen_today")

PHONE = "13912345678"
LOW_RISK = "I6513"  # software: low-risk industry (risk class A when clean)


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def credit_of(entity) -> EntityCredit:
    return EntityCredit.objects.get(entity_id=entity.uscc)


def credit_section(html: str) -> str:
    return html.split('id="records-title"')[0]


@pytest.fixture
def minor(make_entity, push):
    """An entity whose only fact is a 轻微 penalty, not published under the default rule."""
    entity = make_entity(industry_code=LOW_RISK)
    push(
        record_data(
            entity.uscc,
            "郑市监轻〔2026〕3号",
            severity="minor",
            title="店招未亮证经营",
            content="轻微违法内容",
            decided_on="2026-11-10",
        )
    )
    record = CreditRecord.objects.get(source_ref="郑市监轻〔2026〕3号")
    assert record.published is False
    return entity, record


# --- the public grade counts public facts only ---------------------------------------------------


def test_unpublished_minor_record_changes_no_public_colour(minor, make_entity, evaluate, client):
    entity, _record = minor
    clean = make_entity(industry_code=LOW_RISK)
    evaluate()
    # then the grade, the score and the history are those of an entity with no fact at all
    assert (credit_of(entity).grade, credit_of(entity).score) == (Grade.GOOD, credit_of(clean).score)
    assert credit_of(entity).improves_on is None
    assert list(GradeHistory.objects.filter(entity_id=entity.uscc).values_list("grade", flat=True)) == [Grade.GOOD]
    html = client.get(f"/entities/{entity.uscc}/").content.decode()
    assert "grade-badge--green" in html and "grade-badge--yellow" not in html


def test_unpublished_minor_record_still_counts_in_risk_class(minor, make_entity, push, evaluate):
    entity, _record = minor
    clean = make_entity(industry_code=LOW_RISK)
    catering = make_entity(industry_code="H6210")  # high-risk industry
    push(record_data(catering.uscc, "郑市监轻〔2026〕4号", severity="minor", decided_on="2026-11-10"))
    evaluate()
    # the public colour stays green, the internal risk class sees the fact (SAMR 国市监信发〔2022〕6号)
    assert [credit_of(e).grade for e in (entity, clean, catering)] == [Grade.GOOD, Grade.GOOD, Grade.GOOD]
    assert [credit_of(e).risk_class for e in (entity, clean, catering)] == ["B", "A", "C"]
    # once revoked, it no longer counts there either
    services.credit_record_revoke(
        actor="test", record=CreditRecord.objects.get(source_ref="郑市监轻〔2026〕3号"), reason="复议撤销"
    )
    evaluate([entity.uscc])
    assert credit_of(entity).risk_class == "A"


def test_public_reasons_never_hint_at_unpublished_records(minor, make_entity, push, evaluate, client, credit_api):
    entity, _record = minor
    alone = make_entity(industry_code=LOW_RISK)
    push(
        record_data(entity.uscc, "郑市监罚〔2026〕12号", severity="general", decided_on="2026-11-01"),
        record_data(alone.uscc, "郑市监罚〔2026〕13号", severity="general", decided_on="2026-11-01"),
    )
    evaluate()
    credit = credit_of(entity)
    assert [r["text"] for r in credit.reasons] == ["行政处罚（一般）郑市监罚〔2026〕12号，公示至 2027-11-01"]
    history = GradeHistory.objects.get(entity_id=entity.uscc)
    hints = ("郑市监轻〔2026〕3号", "店招未亮证经营", "不予公示", "1条")
    assert not [h for h in (*hints, "轻微") if h in str(credit.reasons) + str(history.reasons)]
    for where in (
        client.get(f"/entities/{entity.uscc}/").content.decode(),
        credit_api.get(f"/api/v1/entities/{entity.uscc}/").content.decode(),
    ):
        assert not [h for h in hints if h in where], where
    # the score is that of the published record alone
    assert credit.score == credit_of(alone).score


# --- 消费投诉公示: the public count of verified complaints --------------------------------------


def complaints(push, entity, *days, prefix="TS"):
    # What enforcement's complaint_close writes for 属实: a 投诉举报 record, 轻微, so not published itself.
    push(
        *[
            record_data(
                entity.uscc,
                f"{prefix}-{i}",
                category="complaint",
                severity="minor",
                title="投诉经核查属实",
                decided_on=d,
            )
            for i, d in enumerate(days)
        ]
    )


def test_three_verified_complaints_in_12_months_turn_public_grade_yellow(make_entity, push, evaluate, client):
    three, two = make_entity(), make_entity()
    complaints(push, three, "2026-02-01", "2026-06-15", "2026-11-20")
    complaints(push, two, "2026-06-15", "2026-11-20", prefix="TT")
    assert not CreditRecord.objects.filter(category="complaint", published=True).exists()
    evaluate()
    assert [credit_of(e).grade for e in (three, two)] == [Grade.WARNING, Grade.GOOD]
    assert [r["text"] for r in credit_of(three).reasons] == ["近12个月经核实的投诉举报 3 件（达到3件即为警示）"]
    html = client.get(f"/entities/{three.uscc}/").content.decode()
    assert "grade-badge--yellow" in html and 'data-verified-complaints="3"' in html


def test_verified_complaint_count_is_public_without_complainant_data(
    make_entity, dept_a, alice, evaluate, client, credit_api
):
    from enforcement import services as enforcement
    from enforcement.choices import ComplaintVerdict

    entity = make_entity(name="郑州市金水区好再来餐饮店", registration_authority=dept_a)
    complaint, _code = enforcement.complaint_file(
        actor="public:web",
        entity_name=entity.name,
        entity_uscc=entity.uscc,
        content="后厨使用过期食材，举报人住金水路1号。",
        kind="complaint",
        channel="web",
        reporter_name="投诉人周某某",
        contact_phone=PHONE,
        contact_email="reporter-secret@example.com",
    )
    enforcement.complaint_close(
        actor=alice, complaint=complaint, verdict=ComplaintVerdict.VERIFIED, outcome="经现场检查属实，已责令改正。"
    )
    evaluate([entity.uscc])
    html = client.get(f"/entities/{entity.uscc}/").content.decode()
    profile = credit_api.get(f"/api/v1/entities/{entity.uscc}/")
    assert 'data-verified-complaints="1"' in html and "经核实的投诉举报 <strong>1</strong> 件" in html
    assert profile.json()["verified_complaint_count"] == 1
    for text in (html, profile.content.decode()):
        for secret in (PHONE, "reporter-secret@example.com", "周某某", "过期食材", "金水路1号", complaint.tracking_no):
            assert secret not in text


# --- the 12-month windows at their boundary days -------------------------------------------------


def test_twelve_month_window_ends_on_the_corresponding_day():
    # 《民法典》第二百零二条: a period in months ends on the corresponding day, or the month's last day.
    assert lookback_start(dt.date(2026, 11, 22)) == dt.date(2025, 11, 22)
    assert lookback_start(dt.date(2024, 2, 29)) == dt.date(2023, 3, 1)  # 2023-02-28 counted through 2024-02-28 only
    assert lookback_start(dt.date(2025, 2, 28)) == dt.date(2024, 2, 28)  # 2024-02-29 counts through 2025-02-28


def test_commitment_broken_exactly_12_months_ago_still_counts_one_day_more_does_not(make_entity, push, evaluate):
    exactly, older = make_entity(), make_entity()
    push(
        record_data(exactly.uscc, "违诺-1", category="commitment", severity="minor", decided_on="2025-11-22"),
        record_data(older.uscc, "违诺-2", category="commitment", severity="minor", decided_on="2025-11-21"),
    )
    evaluate()
    assert [credit_of(e).grade for e in (exactly, older)] == [Grade.DISHONEST, Grade.GOOD]
    assert credit_of(exactly).improves_on == dt.date(2026, 11, 23)


def test_verified_complaint_exactly_12_months_ago_still_counts_one_day_more_does_not(
    make_entity, push, evaluate, client
):
    exactly, older = make_entity(), make_entity()
    complaints(push, exactly, "2025-11-22", "2026-06-15", "2026-11-20", prefix="TA")
    complaints(push, older, "2025-11-21", "2026-06-15", "2026-11-20", prefix="TB")
    evaluate()
    assert [credit_of(e).grade for e in (exactly, older)] == [Grade.WARNING, Grade.GOOD]
    assert 'data-verified-complaints="3"' in client.get(f"/entities/{exactly.uscc}/").content.decode()
    assert 'data-verified-complaints="2"' in client.get(f"/entities/{older.uscc}/").content.decode()


# --- the party's link to a record, published or not ----------------------------------------------


def filing(**kw):
    return {
        "applicant_name": "郑州市金水区某商行",
        "contact_phone": PHONE,
        "reason": "该轻微违法行为已当场改正。",
        **kw,
    }


def test_entity_can_object_to_an_unpublished_record_through_its_link(minor, client, api):
    _entity, record = minor
    link = record_link_path(record)
    # the link opens the record, with its objection and repair forms
    notice = client.get(link)
    assert notice.status_code == 200 and "店招未亮证经营" in notice.content.decode()
    assert notice["Referrer-Policy"] == "no-referrer" and "noindex" in notice["X-Robots-Tag"]
    objection_url = (
        re.search(r'href="([^"]+)" data-action="objection"', notice.content.decode()).group(1).replace("&amp;", "&")
    )
    assert client.get(objection_url).status_code == 200
    response = client.post(objection_url, filing())
    assert response.status_code in (200, 302, 303), response.content.decode()[
        :500
    ]  # the done page, or its redirect (PRG)
    assert Objection.objects.get().record == record
    assert PHONE not in client.get(link).content.decode()
    # and the public API takes the same capability as record_token (additive: record_id may be left out)
    Objection.objects.all().delete()
    created = api.post("/api/v1/objections/", filing(record_token=record_token(record)), format="json")
    assert created.status_code == 201, created.content
    assert Objection.objects.get().record == record
    repair = api.post(
        "/api/v1/repair-applications/",
        filing(record_token=record_token(record), record_id=record.pk, commitment_accepted=True),
        format="json",
    )
    assert repair.status_code == 201, repair.content  # 轻微: repairable once the obligations are met
    assert RepairApplication.objects.get().record == record


def test_unpublished_record_without_link_looks_unknown(minor, client, api):
    _entity, record = minor
    unknown = CreditRecord.objects.order_by("-pk").first().pk + 1000
    for path in ("/objections/new/", "/repairs/new/"):
        hidden, missing = client.get(path, {"record": record.pk}), client.get(path, {"record": unknown})
        assert hidden.status_code == missing.status_code == 404
        assert hidden.content == missing.content
    for path, body in (
        ("/api/v1/objections/", filing()),
        ("/api/v1/repair-applications/", filing(commitment_accepted=True)),
    ):
        hidden = api.post(path, {**body, "record_id": record.pk}, format="json")
        missing = api.post(path, {**body, "record_id": unknown}, format="json")
        assert hidden.status_code == missing.status_code == 400
        assert hidden.content.decode().replace(str(record.pk), "N") == missing.content.decode().replace(
            str(unknown), "N"
        )
    # a forged or altered link is no better than none
    forged = record_token(record)[:-2] + "xx"
    assert client.get(f"/credit/notice/{forged}/").status_code == 404
    other = api.post("/api/v1/objections/", filing(record_token=forged), format="json")
    assert other.status_code == 400 and "record_token" in other.content.decode()
    assert not Objection.objects.exists() and not RepairApplication.objects.exists()


def test_official_of_the_deciding_department_sees_the_party_link_in_the_admin(minor, client, alice, bob):
    _entity, record = minor
    client.force_login(alice)
    html = client.get(f"/admin/credit/creditrecord/{record.pk}/change/").content.decode()
    assert "当事人告知链接" in html and record_link_path(record) in html
    client.force_login(bob)
    response = client.get(f"/admin/credit/creditrecord/{record.pk}/change/")
    assert record_link_path(record) not in response.content.decode()
