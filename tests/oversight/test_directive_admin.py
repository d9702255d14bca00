"""督办 in the admin (issue 17 §4): the issuer's pages (可督办事项, the issue form, the issued list, review)
and the responsible department's inbox and answer, with the three kinds of user each time."""

from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from credit.models import RiskWarning
from oversight.models import Directive, DirectiveState
from tests.oversight.conftest import at

LIST = "/admin/oversight/directive/"
PRESSABLE = "/admin/oversight/directive/pressable/"
ISSUE = "/admin/oversight/directive/issue/"


def rows(response):
    return list(response.context["cl"].result_list)


def post_action(client, name, directive, **form):
    return client.post(LIST, {"action": name, "_selected_action": [str(directive.pk)], **form})


def test_anonymous_is_sent_to_the_login(client, today, overdue_complaint):
    for url in (LIST, PRESSABLE, f"{ISSUE}?kind=complaint&object_id={overdue_complaint.pk}"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_issuer_presses_from_the_pressable_list_and_a_bad_form_loses_nothing(
    client, today, superior, outsider, responsible, overdue_complaint
):
    issue_url = f"{ISSUE}?kind=complaint&object_id={overdue_complaint.pk}"
    # The unrelated department and the department itself see nothing to press, and may not press it
    for user in (outsider, responsible):
        client.force_login(user)
        assert issue_url not in client.get(PRESSABLE).content.decode()
        assert client.get(issue_url).status_code == 403

    # The parent department sees it, with its 督办 button
    client.force_login(superior)
    html = client.get(PRESSABLE).content.decode()
    assert issue_url.replace("&", "&amp;") in html and "已逾期" in html
    # Without a reason: the field is named, the typed period kept, nothing issued
    response = client.post(
        issue_url, {"kind": "complaint", "object_id": overdue_complaint.pk, "answer_working_days": "5"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "督办事由" in html and 'value="5"' in html
    assert not Directive.objects.exists()
    # A period out of range is named too
    response = client.post(issue_url, {"reason": "请办理", "answer_working_days": "99"})
    assert response.status_code == 200 and not Directive.objects.exists()
    response = client.post(issue_url, {"reason": "该投诉已超期，请立即办理", "answer_working_days": "3"})
    directive = Directive.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{directive.pk}/change/")
    assert client.get(f"{LIST}?side=issued").context["cl"].result_count == 1


def test_responsible_department_answers_with_evidence_and_the_issuer_closes(
    client, today, superior, responsible, outsider, overdue_complaint
):
    from oversight import services

    directive = services.directive_issue(
        actor=superior, kind="complaint", object_id=overdue_complaint.pk, reason="请办理", answer_working_days=3
    )
    # The unrelated department sees no 督办 and cannot act on it
    client.force_login(outsider)
    assert rows(client.get(LIST)) == []
    post_action(client, "answer", directive, apply="1", answer="已办结")
    directive.refresh_from_db()
    assert directive.state == DirectiveState.OPEN

    # The responsible department: in its inbox, with the 答复 button on the page
    client.force_login(responsible)
    assert rows(client.get(f"{LIST}?side=inbox")) == [directive]
    page = client.get(f"{LIST}{directive.pk}/change/").content.decode()
    assert 'value="answer"' in page and 'value="close"' not in page and "2026-10-10" in page
    pdf = SimpleUploadedFile("现场核查记录.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    response = post_action(client, "answer", directive, apply="1", answer="已现场核查并答复投诉人", evidence=pdf)
    assert response.status_code == 302
    directive.refresh_from_db()
    assert directive.state == DirectiveState.ANSWERED
    evidence = directive.evidence.get()
    evidence_url = f"{LIST}{directive.pk}/evidence/{evidence.pk}/"
    assert client.get(evidence_url).status_code == 200
    # The responsible side cannot close its own 督办
    post_action(client, "close", directive, apply="1", note="")
    directive.refresh_from_db()
    assert directive.state == DirectiveState.ANSWERED

    # The issuer reads the evidence and closes it; the outsider cannot read it
    client.force_login(outsider)
    assert client.get(evidence_url).status_code == 404
    client.force_login(superior)
    assert client.get(evidence_url).status_code == 200
    assert rows(client.get(f"{LIST}?side=review")) == [directive]
    page = client.get(f"{LIST}{directive.pk}/change/").content.decode()
    assert 'value="close"' in page and 'value="send_back"' in page and "已现场核查并答复投诉人" in page
    post_action(client, "close", directive, apply="1", note="同意")
    directive.refresh_from_db()
    assert directive.state == DirectiveState.CLOSED
    assert AuditEvent.objects.get(action="directive.close").actor_user == superior
    history = client.get(f"{LIST}{directive.pk}/change/").content.decode()
    assert "办理经过" in history and "办结" in history and "答复" in history


def test_send_back_needs_a_reason_on_the_form(client, today, superior, responsible, overdue_complaint):
    from oversight import services

    directive = services.directive_issue(
        actor=superior, kind="complaint", object_id=overdue_complaint.pk, reason="请办理", answer_working_days=3
    )
    services.directive_answer(actor=responsible, directive=directive, answer="已办理")
    client.force_login(superior)
    response = post_action(client, "send_back", directive, apply="1", note="", answer_working_days="2")
    assert response.status_code == 200 and "退回理由" in response.content.decode()
    post_action(client, "send_back", directive, apply="1", note="请补充现场照片", answer_working_days="2")
    directive.refresh_from_db()
    assert directive.state == DirectiveState.RETURNED and directive.close_note == "请补充现场照片"


def test_the_warning_page_offers_督办_only_to_those_who_may_press(
    client, today, superior, responsible, outsider, district, make_entity
):
    warning = RiskWarning.objects.create(
        rule_code="LIST_ENTERED",
        dedupe_key="w1",
        entity_id=make_entity().uscc,
        department=district,
        message="某公司被列入经营异常名录",
        created_at=at(today),
    )
    url = f"/admin/credit/riskwarning/{warning.pk}/change/"
    link = f"{ISSUE}?kind=warning&amp;object_id={warning.pk}"
    client.force_login(superior)  # a parent department reads its subordinates' warnings and presses them
    html = client.get(url).content.decode()
    assert link in html and "处置本预警" not in html  # only the warning's department disposes of it
    client.force_login(responsible)
    html = client.get(url).content.decode()
    assert link not in html and "处置本预警" in html
    client.force_login(outsider)
    assert client.get(url).status_code == 302  # not in its list: the admin says it does not exist


def test_an_items_page_offers_督办_to_a_platform_admin_only(client, today, root, responsible, overdue_complaint):
    url = f"/admin/enforcement/complaint/{overdue_complaint.pk}/change/"
    link = f"{ISSUE}?kind=complaint&amp;object_id={overdue_complaint.pk}"
    client.force_login(root)
    assert link in client.get(url).content.decode()
    client.force_login(responsible)  # the department itself never presses its own item
    assert link not in client.get(url).content.decode()
