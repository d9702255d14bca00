"""The annual report on the entity side (issue 14 §3): /enterprise/annual-report/."""

import datetime as dt

import pytest
import time_machine

from supervision import annual_reports as ar
from supervision.models import AnnualReport
from tests.supervision.test_annual_reports import enterprise_data

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI), tick=False)


def form_post(**overrides):
    data = {
        "postal_address": "郑州市二七区大学路1号",
        "postal_code": "450000",
        "phone": "0371-66668888",
        "email": "office@example.com",
        "operating_status": "open",
        "websites": "网店 | 某某旗舰店 | https://shop.example.com",
        "capital": "张三｜100｜2020-01-01｜货币｜50.5｜2021-01-01｜货币",
        "equity_transfers": "",
        "investments": "",
        "employees": "12",
        "total_assets": "1234.5678",
        "total_liabilities": "300",
        "owners_equity": "934.5678",
        "revenue": "800",
        "main_revenue": "780",
        "total_profit": "20",
        "net_profit": "15",
        "tax_paid": "35.2",
        "guarantees": "",
        "si_pension": "10",
    }
    data.update(overrides)
    return data


def test_status_page_lists_the_due_year_and_links_the_form(entity_client):
    with at(dt.date(2026, 3, 1)):
        html = entity_client.get("/enterprise/annual-report/").content.decode()
    assert 'data-year="2025" data-state="due"' in html
    assert "/enterprise/annual-report/2025/" in html
    assert "2026年6月30日" in html


def test_form_is_prefilled_from_the_roster_then_from_last_years_report(entity_client):
    entity = entity_client.account.entity
    entity.registered_address, entity.contact_phone = "郑州市中原区建设路8号", "0371-55556666"
    entity.save(update_fields=["registered_address", "contact_phone"])
    with at(dt.date(2025, 3, 1)):
        html = entity_client.get("/enterprise/annual-report/2024/").content.decode()
        assert "郑州市中原区建设路8号" in html and "0371-55556666" in html
        entity_client.post("/enterprise/annual-report/2024/", form_post())
    with at(dt.date(2026, 3, 1)):
        html = entity_client.get("/enterprise/annual-report/2025/").content.decode()
    assert "郑州市二七区大学路1号" in html and "某某旗舰店" in html and "张三" in html
    assert "1234.5678" not in html  # last year's figures are not carried over


def test_filing_redirects_and_stores_the_report_in_wan_yuan(entity_client):
    with at(dt.date(2026, 3, 1)):
        response = entity_client.post("/enterprise/annual-report/2025/", form_post())
        assert response.status_code == 302 and response["Location"] == "/enterprise/annual-report/"
        html = entity_client.get(response["Location"]).content.decode()
    assert "2025年度报告已报送" in html
    report = AnnualReport.objects.get(entity=entity_client.account.entity, year=2025)
    assert str(report.total_assets) == "1234.5678" and report.filed_by == "王联络"
    assert report.websites == [{"kind": "网店", "name": "某某旗舰店", "url": "https://shop.example.com"}]
    assert report.capital[0]["paid_in"] == "50.5"
    assert report.social_insurance == {"pension": 10}
    assert not report.late


def test_validation_errors_keep_the_input(entity_client):
    with at(dt.date(2026, 3, 1)):
        response = entity_client.post(
            "/enterprise/annual-report/2025/", form_post(phone="", total_assets="一千", capital="李四｜很多")
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "联系电话为必填项" in html and "资产总额（万元）须为数字" in html
    assert "第1行：认缴出资额（万元）须为数字" in html
    assert "一千" in html and "李四｜很多" in html and "郑州市二七区大学路1号" in html
    assert not AnnualReport.objects.exists()


def test_correction_until_30_june_then_the_report_is_read_only(entity_client):
    with at(dt.date(2026, 3, 1)):
        entity_client.post("/enterprise/annual-report/2025/", form_post())
    with at(dt.date(2026, 6, 30)):
        html = entity_client.get("/enterprise/annual-report/").content.decode()
        assert "更正" in html
        response = entity_client.post("/enterprise/annual-report/2025/", form_post(phone="0371-12345678"))
        assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert report.phone == "0371-12345678" and report.corrections[0]["on"] == "2026-06-30"
    with at(dt.date(2026, 7, 1)):
        response = entity_client.post("/enterprise/annual-report/2025/", form_post(phone="0371-00000000"))
        html = response.content.decode()
    assert response.status_code == 200 and "更正期限（2026年6月30日）已过" in html
    report.refresh_from_db()
    assert report.phone == "0371-12345678"


def test_late_filing_is_marked_late(entity_client):
    with at(dt.date(2026, 7, 2)):
        html = entity_client.get("/enterprise/annual-report/2025/").content.decode()
        assert "逾期补报" in html
        entity_client.post("/enterprise/annual-report/2025/", form_post())
    assert AnnualReport.objects.get().late


def test_individual_business_gets_the_short_form(client, make_entity, make_entity_user):
    from tests.conftest import valid_uscc

    account = make_entity_user(make_entity(uscc_code=valid_uscc("92410100MA1234567"), name="张记面馆"))
    client.force_login(account.user)
    with at(dt.date(2026, 3, 1)):
        html = client.get("/enterprise/annual-report/2025/").content.decode()
    assert "个体工商户年度报告" in html and "行政许可取得和变动信息" in html and "营业额或营业收入（万元）" in html
    assert 'name="capital"' not in html and 'name="total_assets"' not in html


@pytest.mark.parametrize("year", [2026, 2019])
def test_a_year_that_is_not_open_is_404(entity_client, year):
    with at(dt.date(2026, 3, 1)):
        assert entity_client.get(f"/enterprise/annual-report/{year}/").status_code == 404


def test_another_entitys_report_is_never_shown(entity_client, make_entity):
    other = make_entity()
    with at(dt.date(2026, 3, 1)):
        ar.annual_report_file(actor="test", entity=other, year=2025, data=enterprise_data(phone="0371-99990000"))
        html = entity_client.get("/enterprise/annual-report/2025/").content.decode()
    assert "0371-99990000" not in html
    assert "填报2025年度报告" in html  # its own form, not the other's report


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/enterprise/annual-report/")
    assert response.status_code == 302 and response["Location"].startswith("/enterprise/login/")


def test_home_page_warns_of_a_missing_report_after_30_june_and_shows_a_filed_one(entity_client):
    # 条例第八条: the previous year's report is due by 30 June; from 1 July a missing one is 逾期未报送.
    with at(dt.date(2026, 7, 1)):
        html = entity_client.get("/enterprise/").content.decode()
    card = html.split('id="home-annual-report"', 1)[1].split("</a>", 1)[0]
    assert "2025年度报告" in card and "逾期未报送" in card and "报送期限 2026年6月30日" in card
    assert "ent-card--alert" in html.split('id="home-annual-report"', 1)[0].rsplit("<a", 1)[1]
    with at(dt.date(2026, 7, 2)):
        assert entity_client.post("/enterprise/annual-report/2025/", form_post()).status_code == 302
        html = entity_client.get("/enterprise/").content.decode()
    card = html.split('id="home-annual-report"', 1)[1].split("</a>", 1)[0]
    assert "逾期补报" in card and "2026年7月2日报送" in card
