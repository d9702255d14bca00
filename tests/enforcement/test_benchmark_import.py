"""Discretion benchmarks (自由裁量基准) imported from XLSX/CSV (issue 6 §3): rows checked first, errors as
“第N行：字段：说明”, saved whole or not at all, upserted by (department, 编号, 生效日期), per department."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from core.models import AuditEvent
from enforcement import imports, services
from enforcement.models import DiscretionStandard

pytestmark = pytest.mark.django_db

HEADERS = list(imports.COLUMNS)
GOOD = [
    "SP-001",
    "销售超过保质期的食品",
    "《食品安全法》第三十四条第（十）项",
    "《食品安全法》第一百二十四条",
    "50000",
    "80000",
    "80000",
    "120000",
    "120000",
    "200000",
    "吊销许可证件、责令停产停业",
    "2026-01-01",
]


def xlsx(*rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(**changes) -> list:
    values = dict(zip(HEADERS, GOOD, strict=True))
    values.update(changes)
    return [values[h] for h in HEADERS]


def run_import(data: bytes, department, actor="test", name="基准.xlsx"):
    parsed = imports.parse(data, name)
    return imports.push(parsed.rows, actor=actor, department=department)


def test_benchmarks_import_from_xlsx_with_chinese_headers(dept_a, alice, frozen_today):
    data = xlsx(
        row(),
        row(
            编号="JG-002",
            违法行为="不按规定明码标价",
            从轻下限="0",
            从轻上限="1000",
            一般下限="1000",
            一般上限="3000",
            从重下限="3000",
            从重上限="5000",
            从重可并处处罚种类="",
        ),
    )
    assert run_import(data, dept_a, actor=alice) == {"created": 2, "updated": 0, "unchanged": 0}
    sp = DiscretionStandard.objects.get(department=dept_a, code="SP-001")
    assert (sp.violation_type, sp.fine_range("lighter"), sp.fine_range("heavier"), sp.effective_from) == (
        "销售超过保质期的食品",
        (Decimal("50000"), Decimal("80000")),
        (Decimal("120000"), Decimal("200000")),
        dt.date(2026, 1, 1),
    )
    assert sp.heavy_penalty_types == ["revoke_licence", "suspend_business"]
    assert DiscretionStandard.objects.get(code="JG-002").heavy_penalty_types == []
    assert AuditEvent.objects.filter(action="discretion_standard.import", actor_user=alice).count() == 1


def test_bad_rows_are_reported_by_row_number_and_nothing_is_half_imported(dept_a, frozen_today):
    # Given a file whose 2nd row is good and 3rd and 5th rows are wrong
    data = xlsx(
        row(),
        row(编号="SP-002", 违法行为="", 一般下限="abc", 生效日期="2026-13-01"),
        row(编号="SP-003"),
        row(编号="SP-004", 从重可并处处罚种类="打板子"),
    )
    parsed = imports.parse(data, "基准.xlsx")
    preview = imports.preview(parsed, dept_a)
    assert not preview.ok
    assert preview.errors == [
        "第3行：违法行为：必填",
        "第3行：一般下限：“abc”不是有效的金额：应为不小于0、最多两位小数的元数，如 50000",
        "第3行：生效日期：“2026-13-01”格式无效，应为 YYYY-MM-DD",
        "第5行：从重可并处处罚种类：处罚种类“打板子”无效，应为行政处罚法第9条所列种类，如：警告、罚款、吊销许可证件",
    ]
    assert [r.action for r in preview.rows] == ["新增", "", "新增", ""]
    # When it is imported anyway, nothing is saved
    with pytest.raises(ValidationError) as exc:
        imports.push(parsed.rows, actor="test", department=dept_a)
    assert exc.value.messages[0] == "第3行：违法行为：必填"
    assert not DiscretionStandard.objects.exists()
    # Blank lines are skipped but do not shift the row numbers
    data = xlsx(row(), [None] * len(HEADERS), row(编号="SP-001"))
    with pytest.raises(ValidationError) as exc:
        run_import(data, dept_a)
    assert exc.value.messages == ["第4行：编号：编号“SP-001”（2026-01-01 生效）与第2行重复"]
    assert not DiscretionStandard.objects.exists()


def test_ranges_are_ordered(dept_a, frozen_today):
    # Each range is min ≤ max, and 从轻 ≤ 一般 ≤ 从重 at both ends
    with pytest.raises(ValidationError) as exc:
        run_import(
            xlsx(row(从轻下限="90000", 从轻上限="80000"), row(编号="SP-002", 一般下限="40000", 一般上限="150000")),
            dept_a,
        )
    assert exc.value.messages == [
        "第2行：从轻上限：80000元小于从轻下限90000元",
        "第2行：一般下限：80000元低于从轻下限90000元（从轻、一般、从重的幅度应依次递增）",
        "第3行：一般下限：40000元低于从轻下限50000元（从轻、一般、从重的幅度应依次递增）",
    ]
    assert not DiscretionStandard.objects.exists()
    # Equal ends are fine (the boundaries touch)
    assert run_import(xlsx(row(从轻下限="0", 从轻上限="0", 一般下限="0")), dept_a)["created"] == 1


def test_import_upserts_by_code_and_effective_date_and_versions_follow_each_other(dept_a, frozen_today):
    run_import(xlsx(row()), dept_a)
    # The same code and date again: an update (or nothing when unchanged)
    assert run_import(xlsx(row(一般上限="130000")), dept_a) == {"created": 0, "updated": 1, "unchanged": 0}
    assert run_import(xlsx(row(一般上限="130000")), dept_a) == {"created": 0, "updated": 0, "unchanged": 1}
    assert DiscretionStandard.objects.get().general_max == Decimal("130000")
    # A later effective date is a new version; the previous one ends the day before
    assert run_import(xlsx(row(生效日期="2027-01-01", 一般上限="150000")), dept_a)["created"] == 1
    old, new = DiscretionStandard.objects.order_by("effective_from")
    assert (old.effective_to, new.effective_to) == (dt.date(2026, 12, 31), None)
    assert services.standard_in_force(dept_a, "SP-001", dt.date(2026, 12, 31)) == old
    assert services.standard_in_force(dept_a, "SP-001", dt.date(2027, 1, 1)) == new
    preview = imports.preview(imports.parse(xlsx(row(), row(生效日期="2028-01-01")), "a.xlsx"), dept_a)
    assert [r.action for r in preview.rows] == ["更新", "新增"]


def test_import_is_scoped_to_the_department(dept_a, dept_b, alice, bob, frozen_today):
    run_import(xlsx(row()), dept_a, actor=alice)
    # The same code in another department is another benchmark
    run_import(xlsx(row(一般上限="99999", 一般下限="80000")), dept_b, actor=bob)
    assert DiscretionStandard.objects.get(department=dept_a).general_max == Decimal("120000")
    assert DiscretionStandard.objects.get(department=dept_b).general_max == Decimal("99999")
    # An official cannot import into another department
    with pytest.raises(ValidationError) as exc:
        run_import(xlsx(row(一般上限="1")), dept_a, actor=bob)
    assert exc.value.messages == ["只能导入本部门的裁量基准"]
    assert DiscretionStandard.objects.get(department=dept_a).general_max == Decimal("120000")


def test_csv_in_gb18030_and_file_problems(dept_a, frozen_today):
    text = ",".join(HEADERS) + "\n" + ",".join(row(从重可并处处罚种类="吊销许可证件")) + "\n"
    assert run_import(text.encode("gb18030"), dept_a, name="基准.csv")["created"] == 1
    with pytest.raises(imports.ImportFileError, match="缺少必需的列：处罚依据"):
        imports.parse(xlsx(["编号", "违法行为", "违法依据"], headers=[h for h in HEADERS if h != "处罚依据"]), "a.xlsx")
    with pytest.raises(imports.ImportFileError, match="不支持的文件类型"):
        imports.parse(b"x", "a.pdf")
    with pytest.raises(imports.ImportFileError, match="XLSX 文件无法读取"):
        imports.parse(b"not a zip", "a.xlsx")


def test_template_example_row_can_never_be_imported(dept_a, frozen_today):
    # Issue 11: a template's example row left in the file must never become a real benchmark.
    data = imports.template_workbook()
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    example = [c.value for c in sheet[2]]
    assert example[0] == "示例-请删除"
    with pytest.raises(ValidationError) as exc:
        run_import(data, dept_a)
    assert exc.value.messages == [
        "第2行：编号：“示例-请删除”是导入模板的示例行，不是真实的裁量基准：请删除该行后再导入"
    ]
    assert not DiscretionStandard.objects.exists()
    # Every other cell of the example is valid: with a real code, the row imports.
    assert run_import(xlsx(["SP-009", *example[1:]]), dept_a)["created"] == 1


def test_import_discretion_standards_command(dept_a, tmp_path, capsys, frozen_today):
    good = tmp_path / "基准.xlsx"
    good.write_bytes(xlsx(row()))
    call_command("import_discretion_standards", str(good), "--department", dept_a.code)
    assert "新增 1 条" in capsys.readouterr().out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx(row(编号="X-1", 从轻上限="-1")))
    with pytest.raises(CommandError, match="未保存任何数据"):
        call_command("import_discretion_standards", str(bad), "--department", dept_a.code)
    assert "第2行：从轻上限" in capsys.readouterr().out
    with pytest.raises(CommandError, match="部门代码“NOPE”不存在"):
        call_command("import_discretion_standards", str(good), "--department", "NOPE")
    assert DiscretionStandard.objects.count() == 1
