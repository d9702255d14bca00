from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县（区）级")


class EntityType(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL = "individual", _("个体工商户")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    SOCIAL_ORG = "social_org", _("社会组织")
    PUBLIC_INSTITUTION = "public_institution", _("机关事业单位")
    OTHER = "other", _("其他")


class EntityStatus(models.TextChoices):
    ACTIVE = "active", _("存续（在营）")
    SUSPENDED = "suspended", _("停业")
    REVOKED = "revoked", _("吊销")
    CANCELLED = "cancelled", _("注销")
    MOVED_OUT = "moved_out", _("迁出")


class SupervisionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


class InspectionMethod(models.TextChoices):
    ON_SITE = "on_site", _("现场检查")
    DOCUMENTARY = "documentary", _("书面检查")
    ONLINE = "online", _("网络监测")
    SAMPLING = "sampling", _("抽样检测")
    OTHER = "other", _("其他")


class ObjectType(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL = "individual", _("个体工商户")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    SOCIAL_ORG = "social_org", _("社会组织")
    PRODUCT = "product", _("产品")
    SITE = "site", _("场所")
    ALL = "all", _("各类市场主体")


class Frequency(models.TextChoices):
    YEARLY = "yearly", _("每年一次")
    HALF_YEARLY = "half_yearly", _("每半年一次")
    QUARTERLY = "quarterly", _("每季度一次")
    AS_NEEDED = "as_needed", _("根据需要")


class DeadlineKind(models.TextChoices):
    """The kinds of statutory deadline (DOMAIN §2–§5; issue 12 §2). Each rule is a StatutoryDeadline row."""

    PENALTY_DISCLOSURE = "penalty_disclosure", _("行政处罚决定公示")
    PENALTY_WITHDRAWAL = "penalty_withdrawal", _("撤销、变更决定的公示撤回")
    INSPECTION_RESULT = "inspection_result", _("抽查检查结果公示")
    OTHER_ACT = "other_act", _("其他行政行为信息公示")
    ABNORMAL_LISTING = "abnormal_listing", _("列入经营异常名录")
    ABNORMAL_REMOVAL = "abnormal_removal", _("移出经营异常名录")
    OBJECTION_ACCEPT = "objection_accept", _("异议受理")
    OBJECTION_DECIDE = "objection_decide", _("异议处理决定")
    COMPLAINT = "complaint", _("投诉举报办理")
    CORRECTION_ORDER = "correction_order", _("责令改正期限")
    PARTY_ANSWER = "party_answer", _("行政处罚告知后陈述、申辩和要求听证期限")
