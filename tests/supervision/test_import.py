"""Import and export of the rosters (supervision/resources.py, manage.py import_roster)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from import_export import resources as ie_resources
from import_export.formats import base_formats

from core import uscc
from core.models import AuditEvent
from supervision import services
from supervision.models import Inspector, MarketEntity, SupervisionItem, SupervisionItemVersion
from supervision.resources import InspectorResource, MarketEntityResource, SupervisionItemResource, import_file
from tests.conftest import BAOSTEEL, HUAWEI, SINOPEC

# DOMAIN §1: a real pilot code that fails the check; the check character must be 3.
BAD_CHECK = "91350100M000100Y4Z"

ENTITY_HEADER = [
    "统一社会信用代码",
    "名称",
    "法定代表人",
    "住所",
    "行政区划代码",
    "行业代码",
    "注册资本（万元）",
    "成立日期",
    "登记状态",
]
INSPECTOR_HEADER = ["姓名", "部门代码", "执法证号", "执法证有效期起", "执法证有效期至", "专业领域", "在岗"]
ITEM_HEADER = [
    "事项编码",
    "事项名称",
    "主项编码",
    "部门代码",
    "生效日期",
    "监管对象",
    "监管方式",
    "设定依据",
    "监管层级",
    "默认抽查比例",
]


def csv_bytes(header, *rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def entity_row(
    code,
    name="郑州测试商贸有限公司",
    established="2019-05-20",
    region="410105",
    industry="F5211",
    status="存续（在营）",
):
    return [code, name, "张三", "郑州市金水区花园路1号", region, industry, "100.5", established, status]


def inspector_row(certificate_no, department="ZZSJ", name="李明"):
    return [name, department, certificate_no, "2024-01-01", "2028-12-31", "食品安全、特种设备", "是"]


def entity_creations():
    return AuditEvent.objects.filter(action="entity.create").count()


# --- entities --------------------------------------------------------------------------------------


def test_bad_rows_are_reported_by_spreadsheet_row_and_nothing_is_saved(platform_admin):
    # Given a file whose 2nd and 3rd data rows are bad (spreadsheet rows 3 and 4)
    data = csv_bytes(
        ENTITY_HEADER,
        entity_row(SINOPEC, "中国石油化工股份有限公司"),
        entity_row(BAD_CHECK, "福州某某公司"),
        entity_row(BAOSTEEL, "宝山钢铁股份有限公司", established="2020-13-45"),
        entity_row(HUAWEI, "华为技术有限公司"),
    )

    # When a platform administrator imports it
    ok, report = import_file(MarketEntityResource, data, "csv", platform_admin)

    # Then each bad row is named with its reason, in core.uscc's exact words for the USCC
    assert not ok
    assert report[0] == f"第3行：{uscc.problems(BAD_CHECK)}"
    assert "第18位应为“3”" in report[0]
    assert report[1].startswith("第4行：成立日期：“2020-13-45”不是有效的日期")
    assert len(report) == 2
    # And nothing at all was saved, nor audited
    assert MarketEntity.objects.count() == 0
    assert entity_creations() == 0


def test_clean_csv_imports_every_row_through_the_service_with_audit(platform_admin, dept_a):
    # Given a clean file, with a label, a half-label and a code for 登记状态, and a 登记机关
    data = csv_bytes(
        [*ENTITY_HEADER, "登记机关"],
        [*entity_row(SINOPEC, "中国石油化工股份有限公司", status="存续（在营）"), "ZZSJ"],
        [*entity_row(BAOSTEEL, "宝山钢铁股份有限公司", status="注销"), "郑州市市场监督管理局"],
        [*entity_row(HUAWEI, "华为技术有限公司", status="revoked"), ""],
    )

    # When it is imported
    ok, report = import_file(MarketEntityResource, data, "csv", platform_admin)

    # Then every row is saved, typed, and audited with the importing user as actor
    assert ok, report
    assert report == ["导入完成：新增 3 条，更新 0 条。"]
    sinopec = MarketEntity.objects.get(uscc=SINOPEC)
    assert sinopec.registered_capital == Decimal("100.5")
    assert sinopec.established_on == dt.date(2019, 5, 20)
    assert sinopec.entity_type == "enterprise"  # derived from the code, as the service does
    assert sinopec.registration_authority == dept_a
    assert MarketEntity.objects.get(uscc=BAOSTEEL).status == "cancelled"
    assert MarketEntity.objects.get(uscc=HUAWEI).status == "revoked"
    events = AuditEvent.objects.filter(action="entity.create")
    assert events.count() == 3
    assert set(events.values_list("actor_user", flat=True)) == {platform_admin.pk}


def test_row_errors_are_keyed_by_chinese_column_for_the_admin_preview(platform_admin):
    # Given a row with a bad region code, a bad industry code and a bad USCC
    dataset = tablib.Dataset(entity_row(BAD_CHECK, region="4101", industry="F6211"), headers=ENTITY_HEADER)

    # When the admin previews it (a dry run)
    result = MarketEntityResource(user=platform_admin).import_data(dataset, dry_run=True, user=platform_admin)

    # Then the errors are listed per row under the Chinese column
    [row] = result.invalid_rows
    errors = row.field_specific_errors
    assert errors["统一社会信用代码"] == [uscc.problems(BAD_CHECK)]
    assert errors["行政区划代码"] == ["行政区划代码“4101”应为6位数字（GB/T 2260），如 410105"]
    assert "大类“62”不属于门类 F" in errors["行业代码"][0]


def test_all_or_nothing_holds_for_a_real_import_with_validation_errors(platform_admin):
    # Given one good and one bad row
    dataset = tablib.Dataset(entity_row(SINOPEC), entity_row(BAD_CHECK), headers=ENTITY_HEADER)

    # When the library's own import_data runs without dry run (as its admin confirm step does)
    resource = MarketEntityResource(user=platform_admin)
    ie_resources.ModelResource.import_data(resource, dataset, dry_run=False, user=platform_admin)
    # Then it commits the good row: that is why the resource forces the rollback
    assert MarketEntity.objects.count() == 1
    MarketEntity.objects.all().delete()

    # When our resource's import_data runs the same way
    result = MarketEntityResource(user=platform_admin).import_data(dataset, dry_run=False, user=platform_admin)

    # Then nothing is committed
    assert result.has_validation_errors()
    assert MarketEntity.objects.count() == 0


def test_xlsx_import_reads_typed_cells(platform_admin):
    # Given an Excel file with a date cell, numbers and a numeric region code
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(ENTITY_HEADER)
    sheet.append(
        [
            SINOPEC,
            "中国石油化工股份有限公司",
            "张三",
            "北京市朝阳区",
            110105,
            "B0711",
            1218.75,
            dt.datetime(2000, 2, 25),
            "存续",
        ]
    )
    sheet.append([HUAWEI, "华为技术有限公司", "赵明路", "深圳市龙岗区", "440307", "I6510", "", "1987-09-15", ""])
    sheet.append([None] * len(ENTITY_HEADER))  # Excel's trailing blank line
    buffer = io.BytesIO()
    book.save(buffer)

    # When it is imported
    ok, report = import_file(MarketEntityResource, buffer.getvalue(), "xlsx", platform_admin)

    # Then both rows are saved with their types, and the blank line is ignored
    assert ok, report
    sinopec = MarketEntity.objects.get(uscc=SINOPEC)
    assert (sinopec.region_code, sinopec.registered_capital, sinopec.established_on) == (
        "110105",
        Decimal("1218.75"),
        dt.date(2000, 2, 25),
    )
    huawei = MarketEntity.objects.get(uscc=HUAWEI)
    assert (huawei.registered_capital, huawei.status) == (None, "active")
    assert MarketEntity.objects.count() == 2


def test_reimporting_the_same_file_updates_instead_of_duplicating(platform_admin):
    # Given an imported file
    data = csv_bytes(ENTITY_HEADER, entity_row(SINOPEC, "中国石化"), entity_row(HUAWEI, "华为技术有限公司"))
    assert import_file(MarketEntityResource, data, "csv", platform_admin)[0]

    # When the same file is imported again, then one with a changed name
    ok_again, report_again = import_file(MarketEntityResource, data, "csv", platform_admin)
    changed = csv_bytes(
        ENTITY_HEADER, entity_row(SINOPEC, "中国石油化工股份有限公司"), entity_row(HUAWEI, "华为技术有限公司")
    )
    ok_changed, _report = import_file(MarketEntityResource, changed, "csv", platform_admin)

    # Then rows are matched by USCC: no duplicates, and only the real change is audited
    assert ok_again and ok_changed
    assert report_again == ["导入完成：新增 0 条，更新 2 条。"]
    assert MarketEntity.objects.count() == 2
    assert MarketEntity.objects.get(uscc=SINOPEC).name == "中国石油化工股份有限公司"
    assert entity_creations() == 2
    assert AuditEvent.objects.filter(action="entity.update").count() == 1


def test_full_width_lower_case_uscc_is_normalised_and_matches_the_existing_entity(platform_admin, make_entity):
    # Given an entity, and a file that writes its code full-width and lower-case, with spaces
    make_entity(uscc_code=SINOPEC, name="中国石化")
    written = " " + SINOPEC.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}).lower() + " "
    assert written.strip() != SINOPEC
    data = csv_bytes(ENTITY_HEADER, entity_row(written, "中国石油化工股份有限公司"))

    # When it is imported
    ok, report = import_file(MarketEntityResource, data, "csv", platform_admin)

    # Then the existing entity is updated under its normal form
    assert ok, report
    assert list(MarketEntity.objects.values_list("uscc", "name")) == [(SINOPEC, "中国石油化工股份有限公司")]


def test_duplicate_uscc_in_one_file_is_refused(platform_admin):
    data = csv_bytes(ENTITY_HEADER, entity_row(SINOPEC), entity_row(SINOPEC.lower()))

    ok, report = import_file(MarketEntityResource, data, "csv", platform_admin)

    assert not ok
    assert report == [f"第3行：统一社会信用代码：“{SINOPEC}”在本文件中重复出现（首次在第2行）"]
    assert MarketEntity.objects.count() == 0


def test_missing_key_column_is_reported_once(platform_admin):
    data = csv_bytes(["名称", "行政区划代码"], ["某公司", "410105"])

    ok, report = import_file(MarketEntityResource, data, "csv", platform_admin)

    assert (ok, report) == (False, ["文件：文件缺少必需的列“统一社会信用代码”（第1行应为列名）"])


@pytest.mark.parametrize("user_fixture", ["alice", "bob"])
def test_only_a_platform_admin_imports_entities(request, user_fixture):
    # Given an official of any department
    official = request.getfixturevalue(user_fixture)

    # When they import entities
    ok, report = import_file(MarketEntityResource, csv_bytes(ENTITY_HEADER, entity_row(SINOPEC)), "csv", official)

    # Then they are refused and nothing is saved
    assert (ok, report) == (False, ["文件：只有平台管理员可以导入市场主体名录"])
    assert MarketEntity.objects.count() == 0


# --- exports ---------------------------------------------------------------------------------------

ID_NUMBER = "410105199001011234"
PHONE = "13838383838"


def test_entity_export_never_contains_id_number_or_phone(make_entity, django_assert_max_num_queries):
    # Given entities with a legal representative's ID number and a phone number
    for _ in range(20):
        make_entity(legal_rep_id_number=ID_NUMBER, contact_phone=PHONE)

    # When the roster is exported to CSV and XLSX
    with django_assert_max_num_queries(3):
        dataset = MarketEntityResource().export()
    csv_text = base_formats.CSV().export_data(dataset)
    book = openpyxl.load_workbook(io.BytesIO(base_formats.XLSX().export_data(dataset)))
    cells = [str(cell.value) for row in book.active.iter_rows() for cell in row]

    # Then neither the values nor their columns are there
    assert len(dataset) == 20
    for text in (csv_text, " ".join(cells)):
        assert ID_NUMBER not in text
        assert PHONE not in text
        assert "证件号码" not in text
        assert "联系电话" not in text


def test_entity_export_imports_back_unchanged(platform_admin, make_entity, dept_a):
    # Given an exported roster
    make_entity(uscc_code=SINOPEC, registered_capital=Decimal("1218.75"), registration_authority=dept_a)
    make_entity(uscc_code=HUAWEI, status="suspended")
    exported = base_formats.CSV().export_data(MarketEntityResource().export()).encode()
    before = AuditEvent.objects.count()

    # When it is imported again
    ok, report = import_file(MarketEntityResource, exported, "csv", platform_admin)

    # Then nothing changes and nothing is audited
    assert ok, report
    assert report == ["导入完成：新增 0 条，更新 2 条。"]
    assert AuditEvent.objects.count() == before


# --- inspectors ------------------------------------------------------------------------------------


def test_owning_official_imports_own_department_inspectors(alice, dept_a):
    data = csv_bytes(
        INSPECTOR_HEADER,
        inspector_row("41010023000001"),
        inspector_row("41010023000002", department="郑州市市场监督管理局"),
    )

    ok, report = import_file(InspectorResource, data, "csv", alice)

    assert ok, report
    inspector = Inspector.objects.get(certificate_no="41010023000001")
    assert (inspector.department, inspector.specialities, inspector.active) == (dept_a, ["食品安全", "特种设备"], True)
    assert AuditEvent.objects.filter(action="inspector.create", actor_user=alice).count() == 2


def test_official_importing_another_departments_inspectors_is_refused(alice, dept_b):
    # Given a file with a row of alice's department and one of another department
    data = csv_bytes(
        INSPECTOR_HEADER, inspector_row("41010023000001"), inspector_row("41010023000002", department="ZZWJ")
    )

    # When alice imports it
    ok, report = import_file(InspectorResource, data, "csv", alice)

    # Then the other department's row is named and nothing is saved
    assert not ok
    assert report == [
        "第3行：部门代码：部门“郑州市卫生健康委员会”不是您所在的部门，只能导入本部门（郑州市市场监督管理局）的数据"
    ]
    assert Inspector.objects.count() == 0


def test_official_cannot_take_over_another_departments_inspector(alice, bob):
    # Given alice's department has an inspector
    assert import_file(InspectorResource, csv_bytes(INSPECTOR_HEADER, inspector_row("41010023000001")), "csv", alice)[0]

    # When bob imports the same certificate number into his own department
    ok, report = import_file(
        InspectorResource, csv_bytes(INSPECTOR_HEADER, inspector_row("41010023000001", "ZZWJ", "王五")), "csv", bob
    )

    # Then he is refused and the inspector stays where it was
    assert not ok
    assert report == [
        "第2行：执法证号“41010023000001”已登记在其他部门（郑州市市场监督管理局），只能导入本部门（郑州市卫生健康委员会）的数据"
    ]
    assert Inspector.objects.get().name == "李明"


def test_platform_admin_imports_inspectors_of_any_department(platform_admin, dept_b):
    data = csv_bytes(
        INSPECTOR_HEADER, inspector_row("41010023000001"), inspector_row("41010023000002", department="zzwj")
    )

    ok, report = import_file(InspectorResource, data, "csv", platform_admin)

    assert ok, report
    assert Inspector.objects.get(certificate_no="41010023000002").department == dept_b


def test_inspector_row_errors_name_their_columns(platform_admin):
    row = ["李明", "NOPE", "41010023000001", "2028-01-01", "2024-01-01", "", "也许"]

    ok, report = import_file(InspectorResource, csv_bytes(INSPECTOR_HEADER, row), "csv", platform_admin)

    assert not ok
    assert "第2行：部门代码：部门“NOPE”不存在，请填写部门代码（如 ZZSJ）或部门全称" in report
    assert "第2行：在岗：“也许”应填“是”或“否”" in report


def test_inspector_export_is_scoped_to_the_officials_department(alice, bob, dept_a, dept_b):
    # Given inspectors in two departments
    data = csv_bytes(
        INSPECTOR_HEADER, inspector_row("41010023000001"), inspector_row("41010023000002", department="ZZWJ")
    )
    assert import_file(InspectorResource, data, "csv", None)[0]

    # Then each official exports only their own department's
    assert [row[2] for row in InspectorResource(user=alice).export()] == ["41010023000001"]
    assert [row[2] for row in InspectorResource(user=bob).export()] == ["41010023000002"]
    assert len(InspectorResource().export()) == 2


# --- supervision items -----------------------------------------------------------------------------


def item_row(
    code,
    name,
    parent="",
    department="ZZSJ",
    effective="2024-01-01",
    basis="《食品安全法》第八十七条",
    method="现场检查",
):
    return [code, name, parent, department, effective, "企业", method, basis, "市级", "3%"]


def test_items_import_with_versions_and_reimport_is_idempotent(alice):
    # Given a main item and a sub-item that refers to it in the same file
    data = csv_bytes(
        ITEM_HEADER,
        item_row("11410100000001", "食品经营监督检查"),
        item_row("11410100000002", "食品经营许可事项检查", parent="11410100000001"),
    )

    # When alice imports it twice
    ok, report = import_file(SupervisionItemResource, data, "csv", alice)
    assert ok, report
    events = AuditEvent.objects.count()
    ok_again, report_again = import_file(SupervisionItemResource, data, "csv", alice)

    # Then items and their first versions exist once, and the second import changed nothing
    assert ok_again, report_again
    sub = SupervisionItem.objects.get(catalogue_code="11410100000002")
    assert sub.parent.catalogue_code == "11410100000001"
    version = sub.versions.get()
    assert (version.version, version.method, version.default_ratio, version.object_type) == (
        1,
        "on_site",
        Decimal("0.03"),
        "enterprise",
    )
    assert SupervisionItemVersion.objects.count() == 2
    assert AuditEvent.objects.count() == events


def test_item_new_effective_date_adds_a_version_and_closes_the_old_one(alice):
    data = csv_bytes(ITEM_HEADER, item_row("11410100000001", "食品经营监督检查"))
    assert import_file(SupervisionItemResource, data, "csv", alice)[0]

    later = csv_bytes(
        ITEM_HEADER, item_row("11410100000001", "食品经营监督检查", effective="2025-07-01", method="书面检查")
    )
    ok, report = import_file(SupervisionItemResource, later, "csv", alice)

    assert ok, report
    v1, v2 = SupervisionItemVersion.objects.order_by("version")
    assert (v1.effective_to, v2.version, v2.method) == (dt.date(2025, 6, 30), 2, "documentary")


def test_item_changed_content_on_an_existing_effective_date_is_refused(alice):
    assert import_file(
        SupervisionItemResource, csv_bytes(ITEM_HEADER, item_row("11410100000001", "食品经营监督检查")), "csv", alice
    )[0]

    changed = csv_bytes(ITEM_HEADER, item_row("11410100000001", "食品经营监督检查", basis="《食品安全法》第一百一十条"))
    ok, report = import_file(SupervisionItemResource, changed, "csv", alice)

    assert not ok
    assert report == [
        "第2行：生效日期：已有自 2024-01-01 起生效的 v1，内容与本行不同；已生效的版本不能修改，请填写新的生效日期"
    ]


def test_item_row_errors_name_their_columns(alice):
    data = csv_bytes(
        ITEM_HEADER,
        item_row("1141010000000", "编码少一位"),
        item_row("11410100000003", "别的部门", department="ZZWJ_NONE"),
        item_row("11410100000004", "没有设定依据", basis=""),
    )

    ok, report = import_file(SupervisionItemResource, data, "csv", alice)

    assert not ok
    assert "第2行：事项编码“1141010000000”应为14位数字（国家“互联网+监管”事项目录编码）" in report
    assert "第3行：部门代码：部门“ZZWJ_NONE”不存在，请填写部门代码（如 ZZSJ）或部门全称" in report
    assert any(line.startswith("第4行：设定依据：") for line in report)
    assert SupervisionItem.objects.count() == 0


def test_item_export_shows_the_version_in_force(alice, dept_a, django_assert_max_num_queries):
    # Given 10 items with a version each
    for n in range(10):
        item = services.item_save(actor="test", catalogue_code=f"1141010000{n:04d}", name=f"事项{n}", department=dept_a)
        services.item_version_create(
            actor="test", item=item, effective_from=dt.date(2024, 1, 1), object_type="enterprise", method="on_site",
            legal_basis="《食品安全法》", supervision_level="city",
        )  # fmt: skip

    # When they are exported
    with django_assert_max_num_queries(4):
        dataset = SupervisionItemResource(user=alice).export()

    # Then each row carries its version's content, in the import's terms
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert (row["生效日期"], row["监管方式"], row["监管层级"], row["默认抽查比例"]) == (
        "2024-01-01",
        "现场检查",
        "市级",
        "0.03",
    )


# --- through the admin (preview, then confirm) ----------------------------------------------------


def admin_format(model, fmt=base_formats.CSV, export=False) -> int:
    model_admin = admin.site._registry[model]
    formats = model_admin.get_export_formats() if export else model_admin.get_import_formats()
    return formats.index(fmt)


def admin_preview(client, data: bytes):
    upload = SimpleUploadedFile("人员.csv", data, content_type="text/csv")
    return client.post(
        "/admin/supervision/inspector/import/", {"format": admin_format(Inspector), "import_file": upload}
    )


def test_admin_preview_lists_the_other_departments_row_and_offers_no_confirm(client, alice, dept_b):
    client.force_login(alice)

    response = admin_preview(
        client, csv_bytes(INSPECTOR_HEADER, inspector_row("41010023000001"), inspector_row("41010023000002", "ZZWJ"))
    )

    [row] = response.context["result"].invalid_rows
    assert row.field_specific_errors == {
        "部门代码": ["部门“郑州市卫生健康委员会”不是您所在的部门，只能导入本部门（郑州市市场监督管理局）的数据"]
    }
    assert "confirm_form" not in response.context
    assert Inspector.objects.count() == 0


def test_admin_confirm_imports_with_the_official_as_audit_actor(client, alice):
    client.force_login(alice)
    preview = admin_preview(client, csv_bytes(INSPECTOR_HEADER, inspector_row("41010023000001")))

    response = client.post("/admin/supervision/inspector/process_import/", preview.context["confirm_form"].initial)

    assert response.status_code == 302
    assert AuditEvent.objects.get(action="inspector.create").actor_user == alice


def test_admin_confirm_saves_nothing_when_a_row_went_bad_after_the_preview(client, alice, platform_admin, dept_b):
    # Given a clean preview of two rows
    client.force_login(alice)
    preview = admin_preview(
        client, csv_bytes(INSPECTOR_HEADER, inspector_row("41010023000001"), inspector_row("41010023000002"))
    )
    # And, before alice confirms, the second certificate is registered in another department
    assert import_file(
        InspectorResource, csv_bytes(INSPECTOR_HEADER, inspector_row("41010023000002", "ZZWJ")), "csv", platform_admin
    )[0]

    # When she confirms
    client.post("/admin/supervision/inspector/process_import/", preview.context["confirm_form"].initial)

    # Then the first row is not saved either (the library alone would have committed it)
    assert list(Inspector.objects.values_list("certificate_no", flat=True)) == ["41010023000002"]


def test_admin_export_has_no_confidential_columns(client, alice, make_entity):
    make_entity(legal_rep_id_number=ID_NUMBER, contact_phone=PHONE)
    client.force_login(alice)
    form = client.get("/admin/supervision/marketentity/export/").context["form"]
    # The official may tick only the public columns
    selectable = {name for name in form.fields if name.startswith("marketentityresource_")}
    assert not {"marketentityresource_legal_rep_id_number", "marketentityresource_contact_phone"} & selectable

    response = client.post(
        "/admin/supervision/marketentity/export/",
        {"format": admin_format(MarketEntity, export=True), "resource": 0, **dict.fromkeys(selectable, "on")},
    )

    text = response.content.decode("utf-8-sig")
    assert text.startswith("统一社会信用代码,名称")
    assert ID_NUMBER not in text and PHONE not in text


# --- manage.py import_roster -----------------------------------------------------------------------


def test_import_roster_exits_non_zero_on_a_bad_file_and_saves_nothing(tmp_path, platform_admin):
    path = tmp_path / "主体.csv"
    path.write_bytes(csv_bytes(ENTITY_HEADER, entity_row(SINOPEC), entity_row(BAD_CHECK)))
    out = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_roster", "entities", str(path), "--user", platform_admin.username, stdout=out)

    assert raised.value.returncode != 0
    assert "未保存任何数据" in str(raised.value)
    assert f"第3行：{uscc.problems(BAD_CHECK)}" in out.getvalue()
    assert MarketEntity.objects.count() == 0


def test_import_roster_imports_a_clean_file_as_a_task(tmp_path, dept_a):
    path = tmp_path / "人员.xlsx"
    book = openpyxl.Workbook()
    book.active.append(INSPECTOR_HEADER)
    book.active.append(inspector_row("41010023000001"))
    book.save(path)
    out = io.StringIO()

    call_command("import_roster", "inspectors", str(path), stdout=out)

    assert "新增 1 条" in out.getvalue()
    assert AuditEvent.objects.get(action="inspector.create").actor_label == "task:import"


def test_import_roster_refuses_an_unknown_user(db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(csv_bytes(ENTITY_HEADER))

    with pytest.raises(CommandError, match="用户“nobody”不存在"):
        call_command("import_roster", "entities", str(path), "--user", "nobody")
