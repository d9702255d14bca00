"""The 一单两库 rosters: 检查对象名录库 (``MarketEntityResource``) and 执法检查人员名录库 (``InspectorResource``)."""

import warnings

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.fields import Field

from core import uscc
from core.scoping import department_of, scope_to_department
from supervision import services
from supervision.choices import EntityStatus, EntityType
from supervision.import_cells import (
    BooleanWidget,
    ChoiceWidget,
    CodeWidget,
    DateWidget,
    DecimalWidget,
    DepartmentWidget,
    ListWidget,
    TextWidget,
    UsccWidget,
    industry_code_problem,
    region_code_problem,
)
from supervision.models import Inspector, MarketEntity
from supervision.resources.base import CONFIDENTIAL_ENTITY_FIELDS, RosterResource, _add
from supervision.selectors import PUBLIC_ENTITY_FIELDS

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
    # Issue 18 §1.4: the registration facts the 国家企业信用信息公示系统 shows, and the registered English name.
    name_en = Field(attribute="name_en", column_name="英文名称", widget=TextWidget())
    operating_from = Field(attribute="operating_from", column_name="营业期限自", widget=DateWidget())
    operating_to = Field(attribute="operating_to", column_name="营业期限至", widget=DateWidget())
    business_scope = Field(attribute="business_scope", column_name="经营范围", widget=TextWidget())

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
            "name_en",
            "operating_from",
            "operating_to",
            "business_scope",
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
        if (
            instance.operating_from
            and instance.operating_to
            and instance.operating_to < instance.operating_from
            and "operating_to" not in errors
        ):
            _add(errors, "operating_to", _("营业期限至不能早于营业期限自"))
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
