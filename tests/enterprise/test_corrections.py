"""The entity side of a correction order (issue 14 §3): /enterprise/corrections/<id>/ shows the order and
takes the answer (PRG); another entity's order is a 404; the issuing department decides in the admin."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent
from inspections import services
from inspections.choices import CorrectionState, ResponseState, ResultCategory
from inspections.models import CorrectionOrder, CorrectionResponse
from tests.inspections.conftest import graded_entities, make_inspector, make_item, make_plan  # noqa: F401

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WINDOW = {"starts_on": dt.date(2026, 9, 1), "ends_on": dt.date(2026, 11, 30)}
ORDERS = "/admin/inspections/correctionorder/"


def signed_in(user) -> Client:
    """A client of its own (``entity_client`` is pytest-django's ``client``, so an official needs another)."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def order(entity_client, make_plan, make_inspector, evaluate, dept_a, frozen_today):
    """An open order of dept_a for the signed-in entity (inspected Fri 2026-11-20, due 2026-12-04)."""
    entity = entity_client.account.entity
    evaluate([entity.uscc])
    for _ in range(2):
        make_inspector(dept_a)
    draw = services.draw_run(actor="test", plan=make_plan(ratio_a=Decimal("1"), **WINDOW))
    result = services.result_submit(
        actor="test",
        task=draw.tasks.get(entity=entity),
        department=dept_a,
        categories=[ResultCategory.NOT_PUBLISHED],
        findings="经核查，当事人未按规定公示行政许可信息。",
        inspected_on=dt.date(2026, 11, 20),
    )
    return CorrectionOrder.objects.get(result=result)


def url(order):
    return reverse("enterprise:correction", args=[order.pk])


def answer(client, order, statement="已补充公示行政许可信息。", files=None):
    files = [SimpleUploadedFile("截图.pdf", PDF, "application/pdf")] if files is None else files
    return client.post(url(order), {"statement": statement, "evidence": files})


def test_the_order_page_shows_due_date_state_and_the_result(entity_client, order):
    page = entity_client.get(url(order)).content.decode()
    assert "2026-12-04" in page and "责令改正中" in page
    assert "2026年食品经营者双随机抽查" in page and "未按规定公示" in page and "2026-11-20" in page
    assert 'enctype="multipart/form-data"' in page
    home = entity_client.get(reverse("enterprise:home")).content.decode()
    assert url(order) in home


def test_answering_redirects_and_the_answer_is_shown(entity_client, order):
    response = answer(entity_client, order)
    assert response.status_code == 302 and response["Location"] == url(order)
    saved = CorrectionResponse.objects.get(order=order)
    assert saved.state == ResponseState.SUBMITTED and saved.submitted_by == entity_client.account.user
    assert saved.evidence.count() == 1
    page = entity_client.get(url(order)).content.decode()
    assert "整改材料已提交" in page and "待审核" in page and "正在审核" in page
    assert AuditEvent.objects.filter(action="correction.respond", actor_user=entity_client.account.user).exists()


def test_bad_input_gets_chinese_errors_and_loses_nothing(entity_client, order):
    response = answer(entity_client, order, statement="我们已经整改", files=[SimpleUploadedFile("a.exe", b"MZ", "x")])
    assert response.status_code == 200
    page = response.content.decode()
    assert "不是允许的文件类型" in page and "我们已经整改" in page
    assert not CorrectionResponse.objects.exists()


def test_another_entitys_order_is_a_404(order, make_entity_user, make_entity):
    client = signed_in(make_entity_user(make_entity()).user)
    assert client.get(reverse("enterprise:home")).status_code == 200
    assert client.get(url(order)).status_code == 404
    assert answer(client, order).status_code == 404
    assert not CorrectionResponse.objects.exists()
    assert url(order) not in client.get(reverse("enterprise:corrections")).content.decode()


def test_staff_and_anonymous_are_sent_to_the_entity_sign_in(order, alice):
    for client in (Client(), signed_in(alice)):
        response = client.get(url(order))
        assert response.status_code == 302 and response["Location"].startswith("/enterprise/login/")


def test_the_issuing_department_accepts_in_the_admin_and_the_entity_sees_it_closed(entity_client, order, alice):
    answer(entity_client, order)
    client = signed_in(alice)
    page = client.get(f"{ORDERS}{order.pk}/change/").content.decode()
    assert "截图.pdf" in page and "接受整改（关闭责令改正）" in page and "退回（填写理由）" in page
    response = client.post(ORDERS, {"action": "accept_response", "_selected_action": [order.pk], "apply": "1"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.state, order.corrected_on) == (CorrectionState.CORRECTED, dt.date(2026, 11, 22))
    assert "已改正" in entity_client.get(url(order)).content.decode()


def test_a_return_shows_the_reasons_and_the_entity_answers_again(entity_client, order, alice):
    answer(entity_client, order)
    client = signed_in(alice)
    refused = client.post(
        ORDERS, {"action": "return_response", "_selected_action": [order.pk], "apply": "1", "reasons": ""}
    )
    assert refused.status_code == 200 and CorrectionResponse.objects.get().state == ResponseState.SUBMITTED
    client.post(
        ORDERS,
        {
            "action": "return_response",
            "_selected_action": [order.pk],
            "apply": "1",
            "reasons": "截图不清晰，请重新提交。",
        },
    )
    page = entity_client.get(url(order)).content.decode()
    assert "已退回" in page and "截图不清晰，请重新提交。" in page and "提交整改材料" in page
    assert answer(entity_client, order, statement="已重新提交清晰截图。").status_code == 302
    assert order.responses.count() == 2


def test_another_department_cannot_accept_in_the_admin(entity_client, order, bob):
    answer(entity_client, order)
    client = signed_in(bob)
    assert client.get(f"{ORDERS}{order.pk}/change/").status_code in (302, 404)
    client.post(ORDERS, {"action": "accept_response", "_selected_action": [order.pk], "apply": "1"})
    order.refresh_from_db()
    assert order.state == CorrectionState.OPEN
    assert CorrectionResponse.objects.get().state == ResponseState.SUBMITTED
    evidence = CorrectionResponse.objects.get().evidence.get()
    assert client.get(f"{ORDERS}{order.pk}/evidence/{evidence.pk}/").status_code == 404


def test_the_order_list_has_a_query_budget(entity_client, order, django_assert_max_num_queries):
    answer(entity_client, order)
    with django_assert_max_num_queries(12):
        page = entity_client.get(reverse("enterprise:corrections")).content.decode()
    assert url(order) in page and "2026-12-04" in page
    with django_assert_max_num_queries(16):
        assert entity_client.get(url(order)).status_code == 200
