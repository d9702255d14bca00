"""监管事项清单: the supervision item list and its versions (``SupervisionItemResource``)."""

import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.fields import Field

from core.scoping import department_of
from supervision import services
from supervision.choices import Frequency, InspectionMethod, ObjectType, SupervisionLevel
from supervision.import_cells import (
    BooleanWidget,
    ChoiceWidget,
    CodeWidget,
    DateWidget,
    DecimalWidget,
    DepartmentWidget,
    ParentItemWidget,
    TextWidget,
)
from supervision.models import SupervisionItem, SupervisionItemVersion
from supervision.resources.base import VERSION_PREFIX, RosterResource, _add

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
