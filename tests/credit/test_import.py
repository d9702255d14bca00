"""File import of credit records in the admin (upload → preview → confirm) and manage.py import_credit_records.

Rows are named as the official sees them in Excel: the header is 第1行, the first data row 第2行.
"""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import AuditEvent
from credit import imports
from credit.models import CreditRecord
from tests.conftest import BAOSTEEL, HUAWEI, SINOPEC

pytestmark = pytest.mark.usefixtures("frozen_today")

IMPORT = "/admin/credit/creditrecord/import/"
CONFIRM = "/admin/credit/creditrecord/import/confirm/"
HEADER = list(imports.COLUMNS)
BAD_CHECK = "91350100M000100Y4Z"  # DOMAIN §1: fails the check character


def row(
    source_ref,
    code,
    *,
    category="行政处罚",
    polarity="负面",
    severity="一般",
    title="未按规定明码标价",
    decided="2026-11-01",
    amount="5000",
):
    return [
        source_ref,
        code,
        category,
        polarity,
        severity,
        title,
        "经查属实。",
        decided,
        "《中华人民共和国价格法》第十三条",
        amount,
        "",
    ]


def csv_bytes(*rows, header=HEADER, bom=True) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def upload(client, data: bytes, name="信用记录.csv", **extra):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data), **extra})


def test_preview_lists_every_bad_row_by_spreadsheet_row_and_saves_nothing(client, alice):
    # Given a file whose 2nd and 3rd data rows are bad (spreadsheet rows 3 and 4)
    data = csv_bytes(
        row("郑市监罚〔2026〕1号", SINOPEC),
        row("郑市监罚〔2026〕2号", BAD_CHECK),
        row("郑市监罚〔2026〕3号", BAOSTEEL, severity="", decided="2026-13-45"),
        row("郑市监罚〔2026〕4号", HUAWEI, category="表扬", polarity="正面", severity=""),
    )
    client.force_login(alice)

    # When alice uploads it
    response = upload(client, data)

    # Then the preview names each problem as 第N行：字段：说明, offers no confirm, and saves nothing
    assert response.status_code == 200
    errors = response.context["errors"]
    assert errors[0] == f"第3行：统一社会信用代码：“{BAD_CHECK}”校验位错误：第18位应为“3”，而不是“Z”。"
    assert "第4行：失信程度：负面信息须注明失信程度（轻微、一般或严重）" in errors
    assert any(e.startswith("第4行：决定日期：“2026-13-45”格式无效") for e in errors)
    assert any(e.startswith("第5行：信息类别：“表扬”无效，可选：") for e in errors)
    assert len(errors) == 4
    html = response.content.decode()
    assert "第3行" in html and "整份文件不能导入" in html
    assert 'name="confirm"' not in html
    assert "credit_record_import" not in client.session
    assert not CreditRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="credit_record.push").exists()


def test_duplicate_source_ref_in_a_file_names_the_first_row(client, alice):
    client.force_login(alice)
    response = upload(client, csv_bytes(row("郑市监罚〔2026〕1号", SINOPEC), row("郑市监罚〔2026〕1号", BAOSTEEL)))
    assert response.context["errors"] == [
        "第3行：来源编号：“郑市监罚〔2026〕1号”与第2行重复（同一文件中来源编号不能重复）"
    ]


def test_a_valid_file_imports_every_row_on_confirm_in_one_audited_push(client, alice, dept_a):
    # Given a clean file with labels and codes mixed, and a code not yet in the roster
    data = csv_bytes(
        row("郑市监罚〔2026〕1号", SINOPEC),
        row(
            "郑市监罚〔2026〕2号",
            BAOSTEEL,
            category="administrative_penalty",
            polarity="negative",
            severity="serious",
            amount="1,200,000.50",
        ),
        row("郑市监许〔2026〕3号", HUAWEI.lower(), category="行政许可", polarity="正面", severity="", amount=""),
    )
    client.force_login(alice)

    # When she previews it
    preview = upload(client, data)
    assert preview.status_code == 200
    assert preview.context["preview"].ok
    assert preview.context["counts"] == {"total": 3, "bad": 0, "new": 3, "update": 0}
    html = preview.content.decode()
    assert 'name="confirm"' in html and "名录库中暂无该主体" in html
    assert not CreditRecord.objects.exists()  # a preview saves nothing

    # And confirms
    response = client.post(CONFIRM, {"token": preview.context["token"]})

    # Then every row is saved for her department, in one audited push
    assert response.status_code == 302
    assert CreditRecord.objects.filter(department=dept_a).count() == 3
    serious = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕2号")
    assert serious.severity == "serious" and str(serious.amount) == "1200000.50"
    assert serious.publicity_ends_on == dt.date(2029, 11, 1)
    assert CreditRecord.objects.get(source_ref="郑市监许〔2026〕3号").entity_id == HUAWEI
    event = AuditEvent.objects.get(action="credit_record.push")
    assert event.actor_user == alice and len(event.after["created"]) == 3
    # The preview cannot be confirmed twice
    client.post(CONFIRM, {"token": preview.context["token"]})
    assert AuditEvent.objects.filter(action="credit_record.push").count() == 1


def test_reimporting_updates_instead_of_duplicating(client, alice):
    client.force_login(alice)
    first = upload(client, csv_bytes(row("郑市监罚〔2026〕1号", SINOPEC)))
    client.post(CONFIRM, {"token": first.context["token"]})
    again = upload(client, csv_bytes(row("郑市监罚〔2026〕1号", SINOPEC, title="未按规定明码标价（更正）")))
    assert again.context["counts"]["update"] == 1
    client.post(CONFIRM, {"token": again.context["token"]})
    assert CreditRecord.objects.get().title == "未按规定明码标价（更正）"


def test_xlsx_with_typed_cells_imports(client, alice):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(
        [
            "郑市监罚〔2026〕7号",
            SINOPEC,
            "行政处罚",
            "负面",
            "轻微",
            "未亮照经营",
            "",
            dt.datetime(2026, 10, 9),
            "",
            2000.5,
            None,
        ]
    )
    sheet.append(
        [20260008, BAOSTEEL, "行政处罚", "负面", "一般", "超范围经营", "", dt.date(2026, 9, 1), "", 30000, None]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(alice)
    preview = upload(client, buffer.getvalue(), name="records.XLSX")
    assert preview.context["preview"].ok, preview.context["errors"]
    client.post(CONFIRM, {"token": preview.context["token"]})
    minor = CreditRecord.objects.get(source_ref="郑市监罚〔2026〕7号")
    assert minor.decided_on == dt.date(2026, 10, 9) and str(minor.amount) == "2000.50"
    assert not minor.published  # 轻微: not published by default
    assert CreditRecord.objects.get(source_ref="20260008").decided_on == dt.date(2026, 9, 1)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("records.xls", b"\xd0\xcf\x11\xe0 old excel", "不支持的文件类型“.xls”"),
        ("records.txt", b"hello", "不支持的文件类型“.txt”"),
        ("records.xlsx", b"this is not a zip file", "XLSX 文件无法读取"),
        (
            "records.csv",
            "名称,地址\n某公司,郑州\n".encode(),
            "缺少必需的列：来源编号、统一社会信用代码、信息类别、性质、标题、决定日期",
        ),
        ("records.csv", csv_bytes(), "文件中没有数据行"),
    ],
)
def test_a_bad_file_gets_a_clear_error_and_no_preview(client, alice, name, data, message):
    client.force_login(alice)
    response = upload(client, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "preview" not in response.context
    assert not CreditRecord.objects.exists()


def test_gb18030_csv_from_chinese_excel_is_read(client, alice):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, row("郑市监罚〔2026〕1号", SINOPEC)])
    client.force_login(alice)
    assert upload(client, buffer.getvalue().encode("gb18030")).context["preview"].ok


def test_a_forged_or_stale_token_saves_nothing(client, alice):
    client.force_login(alice)
    preview = upload(client, csv_bytes(row("郑市监罚〔2026〕1号", SINOPEC)))
    response = client.post(CONFIRM, {"token": "forged"})
    assert response.status_code == 302
    assert not CreditRecord.objects.exists()
    # a new upload replaces the pending one: the old preview's token no longer works
    upload(client, csv_bytes(row("郑市监罚〔2026〕2号", SINOPEC)))
    client.post(CONFIRM, {"token": preview.context["token"]})
    assert not CreditRecord.objects.exists()


def test_rows_that_went_bad_after_the_preview_are_reported_and_nothing_is_saved(client, alice, monkeypatch):
    client.force_login(alice)
    preview = upload(client, csv_bytes(row("郑市监罚〔2026〕1号", SINOPEC), row("郑市监罚〔2026〕2号", BAOSTEEL)))
    # e.g. a rule changed between the preview and the confirm: the push validates again and refuses
    from credit.services import records

    monkeypatch.setattr(records, "MAX_PUSH", 1)
    response = client.post(CONFIRM, {"token": preview.context["token"]}, follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert "导入未完成，未保存任何数据。" in texts
    assert not CreditRecord.objects.exists()


def test_other_department_and_anonymous_cannot_confirm_alices_preview(client, alice, bob):
    client.force_login(alice)
    token = upload(client, csv_bytes(row("郑市监罚〔2026〕1号", SINOPEC))).context["token"]
    client.logout()
    response = client.post(CONFIRM, {"token": token})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(bob)
    client.post(CONFIRM, {"token": token})
    assert not CreditRecord.objects.exists()


def test_official_imports_only_for_own_department(client, alice, dept_a, dept_b):
    client.force_login(alice)
    preview = upload(client, csv_bytes(row("郑市监罚〔2026〕1号", SINOPEC)), department=str(dept_b.pk))
    client.post(CONFIRM, {"token": preview.context["token"]})
    assert CreditRecord.objects.get().department == dept_a


def test_platform_admin_chooses_the_department(client, platform_admin, dept_b):
    client.force_login(platform_admin)
    preview = upload(client, csv_bytes(row("郑卫健罚〔2026〕1号", SINOPEC)), department=str(dept_b.pk))
    client.post(CONFIRM, {"token": preview.context["token"]})
    assert CreditRecord.objects.get().department == dept_b


def test_template_example_row_uses_a_reference_that_can_never_be_real(client, alice):
    client.force_login(alice)
    changelist = client.get("/admin/credit/creditrecord/").content.decode()
    assert "从文件导入" in changelist and "下载导入模板" in changelist
    response = client.get("/admin/credit/creditrecord/import/template/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert rows[1][0] == "示例-请删除"
    # Issue 11: the example row left in the file is refused with a clear row error, and it is the
    # only error (every other cell of the example is valid).
    preview = upload(client, response.content, name="信用记录导入模板.xlsx")
    assert preview.context["errors"] == [
        "第2行：来源编号：“示例-请删除”是导入模板的示例，不是真实记录：请删除该行或改用真实的来源编号"
    ]
    assert 'name="confirm"' not in preview.content.decode()


def test_command_reports_row_errors_and_saves_nothing(tmp_path, dept_a):
    path = tmp_path / "records.csv"
    path.write_bytes(csv_bytes(row("郑市监罚〔2026〕1号", SINOPEC), row("郑市监罚〔2026〕2号", BAD_CHECK)))
    out = io.StringIO()
    with pytest.raises(CommandError, match="共 1 处错误"):
        call_command("import_credit_records", "ZZSJ", str(path), stdout=out)
    assert "第3行：统一社会信用代码：" in out.getvalue() and "第18位应为“3”" in out.getvalue()
    assert not CreditRecord.objects.exists()


def test_command_imports_a_clean_file(tmp_path, dept_a, alice):
    path = tmp_path / "records.csv"
    path.write_bytes(csv_bytes(row("郑市监罚〔2026〕1号", SINOPEC), row("郑市监罚〔2026〕2号", BAOSTEEL)))
    out = io.StringIO()
    call_command("import_credit_records", "ZZSJ", str(path), "--user", "alice", stdout=out)
    assert "新增 2 条" in out.getvalue()
    assert CreditRecord.objects.filter(department=dept_a).count() == 2
    assert AuditEvent.objects.get(action="credit_record.push").actor_user == alice
    with pytest.raises(CommandError, match="部门代码“NOPE”不存在"):
        call_command("import_credit_records", "NOPE", str(path))
