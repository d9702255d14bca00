"""The national 双公示 field set (issue 15 §6): rows, type codes, figures, redaction and the three file formats."""

import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from core.models import AuditEvent
from credit.models import CreditRecord
from credit.services import credit_record_revoke
from opendata import shuanggongshi as sgs
from tests.conftest import record_data, valid_uscc

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
ID_NUMBER = "410105198001011234"


@pytest.fixture
def company(make_entity):
    return make_entity(name="郑州云杉商贸有限公司", legal_representative="王五", legal_rep_id_number=ID_NUMBER)


def penalty(uscc, ref="郑市监罚〔2026〕12号", **kw):
    return record_data(
        uscc,
        ref,
        amount=kw.pop("amount", "50000.00"),
        penalty_types=kw.pop("penalty_types", ["warning", "fine"]),
        content=kw.pop("content", f"经查，当事人未明码标价。举报人电话{PHONE}。"),
        **kw,
    )


def licence(uscc, ref="郑市监许〔2026〕8号", **kw):
    return record_data(uscc, ref, category="administrative_licence", polarity="positive", title="食品经营许可", **kw)


def act(uscc, ref="郑市监强〔2026〕3号", **kw):
    return record_data(uscc, ref, category="administrative_enforcement", polarity="neutral", title="查封经营场所", **kw)


def window(dept, **kw):
    return {"department": dept, "date_from": kw.get("date_from"), "date_to": kw.get("date_to")}


def test_field_sets_follow_the_2021_standard_order_and_codes():
    # 《行政许可、行政处罚等信用信息数据标准（2021版）》: the penalty set from 行政相对人名称 to 备注
    codes = [f.code for f in sgs.PENALTY_FIELDS]
    assert codes[:3] == ["CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM"]
    assert codes[codes.index("CF_WSH") :] == [
        "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR", "CF_NR_FK", "CF_NR_WFFF", "CF_NR_ZKDX",
        "CF_JDRQ", "CF_YXQ", "CF_GSJZQ", "CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM", "BZ",
    ]  # fmt: skip
    labels = {f.code: f.label for f in sgs.PENALTY_FIELDS}
    assert labels["CF_NR_FK"] == "罚款金额（万元）"
    assert labels["CF_NR_WFFF"] == "没收违法所得、没收非法财物的金额（万元）"
    licence_codes = [f.code for f in sgs.LICENCE_FIELDS]
    assert licence_codes[licence_codes.index("XK_XKWS") :] == [
        "XK_XKWS", "XK_WSH", "XK_XKLB", "XK_XKZS", "XK_XKBH", "XK_NR", "XK_JDRQ", "XK_YXQZ", "XK_YXQZI",
        "XK_XKJG", "XK_XKJGDM", "XK_ZT", "XK_LYDW", "XK_LYDWDM", "BZ",
    ]  # fmt: skip


def test_amounts_are_in_wan_yuan_with_at_most_six_decimals():
    # The standard's 罚款金额（万元）: yuan / 10,000, up to 6 decimals, no trailing zeros.
    assert sgs.wan_yuan("50000.00") == "5"
    assert sgs.wan_yuan("12345.67") == "1.234567"
    assert sgs.wan_yuan("0.01") == "0.000001"
    assert sgs.wan_yuan("0") == "0"
    assert sgs.wan_yuan(None) == ""


def test_party_category_codes_from_entity_type_and_uscc():
    assert sgs.party_category("enterprise", "91110000710926094P") == "法人及非法人组织"
    assert sgs.party_category("individual", "92410100MA00000000") == "个体工商户"
    assert sgs.party_category("social_org", "51410100MJ0000000X") == "法人及非法人组织"
    # A code not (yet) in the roster: GB 32100-2015 "92" = 个体工商户
    assert sgs.party_category(None, "92410105MA9XXXXX1L") == "个体工商户"
    assert sgs.party_category(None, "91110000710926094P") == "法人及非法人组织"


def test_penalty_row_in_the_national_field_set(push, dept_a, company, frozen_today):
    # Given a pushed penalty (mirrored as a published 双公示 summary)
    push(penalty(company.uscc))
    # When department A's penalties are exported
    rows = list(sgs.rows(sgs.Kind.PENALTY, **window(dept_a)))
    # Then one row carries the standard's codes, type codes and figures
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == [f.code for f in sgs.PENALTY_FIELDS]
    assert row["CF_XDR_MC"] == "郑州云杉商贸有限公司"
    assert row["CF_XDR_LB"] == "法人及非法人组织"
    assert row["CF_XDR_SHXYM"] == company.uscc
    assert row["CF_XDR_ZZJG"] == company.uscc[8:17]
    assert row["CF_FRDB"] == "王五"  # the roster's, as the pushed penalty's summary has none
    assert row["CF_WSH"] == "郑市监罚〔2026〕12号"
    assert row["CF_CFLB"] == "警告;罚款"
    assert row["CF_NR_FK"] == "5"
    assert row["CF_JDRQ"] == "2026-11-01"
    assert row["CF_GSJZQ"] and row["CF_YXQ"] == row["CF_GSJZQ"]
    assert row["CF_CFJG"] == dept_a.name and row["CF_CFJGDM"] == dept_a.uscc
    assert row["CF_SJLY"] == dept_a.name and row["CF_SJLYDM"] == dept_a.uscc
    # ... and never a natural person's ID number or phone (DOMAIN §5)
    assert row["CF_FR_ZJHM"] == "" and row["CF_XDR_ZJHM"] == ""
    assert PHONE not in json.dumps(row, ensure_ascii=False)


def test_restriction_end_is_the_penalty_validity(push, dept_a, company, frozen_today):
    push(penalty(company.uscc, penalty_types=["restrict_business"], restriction_ends_on="2030-06-30"))
    (row,) = sgs.rows(sgs.Kind.PENALTY, **window(dept_a))
    assert row["CF_YXQ"] == "2030-06-30"


def test_licence_and_act_rows(push, dept_a, company, frozen_today):
    push(licence(company.uscc), act(company.uscc, amount="2500.00"))
    (lic,) = sgs.rows(sgs.Kind.LICENCE, **window(dept_a))
    assert lic["XK_XDR_MC"] == company.name and lic["XK_FRDB"] == "王五"
    assert lic["XK_WSH"] == "郑市监许〔2026〕8号" and lic["XK_XKWS"] == "食品经营许可"
    assert lic["XK_ZT"] == "1" and lic["XK_JDRQ"] == lic["XK_YXQZ"] == "2026-11-01"
    assert lic["XK_XKJGDM"] == dept_a.uscc and lic["XK_FR_ZJHM"] == ""
    (row,) = sgs.rows(sgs.Kind.ACT, **window(dept_a))
    assert row["XW_XWLB"] == "行政强制" and row["XW_JE"] == "0.25" and row["XW_WSH"] == "郑市监强〔2026〕3号"


def test_a_record_about_a_code_not_in_the_roster_is_exported(push, dept_a, frozen_today):
    outsider = valid_uscc("92410105MA9ABCDE1")
    push(licence(outsider))
    (row,) = sgs.rows(sgs.Kind.LICENCE, **window(dept_a))
    assert row["XK_XDR_SHXYM"] == outsider and row["XK_XDR_LB"] == "个体工商户" and row["XK_XDR_MC"] == ""


def test_rows_are_per_department_and_date_range(push, dept_a, dept_b, company, frozen_today):
    push(licence(company.uscc, "A-1", decided_on="2026-10-01"), licence(company.uscc, "A-2", decided_on="2026-11-10"))
    push(licence(company.uscc, "B-1", decided_on="2026-11-10"), department=dept_b)
    refs = [r["XK_WSH"] for r in sgs.rows(sgs.Kind.LICENCE, **window(dept_a))]
    assert refs == ["A-1", "A-2"]
    november = window(dept_a, date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))
    assert [r["XK_WSH"] for r in sgs.rows(sgs.Kind.LICENCE, **november)] == ["A-2"]
    assert [r["XK_WSH"] for r in sgs.rows(sgs.Kind.LICENCE, **window(dept_b))] == ["B-1"]


def test_revoked_records_are_not_in_a_file(push, dept_a, company, frozen_today):
    push(licence(company.uscc))
    credit_record_revoke(
        actor="test", record=CreditRecord.objects.get(source_ref="郑市监许〔2026〕8号"), reason="依法撤销"
    )
    assert list(sgs.rows(sgs.Kind.LICENCE, **window(dept_a))) == []


def test_rows_are_read_set_based(push, dept_a, make_entity, frozen_today, django_assert_max_num_queries):
    # Given 30 licences of 30 entities
    entities = [make_entity() for _ in range(30)]
    push(*[licence(e.uscc, f"许-{i}") for i, e in enumerate(entities)])
    # Then their rows come in one query (plus the server-side cursor's bookkeeping), not one per row
    with django_assert_max_num_queries(3):
        assert len(list(sgs.rows(sgs.Kind.LICENCE, **window(dept_a)))) == 30


def test_files_csv_with_bom_xlsx_and_json(push, dept_a, company, frozen_today):
    push(penalty(company.uscc))
    kw = window(dept_a)
    # CSV: UTF-8 with BOM, Chinese labels as the header
    raw = b"".join(sgs.csv_chunks(sgs.Kind.PENALTY, **kw))
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0] == [f.label for f in sgs.PENALTY_FIELDS] and len(table) == 2
    assert table[1][0] == "郑州云杉商贸有限公司"
    # XLSX: the same header, the amount as a number
    sheet = load_workbook(sgs.xlsx_file(sgs.Kind.PENALTY, **kw), read_only=True).active
    header, first = list(sheet.iter_rows(values_only=True))
    fk = [f.code for f in sgs.PENALTY_FIELDS].index("CF_NR_FK")
    assert header[0] == "行政相对人名称" and first[fk] == 5
    # JSON: codes as keys, with the count
    doc = json.loads(b"".join(sgs.json_chunks(sgs.Kind.PENALTY, **kw)))
    assert doc["standard"] == sgs.STANDARD and doc["count"] == 1 and doc["rows"][0]["CF_NR_FK"] == "5"
    assert doc["fields"][0] == {"code": "CF_XDR_MC", "label": "行政相对人名称"}
    # None of them holds the legal representative's ID number or the phone typed into the facts
    for blob in (raw.decode("utf-8-sig"), json.dumps(doc, ensure_ascii=False), repr(first)):
        assert ID_NUMBER not in blob and PHONE not in blob


def test_export_is_audited(push, dept_a, alice, company, frozen_today):
    push(licence(company.uscc))
    result = sgs.export(
        actor=alice,
        kind="licence",
        fmt="csv",
        department=dept_a,
        date_from=dt.date(2026, 11, 1),
        date_to=dt.date(2026, 11, 30),
    )
    assert result.rows == 1 and result.filename == "双公示_行政许可_ZZSJ_20261101-20261130.csv"
    event = AuditEvent.objects.filter(action="opendata.shuanggongshi_export").get()
    assert event.actor_user_id == alice.pk and event.after["rows"] == 1 and event.after["format"] == "csv"
