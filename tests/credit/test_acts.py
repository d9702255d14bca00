"""Other administrative acts (issue 12 §2): 行政强制、确认、征收、给付、裁决、补偿、奖励.

Pushed through the existing API, never negative and never with a severity, no colour change, listed
on ``/acts/`` and in the entity page's 其他行政行为 section, and published within their deadline
(国办发〔2018〕118号: 20 working days; 二七区 seed 004 §15: 7), with a scan rule for late ones.
"""

import datetime as dt
import json

import pytest
import time_machine
from django.db import IntegrityError, transaction

from credit import services
from credit.acts import ActPublishedLate
from credit.choices import OTHER_ACT_CATEGORIES, Grade
from credit.forms import CreditRecordForm
from credit.models import CreditRecord, EntityCredit, RiskWarning
from credit.scan import RULES
from tests.conftest import BAOSTEEL, HUAWEI, SINOPEC, record_data

PUSH = "/api/v1/credit-records/"
ACT_CODES = [c.value for c in OTHER_ACT_CATEGORIES]
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def act(
    uscc_code,
    source_ref,
    category="administrative_enforcement",
    *,
    polarity="neutral",
    title="查封涉嫌不符合食品安全标准的食品",
    **kw,
):
    return record_data(
        uscc_code,
        source_ref,
        category=category,
        polarity=polarity,
        title=title,
        legal_basis=kw.pop("legal_basis", "《中华人民共和国行政强制法》第九条"),
        content=kw.pop("content", "依法查封库存食品。"),
        **kw,
    )


def post(api, body):
    return api.post(PUSH, json.dumps(body, ensure_ascii=False), content_type="application/json")


@pytest.fixture
def sinopec(make_entity, dept_a):
    return make_entity(
        uscc_code=SINOPEC,
        name="中国石油化工股份有限公司",
        registration_authority=dept_a,
        legal_representative="马永生",
        legal_rep_id_number="110101196501011234",
        contact_phone="13900001111",
        registered_address="北京市朝阳区朝阳门北大街22号",
    )


@pytest.fixture
def baosteel(make_entity):
    return make_entity(uscc_code=BAOSTEEL, name="宝山钢铁股份有限公司")


# --- push and validation ----------------------------------------------------------------------------


def test_departments_push_every_other_act_through_the_existing_api(records_api, frozen_today, sinopec, dept_a):
    # Given one act of each of the seven types, neutral or positive, without a severity
    records = [
        act(
            SINOPEC,
            f"郑市监行〔2026〕{i}号",
            code,
            polarity="positive" if code == "administrative_reward" else "neutral",
        )
        for i, code in enumerate(ACT_CODES, start=1)
    ]
    # When a department's system pushes them
    response = post(records_api, {"records": records})
    # Then all are stored, public from the push, with no severity and the 36-month positive/neutral window
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 7, "updated": 0, "unchanged": 0}
    stored = CreditRecord.objects.order_by("source_ref")
    assert sorted(stored.values_list("category", flat=True)) == sorted(ACT_CODES)
    assert {(r.severity, r.published, r.department_id) for r in stored} == {("", True, dept_a.pk)}
    assert {r.publicity_ends_on for r in stored} == {dt.date(2029, 11, 1)}
    # And the labels are the Chinese names
    assert {r.get_category_display() for r in stored} == {
        "行政强制",
        "行政确认",
        "行政征收",
        "行政给付",
        "行政裁决",
        "行政补偿",
        "行政奖励",
    }


def test_an_act_with_a_severity_or_negative_polarity_is_refused_per_item(records_api, frozen_today, sinopec):
    # Given a batch: a good act, an act with a severity, a negative act, and a negative act with a severity
    records = [
        act(SINOPEC, "甲1"),
        {**act(SINOPEC, "甲2", "administrative_confirmation"), "severity": "general"},
        act(SINOPEC, "甲3", "administrative_levy", polarity="negative", severity=""),
        act(SINOPEC, "甲4", "administrative_ruling", polarity="negative", severity="serious"),
    ]
    # When pushed
    response = post(records_api, {"records": records})
    # Then 400, each problem named by index and field, in Chinese, and nothing is saved
    assert response.status_code == 400
    errors = [(e["index"], e["attr"], e["detail"]) for e in response.json()["errors"]]
    assert (1, "severity", "行政确认属于其他行政行为信息，不填写失信程度") in errors
    assert (
        2,
        "polarity",
        "行政征收属于其他行政行为信息，性质只能为正面（positive）或中性（neutral），不能为负面",
    ) in errors
    assert {(i, a) for i, a, _d in errors} == {(1, "severity"), (2, "polarity"), (3, "polarity"), (3, "severity")}
    assert not any("负面信息须注明失信程度" in d for _i, _a, d in errors)  # not the generic negative-record message
    assert not CreditRecord.objects.exists()


def test_the_database_refuses_a_negative_act(push, frozen_today, sinopec):
    push(act(SINOPEC, "甲1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditRecord.objects.filter(source_ref="甲1").update(polarity="negative", severity="general")


def test_admin_form_refuses_an_act_with_a_severity(frozen_today, sinopec, dept_a):
    data = {
        **act(SINOPEC, "郑市监强〔2026〕1号", "administrative_compensation", polarity="positive"),
        "department": str(dept_a.pk),
    }
    form = CreditRecordForm(data={**data, "severity": "minor"})
    assert not form.is_valid()
    assert form.errors["severity"] == ["行政补偿属于其他行政行为信息，不填写失信程度"]
    assert CreditRecordForm(data=data).is_valid()


def test_file_import_takes_acts_by_chinese_label_and_refuses_a_severity(client, alice, frozen_today, sinopec):
    from tests.credit.test_import import CONFIRM, csv_bytes, upload

    def row(ref, category, polarity, severity):
        return [
            ref,
            SINOPEC,
            category,
            polarity,
            severity,
            "城市道路占用费征收",
            "依法征收。",
            "2026-11-01",
            "《城市道路管理条例》第三十七条",
            "1200",
            "",
        ]

    client.force_login(alice)
    bad = upload(client, csv_bytes(row("郑建征〔2026〕1号", "行政征收", "中性", "一般")))
    assert "第2行：失信程度：行政征收属于其他行政行为信息，不填写失信程度" in bad.context["errors"]
    good = upload(
        client,
        csv_bytes(row("郑建征〔2026〕1号", "行政征收", "中性", ""), row("郑建征〔2026〕2号", "行政奖励", "正面", "")),
    )
    assert good.context["preview"].ok, good.context["errors"]
    client.post(CONFIRM, {"token": good.context["token"]})
    assert sorted(CreditRecord.objects.values_list("category", flat=True)) == [
        "administrative_levy",
        "administrative_reward",
    ]


# --- grade ----------------------------------------------------------------------------------------


def test_acts_change_no_grade_colour(push, evaluate, frozen_today, sinopec, baosteel):
    # Given a green entity and a red one (a 一般 penalty)
    push(record_data(BAOSTEEL, "郑市监罚〔2026〕5号"))
    evaluate()
    before = dict(EntityCredit.objects.values_list("entity_id", "grade"))
    assert before == {SINOPEC: Grade.GOOD, BAOSTEEL: Grade.DISHONEST}
    # When each receives acts of every type (neutral, and a positive 行政奖励)
    for code in (SINOPEC, BAOSTEEL):
        push(
            *[
                act(code, f"{code[-4:]}-{c}", c, polarity="positive" if c == "administrative_reward" else "neutral")
                for c in ACT_CODES
            ]
        )
    evaluate()
    # Then neither colour changes, and no act is named as a reason for a colour
    assert dict(EntityCredit.objects.values_list("entity_id", "grade")) == before
    for credit in EntityCredit.objects.all():
        assert not any("行政强制" in str(r) or "行政确认" in str(r) for r in credit.reasons)


# --- /acts/ -----------------------------------------------------------------------------------------


@pytest.fixture
def acts_on_page(push, frozen_today, sinopec, baosteel, make_department, dept_a, dept_b):
    """Public acts of two departments, a licence, a penalty (not an act), a revoked act and an expired one."""
    push(
        act(SINOPEC, "郑市监强〔2026〕1号", decided_on="2026-11-02"),
        act(
            SINOPEC,
            "郑市监许〔2026〕2号",
            "administrative_licence",
            polarity="positive",
            title="食品经营许可证",
            decided_on="2026-10-20",
        ),
        record_data(SINOPEC, "郑市监罚〔2026〕3号", title="未按规定明码标价处罚"),
        act(SINOPEC, "郑市监强〔2026〕9号", title="已撤销的查封决定", decided_on="2026-10-01"),
        act(SINOPEC, "郑市监强〔2023〕1号", title="早已期满的查封决定", decided_on="2023-06-01"),
    )
    push(
        act(
            BAOSTEEL,
            "郑卫健奖〔2026〕1号",
            "administrative_reward",
            polarity="positive",
            title="卫生健康先进单位奖励",
            decided_on="2026-09-15",
        ),
        department=dept_b,
    )
    services.credit_record_revoke(
        actor="test", record=CreditRecord.objects.get(source_ref="郑市监强〔2026〕9号"), reason="决定已撤销"
    )
    services.credit_records_expire(actor="test")


def titles(response) -> list[str]:
    return [a.title for a in response.context["page"]]


def test_acts_page_lists_public_acts_and_licences_only(client, acts_on_page, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/acts/")
    assert response.status_code == 200
    assert titles(response) == [
        "查封涉嫌不符合食品安全标准的食品",
        "食品经营许可证",
        "卫生健康先进单位奖励",
    ]  # newest decision first
    html = response.content.decode()
    assert "中国石油化工股份有限公司" in html and "行政强制" in html and "郑州市卫生健康委员会" in html
    assert "未按规定明码标价处罚" not in html  # penalties are on /penalties/
    assert "已撤销的查封决定" not in html and "早已期满的查封决定" not in html  # the public-record rule
    assert 'href="/acts/"' in html  # the site menu links the page


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("石油化工", ["查封涉嫌不符合食品安全标准的食品", "食品经营许可证"]),  # name substring
        (SINOPEC, ["查封涉嫌不符合食品安全标准的食品", "食品经营许可证"]),  # USCC
        (SINOPEC.lower()[:8], ["查封涉嫌不符合食品安全标准的食品", "食品经营许可证"]),  # USCC prefix, lower case
        ("宝山钢铁", ["卫生健康先进单位奖励"]),
        (HUAWEI, []),
    ],
)
def test_acts_search_by_name_uscc_or_prefix(client, acts_on_page, q, expected):
    response = client.get("/acts/", {"q": q})
    assert response.status_code == 200
    assert titles(response) == expected


def test_acts_filters_by_type_department_and_decision_dates(client, acts_on_page, dept_b):
    assert titles(client.get("/acts/", {"category": "administrative_reward"})) == ["卫生健康先进单位奖励"]
    assert titles(client.get("/acts/", {"category": "administrative_licence"})) == ["食品经营许可证"]
    assert titles(client.get("/acts/", {"department": dept_b.code})) == ["卫生健康先进单位奖励"]
    assert titles(client.get("/acts/", {"decided_from": "2026-10-01", "decided_to": "2026-10-31"})) == [
        "食品经营许可证"
    ]
    assert titles(client.get("/acts/", {"decided_from": "2026-10-20"})) == [
        "查封涉嫌不符合食品安全标准的食品",
        "食品经营许可证",
    ]
    assert titles(client.get("/acts/", {"q": "石油", "category": "administrative_enforcement"})) == [
        "查封涉嫌不符合食品安全标准的食品"
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"decided_from": "2026-13-01"},
        {"decided_from": "2026-11-01", "decided_to": "2026-10-01"},
        {"department": "NOPE"},
        {"category": "administrative_penalty"},
    ],
)
def test_bad_acts_filters_are_a_400_naming_the_problem_never_a_500(client, acts_on_page, params):
    response = client.get("/acts/", params)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_acts_page_shows_no_personal_data(client, acts_on_page):
    html = client.get("/acts/").content.decode() + client.get("/acts/", {"q": "石油化工"}).content.decode()
    for secret in ("110101196501011234", "13900001111", "马永生", "朝阳门北大街"):
        assert secret not in html


def test_acts_page_is_empty_but_fine_without_acts(client, db):
    response = client.get("/acts/")
    assert response.status_code == 200
    assert "暂无行政行为公示信息" in response.content.decode()


# --- entity page ------------------------------------------------------------------------------------


def test_entity_page_shows_acts_in_their_own_section(client, acts_on_page):
    response = client.get(f"/entities/{SINOPEC}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "其他行政行为" in html
    section = html[html.index('id="acts-title"') :]
    section = section[: section.index("</section>")]
    assert "查封涉嫌不符合食品安全标准的食品" in section and "行政强制" in section
    assert "已撤销的查封决定" not in html
    # the act is not repeated among the generic record groups; the licence stays there
    assert [g["label"] for g in response.context["record_groups"]] == ["行政许可", "行政处罚"]
    assert [r.title for r in response.context["other_acts"]] == ["查封涉嫌不符合食品安全标准的食品"]


# --- publication deadline and the scan rule --------------------------------------------------------


def at(day: dt.date, hour=10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI), tick=False)


def late_warnings():
    return list(RiskWarning.objects.filter(rule_code="ACT_PUBLISHED_LATE").order_by("id"))


def scan(day: dt.date):
    with at(day, 23):
        ActPublishedLate().run(today=day, now=dt.datetime(day.year, day.month, day.day, 23, tzinfo=SHANGHAI))


@pytest.fixture
def erqi(make_department):
    return make_department(
        name="郑州市二七区市场监督管理局", code="EQSJ", short_name="二七市监", level="county", region_code="410103"
    )


def test_the_act_rule_is_registered_in_the_risk_scan():
    assert any(rule.code == "ACT_PUBLISHED_LATE" for rule in RULES)


def test_erqi_act_overdue_after_7_working_days(push, erqi, sinopec, baosteel):
    # Given 二七区 decisions of Monday 2026-11-02: 7 working days end on Wednesday 2026-11-11 (seed 004 §15)
    with at(dt.date(2026, 11, 11)):
        push(
            act(SINOPEC, "二七市监强〔2026〕1号", decided_on="2026-11-02"), department=erqi
        )  # on the last day: in time
    with at(dt.date(2026, 11, 12)):
        push(act(BAOSTEEL, "二七市监强〔2026〕2号", decided_on="2026-11-02"), department=erqi)  # a day late
    # When the scan runs (twice: it raises nothing twice)
    scan(dt.date(2026, 11, 12))
    scan(dt.date(2026, 11, 13))
    # Then 二七区's bureau is warned once, about the late one, with its due day and publication day
    [warning] = late_warnings()
    assert (warning.department_id, warning.entity_id) == (erqi.pk, BAOSTEEL)
    assert "2026-11-11" in warning.message and "2026-11-12" in warning.message and "（7个工作日）" in warning.message
    assert "宝山钢铁股份有限公司" in warning.message and "行政强制" in warning.message


def test_national_act_is_in_time_within_20_working_days(push, dept_a, sinopec):
    # Given a city bureau (national rule, 国办发〔2018〕118号): 20 working days from 2026-11-02 end on 2026-11-30
    with at(dt.date(2026, 11, 30)):
        push(act(SINOPEC, "郑市监强〔2026〕1号", decided_on="2026-11-02"))
    scan(dt.date(2026, 11, 30))
    assert late_warnings() == []
    with at(dt.date(2026, 12, 1)):
        push(act(SINOPEC, "郑市监强〔2026〕2号", decided_on="2026-11-02"))
    scan(dt.date(2026, 12, 1))
    [warning] = late_warnings()
    assert warning.department_id == dept_a.pk and "（20个工作日）" in warning.message


def test_late_rule_ignores_licences_penalties_and_revoked_acts(push, erqi, sinopec):
    with at(dt.date(2026, 11, 20)):
        push(
            act(
                SINOPEC, "二七市监许〔2026〕1号", "administrative_licence", polarity="positive", decided_on="2026-10-01"
            ),
            record_data(SINOPEC, "二七市监罚〔2026〕1号", decided_on="2026-10-01"),
            act(SINOPEC, "二七市监强〔2026〕1号", decided_on="2026-10-01"),
            department=erqi,
        )
        services.credit_record_revoke(
            actor="test", record=CreditRecord.objects.get(source_ref="二七市监强〔2026〕1号"), reason="撤销"
        )
    scan(dt.date(2026, 11, 20))
    assert late_warnings() == []


def test_a_resend_keeps_the_first_publication_day(push, erqi, sinopec):
    # Given an act published in time, then re-sent with a correction after its deadline
    with at(dt.date(2026, 11, 3)):
        push(act(SINOPEC, "二七市监强〔2026〕1号", decided_on="2026-11-02"), department=erqi)
    with at(dt.date(2026, 11, 20)):
        push(act(SINOPEC, "二七市监强〔2026〕1号", decided_on="2026-11-02", title="查封决定（更正）"), department=erqi)
    scan(dt.date(2026, 11, 20))
    # Then it is not late: it has been public since 2026-11-03
    assert late_warnings() == []
