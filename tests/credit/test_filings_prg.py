"""Issue 12 §6 "One submission, one filing": every public filing form answers a successful POST with
a redirect (Post/Redirect/Get), so a refresh never files twice; the number and query code show once
and never travel in a URL (core.filing_done)."""

import re

import pytest

from credit import services as credit_services
from credit.models import CreditCommitment, CreditRecord, Objection, RepairApplication
from enforcement.models import Complaint
from tests.conftest import record_data

PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    from django.core.cache import cache

    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def forms(make_entity, push, dept_a, frozen_today):
    """(form URL, POST data, done URL, model) of each public filing form."""
    entity = make_entity(name="郑州市金水区老王烩面馆", registration_authority=dept_a)
    push(record_data(entity.uscc, "郑市监罚〔2026〕3号", decided_on="2026-01-05"))
    record = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕3号")
    content = credit_services.COMMITMENT_TEMPLATES["voluntary"]
    return {
        "complaint": (
            "/complaints/new/",
            {
                "kind": "complaint",
                "entity_name": entity.name,
                "entity_uscc": entity.uscc,
                "content": "销售过期牛奶。",
                "reporter_name": "李某",
                "contact_phone": PHONE,
            },
            "/complaints/new/done/",
            Complaint,
        ),
        "objection": (
            f"/objections/new/?record={record.pk}",
            {"applicant_name": "王某", "contact_phone": PHONE, "reason": "已被复议撤销。"},
            "/objections/new/done/",
            Objection,
        ),
        "repair": (
            f"/repairs/new/?record={record.pk}",
            {
                "applicant_name": "王某",
                "contact_phone": PHONE,
                "reason": "已缴纳罚款并完成整改。",
                "commitment_accepted": "on",
            },
            "/repairs/new/done/",
            RepairApplication,
        ),
        "commitment": (
            "/commitments/new/",
            {
                "uscc": entity.uscc,
                "commitment_type": "voluntary",
                "department": dept_a.pk,
                "matter": "",
                "due_on": "2027-05-22",
                "content": content,
                "signatory": "王某",
                "contact_phone": PHONE,
            },
            "/commitments/new/done/",
            CreditCommitment,
        ),
    }


@pytest.mark.parametrize("kind", ["complaint", "objection", "repair", "commitment"])
def test_public_form_redirects_after_post_so_refresh_never_files_twice(client, forms, kind):
    url, data, done_url, model = forms[kind]

    response = client.post(url, data)

    assert response.status_code == 303, response.content.decode()[:1500]
    assert response["Location"] == done_url  # nothing in the URL: no number, no code
    assert model.objects.count() == 1
    done = client.get(done_url)
    html = done.content.decode()
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]  # never_cache: no cache keeps the code
    number = re.search(r"data-tracking-no>([A-Z]{2}\d{8}-\d{6})<", html).group(1)
    code = re.search(r"data-query-code>(\d{6})<", html).group(1)
    assert credit_services.filing_lookup(model, number, code) is not None
    assert PHONE not in html
    # The refresh a browser does after the redirect is a GET: nothing is filed, the code is not shown again.
    again = client.get(done_url).content.decode()
    assert "只在提交后显示一次" in again and code not in again and "data-query-code" not in again
    assert model.objects.count() == 1
