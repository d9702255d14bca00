"""Issue 12 §4, commitments and lists: 容缺受理 only in good standing; leaving a list is a procedure.

Each test names its rule (DOMAIN §3). Users (STYLE.md rule 13): alice (official of the listing
department, dept_a), bob (another department) and the anonymous public. The clock is frozen at
2026-11-22 unless a test travels elsewhere.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from credit import services
from credit.choices import (
    CommitmentType,
    ExitState,
    Grade,
    ListGround,
    ListType,
    RemovalProposalState,
    RemovalReason,
    RunState,
)
from credit.models import CreditRecord, EntityCredit, ListEntry, ListExitApplication, ListRemovalProposal, RiskWarning
from credit.scan import run_risk_scan
from credit.services import list_exits
from tests.conftest import record_data

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PHONE = "13987654321"  # the applicant's phone: never on a public page or response
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXITS = "/admin/credit/listexitapplication/"
PROPOSALS = "/admin/credit/listremovalproposal/"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    from django.core.cache import cache

    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def abnormal(entity, dept, *, on=dt.date(2026, 9, 1)):
    return services.list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=ListType.ABNORMAL,
        ground=ListGround.NO_ANNUAL_REPORT,
        legal_basis="《企业经营异常名录管理暂行办法》第四条第（一）项",
        department=dept,
        decided_on=on,
        ground_established_on=on,
    )


def serious(entity, dept, *, on=dt.date(2025, 6, 1), **kw):
    return services.list_entry_add(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=ListType.SERIOUS,
        ground=ListGround.HEAVY_FINE,
        legal_basis="《市场监督管理严重违法失信名单管理办法》第二条",
        department=dept,
        decided_on=on,
        notice_on=on - dt.timedelta(days=10),
        **kw,
    )


def apply(entry, **kw):
    return list_exits.list_exit_apply(
        actor="public:web",
        entry=entry,
        applicant_name=kw.pop("applicant_name", "郑州测试商贸有限公司"),
        contact_phone=PHONE,
        reason=kw.pop("reason", "已补报2025年度报告并公示。"),
        **kw,
    )


# --- 审批替代型 commitments (容缺受理): seed 004 §1 「信用状况较好」 ----------------------------------------


def approval_substitute(entity, dept):
    return services.commitment_make(
        actor="public",
        entity_uscc=entity.uscc,
        commitment_type=CommitmentType.APPROVAL_SUBSTITUTE,
        department=dept,
        matter="食品经营许可",
        content="本单位承诺所提交材料真实有效。",
        signatory="王某",
        due_on=dt.date(2027, 3, 31),
    )


def test_approval_substitute_commitment_refused_for_dishonest_entity(make_entity, dept_a, push, evaluate, frozen_today):
    # Given an entity whose public grade is 失信 (an active 一般 penalty)
    entity = make_entity()
    push(record_data(entity.uscc, "郑市监罚〔2026〕21号", decided_on="2026-10-01"))
    evaluate([entity.uscc])
    assert EntityCredit.objects.get(entity_id=entity.uscc).grade == Grade.DISHONEST
    # When it asks for 容缺受理, then it is refused with the reason, and nothing is made
    with pytest.raises(ValidationError, match=r"失信.*信用状况较好"):
        approval_substitute(entity, dept_a)
    assert not entity.commitments.exists()


def test_approval_substitute_commitment_refused_on_serious_list(make_entity, dept_a, frozen_today):
    # Given an entity on the serious list (its stored grade not yet recomputed)
    entity = make_entity()
    serious(entity, dept_a)
    with pytest.raises(ValidationError, match="严重违法失信名单"):
        approval_substitute(entity, dept_a)
    # And the public form shows the reason on the USCC field


def test_approval_substitute_commitment_allowed_for_good_entity(make_entity, dept_a, evaluate, frozen_today):
    entity = make_entity()
    evaluate([entity.uscc])
    commitment, _code = approval_substitute(entity, dept_a)
    assert commitment.commitment_type == CommitmentType.APPROVAL_SUBSTITUTE
    # Other types stay open to a dishonest entity (a 主动型 promise is how it starts to improve)
    abnormal(entity, dept_a)
    services.commitment_make(
        actor="public",
        entity_uscc=entity.uscc,
        commitment_type=CommitmentType.VOLUNTARY,
        department=dept_a,
        content="依法诚信经营。",
        signatory="王某",
        due_on=dt.date(2027, 3, 31),
    )


# --- exit applications: the rules of each list -------------------------------------------------------


def test_abnormal_list_exit_decided_within_5_working_days_across_a_holiday(make_entity, dept_a):
    """Filed Tue 2026-09-29: 9-30, 10-08, 10-09, 10-10 (make-up Saturday), 10-12 → decided by 2026-10-12 (国庆 10-01…10-07)."""
    with time_machine.travel(dt.datetime(2026, 9, 29, 9, 0, tzinfo=SHANGHAI), tick=False):
        entry = abnormal(make_entity(), dept_a, on=dt.date(2026, 7, 10))
        application, code = apply(entry)
    assert application.decide_due_on == dt.date(2026, 10, 12)
    assert application.deadline_provisional is False
    assert application.tracking_no.startswith("YC20260929-") and re.fullmatch(r"\d{6}", code)
    assert services.filing_lookup(ListExitApplication, application.tracking_no, code) == application
    assert AuditEvent.objects.filter(action="list_exit.apply").count() == 1


def test_serious_list_early_exit_refused_before_one_year(make_entity, dept_a, frozen_today):
    # Given an entity listed 2026-01-10: one year is reached on 2027-01-10
    entry = serious(make_entity(), dept_a, on=dt.date(2026, 1, 10))
    with pytest.raises(ValidationError) as caught:
        apply(entry)
    assert "列入满1年后方可申请提前移出" in str(caught.value) and "2027-01-10" in str(caught.value)
    assert not ListExitApplication.objects.exists()


def test_serious_list_early_exit_after_one_year_removes_the_entry_on_approval(
    make_entity, dept_a, alice, evaluate, frozen_today
):
    entity = make_entity()
    entry = serious(entity, dept_a, on=dt.date(2025, 6, 1))
    application, _ = apply(entry, reason="已缴清罚款，消除不良影响。")
    assert application.decide_due_on is None  # no working-day deadline in the rule data for this list
    list_exits.list_exit_approve(actor=alice, application=application, reason="经核实符合提前移出条件")
    entry.refresh_from_db()
    assert (entry.removed_on, entry.removal_reason) == (dt.date(2026, 11, 22), RemovalReason.EARLY_REMOVAL)
    evaluate([entity.uscc])
    assert EntityCredit.objects.get(entity_id=entity.uscc).grade != Grade.SERIOUSLY_DISHONEST


def test_serious_list_early_exit_refused_after_a_new_serious_penalty(make_entity, dept_a, push, frozen_today):
    entity = make_entity()
    entry = serious(entity, dept_a, on=dt.date(2025, 6, 1))
    push(record_data(entity.uscc, "郑市监罚〔2026〕30号", decided_on="2026-08-01", severity="serious"))
    with pytest.raises(ValidationError, match="未再受到较重行政处罚"):
        apply(entry)


@pytest.mark.parametrize(
    "list_type,ground",
    [(ListType.KEY_ATTENTION, ListGround.DISHONEST_BELOW_SERIOUS), (ListType.RED, ListGround.TRUSTWORTHY)],
)
def test_key_attention_and_red_lists_take_no_exit_application(make_entity, dept_a, frozen_today, list_type, ground):
    entry = services.list_entry_add(
        actor="test",
        entity_uscc=make_entity().uscc,
        list_type=list_type,
        ground=ground,
        legal_basis="依据",
        department=dept_a,
        decided_on=dt.date(2026, 3, 1),
    )
    with pytest.raises(ValidationError, match="不适用移出申请"):
        apply(entry)


def test_one_open_exit_application_per_entry(make_entity, dept_a, frozen_today):
    entry = abnormal(make_entity(), dept_a)
    apply(entry)
    with pytest.raises(ValidationError, match="已有待决定的移出申请"):
        apply(entry)


def test_abnormal_exit_approved_by_the_listing_department_only_and_refusal_needs_reasons(
    make_entity, dept_a, alice, bob, frozen_today
):
    entry = abnormal(make_entity(), dept_a)
    application, _ = apply(entry)
    with pytest.raises(ValidationError, match="只有"):
        list_exits.list_exit_approve(actor=bob, application=application)
    with pytest.raises(ValidationError, match="理由"):
        list_exits.list_exit_refuse(actor=alice, application=application, reason=" ")
    list_exits.list_exit_approve(actor=alice, application=application)
    entry.refresh_from_db()
    application.refresh_from_db()
    assert (entry.removed_on, entry.removal_reason) == (dt.date(2026, 11, 22), RemovalReason.DUTY_FULFILLED)
    assert application.state == ExitState.APPROVED and application.decided_by == alice
    removal = AuditEvent.objects.filter(action="list_entry.remove").latest("id")
    assert removal.after["removed_late"] is False  # within the 5 working days counted from the application
    assert AuditEvent.objects.filter(action="list_exit.approve").count() == 1


# --- the serious list ends by itself after 3 years ---------------------------------------------------


def test_serious_list_entry_ends_after_3_years_by_the_nightly_scan(make_entity, dept_a, evaluate, frozen_today):
    # Given one entry listed 2023-11-01 (3 years on 2026-11-01) and one listed 2023-11-23 (not yet)
    old, young = make_entity(), make_entity()
    ended = serious(old, dept_a, on=dt.date(2023, 11, 1))
    kept = serious(young, dept_a, on=dt.date(2023, 11, 23))
    evaluate()
    # When the nightly scan runs on 2026-11-22
    run = run_risk_scan(trigger="test")
    # Then the first entry ended on its anniversary, the second did not, and the grade followed
    assert run.state == RunState.SUCCEEDED, run.error
    assert run.counts["serious_list_ended"] == 1
    ended.refresh_from_db()
    kept.refresh_from_db()
    assert (ended.removed_on, ended.removal_reason) == (dt.date(2026, 11, 1), RemovalReason.PERIOD_ENDED)
    assert "第二十条" in ended.removal_note
    assert kept.removed_on is None
    assert EntityCredit.objects.get(entity_id=old.uscc).grade != Grade.SERIOUSLY_DISHONEST
    assert EntityCredit.objects.get(entity_id=young.uscc).grade == Grade.SERIOUSLY_DISHONEST
    # And the function alone is idempotent
    assert list_exits.serious_list_entries_end(actor="test") == 0
    assert list_exits.serious_list_entries_end(actor="test", today=dt.date(2026, 11, 23)) == 1


# --- repairing or revoking the record an entry rests on ----------------------------------------------


@pytest.fixture
def heavy_penalty(make_entity, push, frozen_today):
    entity = make_entity()
    push(
        record_data(
            entity.uscc,
            "郑市监罚〔2025〕7号",
            decided_on="2025-06-01",
            severity="serious",
            penalty_types=["fine"],
            amount="500000.00",
        )
    )
    return entity, CreditRecord.objects.get(source_ref="郑市监罚〔2025〕7号")


def test_repairing_the_underlying_record_proposes_list_removal(heavy_penalty, dept_a, alice, bob, evaluate):
    entity, record = heavy_penalty
    entry = serious(entity, dept_a, on=dt.date(2025, 6, 20), basis_record=record)
    application, _ = services.repair_apply(
        actor="public",
        record=record,
        applicant_name="王某",
        contact_phone=PHONE,
        reason="已缴清罚款",
        commitment_accepted=True,
    )
    services.repair_approve(actor=alice, application=application, reason="符合修复条件")
    proposal = ListRemovalProposal.objects.get()
    assert (proposal.entry, proposal.record, proposal.state, proposal.department) == (
        entry,
        record,
        RemovalProposalState.PENDING,
        dept_a,
    )
    assert "已信用修复" in proposal.reason
    # Another department cannot confirm it; the listing department removes the entry through the removal service
    with pytest.raises(ValidationError, match="只有"):
        list_exits.list_removal_proposal_confirm(actor=bob, proposal=proposal)
    list_exits.list_removal_proposal_confirm(actor=alice, proposal=proposal)
    entry.refresh_from_db()
    assert entry.removal_reason == RemovalReason.BASIS_WITHDRAWN and entry.removed_on == dt.date(2026, 11, 22)
    evaluate([entity.uscc])
    assert EntityCredit.objects.get(entity_id=entity.uscc).grade == Grade.GOOD


def test_revoking_the_underlying_record_proposes_list_removal(heavy_penalty, dept_a, alice):
    # Given a serious-list entry confirmed from a proposal raised by the penalty's number (the enforcement path)
    entity, record = heavy_penalty
    proposal = services.list_proposal_raise(
        actor="test",
        entity_uscc=entity.uscc,
        list_type=ListType.SERIOUS,
        ground=ListGround.HEAVY_FINE,
        department=dept_a,
        source_ref=record.source_ref,
        reason="从重处罚",
    )
    entry = services.list_proposal_confirm(
        actor=alice,
        proposal=proposal,
        notice_on=dt.date(2025, 6, 5),
        decided_on=dt.date(2025, 6, 20),
        legal_basis="《市场监督管理严重违法失信名单管理办法》第二条",
    )
    # When the record is revoked (twice would be refused; a second state change raises nothing new)
    services.credit_record_revoke(actor=alice, record=record, reason="行政复议撤销")
    removal = ListRemovalProposal.objects.get()
    assert removal.entry == entry and "已撤销" in removal.reason
    # The official may keep the entry, with reasons
    with pytest.raises(ValidationError, match="理由"):
        list_exits.list_removal_proposal_dismiss(actor=alice, proposal=removal, reason="")
    list_exits.list_removal_proposal_dismiss(actor=alice, proposal=removal, reason="另有吊销许可证件的决定为依据")
    entry.refresh_from_db()
    assert entry.removed_on is None
    assert AuditEvent.objects.filter(action__startswith="list_removal_proposal.").count() == 2


# --- scan rules: due soon and overdue ---------------------------------------------------------------


def test_list_exit_deadline_scan_rules_warn_due_soon_then_overdue(make_entity, dept_a):
    with time_machine.travel(dt.datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI), tick=False):  # Monday → due Monday 11-23
        entry = abnormal(make_entity(), dept_a)
        application, _ = apply(entry)
    assert application.decide_due_on == dt.date(2026, 11, 23)
    with time_machine.travel(
        dt.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI), tick=False
    ):  # Friday: next working day is 11-23
        run_risk_scan(trigger="test")
    assert RiskWarning.objects.filter(rule_code="LIST_EXIT_DUE_SOON", department=dept_a).count() == 1
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI), tick=False):
        run_risk_scan(trigger="test")
        run_risk_scan(trigger="test")  # twice raises nothing twice
    overdue = RiskWarning.objects.get(rule_code="LIST_EXIT_OVERDUE")
    assert application.tracking_no in overdue.message and PHONE not in overdue.message


# --- the public form (PRG), the links, confidentiality ------------------------------------------------


def test_list_exit_form_redirects_after_post(client, make_entity, dept_a, frozen_today):
    entry = abnormal(make_entity(), dept_a)
    evidence = SimpleUploadedFile("年报公示截图.pdf", PDF, content_type="application/pdf")
    payload = {
        "applicant_name": "郑州测试商贸有限公司",
        "contact_phone": PHONE,
        "reason": "已补报年度报告。",
        "evidence": [evidence],
    }
    # When the form is posted, then the answer is a redirect (303), not a page
    response = client.post(f"/lists/exit/new/?entry={entry.pk}", payload)
    assert response.status_code == 303 and response["Location"] == "/lists/exit/done/"
    # The done page shows the number and the code once
    html = client.get("/lists/exit/done/").content.decode()
    number = re.search(r"data-tracking-no>(YC\d{8}-\d{6})<", html).group(1)
    code = re.search(r"data-query-code>(\d{6})<", html).group(1)
    assert services.filing_lookup(ListExitApplication, number, code).evidence.count() == 1
    assert "2026年11月27日" in html  # 5 working days from Sunday 11-22
    # A refresh files nothing and shows no code again
    again = client.get("/lists/exit/done/").content.decode()
    assert code not in again and ListExitApplication.objects.count() == 1
    assert PHONE not in html + again


def test_list_exit_form_needs_evidence_for_the_abnormal_list_and_shows_service_reasons(
    client, make_entity, dept_a, frozen_today
):
    entry = abnormal(make_entity(), dept_a)
    html = client.post(
        f"/lists/exit/new/?entry={entry.pk}", {"applicant_name": "甲", "contact_phone": PHONE, "reason": "已补报"}
    ).content.decode()
    assert "须上传已履行相关义务的证明材料" in html and not ListExitApplication.objects.exists()
    young = serious(make_entity(), dept_a, on=dt.date(2026, 5, 1))
    page = client.get(f"/lists/exit/new/?entry={young.pk}").content.decode()
    assert "列入满1年后方可申请提前移出" in page
    refused = client.post(
        f"/lists/exit/new/?entry={young.pk}", {"applicant_name": "甲", "contact_phone": PHONE, "reason": "已缴清罚款"}
    )
    assert refused.status_code == 200 and "2027-05-01" in refused.content.decode()
    assert client.get("/lists/exit/new/?entry=999999").status_code == 404
    assert client.get("/lists/exit/new/?entry=abc").status_code == 404


def test_entity_page_and_list_page_link_to_the_exit_procedure(client, make_entity, dept_a, evaluate, frozen_today):
    entity = make_entity()
    entry = abnormal(entity, dept_a)
    evaluate([entity.uscc])
    link = f"/lists/exit/new/?entry={entry.pk}"
    entity_page = client.get(f"/entities/{entity.uscc}/").content.decode()
    assert link in entity_page
    list_page = client.get("/lists/abnormal/").content.decode()
    assert link in list_page and "5个工作日内作出决定" in list_page
    assert "/lists/exit/new/" not in client.get("/lists/key_attention/").content.decode()


def test_list_exit_contact_phone_never_on_a_public_page(client, make_entity, dept_a, alice, evaluate, frozen_today):
    entity = make_entity()
    entry = abnormal(entity, dept_a)
    application, code = apply(entry)
    list_exits.list_exit_refuse(actor=alice, application=application, reason="未见补报的年度报告")
    evaluate([entity.uscc])
    pages = [
        client.get(f"/entities/{entity.uscc}/"),
        client.get("/lists/abnormal/"),
        client.get(f"/lists/exit/new/?entry={entry.pk}"),
        client.post("/track/", {"tracking_no": application.tracking_no, "code": code}),
    ]
    track = pages[-1].content.decode()
    assert "不予移出" in track and "未见补报的年度报告" in track
    for response in pages:
        assert response.status_code == 200
        assert PHONE not in response.content.decode()


# --- the admin: the listing department sees and decides ----------------------------------------------


def test_admin_exit_applications_are_scoped_and_decided_by_actions(
    client, make_entity, dept_a, alice, bob, frozen_today
):
    entry = abnormal(make_entity(), dept_a)
    application, _ = apply(entry)
    client.force_login(bob)
    assert application.tracking_no not in client.get(EXITS).content.decode()
    client.post(EXITS, {"action": "approve", "_selected_action": [application.pk], "apply": "1"})
    entry.refresh_from_db()
    assert entry.removed_on is None  # another department's application is not in bob's list
    client.force_login(alice)
    page = client.get(EXITS).content.decode()
    assert application.tracking_no in page
    assert client.get(f"{EXITS}{application.pk}/change/").status_code == 200
    client.post(EXITS, {"action": "refuse", "_selected_action": [application.pk], "apply": "1", "reason": ""})
    application.refresh_from_db()
    assert application.state == ExitState.SUBMITTED  # reasons are required
    client.post(EXITS, {"action": "approve", "_selected_action": [application.pk], "apply": "1", "reason": "已核实"})
    application.refresh_from_db()
    entry.refresh_from_db()
    assert application.state == ExitState.APPROVED and entry.removed_on == dt.date(2026, 11, 22)
    client.logout()
    assert client.get(EXITS).status_code == 302  # anonymous: to the login page


def test_admin_removal_proposals_are_confirmed_by_the_listing_department(client, heavy_penalty, dept_a, alice, bob):
    entity, record = heavy_penalty
    entry = serious(entity, dept_a, on=dt.date(2025, 6, 20), basis_record=record)
    services.credit_record_revoke(actor=alice, record=record, reason="复议撤销")
    proposal = ListRemovalProposal.objects.get()
    client.force_login(bob)
    assert client.get(f"{PROPOSALS}{proposal.pk}/change/").status_code in (302, 404)
    client.force_login(alice)
    client.post(
        PROPOSALS, {"action": "confirm", "_selected_action": [proposal.pk], "apply": "1", "removed_on": "2026-11-22"}
    )
    entry.refresh_from_db()
    assert entry.removal_reason == RemovalReason.BASIS_WITHDRAWN
    assert ListEntry.objects.filter(pk=entry.pk, removed_on__isnull=True).count() == 0
