from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordCategory(models.TextChoices):
    """DOMAIN §3: the categories of a credit record."""

    LICENCE = "administrative_licence", _("行政许可")
    PENALTY = "administrative_penalty", _("行政处罚")
    INSPECTION = "inspection_result", _("抽查检查结果")
    ABNORMAL = "business_abnormal", _("经营异常")
    SERIOUS = "serious_dishonesty", _("严重违法失信")
    COMMITMENT = "commitment", _("信用承诺")
    AWARD = "award", _("表彰奖励")
    JUDICIAL = "judicial", _("司法判决")
    TAX_ARREARS = "tax_arrears", _("欠税欠费")
    COMPLAINT = "complaint", _("投诉举报")
    # Other administrative acts (issue 12 §2; 二七区 seed 004 §15): neutral or positive, never a severity.
    ENFORCEMENT = "administrative_enforcement", _("行政强制")
    CONFIRMATION = "administrative_confirmation", _("行政确认")
    LEVY = "administrative_levy", _("行政征收")
    PAYMENT = "administrative_payment", _("行政给付")
    RULING = "administrative_ruling", _("行政裁决")
    COMPENSATION = "administrative_compensation", _("行政补偿")
    REWARD = "administrative_reward", _("行政奖励")


# 其他行政行为: published within DeadlineKind.OTHER_ACT, on /acts/ and in the entity page's own section.
OTHER_ACT_CATEGORIES = (
    RecordCategory.ENFORCEMENT,
    RecordCategory.CONFIRMATION,
    RecordCategory.LEVY,
    RecordCategory.PAYMENT,
    RecordCategory.RULING,
    RecordCategory.COMPENSATION,
    RecordCategory.REWARD,
)
# /acts/ lists these and 行政许可, the other half of 双公示 besides penalties (which have /penalties/).
PUBLIC_ACT_CATEGORIES = (RecordCategory.LICENCE, *OTHER_ACT_CATEGORIES)


class Polarity(models.TextChoices):
    POSITIVE = "positive", _("正面")
    NEGATIVE = "negative", _("负面")
    NEUTRAL = "neutral", _("中性")


class Severity(models.TextChoices):
    MINOR = "minor", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("严重")


class RecordState(models.TextChoices):
    ACTIVE = "active", _("公示中")
    EXPIRED = "expired", _("公示期满")
    REPAIRED = "repaired", _("已信用修复")
    REVOKED = "revoked", _("已撤销")


class Grade(models.TextChoices):
    """API.md fixed codes; labels and colours live in the evaluation model (data)."""

    GOOD = "GOOD", _("良好")
    WARNING = "WARNING", _("警示")
    DISHONEST = "DISHONEST", _("失信")
    SERIOUSLY_DISHONEST = "SERIOUSLY_DISHONEST", _("严重失信")


# Worst first: the order in which the grade rules of DOMAIN §3 are applied.
GRADE_ORDER = [Grade.SERIOUSLY_DISHONEST, Grade.DISHONEST, Grade.WARNING, Grade.GOOD]
GRADE_RANK = {g.value: i for i, g in enumerate(reversed(GRADE_ORDER))}  # GOOD 0 … SERIOUSLY_DISHONEST 3


class Colour(models.TextChoices):
    GREEN = "green", _("绿色")
    YELLOW = "yellow", _("黄色")
    RED = "red", _("红色")
    BLACK = "black", _("黑色")


class RiskClass(models.TextChoices):
    """SAMR 国市监信发〔2022〕6号. Internal only: never on a public page or public export."""

    A = "A", _("A类（低风险）")
    B = "B", _("B类（一般风险）")
    C = "C", _("C类（较高风险）")
    D = "D", _("D类（高风险）")


class IndustryRiskLevel(models.TextChoices):
    HIGH = "high", _("高风险行业")
    MEDIUM = "medium", _("一般风险行业")
    LOW = "low", _("低风险行业")


class ListType(models.TextChoices):
    ABNORMAL = "abnormal", _("经营异常名录")
    SERIOUS = "serious", _("严重违法失信名单")
    KEY_ATTENTION = "key_attention", _("重点关注对象名单")
    RED = "red", _("守信激励对象名单")


NEGATIVE_LISTS = (ListType.ABNORMAL, ListType.SERIOUS, ListType.KEY_ATTENTION)


class ListGround(models.TextChoices):
    # 经营异常名录: the four grounds (企业经营异常名录管理暂行办法 第4条)
    NO_ANNUAL_REPORT = "no_annual_report", _("未按规定期限（6月30日前）报送年度报告")
    INFO_NOT_PUBLISHED = "info_not_published", _("未在责令期限内公示有关企业信息")
    FALSE_INFO = "false_info", _("公示企业信息隐瞒真实情况、弄虚作假")
    UNREACHABLE = "unreachable", _("通过登记的住所或者经营场所无法联系")
    # 严重违法失信名单: a serious violation with a heavier penalty (市场监督管理严重违法失信名单管理办法)
    HEAVY_FINE = "heavy_fine", _("严重违法且处以较重罚款（按裁量基准从重）")
    LICENCE_REVOKED = "licence_revoked", _("严重违法且被吊销许可证件")
    BUSINESS_RESTRICTED = "business_restricted", _("严重违法且被限制开展生产经营活动、责令停产停业或关闭")
    ABNORMAL_3_YEARS = "abnormal_3_years", _("列入经营异常名录届满3年仍未履行相关义务")
    # 重点关注对象名单
    DISHONEST_BELOW_SERIOUS = "dishonest_below_serious", _("存在失信行为但未达到严重失信认定标准")
    # 守信激励对象名单
    TRUSTWORTHY = "trustworthy", _("信用状况良好，符合守信激励条件")


LIST_GROUNDS = {
    ListType.ABNORMAL: [
        ListGround.NO_ANNUAL_REPORT,
        ListGround.INFO_NOT_PUBLISHED,
        ListGround.FALSE_INFO,
        ListGround.UNREACHABLE,
    ],
    ListType.SERIOUS: [
        ListGround.HEAVY_FINE,
        ListGround.LICENCE_REVOKED,
        ListGround.BUSINESS_RESTRICTED,
        ListGround.ABNORMAL_3_YEARS,
    ],
    ListType.KEY_ATTENTION: [ListGround.DISHONEST_BELOW_SERIOUS],
    ListType.RED: [ListGround.TRUSTWORTHY],
}


class RemovalReason(models.TextChoices):
    DUTY_FULFILLED = "duty_fulfilled", _("已履行相关义务（补报、公示、更正或可联系）")
    EARLY_REMOVAL = "early_removal", _("列入满1年且已履行义务，提前移出")
    PERIOD_ENDED = "period_ended", _("列入期限届满")
    DECISION_REVOKED = "decision_revoked", _("列入决定被撤销或确有错误")
    MOVED_TO_SERIOUS = "moved_to_serious", _("转列严重违法失信名单")
    BASIS_WITHDRAWN = "basis_withdrawn", _("所依据的信用记录已修复或撤销")


class MeasureKind(models.TextChoices):
    PUNISH = "punish", _("惩戒")
    REWARD = "reward", _("激励")


class WarningState(models.TextChoices):
    OPEN = "open", _("待处理")
    HANDLED = "handled", _("已处理")


class WarningDisposition(models.TextChoices):
    """How a warning was disposed of (issue 17 §5): closing a warning needs one, with a note."""

    CASE_OPENED = "case_opened", _("已立案")
    ADDED_TO_INSPECTION = "added_to_inspection", _("纳入抽查")
    INTERVIEWED = "interviewed", _("已约谈或提醒")
    TRANSFERRED = "transferred", _("转交其他部门")
    NO_ISSUE = "no_issue", _("核实无问题")
    # Warnings closed before dispositions existed; the migration marks them, no service sets it.
    UNRECORDED = "unrecorded", _("未记录处置方式（此前关闭）")


# What a button that records each disposition says (the labels above say what was done).
DISPOSITION_ACTIONS = {
    WarningDisposition.CASE_OPENED: _("立案"),
    WarningDisposition.ADDED_TO_INSPECTION: _("纳入抽查"),
    WarningDisposition.INTERVIEWED: _("已约谈或提醒"),
    WarningDisposition.TRANSFERRED: _("转交其他部门"),
    WarningDisposition.NO_ISSUE: _("核实无问题"),
}


class ProposalState(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认列入")
    DISMISSED = "dismissed", _("不予列入")


class RunState(models.TextChoices):
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")
    # Issue 11 §2: not finished within its time limit, or its worker died; set by the next run.
    INTERRUPTED = "interrupted", _("已中断")


class PenaltyType(models.TextChoices):
    """行政处罚法 第9条: the kinds of administrative penalty."""

    WARNING = "warning", _("警告")
    CRITICISM = "public_criticism", _("通报批评")
    FINE = "fine", _("罚款")
    CONFISCATE_INCOME = "confiscate_income", _("没收违法所得")
    CONFISCATE_PROPERTY = "confiscate_property", _("没收非法财物")
    SUSPEND_LICENCE = "suspend_licence", _("暂扣许可证件")
    DOWNGRADE_QUALIFICATION = "downgrade_qualification", _("降低资质等级")
    REVOKE_LICENCE = "revoke_licence", _("吊销许可证件")
    RESTRICT_BUSINESS = "restrict_business", _("限制开展生产经营活动")
    SUSPEND_BUSINESS = "suspend_business", _("责令停产停业")
    CLOSE = "close", _("责令关闭")
    RESTRICT_PRACTICE = "restrict_practice", _("限制从业")
    OTHER = "other", _("其他")


# DOMAIN §3 (《信用修复管理办法》): penalties of 责令停产停业, 吊销, 限制从业, 降低资质 "and similar" never stop early.
NON_REPAIRABLE_PENALTIES = frozenset(
    {
        PenaltyType.SUSPEND_BUSINESS,
        PenaltyType.REVOKE_LICENCE,
        PenaltyType.RESTRICT_PRACTICE,
        PenaltyType.DOWNGRADE_QUALIFICATION,
        PenaltyType.CLOSE,
        PenaltyType.RESTRICT_BUSINESS,
    }
)


class CommitmentType(models.TextChoices):
    APPROVAL_SUBSTITUTE = "approval_substitute", _("审批替代型")
    VOLUNTARY = "voluntary", _("主动型")
    REPAIR = "repair", _("信用修复型")
    SELF_DISCIPLINE = "self_discipline", _("行业自律型")


class CommitmentState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("履约中")
    FULFILLED = "fulfilled", _("已履约")
    BROKEN = "broken", _("违诺")


class RepairState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已修复")
    REJECTED = "rejected", _("不予修复")


class ObjectionState(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("已受理，处理中")
    REFUSED = "refused", _("不予受理")
    DECIDED = "decided", _("已办结")


OPEN_OBJECTION_STATES = (ObjectionState.SUBMITTED, ObjectionState.ACCEPTED)


class ObjectionOutcome(models.TextChoices):
    UPHELD = "upheld", _("维持")
    CORRECTED = "corrected", _("更正")
    REVOKED = "revoked", _("撤销")


class ExitState(models.TextChoices):
    """A list exit application (移出名单申请, credit.services.list_exits)."""

    SUBMITTED = "submitted", _("待决定")
    APPROVED = "approved", _("已准予移出")
    REFUSED = "refused", _("不予移出")


class RemovalProposalState(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已移出")
    DISMISSED = "dismissed", _("不予移出")
