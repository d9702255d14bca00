from django.db import models
from django.utils.translation import gettext_lazy as _

# 行政处罚法 第42条: at least two law-enforcement officers with certificates handle a case.
MIN_HANDLERS = 2
# DOMAIN §3: complaints that count toward the grade; issue 6: ≥3 verified in 30 days warns.
COMPLAINT_SPIKE_COUNT = 3
COMPLAINT_SPIKE_DAYS = 30


class ComplaintChannel(models.TextChoices):
    WEB = "web", _("网站")
    API = "api", _("接口")
    HOTLINE_12345 = "12345", _("12345热线")
    HOTLINE_12315 = "12315", _("12315平台")
    WINDOW = "window", _("窗口（来信来访）")


class ComplaintKind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("已登记")
    HANDLING = "handling", _("办理中")
    CLOSED = "closed", _("已办结")


class ComplaintVerdict(models.TextChoices):
    VERIFIED = "verified", _("属实")
    PARTLY = "partly", _("部分属实")
    UNFOUNDED = "unfounded", _("不属实")
    CONVERTED = "converted", _("已转立案查处")
    OUT_OF_SCOPE = "out_of_scope", _("不属于本部门职责（已告知）")


class CaseSource(models.TextChoices):
    COMPLAINT = "complaint", _("投诉举报")
    INSPECTION = "inspection", _("监督检查发现")
    MONITORING = "monitoring", _("监测发现")
    TRANSFER_IN = "transfer_in", _("其他机关移送")
    WARNING = "warning", _("风险预警")  # issue 17 §5: 立案 from a warning's page, the warning linked
    OTHER = "other", _("其他")


class CaseStage(models.TextChoices):
    """DOMAIN §5, in order."""

    FILED = "filed", _("立案")
    INVESTIGATION = "investigation", _("调查取证")
    REVIEW = "review", _("案件审核")
    LEGAL_REVIEW = "legal_review", _("法制审核")
    NOTICE = "notice", _("告知（陈述申辩/听证）")
    DECISION = "decision", _("决定")
    SERVICE = "service", _("送达")
    EXECUTION = "execution", _("执行")
    CLOSED = "closed", _("结案")


STAGE_ORDER = [s.value for s in CaseStage]


class CaseOutcome(models.TextChoices):
    PENALTY = "penalty", _("作出行政处罚决定")
    NO_PENALTY = "no_penalty", _("不予行政处罚")
    FIRST_VIOLATION = "first_violation", _("首违不罚（观察期内）")
    JUDICIAL_TRANSFER = "judicial_transfer", _("移送司法机关")
    TRANSFER_OUT = "transfer_out", _("移送其他行政机关")
    WITHDRAWN = "withdrawn", _("撤销立案")


class Circumstance(models.TextChoices):
    LIGHTER = "lighter", _("从轻")
    GENERAL = "general", _("一般")
    HEAVIER = "heavier", _("从重")


class Procedure(models.TextChoices):
    GENERAL = "general", _("普通程序")
    SIMPLIFIED = "simplified", _("简易程序")


class DecisionState(models.TextChoices):
    EFFECTIVE = "effective", _("有效")
    REVOKED = "revoked", _("已撤销")
    CHANGED = "changed", _("已变更")


class DisclosureState(models.TextChoices):
    PENDING = "pending", _("待公示")
    PUBLISHED = "published", _("已公示")
    NOT_PUBLIC = "not_public", _("依规不予公示")
    WITHDRAWN = "withdrawn", _("已撤回")
    ENDED = "ended", _("已停止公示（信用修复）")
    EARLY_STOPPED = "early_stopped", _("已提前停止公示")


class DisclosureRuleKind(models.TextChoices):
    """Which clock a department's penalty disclosure follows (DOMAIN §3, issue 12 §1)."""

    SAMR_ORDER_45 = "samr_order_45", _("市场监管总局令第45号（3个月/3年，限制期更长的从其期限）")
    NDRC_WINDOW = "ndrc_window", _("与信用记录公示期限一致（发展改革委《信用修复管理办法》）")
    FIXED = "fixed_months", _("固定期限（自公示之日起）")


class EarlyStopState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交，待决定")
    APPROVED = "approved", _("准予提前停止公示")
    REFUSED = "refused", _("不予提前停止公示")


class ReviewResult(models.TextChoices):
    PASSED = "passed", _("审核通过")
    RETURNED = "returned", _("退回补正")
