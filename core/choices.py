from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorType(models.TextChoices):
    USER = "user", _("工作人员")
    API_CLIENT = "api_client", _("接口客户端")
    TASK = "task", _("定时任务")
    SYSTEM = "system", _("系统")
    PUBLIC = "public", _("社会公众")


class HashScheme(models.TextChoices):
    """How an audit event's hash is computed (core.audit)."""

    SHA256 = "sha256", _("SHA-256（旧事件，无密钥）")
    HMAC_SHA256 = "hmac-sha256", _("HMAC-SHA256（AUDIT_KEY 密钥）")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("休息日（节假日）")
    WORKDAY = "workday", _("工作日（调休上班）")


class Scope(models.TextChoices):
    CREDIT_READ = "credit:read", _("信用查询")
    RECORDS_WRITE = "records:write", _("信用记录推送")
    INSPECTIONS_READ = "inspections:read", _("抽查结果查询")
    ENFORCEMENT_READ = "enforcement:read", _("执法公示查询")
    # 12345/12315 hotline systems push work orders (issue 15 §6).
    COMPLAINTS_WRITE = "complaints:write", _("投诉举报工单推送")


class Role(models.TextChoices):
    """Official roles, created as Django groups by a migration."""

    PLATFORM_ADMIN = "平台管理员", _("平台管理员")
    DEPARTMENT_OFFICIAL = "部门监管人员", _("部门监管人员")
    ENFORCEMENT_OFFICER = "执法人员", _("执法人员")
    LEGAL_REVIEWER = "法制审核人员", _("法制审核人员")
    CREDIT_MANAGER = "信用管理人员", _("信用管理人员")
    AUDITOR = "监督人员", _("监督人员")  # issue 11 §4: every plan's draws read-only, with the v2 seed share
    # Issue 12 §6: moves any case of the department and sees complainants (DOMAIN §5).
    DEPARTMENT_HEAD = "部门负责人", _("部门负责人")
