"""CSV/XLSX import and export of 一单两库 (django-import-export 4.4): entities, inspectors, items.

- Column headers are the Chinese ones below. They are the file contract, so they are literal
  strings, not translated: a file must import the same whatever the admin's language.
- Every write goes through a service in ``supervision.services``, so each row leaves an audit event
  with the importing user (or ``task:import``) as the actor.
- All-or-nothing (DESIGN.md, quality bars): one bad row and nothing is saved. django-import-export
  only rolls back validation errors when it is asked to (``rollback_on_validation_errors``), and its
  admin confirm step does not ask, so ``import_data`` below always asks.
- Errors are ``ValidationError``s keyed by the Chinese column, so the admin preview lists them per
  row and column, and ``import_file`` turns them into "第N行：…" lines.
- Cells and widgets are ``supervision.import_cells``; the file error and header folding are
  ``core.file_import``'s (its preview views are not used: django-import-export has its own).
- Entity exports never contain the confidential ``legal_rep_id_number`` and ``contact_phone``
  (DOMAIN §5): the entity columns are the public ones of ``selectors.PUBLIC_ENTITY_FIELDS``.
"""

import functools
import re
import warnings
from pathlib import Path

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field
from import_export.formats import base_formats

from core import uscc
from core.file_import import ImportFileError, fold
from core.scoping import department_of, is_platform_admin, scope_to_department
from supervision import services
from supervision.choices import EntityStatus, EntityType, Frequency, InspectionMethod, ObjectType, SupervisionLevel
from supervision.import_cells import (
    BooleanWidget,
    ChoiceWidget,
    CodeWidget,
    DateWidget,
    DecimalWidget,
    DepartmentWidget,
    ListWidget,
    ParentItemWidget,
    TextWidget,
    UsccWidget,
    industry_code_problem,
    is_blank,
    region_code_problem,
)
from supervision.models import Department, Inspector, MarketEntity, SupervisionItem, SupervisionItemVersion
from supervision.selectors import PUBLIC_ENTITY_FIELDS

IMPORT_ACTOR = "task:import"
CONFIDENTIAL_ENTITY_FIELDS = frozenset({"legal_rep_id_number", "contact_phone"})
# Attributes prefixed like this hold an item's version columns until the row is saved.
VERSION_PREFIX = "_v_"


def sheet_row(row_number: int) -> int:
    """The spreadsheet row of import-export's ``row_number``.

    import-export numbers data rows from 1; officials read row numbers off Excel, where row 1 is
    the header, so data row 1 is 第2行.
    """
    return row_number + 1


def _add(errors: dict, key: str, message) -> None:
    errors.setdefault(key, []).append(ValidationError(message))


# --- the shared machinery ------------------------------------------------------------------------


class RosterResource(resources.ModelResource):
    """Writes through services, reports errors by Chinese column, all-or-nothing, scoped by user.

    The user comes from the constructor (the admin's ``get_*_resource_kwargs``) or from the
    ``user`` keyword that import-export 4 passes to ``import_data``. Without a user the import is
    a system one (``manage.py import_roster`` without ``--user``) and is not scoped.
    """

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._seen_keys: dict = {}
        self._refused: str | None = None

    class Meta:
        use_transactions = True
        clean_model_instances = True
        report_skipped = False  # blank lines are skipped silently

    # who

    @property
    def actor(self):
        return self.user if self.user is not None else IMPORT_ACTOR

    @functools.cached_property
    def unrestricted(self) -> bool:
        return self.user is None or is_platform_admin(self.user)

    def refusal(self) -> str | None:
        """Why this user may not import with this resource at all; None when they may."""
        return None

    # all-or-nothing

    def import_data(
        self, dataset, dry_run=False, raise_errors=False, use_transactions=None, collect_failed_rows=False, **kwargs
    ):
        # DESIGN.md: a file import is all-or-nothing. Without rollback_on_validation_errors,
        # import-export commits the good rows of a file that has bad ones (its admin confirm step
        # does not set it), so it is forced here, with transactions.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            **kwargs,
        )

    # the file

    def before_import(self, dataset, **kwargs):
        if "user" in kwargs:
            self.user = kwargs["user"]
            self.__dict__.pop("unrestricted", None)
        self._seen_keys = {}
        self._canonical_headers(dataset)
        self._refused = self.refusal()
        if self._refused:
            raise PermissionDenied(self._refused)
        key_column = self.fields[self.key_field].column_name
        if key_column not in (dataset.headers or []):
            self._refused = _("文件缺少必需的列“%(column)s”（第1行应为列名）") % {"column": key_column}
            raise ImportFileError(self._refused)

    def _canonical_headers(self, dataset):
        """Headers match whatever their width or spacing, e.g. “注册资本(万元)” for “注册资本（万元）”."""
        known = {fold(field.column_name): field.column_name for field in self.fields.values()}
        if dataset.headers:
            dataset.headers = [known.get(fold(h), h.strip() if isinstance(h, str) else h) for h in dataset.headers]

    @property
    def key_field(self) -> str:
        return self._meta.import_id_fields[0]

    # one row

    def before_import_row(self, row, **kwargs):
        if self._refused:
            raise ValidationError(self._refused)
        if self._row_is_blank(row):
            return
        field = self.fields[self.key_field]
        key = field.clean(row)
        if not key:
            return
        number = sheet_row(kwargs.get("row_number", 0))
        if key in self._seen_keys:
            message = _("“%(key)s”在本文件中重复出现（首次在第%(first)s行）") % {
                "key": key,
                "first": self._seen_keys[key],
            }
            raise ValidationError({field.column_name: message})
        self._seen_keys[key] = number

    @staticmethod
    def _row_is_blank(row) -> bool:
        return all(is_blank(value) for value in row.values())

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return self._row_is_blank(row) or super().skip_row(instance, original, row, import_validation_errors)

    def import_instance(self, instance, row, **kwargs):
        errors: dict = {}
        original_department_id = getattr(instance, "department_id", None) if instance.pk else None
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if not self._row_is_blank(row):
            self.check_row(instance, row, errors, original_department_id=original_department_id)
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, row, errors: dict, original_department_id=None) -> None:
        """Add errors keyed by field attribute. Subclasses call the checks they need."""

    def check_department(self, instance, errors: dict, original_department_id, what: str) -> None:
        """An official imports only rows of their own department, and moves none out of another's."""
        if self.unrestricted:
            return
        own = department_of(self.user)
        if original_department_id is not None and original_department_id != own.pk:
            other = Department.objects.get(pk=original_department_id)
            _add(
                errors,
                NON_FIELD_ERRORS,
                _("%(what)s已登记在其他部门（%(other)s），只能导入本部门（%(own)s）的数据")
                % {"what": what, "other": other.name, "own": own.name},
            )
        elif instance.department_id is not None and instance.department_id != own.pk:
            _add(
                errors,
                "department",
                _("部门“%(dept)s”不是您所在的部门，只能导入本部门（%(own)s）的数据")
                % {"dept": instance.department.name, "own": own.name},
            )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as exc:
            raise self.by_column(exc)

    def by_column(self, exc: ValidationError) -> ValidationError:
        """Re-key errors from field attributes (or model field names) to the Chinese columns."""
        if not hasattr(exc, "error_dict"):
            return ValidationError({NON_FIELD_ERRORS: exc.error_list})
        keyed: dict = {}
        for key, error_list in exc.error_dict.items():
            keyed.setdefault(self.column_of(key), []).extend(error_list)
        return ValidationError(keyed)

    def column_of(self, key: str) -> str:
        if key == NON_FIELD_ERRORS:
            return key
        for field in self.fields.values():
            if field.attribute in (key, f"{VERSION_PREFIX}{key}", key.removesuffix("_id")):
                return field.column_name
        try:
            return str(self._meta.model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            return key

    # saving

    def save_instance(self, instance, is_create, row, **kwargs):
        self.before_save_instance(instance, row, **kwargs)
        if self._is_using_transactions(kwargs) or not self._is_dry_run(kwargs):
            try:
                self.save_with_service(instance, is_create, self.service_fields(instance, row))
            except ValidationError as exc:
                raise self.by_column(exc)
        self.after_save_instance(instance, row, **kwargs)

    def service_fields(self, instance, row) -> dict:
        """The model fields whose columns are in the file, as the row set them."""
        return {
            field.attribute: getattr(instance, field.attribute)
            for field in self.get_import_fields()
            if field.attribute
            and not field.readonly
            and not field.attribute.startswith("_")
            and field.column_name in row
        }

    def save_with_service(self, instance, is_create: bool, values: dict) -> None:
        raise NotImplementedError


# --- 检查对象名录库 -------------------------------------------------------------------------------


class MarketEntityResource(RosterResource):
    """The entity roster, keyed by USCC. Only platform administrators import it."""

    uscc = Field(attribute="uscc", column_name="统一社会信用代码", widget=UsccWidget())
    name = Field(attribute="name", column_name="名称", widget=TextWidget())
    entity_type = Field(attribute="entity_type", column_name="主体类型", widget=ChoiceWidget(EntityType))
    legal_representative = Field(attribute="legal_representative", column_name="法定代表人", widget=TextWidget())
    registered_address = Field(attribute="registered_address", column_name="住所", widget=TextWidget())
    region_code = Field(attribute="region_code", column_name="行政区划代码", widget=CodeWidget())
    industry_code = Field(attribute="industry_code", column_name="行业代码", widget=CodeWidget(upper=True))
    registered_capital = Field(
        attribute="registered_capital", column_name="注册资本（万元）", widget=DecimalWidget(places=4)
    )
    established_on = Field(attribute="established_on", column_name="成立日期", widget=DateWidget())
    status = Field(
        attribute="status", column_name="登记状态", widget=ChoiceWidget(EntityStatus), saves_null_values=False
    )
    registration_authority = Field(
        # Historical authorities stay valid after a reorganisation, so inactive ones are accepted.
        attribute="registration_authority",
        column_name="登记机关",
        widget=DepartmentWidget(active_only=False),
    )

    class Meta:
        model = MarketEntity
        import_id_fields = ["uscc"]
        fields = (
            "uscc",
            "name",
            "entity_type",
            "legal_representative",
            "registered_address",
            "region_code",
            "industry_code",
            "registered_capital",
            "established_on",
            "status",
            "registration_authority",
        )
        import_order = export_order = fields

    def refusal(self):
        if not self.unrestricted:
            return _("只有平台管理员可以导入市场主体名录")
        return None

    def check_row(self, instance, row, errors, original_department_id=None):
        if not instance.uscc:
            _add(errors, "uscc", _("统一社会信用代码不能为空"))
        elif "uscc" not in errors:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", uscc.UsccWarning)
                    uscc.validate_uscc(instance.uscc)
            except ValidationError as exc:
                errors.setdefault("uscc", []).extend(exc.error_list)
        if "region_code" not in errors and (problem := region_code_problem(instance.region_code)):
            _add(errors, "region_code", problem)
        if "industry_code" not in errors and (problem := industry_code_problem(instance.industry_code)):
            _add(errors, "industry_code", problem)
        if (
            instance.registered_capital is not None
            and instance.registered_capital < 0
            and "registered_capital" not in errors
        ):
            _add(errors, "registered_capital", _("注册资本（万元）不能为负数"))
        if (
            instance.established_on
            and instance.established_on > timezone.localdate()
            and "established_on" not in errors
        ):
            _add(
                errors, "established_on", _("成立日期“%(day)s”晚于今天") % {"day": instance.established_on.isoformat()}
            )
        if not instance.entity_type and instance.uscc:
            # As services.entity_save does: derive the type from the code where it says one.
            instance.entity_type = uscc.entity_type_from_code(instance.uscc) or EntityType.OTHER

    def save_with_service(self, instance, is_create, values):
        values["entity_type"] = instance.entity_type
        services.entity_save(actor=self.actor, entity=instance, **values)

    def filter_export(self, queryset, **kwargs):
        # Only the public columns are read, so confidential ones never leave the database.
        return queryset.select_related("registration_authority").only(
            *PUBLIC_ENTITY_FIELDS, "registration_authority__code"
        )


if {f.attribute for f in MarketEntityResource.fields.values()} & CONFIDENTIAL_ENTITY_FIELDS:
    raise ImproperlyConfigured("MarketEntityResource must not carry confidential fields (DOMAIN §5)")


# --- 执法检查人员名录库 ---------------------------------------------------------------------------


class InspectorResource(RosterResource):
    """The inspector roster, keyed by 执法证号; officials import their own department's only."""

    name = Field(attribute="name", column_name="姓名", widget=TextWidget())
    department = Field(attribute="department", column_name="部门代码", widget=DepartmentWidget())
    certificate_no = Field(attribute="certificate_no", column_name="执法证号", widget=CodeWidget())
    certificate_valid_from = Field(
        attribute="certificate_valid_from", column_name="执法证有效期起", widget=DateWidget()
    )
    certificate_valid_to = Field(attribute="certificate_valid_to", column_name="执法证有效期至", widget=DateWidget())
    specialities = Field(attribute="specialities", column_name="专业领域", widget=ListWidget())
    active = Field(attribute="active", column_name="在岗", widget=BooleanWidget(), saves_null_values=False)

    class Meta:
        model = Inspector
        import_id_fields = ["certificate_no"]
        fields = (
            "name",
            "department",
            "certificate_no",
            "certificate_valid_from",
            "certificate_valid_to",
            "specialities",
            "active",
        )
        import_order = export_order = fields

    def refusal(self):
        if not self.unrestricted and department_of(self.user) is None:
            return _("您的账号未关联监管部门，不能导入执法检查人员")
        return None

    def check_row(self, instance, row, errors, original_department_id=None):
        if not instance.certificate_no:
            _add(errors, "certificate_no", _("执法证号不能为空"))
        self.check_department(
            instance, errors, original_department_id, _("执法证号“%(no)s”") % {"no": instance.certificate_no}
        )
        start, end = instance.certificate_valid_from, instance.certificate_valid_to
        if start and end and end < start and not {"certificate_valid_from", "certificate_valid_to"} & errors.keys():
            _add(
                errors,
                "certificate_valid_to",
                _("执法证有效期至（%(end)s）早于有效期起（%(start)s）")
                % {"end": end.isoformat(), "start": start.isoformat()},
            )

    def save_with_service(self, instance, is_create, values):
        services.inspector_save(actor=self.actor, inspector=instance, **values)

    def filter_export(self, queryset, **kwargs):
        queryset = queryset.select_related("department")
        return queryset if self.unrestricted else scope_to_department(queryset, self.user)


# --- 监管事项清单 ----------------------------------------------------------------------------------


def _version_field(name, column, widget, **kwargs):
    return Field(attribute=f"{VERSION_PREFIX}{name}", column_name=column, widget=widget, **kwargs)


class SupervisionItemResource(RosterResource):
    """The item list, keyed by 事项编码 (14 digits). The version columns add a version when the
    生效日期 is new; the same 生效日期 with the same content changes nothing (re-import); past
    versions are never edited (services.item_version_create)."""

    catalogue_code = Field(attribute="catalogue_code", column_name="事项编码", widget=CodeWidget())
    name = Field(attribute="name", column_name="事项名称", widget=TextWidget())
    parent = Field(attribute="parent", column_name="主项编码", widget=ParentItemWidget())
    department = Field(attribute="department", column_name="部门代码", widget=DepartmentWidget())
    effective_from = _version_field("effective_from", "生效日期", DateWidget())
    object_type = _version_field("object_type", "监管对象", ChoiceWidget(ObjectType))
    method = _version_field("method", "监管方式", ChoiceWidget(InspectionMethod))
    legal_basis = _version_field("legal_basis", "设定依据", TextWidget())
    supervision_level = _version_field("supervision_level", "监管层级", ChoiceWidget(SupervisionLevel))
    procedure = _version_field("procedure", "监管流程", TextWidget())
    standard = _version_field("standard", "监管标准", TextWidget())
    responsible_unit = _version_field("responsible_unit", "责任单位", TextWidget())
    responsible_person = _version_field("responsible_person", "责任人", TextWidget())
    is_random = _version_field("is_random", "随机抽查事项", BooleanWidget())
    is_key = _version_field("is_key", "重点监管", BooleanWidget())
    default_ratio = _version_field("default_ratio", "默认抽查比例", DecimalWidget(places=4, percent=True))
    frequency = _version_field("frequency", "抽查频次", ChoiceWidget(Frequency))

    VERSION_FIELDS = (
        "effective_from",
        "object_type",
        "method",
        "legal_basis",
        "supervision_level",
        "procedure",
        "standard",
        "responsible_unit",
        "responsible_person",
        "is_random",
        "is_key",
        "default_ratio",
        "frequency",
    )

    class Meta:
        model = SupervisionItem
        import_id_fields = ["catalogue_code"]
        fields = (
            "catalogue_code",
            "name",
            "parent",
            "department",
            "effective_from",
            "object_type",
            "method",
            "legal_basis",
            "supervision_level",
            "procedure",
            "standard",
            "responsible_unit",
            "responsible_person",
            "is_random",
            "is_key",
            "default_ratio",
            "frequency",
        )
        import_order = export_order = fields

    def refusal(self):
        if not self.unrestricted and department_of(self.user) is None:
            return _("您的账号未关联监管部门，不能导入监管事项")
        return None

    def after_init_instance(self, instance, new, row, **kwargs):
        # So the preview's diff compares the file with the version in force.
        if not new:
            current = (
                services.item_version_on(instance, timezone.localdate())
                or instance.versions.order_by("-effective_from").first()
            )
            for name in self.VERSION_FIELDS:
                setattr(instance, f"{VERSION_PREFIX}{name}", getattr(current, name, None))

    def check_row(self, instance, row, errors, original_department_id=None):
        code = instance.catalogue_code
        if not re.fullmatch(r"\d{14}", code or ""):
            _add(
                errors,
                "catalogue_code",
                _("事项编码“%(code)s”应为14位数字（国家“互联网+监管”事项目录编码）") % {"code": code},
            )
        self.check_department(instance, errors, original_department_id, _("事项编码“%(code)s”") % {"code": code})
        parent = instance.parent if instance.parent_id else None
        if parent is not None and "parent" not in errors:
            if parent.catalogue_code == code:
                _add(errors, "parent", _("主项不能是事项本身"))
            elif parent.parent_id is not None:
                _add(errors, "parent", _("主项“%(code)s”本身是子项，不能作为主项") % {"code": parent.catalogue_code})
        instance._version_plan = self._version_plan(instance, row, errors)

    def _version_plan(self, instance, row, errors) -> dict | None:
        """The version to add for this row, or None (no version columns, or unchanged)."""
        given = {
            name: getattr(instance, f"{VERSION_PREFIX}{name}", None)
            for name in self.VERSION_FIELDS
            if self.fields[name].column_name in row
        }
        effective_from = given.pop("effective_from", None)
        content = {name: value for name, value in given.items() if value not in (None, "")}
        ratio = content.get("default_ratio")
        if ratio is not None and not 0 < ratio <= 1 and f"{VERSION_PREFIX}default_ratio" not in errors:
            _add(errors, f"{VERSION_PREFIX}default_ratio", _("默认抽查比例应大于0且不超过1（可写作 3%% 或 0.03）"))
        if effective_from is None:
            if content and f"{VERSION_PREFIX}effective_from" not in errors:
                _add(
                    errors,
                    f"{VERSION_PREFIX}effective_from",
                    _("填写了设定依据、监管方式等版本内容时，必须填写生效日期"),
                )
            return None
        candidate = SupervisionItemVersion(effective_from=effective_from, version=1, **content)
        skip = ["item", "version", *(key.removeprefix(VERSION_PREFIX) for key in errors)]
        try:
            candidate.full_clean(exclude=skip, validate_unique=False)
        except ValidationError as exc:
            for name, error_list in exc.error_dict.items():
                key = NON_FIELD_ERRORS if name == NON_FIELD_ERRORS else f"{VERSION_PREFIX}{name}"
                errors.setdefault(key, []).extend(error_list)
            return None
        if instance.pk:
            same_day = instance.versions.filter(effective_from=effective_from).first()
            if same_day is not None:
                if all(getattr(same_day, name) == value for name, value in content.items()):
                    return None
                _add(
                    errors,
                    f"{VERSION_PREFIX}effective_from",
                    _("已有自 %(day)s 起生效的 v%(version)s，内容与本行不同；已生效的版本不能修改，请填写新的生效日期")
                    % {"day": effective_from.isoformat(), "version": same_day.version},
                )
                return None
        return {"effective_from": effective_from, **content}

    def save_with_service(self, instance, is_create, values):
        if not is_create:
            values.pop("catalogue_code", None)
        item = services.item_save(actor=self.actor, item=instance, **values)
        plan = getattr(instance, "_version_plan", None)
        if plan:
            services.item_version_create(actor=self.actor, item=item, **plan)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("department", "parent").prefetch_related("versions")

    def export_field(self, field, instance, **kwargs):
        if field.attribute and field.attribute.startswith(VERSION_PREFIX):
            version = self._export_version(instance)
            value = getattr(version, field.attribute.removeprefix(VERSION_PREFIX)) if version else None
            return field.widget.render(value, **kwargs)
        return super().export_field(field, instance, **kwargs)

    @staticmethod
    def _export_version(item):
        """The version in force today, else the latest; from the prefetched versions."""
        if not hasattr(item, "_export_version"):
            today = timezone.localdate()
            versions = sorted(item.versions.all(), key=lambda v: v.effective_from, reverse=True)
            in_force = [
                v for v in versions if v.effective_from <= today and (v.effective_to is None or v.effective_to >= today)
            ]
            item._export_version = (in_force or versions or [None])[0]
        return item._export_version


# --- files ----------------------------------------------------------------------------------------


def read_dataset(path_or_bytes, fmt: str):
    """A tablib Dataset from a CSV (UTF-8, with or without BOM, or GB18030 as Excel saves it in
    Chinese Windows) or XLSX file, given as a path or as bytes."""
    fmt = fmt.lower().lstrip(".")
    data = Path(path_or_bytes).read_bytes() if isinstance(path_or_bytes, str | Path) else bytes(path_or_bytes)
    if fmt == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
        return base_formats.CSV().create_dataset(text)
    if fmt == "xlsx":
        return base_formats.XLSX().create_dataset(data)
    raise ImportFileError(_("不支持的文件格式“%(fmt)s”，请使用 CSV 或 XLSX") % {"fmt": fmt})


def result_report(result) -> list[str]:
    """Chinese lines, one per error: “第N行：…” (N = spreadsheet row, see ``sheet_row``)."""
    if result.base_errors:
        return [_("文件：%(error)s") % {"error": error.error} for error in result.base_errors]
    lines = []
    for invalid in result.invalid_rows:
        for column, messages in invalid.error_dict.items():
            for message in messages:
                text = message if column == NON_FIELD_ERRORS or message.startswith(column) else f"{column}：{message}"
                lines.append(
                    (invalid.number, _("第%(row)s行：%(text)s") % {"row": sheet_row(invalid.number), "text": text})
                )
    for error_row in result.error_rows:
        for error in error_row.errors:
            lines.append(
                (
                    error_row.number,
                    _("第%(row)s行：保存失败：%(error)s") % {"row": sheet_row(error_row.number), "error": error.error},
                )
            )
    return [line for _number, line in sorted(lines, key=lambda pair: pair[0])]


def import_file(resource_class, path_or_bytes, fmt: str, user) -> tuple[bool, list[str]]:
    """Dry-run the file, then import it only when every row is good. All-or-nothing.

    Returns ``(ok, report)``: on failure, one “第N行：…” line per error, N being the
    spreadsheet row (the header is row 1, so the first data row is 第2行), and nothing saved;
    on success, one summary line. ``user`` is the importing official, or None for a system
    import (audited as ``task:import``, not scoped to a department).
    """
    try:
        dataset = read_dataset(path_or_bytes, fmt)
    except ImportFileError as exc:
        return False, [str(exc)]
    except Exception as exc:  # a damaged or mislabelled file: report it, don't crash
        return False, [_("文件无法读取：%(error)s") % {"error": exc}]
    if not len(dataset):
        return False, [_("文件中没有数据行")]
    for dry_run in (True, False):
        result = resource_class(user=user).import_data(dataset, dry_run=dry_run, user=user)
        if result.has_errors() or result.has_validation_errors():
            return False, result_report(result)
    totals = result.totals
    return True, [
        _("导入完成：新增 %(new)s 条，更新 %(update)s 条。") % {"new": totals["new"], "update": totals["update"]}
    ]
