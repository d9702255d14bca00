from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审批")
    DRAWN = "drawn", _("已摇号")
    IN_PROGRESS = "in_progress", _("实施中")
    COMPLETED = "completed", _("已完成")


# Plans the public may see: approved or later (DOMAIN §4: the plan is published).
PUBLIC_PLAN_STATES = (PlanState.APPROVED, PlanState.DRAWN, PlanState.IN_PROGRESS, PlanState.COMPLETED)

# DOMAIN §4 (Henan): default draw ratio per risk class.
DEFAULT_RATIOS = {"A": Decimal("0.01"), "B": Decimal("0.03"), "C": Decimal("0.10"), "D": Decimal("0.30")}
PUBLIC_INFO_FLOOR = Decimal("0.03")  # DOMAIN §4: at least 3% overall for 公示信息抽查
MIN_TEAM_SIZE = 2  # 行政处罚法 第42条: at least two officers


class TaskState(models.TextChoices):
    ASSIGNED = "assigned", _("待检查")
    UNSTAFFED = "unstaffed", _("无法配齐检查人员")
    SUBMITTED = "submitted", _("已录入结果")
    COMPLETED = "completed", _("已完成")


class ResultCategory(models.TextChoices):
    """DOMAIN §4: the result categories (multi-select)."""

    NO_PROBLEM = "no_problem", _("未发现问题")
    PROBLEM_PENDING = "problem_pending", _("发现问题待后续处理")
    PROBLEM_CORRECTED = "problem_corrected", _("发现问题经责令已改正")
    NOT_PUBLISHED = "not_published", _("未按规定公示应当公示的信息")
    FALSE_INFO = "false_info", _("公示信息隐瞒真实情况弄虚作假")
    UNREACHABLE = "unreachable", _("通过登记的住所（经营场所）无法联系")
    OBSTRUCTION = "obstruction", _("不配合检查情节严重")
    NO_ACTIVITY = "no_activity", _("未发现开展本次抽查涉及的经营活动")
    CLOSED = "closed", _("已关闭停业或正在组织清算")
    CANCELLED = "cancelled", _("注销")
    REVOKED = "revoked", _("被吊销")
    WITHDRAWN = "withdrawn", _("被撤销")
    MOVED_OUT = "moved_out", _("迁出")
    OTHER_RULES = "other_rules", _("违反其他部门相关规定")


# How a finding weighs as a credit record (抽查检查结果); the rest are neutral facts.
RESULT_SEVERITY = {
    ResultCategory.FALSE_INFO: "general",
    ResultCategory.UNREACHABLE: "general",
    ResultCategory.OBSTRUCTION: "general",
    ResultCategory.NOT_PUBLISHED: "minor",
    ResultCategory.PROBLEM_PENDING: "minor",
    ResultCategory.PROBLEM_CORRECTED: "minor",
    ResultCategory.OTHER_RULES: "minor",
}


class ResultState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已审核待公示")
    PUBLISHED = "published", _("已公示")


class CorrectionState(models.TextChoices):
    OPEN = "open", _("责令改正中")
    CORRECTED = "corrected", _("已改正")
    OVERDUE = "overdue", _("逾期未改正")


class ResponseState(models.TextChoices):
    """An entity's answer to a correction order (issue 14 §3)."""

    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已接受")
    RETURNED = "returned", _("已退回")


class TargetedCheckState(models.TextChoices):
    """A targeted inspection (专项检查) of one entity (issue 17 §5)."""

    PENDING = "pending", _("待检查")
    DONE = "done", _("已检查")
