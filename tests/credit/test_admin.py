"""The credit admin: scoped to the official's department, every write through a service.

Users, each time (STYLE.md rule 13): alice (official of the owning department, dept_a), bob (official
of another department, dept_b), and an anonymous visitor; plus a 信用管理人员 for the model.
"""

import datetime as dt
import json
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from core.choices import Role
from core.models import AuditEvent
from credit import services
from credit.choices import Grade, ListGround, ListType, ProposalState, RecordState, RemovalReason, WarningState
from credit.models import (
    CreditCheck,
    CreditRecord,
    EntityCredit,
    EvaluationModel,
    ListEntry,
    ListProposal,
    RiskScanRun,
    RiskWarning,
)
from tests.conftest import record_data

pytestmark = pytest.mark.usefixtures("frozen_today")

RECORDS = "/admin/credit/creditrecord/"
ENTRIES = "/admin/credit/listentry/"


@pytest.fixture
def entity(make_entity, dept_a):
    return make_entity(name="郑州市金水区明码标价测试商行", registration_authority=dept_a)


@pytest.fixture
def record_a(push, entity):
    push(record_data(entity.uscc, "郑市监罚〔2026〕12号", title="未按规定明码标价"))
    return CreditRecord.objects.get(source_ref="郑市监罚〔2026〕12号")


@pytest.fixture
def manager(make_official, dept_a):
    return make_official("carol", dept_a, role=Role.CREDIT_MANAGER)


def record_form(uscc_code, **overrides):
    data = {
        "source_ref": "郑市监罚〔2026〕88号",
        "uscc": uscc_code,
        "category": "administrative_penalty",
        "polarity": "negative",
        "severity": "general",
        "title": "销售过期食品",
        "content": "经查，当事人销售超过保质期的食品。",
        "decided_on": "2026-10-15",
        "legal_basis": "《中华人民共和国食品安全法》第一百二十四条",
        "amount": "50000.00",
        "restriction_ends_on": "",
        "_save": "1",
    }
    data.update(overrides)
    return data


def action(client, url, name, pks, **form):
    return client.post(url, {"action": name, "_selected_action": [str(pk) for pk in pks], **form})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


# --- records: scoping ---------------------------------------------------------------------------------


def test_owner_sees_and_opens_own_departments_record(client, alice, record_a):
    client.force_login(alice)
    html = client.get(RECORDS).content.decode()
    assert "未按规定明码标价" in html
    assert "郑州市金水区明码标价测试商行" in html  # the roster name beside the code
    page = client.get(f"{RECORDS}{record_a.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' in page.content.decode()


def test_other_department_neither_sees_nor_opens_the_record(client, bob, record_a):
    client.force_login(bob)
    assert "未按规定明码标价" not in client.get(RECORDS).content.decode()
    response = client.get(f"{RECORDS}{record_a.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect: scoped queryset
    response = client.post(f"{RECORDS}{record_a.pk}/change/", record_form(record_a.entity_id, title="改掉"))
    record_a.refresh_from_db()
    assert record_a.title == "未按规定明码标价"


def test_anonymous_is_sent_to_login_everywhere(client, record_a):
    for url in (
        RECORDS,
        f"{RECORDS}{record_a.pk}/change/",
        f"{RECORDS}import/",
        ENTRIES,
        "/admin/credit/riskwarning/",
        "/admin/credit/creditcheck/",
        "/admin/credit/entitycredit/",
        "/admin/credit/evaluationmodel/add/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_record_search_by_uscc_source_ref_and_title(client, alice, record_a, push, make_entity):
    other = make_entity(name="另一家公司")
    push(record_data(other.uscc, "郑市监罚〔2026〕13号", title="虚假宣传"))
    client.force_login(alice)
    html = client.get(RECORDS, {"q": record_a.entity_id.lower()}).content.decode()
    assert "未按规定明码标价" in html and "虚假宣传" not in html
    html = client.get(RECORDS, {"q": "13号"}).content.decode()
    assert "虚假宣传" in html and "未按规定明码标价" not in html
    assert "虚假宣传" in client.get(RECORDS, {"q": "虚假"}).content.decode()


def test_record_list_filters(client, alice, record_a):
    client.force_login(alice)
    assert (
        client.get(
            RECORDS,
            {"category__exact": "administrative_penalty", "severity__exact": "general", "state__exact": "active"},
        ).status_code
        == 200
    )
    assert "未按规定明码标价" not in client.get(RECORDS, {"state__exact": "revoked"}).content.decode()


def test_record_changelist_query_budget(client, alice, push, entity, django_assert_max_num_queries):
    push(*[record_data(entity.uscc, f"郑市监罚〔2026〕{n}号") for n in range(30)])
    client.force_login(alice)
    with django_assert_max_num_queries(15):
        assert client.get(RECORDS).status_code == 200


# --- records: writes through the service ------------------------------------------------------------


def test_adding_a_record_in_the_admin_goes_through_the_service_with_audit(client, alice, entity, dept_a, dept_b):
    # Given alice, whose form offers only her own department
    client.force_login(alice)
    response = client.post(f"{RECORDS}add/", record_form(entity.uscc, department=str(dept_b.pk)))
    assert response.status_code == 200 and not CreditRecord.objects.exists()

    # When she saves the add form
    response = client.post(f"{RECORDS}add/", record_form(entity.uscc, department=str(dept_a.pk)))

    # Then it is saved for her department by credit_records_push, with its window computed
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕88号")
    assert record.department == dept_a
    assert record.publicity_ends_on == dt.date(2027, 10, 15)  # 一般: at most 1 year
    assert record.repairable_from == dt.date(2027, 1, 15)  # 一般: at least 3 months
    event = AuditEvent.objects.get(action="credit_record.push")
    assert event.actor_user == alice
    assert event.after["created"] == ["郑市监罚〔2026〕88号"]


def test_record_form_errors_come_from_the_service_validator_and_nothing_is_saved(client, alice, entity, dept_a):
    client.force_login(alice)
    response = client.post(
        f"{RECORDS}add/", record_form(entity.uscc, department=str(dept_a.pk), severity="", decided_on="2026-12-01")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "负面信息须注明失信程度" in html
    assert "晚于今天" in html
    response = client.post(f"{RECORDS}add/", record_form("91350100M000100Y4Z", department=str(dept_a.pk)))
    assert response.status_code == 200
    assert "第18位应为“3”" in response.content.decode()
    assert not CreditRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="credit_record.push").exists()


def test_add_with_an_existing_source_ref_is_refused_not_silently_updated(client, alice, record_a, dept_a):
    client.force_login(alice)
    response = client.post(
        f"{RECORDS}add/", record_form(record_a.entity_id, source_ref=record_a.source_ref, department=str(dept_a.pk))
    )
    assert response.status_code == 200
    assert "本部门已有来源编号为" in response.content.decode()
    record_a.refresh_from_db()
    assert record_a.title == "未按规定明码标价"


def test_changing_a_record_updates_it_through_the_service(client, alice, record_a):
    client.force_login(alice)
    response = client.post(
        f"{RECORDS}{record_a.pk}/change/",
        record_form(record_a.entity_id, severity="serious", title="未按规定明码标价（情节严重）"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    record_a.refresh_from_db()
    assert record_a.source_ref == "郑市监罚〔2026〕12号"  # the key is read-only
    assert record_a.severity == "serious"
    assert record_a.publicity_ends_on == dt.date(2029, 10, 15)  # 严重: at most 3 years
    event = AuditEvent.objects.filter(action="credit_record.push").latest("id")
    assert event.actor_user == alice and event.after["updated"] == ["郑市监罚〔2026〕12号"]


def test_computed_fields_are_read_only(client, alice, record_a):
    client.force_login(alice)
    html = client.get(f"{RECORDS}{record_a.pk}/change/").content.decode()
    assert "公示截止日期" in html
    assert 'name="publicity_ends_on"' not in html and 'name="state"' not in html and 'name="source_ref"' not in html


def test_revoke_action_asks_for_a_reason_then_revokes_through_the_service(client, alice, record_a):
    client.force_login(alice)

    # The action first shows its form
    page = action(client, RECORDS, "revoke", [record_a.pk])
    assert page.status_code == 200
    assert "撤销理由" in page.content.decode()

    # Without a reason nothing happens
    page = action(client, RECORDS, "revoke", [record_a.pk], apply="1", reason="")
    assert page.status_code == 200
    record_a.refresh_from_db()
    assert record_a.state == RecordState.ACTIVE

    # With one, the record is revoked by credit_record_revoke
    response = action(client, RECORDS, "revoke", [record_a.pk], apply="1", reason="经复核，处罚决定已被行政复议撤销")
    assert response.status_code == 302
    record_a.refresh_from_db()
    assert record_a.state == RecordState.REVOKED
    assert record_a.state_reason == "经复核，处罚决定已被行政复议撤销"
    assert AuditEvent.objects.get(action="credit_record.revoke").actor_user == alice

    # A revoked record is read-only and revoking again is refused with a message
    page = client.get(f"{RECORDS}{record_a.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert record_a.entity_id in page.content.decode()
    response = action(client, RECORDS, "revoke", [record_a.pk], apply="1", reason="再次")
    assert any("该记录已撤销" in m for m in messages_of(response))


def test_other_department_cannot_revoke(client, bob, record_a):
    client.force_login(bob)
    action(client, RECORDS, "revoke", [record_a.pk], apply="1", reason="越权")
    record_a.refresh_from_db()
    assert record_a.state == RecordState.ACTIVE
    assert not AuditEvent.objects.filter(action="credit_record.revoke").exists()


def test_records_are_never_deleted(client, alice, record_a):
    client.force_login(alice)
    client.post(f"{RECORDS}{record_a.pk}/delete/", {"post": "yes"})
    assert CreditRecord.objects.filter(pk=record_a.pk).exists()


# --- list entries -----------------------------------------------------------------------------------


def entry_form(uscc_code, **overrides):
    data = {
        "uscc": uscc_code,
        "list_type": "serious",
        "ground": "heavy_fine",
        "facts": "销售假冒伪劣食品，货值金额巨大，处以从重罚款。",
        "legal_basis": "《市场监督管理严重违法失信名单管理办法》第二条",
        "decision_no": "郑市监列严〔2026〕3号",
        "ground_established_on": "",
        "notice_on": "",
        "decided_on": "2026-11-10",
        "listed_on": "",
        "_save": "1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def serious_entry(entity, dept_a):
    return services.list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=ListType.SERIOUS,
        ground=ListGround.HEAVY_FINE,
        legal_basis="《市场监督管理严重违法失信名单管理办法》",
        department=dept_a,
        decided_on=dt.date(2026, 6, 1),
        notice_on=dt.date(2026, 5, 10),
    )


def test_serious_listing_without_prior_notice_shows_the_chinese_error(client, alice, entity, dept_a):
    client.force_login(alice)
    response = client.post(f"{ENTRIES}add/", entry_form(entity.uscc, department=str(dept_a.pk)))
    assert response.status_code == 200
    assert "列入严重违法失信名单前须事先告知当事人并听取陈述、申辩：请填写告知日期" in response.content.decode()
    assert not ListEntry.objects.exists()
    assert not AuditEvent.objects.filter(action="list_entry.add").exists()


def test_serious_listing_with_notice_is_added_through_the_service(client, alice, entity, dept_a):
    client.force_login(alice)
    response = client.post(f"{ENTRIES}add/", entry_form(entity.uscc, department=str(dept_a.pk), notice_on="2026-11-01"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = ListEntry.objects.get()
    assert entry.department == dept_a
    assert entry.listed_on == dt.date(2026, 11, 10)
    assert AuditEvent.objects.get(action="list_entry.add").actor_user == alice


def test_list_entry_for_an_unknown_entity_is_a_form_error(client, alice, dept_a):
    client.force_login(alice)
    response = client.post(
        f"{ENTRIES}add/", entry_form("91110000710926094P", department=str(dept_a.pk), notice_on="2026-11-01")
    )
    assert response.status_code == 200
    assert "名录库中没有统一社会信用代码为" in response.content.decode()


def test_list_entries_are_scoped_and_read_only_once_saved(client, alice, bob, serious_entry):
    client.force_login(alice)
    assert serious_entry.entity_id in client.get(ENTRIES).content.decode()
    page = client.get(f"{ENTRIES}{serious_entry.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    client.force_login(bob)
    assert serious_entry.entity_id not in client.get(ENTRIES).content.decode()
    assert client.get(f"{ENTRIES}{serious_entry.pk}/change/").status_code == 302


def test_early_removal_before_one_year_is_refused_with_a_message(client, alice, serious_entry):
    client.force_login(alice)
    page = action(client, ENTRIES, "remove", [serious_entry.pk])
    assert page.status_code == 200 and "移出原因" in page.content.decode()

    response = action(
        client,
        ENTRIES,
        "remove",
        [serious_entry.pk],
        apply="1",
        reason=RemovalReason.EARLY_REMOVAL,
        removed_on="2026-11-22",
        note="已缴清罚款",
    )
    assert response.status_code == 302
    assert any("严重违法失信名单列入满1年后方可申请提前移出：最早 2027-06-01" in m for m in messages_of(response))
    serious_entry.refresh_from_db()
    assert serious_entry.removed_on is None


def test_removal_for_a_revoked_decision_goes_through_the_service(client, alice, serious_entry):
    client.force_login(alice)
    action(
        client,
        ENTRIES,
        "remove",
        [serious_entry.pk],
        apply="1",
        reason=RemovalReason.DECISION_REVOKED,
        removed_on="2026-11-20",
        note="复议撤销",
    )
    serious_entry.refresh_from_db()
    assert serious_entry.removed_on == dt.date(2026, 11, 20)
    assert AuditEvent.objects.get(action="list_entry.remove").actor_user == alice


def test_other_department_cannot_remove_an_entry(client, bob, serious_entry):
    client.force_login(bob)
    action(
        client,
        ENTRIES,
        "remove",
        [serious_entry.pk],
        apply="1",
        reason=RemovalReason.DECISION_REVOKED,
        removed_on="2026-11-20",
    )
    serious_entry.refresh_from_db()
    assert serious_entry.removed_on is None


# --- proposals ----------------------------------------------------------------------------------------


@pytest.fixture
def proposal(entity, dept_a, frozen_today):
    from django.utils import timezone

    from credit.scan import AbnormalOverThreeYears

    services.list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=ListType.ABNORMAL,
        ground=ListGround.NO_ANNUAL_REPORT,
        legal_basis="《企业信息公示暂行条例》第八条",
        department=dept_a,
        decided_on=dt.date(2023, 7, 10),
        ground_established_on=dt.date(2023, 7, 1),
    )
    AbnormalOverThreeYears().run(today=frozen_today, now=timezone.now())  # the scan raises the proposal
    return ListProposal.objects.get()


def test_pending_proposals_are_the_default_and_scoped(client, alice, bob, proposal):
    client.force_login(alice)
    assert proposal.entity_id in client.get("/admin/credit/listproposal/").content.decode()
    client.force_login(bob)
    assert proposal.entity_id not in client.get("/admin/credit/listproposal/").content.decode()


def test_confirming_a_proposal_lists_the_entity_as_serious(client, alice, proposal):
    client.force_login(alice)
    url = "/admin/credit/listproposal/"
    assert "告知日期" in action(client, url, "confirm", [proposal.pk]).content.decode()
    # a service refusal (notice after the decision) is a message, not a 500
    response = action(
        client,
        url,
        "confirm",
        [proposal.pk],
        apply="1",
        notice_on="2026-11-21",
        decided_on="2026-11-20",
        legal_basis="《市场监督管理严重违法失信名单管理办法》第十三条",
        decision_no="郑市监列严〔2026〕9号",
    )
    assert any("先告知、后决定" in m for m in messages_of(response))
    action(
        client,
        url,
        "confirm",
        [proposal.pk],
        apply="1",
        notice_on="2026-11-01",
        decided_on="2026-11-20",
        legal_basis="《市场监督管理严重违法失信名单管理办法》第十三条",
        decision_no="郑市监列严〔2026〕9号",
    )
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.CONFIRMED
    assert (
        ListEntry.objects.get(list_type=ListType.SERIOUS, removed_on__isnull=True).decision_no
        == "郑市监列严〔2026〕9号"
    )
    assert ListEntry.objects.get(list_type=ListType.ABNORMAL).removal_reason == RemovalReason.MOVED_TO_SERIOUS


def test_dismissing_a_proposal_needs_a_reason(client, alice, proposal):
    client.force_login(alice)
    action(
        client,
        "/admin/credit/listproposal/",
        "dismiss",
        [proposal.pk],
        apply="1",
        reason="当事人已补报年度报告，正在办理移出",
    )
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DISMISSED
    assert AuditEvent.objects.get(action="list_proposal.dismiss").actor_user == alice


# --- evaluation model ---------------------------------------------------------------------------------


def model_form(client):
    form = client.get("/admin/credit/evaluationmodel/add/").context["adminform"].form
    data = {name: form.initial.get(name, field.initial) for name, field in form.fields.items()}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    import json

    data["weights"] = json.dumps(data["weights"])
    data["effective_from"] = "2027-01-01"
    data["note"] = "黄色改称“关注”"
    data["_save"] = "1"
    return data


def test_new_evaluation_model_version_from_the_admin(client, manager):
    client.force_login(manager)
    current = EvaluationModel.objects.get()
    # The add form starts from the version in force
    page = client.get("/admin/credit/evaluationmodel/add/")
    assert page.status_code == 200
    assert page.context["adminform"].form.initial["band_warning_label"] == "警示"

    data = model_form(client)
    data["band_warning_label"] = "关注"
    response = client.post("/admin/credit/evaluationmodel/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    new = EvaluationModel.objects.exclude(pk=current.pk).get()
    assert new.version == current.version + 1
    assert new.effective_from == dt.date(2027, 1, 1)
    assert new.bands.get(grade="WARNING").label == "关注"
    assert AuditEvent.objects.get(action="evaluation_model.create").actor_user == manager
    # and the old version is untouched, shown read-only with its bands
    page = client.get(f"/admin/credit/evaluationmodel/{current.pk}/change/").content.decode()
    assert 'name="_save"' not in page and "严重失信" in page
    assert current.bands.get(grade="WARNING").label == "警示"


def test_bands_with_a_gap_are_refused_in_chinese(client, manager):
    client.force_login(manager)
    data = model_form(client)
    data["band_warning_score_min"] = "650"
    response = client.post("/admin/credit/evaluationmodel/add/", data)
    assert response.status_code == 200
    assert "分数段须从 0 连续覆盖到 1000" in response.content.decode()
    assert EvaluationModel.objects.count() == 1


def test_department_official_cannot_add_a_model_version(client, alice):
    client.force_login(alice)
    assert client.get("/admin/credit/evaluationmodel/").status_code == 200  # may read
    assert client.get("/admin/credit/evaluationmodel/add/").status_code == 403


def test_industry_risk_is_saved_through_simple_save(client, manager):
    client.force_login(manager)
    response = client.post(
        "/admin/credit/industryrisk/add/",
        {"industry_prefix": "F5274", "name": "烟花爆竹零售", "level": "high", "_save": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEvent.objects.get(action="industry_risk.create").actor_user == manager


def test_joint_measure_list_types_must_be_list_codes(client, manager):
    client.force_login(manager)
    data = {
        "code": "P-TEST",
        "name": "限制测试",
        "kind": "punish",
        "list_types": '["黑名单"]',
        "legal_basis": "某法",
        "implementing_department": "某部门",
        "active": "on",
        "_save": "1",
    }
    response = client.post("/admin/credit/jointmeasure/add/", data)
    assert response.status_code == 200 and "适用名单应为名单代码" in response.content.decode()
    data["list_types"] = '["serious"]'
    assert client.post("/admin/credit/jointmeasure/add/", data).status_code == 302
    assert AuditEvent.objects.get(action="joint_measure.create").actor_user == manager


# --- inbox and scans ------------------------------------------------------------------------------------


@pytest.fixture
def warning_a(serious_entry, frozen_today):
    from django.utils import timezone

    from credit.scan import ListEntered

    ListEntered().run(today=frozen_today, now=timezone.now())  # the scan's rule raises it into dept_a's inbox
    return RiskWarning.objects.get()


def test_warnings_are_scoped_and_open_ones_shown_by_default(client, alice, bob, warning_a):
    client.force_login(alice)
    html = client.get("/admin/credit/riskwarning/").content.decode()
    assert warning_a.message in html
    assert "待处理 1 条" in html
    client.force_login(bob)
    assert warning_a.message not in client.get("/admin/credit/riskwarning/").content.decode()


def test_closing_a_warning_needs_a_disposition_and_a_note(client, alice, bob, warning_a):
    # Given another department's official: the action finds nothing of theirs to dispose of
    client.force_login(bob)
    action(client, "/admin/credit/riskwarning/", "dispose", [warning_a.pk], apply="1", disposition="no_issue", note="x")
    warning_a.refresh_from_db()
    assert warning_a.state == WarningState.OPEN

    # When the owning official applies it without a note, nothing is closed and the field is named
    client.force_login(alice)
    response = action(
        client, "/admin/credit/riskwarning/", "dispose", [warning_a.pk], apply="1", disposition="no_issue"
    )
    assert response.status_code == 200 and "请填写处置说明" in response.content.decode()
    warning_a.refresh_from_db()
    assert warning_a.state == WarningState.OPEN

    # Then with a disposition and a note it is closed, with both recorded and audited
    action(
        client,
        "/admin/credit/riskwarning/",
        "dispose",
        [warning_a.pk],
        apply="1",
        disposition="interviewed",
        note="已约谈法定代表人，提醒依法经营",
    )
    warning_a.refresh_from_db()
    assert warning_a.state == WarningState.HANDLED and warning_a.handled_by == alice
    assert (warning_a.disposition, warning_a.handling_note) == ("interviewed", "已约谈法定代表人，提醒依法经营")
    assert AuditEvent.objects.get(action="risk_warning.dispose").actor_user == alice
    # handled ones leave the default view, and come back under “全部”
    assert warning_a.message not in client.get("/admin/credit/riskwarning/").content.decode()
    assert warning_a.message in client.get("/admin/credit/riskwarning/", {"state": "all"}).content.decode()


def test_the_one_click_close_is_gone(client, alice, warning_a):
    # Issue 17 §5: a work-creating disposition cannot be recorded without what it created
    from credit.services import risk_warning_dispose

    with pytest.raises(ValidationError):
        risk_warning_dispose(actor=alice, warning=warning_a, disposition="case_opened", note="已立案")
    client.force_login(alice)
    action(client, "/admin/credit/riskwarning/", "handle", [warning_a.pk])
    warning_a.refresh_from_db()
    assert warning_a.state == WarningState.OPEN


def test_run_scan_now_enqueues_the_task(client, manager, alice, django_capture_on_commit_callbacks):
    client.force_login(alice)
    assert client.post("/admin/credit/riskscanrun/run/").status_code == 403
    client.force_login(manager)
    assert "立即运行风险扫描" in client.get("/admin/credit/riskscanrun/").content.decode()
    taken_off_the_broker("credit.risk_scan")  # nothing left over from another test
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/credit/riskscanrun/run/")
    assert response.status_code == 302
    # One message is on the real Redis broker, queued without a result (credit.regrade.publish): nobody waits for it
    sent = taken_off_the_broker("credit.risk_scan")
    assert [(m["headers"]["kwargsrepr"], m["headers"]["ignore_result"]) for m in sent] == [
        ("{'trigger': 'manual'}", True)
    ]


def taken_off_the_broker(task_name: str) -> list[dict]:
    """The messages for ``task_name`` waiting on the real Redis broker, removed so that no later worker runs them."""
    from portal.celery import app

    found = []
    with app.connection_for_write() as conn:
        redis = conn.default_channel.client
        for key in redis.scan_iter(match="celery*"):
            if redis.type(key) != b"list":
                continue
            for raw in redis.lrange(key, 0, -1):
                message = json.loads(raw)
                if message.get("headers", {}).get("task") == task_name:
                    redis.lrem(key, 1, raw)
                    found.append(message)
    return found


def test_scan_runs_are_listed_read_only(client, alice, frozen_today):
    from credit.scan import run_risk_scan

    run = run_risk_scan(trigger="test", today=frozen_today)
    client.force_login(alice)
    html = client.get("/admin/credit/riskscanrun/").content.decode()
    assert "成功" in html and "evaluated" in html
    assert 'name="_save"' not in client.get(f"/admin/credit/riskscanrun/{run.pk}/change/").content.decode()
    assert not RiskScanRun.objects.exclude(pk=run.pk).exists()


# --- check log, grades ------------------------------------------------------------------------------------


@pytest.fixture
def checks(api_key, make_entity, dept_a, dept_b, entity):
    """dept_a's system checks its own entity and one registered by dept_b."""
    client, _key = api_key(("credit:read",), department=dept_a)
    registered_by_b = make_entity(name="郑州卫健登记测试医院", registration_authority=dept_b)
    services.credit_check(
        department=dept_a, usccs=[entity.uscc, registered_by_b.uscc], purpose="政府采购供应商资格审查", client=client
    )
    return entity, registered_by_b


def test_check_log_shows_own_systems_checks_and_who_checked_own_entities(client, alice, bob, checks):
    own, registered_by_b = checks
    client.force_login(alice)
    html = client.get("/admin/credit/creditcheck/").content.decode()
    assert own.uscc in html and registered_by_b.uscc in html and "政府采购供应商资格审查" in html
    client.force_login(bob)
    html = client.get("/admin/credit/creditcheck/").content.decode()
    assert registered_by_b.uscc in html  # who checked an entity bob's department registered
    assert own.uscc not in html
    assert CreditCheck.objects.count() == 2


def test_check_log_is_read_only(client, alice, checks):
    client.force_login(alice)
    check = CreditCheck.objects.first()
    assert 'name="_save"' not in client.get(f"/admin/credit/creditcheck/{check.pk}/change/").content.decode()
    assert client.get("/admin/credit/creditcheck/add/").status_code == 403


def test_officials_see_grade_reasons_and_internal_risk_class(client, alice, record_a, evaluate):
    evaluate([record_a.entity_id])
    client.force_login(alice)
    html = client.get("/admin/credit/entitycredit/", {"q": record_a.entity_id}).content.decode()
    # The row's own cells, not the filter sidebar (which always lists 失信 and A类…D类)
    credit = EntityCredit.objects.get(entity_id=record_a.entity_id)
    assert (credit.grade, credit.risk_class) == (Grade.DISHONEST, "C")  # an active 一般 penalty
    assert '<td class="field-grade">失信</td>' in html
    assert '<td class="field-risk_class">C类（较高风险）</td>' in html
    page = client.get(f"/admin/credit/entitycredit/{record_a.entity_id}/change/").content.decode()
    assert "郑市监罚〔2026〕12号" in page  # the reasons
    assert "信用风险分类" in page
    assert (
        client.get("/admin/credit/entitycredit/", {"risk_class__exact": "C", "grade__exact": "DISHONEST"}).status_code
        == 200
    )
    assert client.get("/admin/credit/gradehistory/", {"q": record_a.entity_id}).status_code == 200


# --- every page renders ---------------------------------------------------------------------------------


CHANGELISTS = (
    "creditrecord",
    "listentry",
    "listproposal",
    "evaluationmodel",
    "industryrisk",
    "jointmeasure",
    "publicityrule",
    "riskwarning",
    "riskscanrun",
    "creditcheck",
    "entitycredit",
    "gradehistory",
)


@pytest.mark.parametrize("who", ["alice", "manager", "platform_admin"])
def test_every_credit_page_renders_for_each_role(
    request, client, who, warning_a, checks, record_a, proposal, evaluate, frozen_today, django_assert_max_num_queries
):
    from credit.scan import run_risk_scan

    evaluate()
    run_risk_scan(trigger="test", today=frozen_today)
    client.force_login(request.getfixturevalue(who))
    for name in CHANGELISTS:
        with django_assert_max_num_queries(20):
            response = client.get(f"/admin/credit/{name}/")
        assert response.status_code == 200, name
        for obj in response.context["cl"].result_list[:2]:
            assert client.get(f"/admin/credit/{name}/{obj.pk}/change/").status_code == 200, (name, obj.pk)
    for name in ("creditrecord", "listentry"):
        assert client.get(f"/admin/credit/{name}/add/").status_code == 200
    assert client.get(IMPORT_URL).status_code == 200
    html = client.get("/admin/").content.decode()
    assert "信用记录" in html and "风险预警（收件箱）" in html


IMPORT_URL = "/admin/credit/creditrecord/import/"


def test_a_service_refusal_after_validation_is_a_message_not_a_500(client, alice, entity, dept_a):
    client.force_login(alice)
    refusal = services.RecordsInvalid(
        [{"index": 0, "attr": "source_ref", "code": "unique", "detail": "并发：该来源编号刚被他人占用"}]
    )
    with mock.patch.object(services, "credit_record_save", side_effect=refusal):
        response = client.post(f"{RECORDS}add/", record_form(entity.uscc, department=str(dept_a.pk)), follow=True)
    assert response.status_code == 200
    assert any("该来源编号刚被他人占用" in str(m) for m in response.context["messages"])
    assert not CreditRecord.objects.exists()


def test_a_common_word_lists_the_newest_matches_and_says_the_list_is_capped(
    client, alice, push, make_entity, monkeypatch
):
    """Issue 16 §3 (core.search.bounded_text_matches): a word in many rows is found by the probe of the
    newest rows in the list's order, and the list says it shows only the first ``cap``."""
    from core import search

    monkeypatch.setattr(search, "NAME_CANDIDATE_CAP", 3)
    monkeypatch.setattr(search, "PROBE_ROWS", 6)
    entity = make_entity()
    for day in range(1, 9):
        push(
            record_data(
                entity.uscc, f"郑市监罚〔2026〕{day}号", title=f"虚假宣传第{day}起", decided_on=f"2026-10-{day:02d}"
            )
        )
    client.force_login(alice)
    response = client.get(RECORDS, {"q": "虚假"})
    html = response.content.decode()
    shown = [day for day in range(1, 9) if f"虚假宣传第{day}起" in html]
    assert shown == [6, 7, 8]  # the 3 newest, not 3 arbitrary ones
    assert "只列出其中 3 条" in html


def test_a_rare_word_outside_the_newest_rows_is_found_through_the_index(client, alice, push, make_entity, monkeypatch):
    from core import search

    monkeypatch.setattr(search, "PROBE_ROWS", 2)
    entity = make_entity()
    push(record_data(entity.uscc, "郑市监罚〔2026〕1号", title="无照经营", decided_on="2026-01-05"))
    for day in range(2, 6):
        push(record_data(entity.uscc, f"郑市监罚〔2026〕{day}号", title="虚假宣传", decided_on=f"2026-10-{day:02d}"))
    client.force_login(alice)
    html = client.get(RECORDS, {"q": "无照"}).content.decode()
    assert "无照经营" in html and "虚假宣传" not in html and "只列出" not in html
    html = client.get(RECORDS, {"q": "2026 1号"}).content.decode()  # words of the source number, in any order
    assert "无照经营" in html
    assert "虚假宣传" not in client.get(RECORDS, {"q": "不存在的词"}).content.decode()
