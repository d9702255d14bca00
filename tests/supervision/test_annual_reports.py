"""The annual report (企业年度报告, issue 14 §3): window, filing, correction, what is public, the API field."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core.models import AuditEvent
from supervision import annual_reports as ar
from supervision.models import AnnualReport
from tests.conftest import valid_uscc

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI), tick=False)


def enterprise_data(**overrides):
    data = {
        "postal_address": "郑州市二七区大学路1号",
        "postal_code": "450000",
        "phone": "0371-66668888",
        "email": "office@example.com",
        "operating_status": "open",
        "websites": [{"kind": "网店", "name": "某某旗舰店", "url": "https://shop.example.com"}],
        "capital": [
            {
                "shareholder": "张三",
                "subscribed": "100",
                "subscribed_on": "2020-01-01",
                "subscribed_form": "货币",
                "paid_in": "50.5",
                "paid_in_on": "2021-01-01",
                "paid_in_form": "货币",
            }
        ],
        "equity_transfers": [],
        "investments": [{"name": "郑州某某科技有限公司", "uscc": ""}],
        "employees": "12",
        "total_assets": "1234.5678",
        "total_liabilities": "300",
        "owners_equity": "934.5678",
        "revenue": "800",
        "main_revenue": "780",
        "total_profit": "-20.5",
        "net_profit": "-20.5",
        "tax_paid": "35.2",
        "guarantees": [],
        "social_insurance": {"pension": "10", "medical": "10"},
        "assets_public": False,
    }
    data.update(overrides)
    return data


@pytest.fixture
def enterprise(make_entity, dept_a):
    return make_entity(registration_authority=dept_a, contact_phone="0371-66668888")


@pytest.fixture
def individual(make_entity, dept_a):
    return make_entity(
        uscc_code=valid_uscc("92410100MA1234567"), name="郑州市二七区张记面馆", registration_authority=dept_a
    )


def file(entity, year=2025, on=dt.date(2026, 3, 1), **overrides):
    with at(on):
        return ar.annual_report_file(
            actor="test", entity=entity, year=year, data=enterprise_data(**overrides), filed_by="王联络"
        )


# --- the window -----------------------------------------------------------------------------------


def test_window_is_1_january_to_30_june_of_the_next_year():
    # 《企业信息公示暂行条例》第八条
    assert ar.FILING_OPENS == (1, 1)
    assert ar.FILING_DEADLINE == (6, 30)
    assert ar.filing_opens_on(2025) == dt.date(2026, 1, 1)
    assert ar.filing_deadline(2025) == dt.date(2026, 6, 30)
    assert ar.due_year(dt.date(2026, 3, 1)) == 2025
    assert not ar.is_late(2025, dt.date(2026, 6, 30))
    assert ar.is_late(2025, dt.date(2026, 7, 1))


def test_the_report_cannot_be_filed_before_1_january(enterprise):
    with pytest.raises(ValidationError) as e, at(dt.date(2025, 12, 31)):
        ar.annual_report_file(actor="test", entity=enterprise, year=2025, data=enterprise_data())
    assert "2026年1月1日" in str(e.value)
    assert not AnnualReport.objects.exists()


def test_filed_on_30_june_is_on_time_and_on_1_july_is_late(enterprise, make_entity, dept_a):
    on_time = file(enterprise, on=dt.date(2026, 6, 30))
    late = file(make_entity(registration_authority=dept_a), on=dt.date(2026, 7, 1))
    assert (on_time.late, late.late) == (False, True)
    assert on_time.total_assets == Decimal("1234.5678")
    assert on_time.total_profit == Decimal("-20.5")  # a loss
    assert on_time.social_insurance == {"pension": 10, "medical": 10}
    assert AuditEvent.objects.filter(action="annual_report.file", target_id=str(on_time.pk)).exists()


def test_filing_twice_is_refused_and_points_to_correction(enterprise):
    file(enterprise)
    with pytest.raises(ValidationError) as e:
        file(enterprise)
    assert "更正" in str(e.value)


def test_entity_founded_after_the_year_owes_no_report(make_entity, dept_a):
    young = make_entity(registration_authority=dept_a, established_on=dt.date(2026, 2, 1))
    with pytest.raises(ValidationError):
        file(young)
    assert ar.open_years(young, dt.date(2026, 3, 1)) == []


def test_bad_input_is_refused_field_by_field_in_chinese(enterprise):
    with pytest.raises(ValidationError) as e:
        file(
            enterprise,
            phone="",
            total_assets="很多",
            capital=[{"shareholder": "张三", "subscribed": "-1", "subscribed_on": "去年"}],
            websites=[{"kind": "公众号", "name": "x", "url": "y"}],
        )
    errors = e.value.message_dict
    assert errors["phone"] == ["联系电话为必填项"]
    assert errors["total_assets"] == ["资产总额（万元）须为数字"]
    assert "第1行：认缴出资额（万元）不能为负数" in errors["capital"]
    assert "第1行：认缴出资时间须为日期，格式如 2025-03-01" in errors["capital"]
    assert "第1行：类型只能是“网站”或“网店”" in errors["websites"]
    assert not AnnualReport.objects.exists()


# --- corrections ----------------------------------------------------------------------------------


def test_correction_allowed_until_30_june_then_refused(enterprise):
    report = file(enterprise)
    with at(dt.date(2026, 6, 30)):
        corrected = ar.annual_report_correct(
            actor="test", report=report, data=enterprise_data(phone="0371-12345678", total_assets="1300")
        )
    assert corrected.phone == "0371-12345678"
    assert corrected.corrections == [
        {
            "on": "2026-06-30",
            "changes": [
                {"field": "phone", "label": "联系电话", "before": "0371-66668888", "after": "0371-12345678"},
                {"field": "total_assets", "label": "资产总额（万元）", "before": "1234.5678", "after": "1300"},
            ],
        }
    ]
    with pytest.raises(ValidationError) as e, at(dt.date(2026, 7, 1)):
        ar.annual_report_correct(actor="test", report=report, data=enterprise_data(phone="0371-00000000"))
    assert "2026-06-30" in str(e.value)
    report.refresh_from_db()
    assert report.phone == "0371-12345678"
    assert AuditEvent.objects.filter(action="annual_report.correct").count() == 1


def test_a_correction_that_changes_nothing_is_refused(enterprise):
    report = file(enterprise)
    with pytest.raises(ValidationError, match="没有修改任何内容"), at(dt.date(2026, 4, 1)):
        ar.annual_report_correct(actor="test", report=report, data=enterprise_data())


# --- what is public -------------------------------------------------------------------------------


def test_public_part_hides_the_asset_figures_unless_chosen_and_shows_corrections_with_dates(client, enterprise):
    report = file(enterprise)
    with at(dt.date(2026, 5, 4)):
        ar.annual_report_correct(
            actor="test", report=report, data=enterprise_data(email="new@example.com", total_assets="4321.9876")
        )
    with at(dt.date(2026, 5, 5)):
        html = client.get(f"/entities/{enterprise.uscc}/").content.decode()
    assert 'data-annual-report="2025"' in html
    assert "0371-66668888" in html  # 条例第九条第（一）项: the entity's phone is public
    assert "new@example.com" in html
    assert "某某旗舰店" in html and "张三" in html
    assert 'data-field="total_assets"' not in html and "1234.5678" not in html and "4321.9876" not in html
    assert 'data-field="tax_paid"' not in html
    assert 'data-correction="2026-05-04"' in html and "2026年5月4日" in html
    assert "（未公示）" in html  # the private figure's correction is dated, its values are not shown
    assert "13800000000" not in html  # never a liaison's mobile

    report.refresh_from_db()
    report.assets_public = True
    report.save(update_fields=["assets_public"])
    with at(dt.date(2026, 5, 5)):
        html = client.get(f"/entities/{enterprise.uscc}/").content.decode()
    assert 'data-field="total_assets"' in html and "4321.9876" in html


def test_individual_business_files_the_short_form(individual):
    with at(dt.date(2026, 3, 1)):
        report = ar.annual_report_file(
            actor="test",
            entity=individual,
            year=2025,
            data={
                "postal_address": "郑州市二七区大学路2号",
                "phone": "0371-11112222",
                "operating_status": "open",
                "licences": [{"name": "食品经营许可证", "valid_to": "2028-01-01"}],
                "revenue": "35",
                "tax_paid": "1.2",
                "capital": [{"shareholder": "不应保存"}],  # not part of the short form: ignored
                "total_assets": "100",
            },
        )
    assert report.kind == "individual"
    assert report.licences == [{"name": "食品经营许可证", "valid_to": "2028-01-01"}]
    assert report.capital == [] and report.total_assets is None
    assert ar.FIELDS["individual"] == [
        "postal_address",
        "postal_code",
        "phone",
        "email",
        "operating_status",
        "websites",
        "licences",
        "employees",
        "revenue",
        "tax_paid",
        "assets_public",
    ]
    # an individual business's phone and e-mail are a natural person's: never public (DESIGN.md quality bars)
    view = ar.public_view(report)
    assert [row["name"] for row in view["rows"]] == [
        "postal_address",
        "postal_code",
        "operating_status",
        "websites",
        "licences",
    ]
    # the business itself sees them on its own file
    assert {"phone", "email"} <= {row["name"] for row in ar.public_view(report, full=True)["rows"]}


# --- the API --------------------------------------------------------------------------------------


def test_entity_profile_has_the_annual_report_status(credit_api, enterprise, make_entity, dept_a):
    report = file(enterprise, year=2024, on=dt.date(2025, 8, 1))
    with at(dt.date(2026, 7, 2)):
        body = credit_api.get(f"/api/v1/entities/{enterprise.uscc}/").json()
    by_year = {row["year"]: row for row in body["annual_reports"]}
    assert by_year[2025] == {"year": 2025, "filed_at": None, "late": True, "state": "overdue"}
    assert by_year[2024]["state"] == "filed_late" and by_year[2024]["late"] is True
    assert by_year[2024]["filed_at"].startswith("2025-08-01")
    assert report.pk
    assert "grade" in body and "list_entries" in body  # additive: the contract's fields stay


def test_only_reporting_types_still_registered_owe_a_report(make_entity, dept_a):
    society = make_entity(uscc_code=valid_uscc("51410100MJ1234567"), name="郑州市某某协会", entity_type="social_org")
    cancelled = make_entity(registration_authority=dept_a, status="cancelled")
    for entity in (society, cancelled):
        assert ar.open_years(entity, dt.date(2026, 3, 1)) == []
        assert ar.filing_status(entity, today=dt.date(2026, 7, 2)) == []
        with pytest.raises(ValidationError, match="无需报送年度报告"):
            file(entity)
