"""The shared machinery of the roster import (``RosterResource``: services, Chinese columns, all-or-nothing,
scoped by user) and the file side (``read_dataset``, ``result_report``, ``import_file``)."""

import functools
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from import_export import resources
from import_export.formats import base_formats

from core.file_import import ImportFileError, fold
from core.scoping import department_of, is_platform_admin
from supervision.import_cells import is_blank
from supervision.models import Department

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
