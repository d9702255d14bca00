"""Half-year reports (seed 004: 25 June and 25 December): pre-filled from the 履职评估 metrics, drafts
until an official of the department signs, frozen once signed, PDF marked 草稿 while a draft."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.models import AuditEvent
from oversight import services
from oversight.documents import half_year_pdf
from oversight.models import HalfYearReport
from tests.oversight.conftest import at
from tests.oversight.test_eval_metrics import complaint

pytestmark = pytest.mark.django_db

JUNE_20 = at(dt.date(2026, 6, 20))


@pytest.fixture
def draft(tree):
    """C's first-half report of 2026, created on 20 June: two complaints of May, one late."""
    complaint(tree.c, filed=dt.date(2026, 5, 6), closed=dt.date(2026, 5, 8))
    complaint(tree.c, filed=dt.date(2026, 5, 6), closed=dt.date(2026, 6, 15))
    complaint(tree.k, filed=dt.date(2026, 5, 6), closed=dt.date(2026, 5, 8))
    with time_machine.travel(JUNE_20):
        return services.half_year_report_create(actor=tree.c_official, department=tree.c, year=2026, half="first")


def row(report, code):
    return next(r for r in report.figures["rows"] if r["code"] == code)


def test_draft_is_prefilled_from_the_same_metrics_with_the_subtree(tree, draft):
    assert (draft.due_on, draft.period_start, draft.period_end, draft.figures_as_of) == (
        dt.date(2026, 6, 25),
        dt.date(2026, 1, 1),
        dt.date(2026, 6, 30),
        dt.date(2026, 6, 20),
    )
    assert draft.state == "draft" and len(draft.figures["rows"]) == 10  # every seeded indicator applies to a half
    complaints = row(draft, "COMPLAINT_ON_TIME")
    # C's two and K's one (the report takes in the subtree by default): 2 of 3 on time
    assert (complaints["numerator"], complaints["denominator"], complaints["value"]) == (2, 3, "66.67")
    assert AuditEvent.objects.filter(action="half_year_report.create", target_id=str(draft.pk)).exists()


def test_second_half_is_due_on_25_december(tree):
    with time_machine.travel(at(dt.date(2026, 12, 1))):
        report = services.half_year_report_create(actor=tree.admin, department=tree.o, year=2026, half="second")
    assert report.due_on == dt.date(2026, 12, 25)


def test_edit_sign_then_frozen(tree, draft):
    services.half_year_report_edit(
        actor=tree.c_official, report=draft, summary="上半年完成双随机抽查12次。", problems="公示不够及时。"
    )
    # Another department cannot edit or sign
    with pytest.raises(ValidationError, match="只能修改本部门"):
        services.half_year_report_edit(actor=tree.o_official, report=draft, summary="改")
    with pytest.raises(ValidationError, match="只能修改本部门"):
        services.half_year_report_sign(actor=tree.o_official, report=draft)
    # Nor can the platform administrator sign for the department (it may edit the draft)
    with pytest.raises(ValidationError, match="只有本部门"):
        services.half_year_report_sign(actor=tree.admin, report=draft)
    with time_machine.travel(at(dt.date(2026, 6, 24))):
        signed = services.half_year_report_sign(actor=tree.c_official, report=draft)
    assert (signed.state, signed.signed_by, signed.signer_name) == ("signed", tree.c_official, "c-official")
    event = AuditEvent.objects.get(action="half_year_report.sign", target_id=str(draft.pk))
    assert len(event.after["content_sha256"]) == 64
    for call in (
        lambda: services.half_year_report_edit(actor=tree.c_official, report=draft, summary="改"),
        lambda: services.half_year_report_refresh(actor=tree.c_official, report=draft),
        lambda: services.half_year_report_sign(actor=tree.c_official, report=draft),
    ):
        with pytest.raises(ValidationError, match="已签发"):
            call()
    with pytest.raises(IntegrityError), transaction.atomic():
        HalfYearReport.objects.filter(pk=draft.pk).update(summary="改")
    assert HalfYearReport.objects.get(pk=draft.pk).summary == "上半年完成双随机抽查12次。"


def test_signing_needs_the_summary(tree, draft):
    with pytest.raises(ValidationError) as refused:
        services.half_year_report_sign(actor=tree.c_official, report=draft)
    assert refused.value.message_dict["summary"] == ["请先填写“工作开展情况”再签发"]


def test_refresh_fills_the_figures_again_as_of_today(tree, draft):
    complaint(tree.c, filed=dt.date(2026, 6, 1), closed=dt.date(2026, 6, 2))
    with time_machine.travel(at(dt.date(2026, 6, 22))):
        refreshed = services.half_year_report_refresh(actor=tree.c_official, report=draft)
    assert refreshed.figures_as_of == dt.date(2026, 6, 22)
    assert row(refreshed, "COMPLAINT_ON_TIME")["value"] == str(Decimal("75.00"))


def test_duplicate_and_foreign_reports_are_refused(tree, draft):
    with time_machine.travel(JUNE_20):
        with pytest.raises(ValidationError, match="已存在"):
            services.half_year_report_create(actor=tree.c_official, department=tree.c, year=2026, half="first")
        with pytest.raises(ValidationError, match="只能为本部门"):
            services.half_year_report_create(actor=tree.o_official, department=tree.c, year=2026, half="first")


def test_pdf_of_draft_and_signed(tree, draft):
    draft_pdf = half_year_pdf(draft)
    assert draft_pdf.startswith(b"%PDF") and half_year_pdf(draft) == draft_pdf  # same facts, same bytes
    services.half_year_report_edit(actor=tree.c_official, report=draft, summary="完成。")
    signed = services.half_year_report_sign(actor=tree.c_official, report=draft)
    assert half_year_pdf(signed) != draft_pdf


def test_admin_scopes_and_downloads(tree, draft, client):
    url = reverse("admin:oversight_halfyearreport_change", args=[draft.pk])
    pdf = reverse("admin:oversight_halfyearreport_pdf", args=[draft.pk])
    assert client.get(url).status_code == 302  # anonymous: the login page
    client.force_login(tree.o_official)
    assert client.get(pdf).status_code == 404
    assert client.get(url).status_code == 302  # not in the list: the admin says it does not exist
    client.force_login(tree.c_official)
    response = client.get(url)
    assert response.status_code == 200 and "投诉举报按时办结率" in response.content.decode()
    response = client.post(url, {"summary": "上半年工作。", "problems": "", "next_steps": ""})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert HalfYearReport.objects.get(pk=draft.pk).summary == "上半年工作。"
    response = client.get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "%E8%8D%89%E7%A8%BF" in response["Content-Disposition"]  # 草稿 in the file name
    # The superior reads it too (subtree), but does not edit it
    client.force_login(tree.p_official)
    assert client.get(pdf).status_code == 200
    client.post(url, {"summary": "上级改写", "problems": "", "next_steps": ""})
    assert HalfYearReport.objects.get(pk=draft.pk).summary == "上半年工作。"
