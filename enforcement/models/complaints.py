"""Complaints and reports (投诉举报), their attachments and the per-channel handling deadline."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.query_codes import QueryCodeFields
from credit.models import entity_key
from enforcement.choices import ComplaintChannel, ComplaintKind, ComplaintState, ComplaintVerdict
from supervision.choices import DeadlineKind
from supervision.models import Department, StatutoryDeadline


class ChannelDeadlineManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=DeadlineKind.COMPLAINT).exclude(variant="")


class ChannelDeadline(StatutoryDeadline):
    """A complaint channel's handling deadline: a statutory deadline of kind COMPLAINT whose variant is
    the channel (issue 12 §2 folded the old per-channel table into ``StatutoryDeadline``); kept as a
    proxy so the enforcement admin and its permissions keep a per-channel page."""

    objects = ChannelDeadlineManager()

    class Meta:
        proxy = True
        verbose_name = _("投诉举报办理时限")
        verbose_name_plural = _("投诉举报办理时限")
        ordering = ["variant", "-effective_from"]

    @property
    def channel(self) -> str:
        return self.variant

    def get_channel_display(self) -> str:
        return str(dict(ComplaintChannel.choices).get(self.variant, self.variant))

    def __str__(self):
        return f"{self.get_channel_display()} {self.working_days}个工作日（{self.effective_from} 起）"


class Complaint(QueryCodeFields):
    """A complaint or report (投诉举报) from the public, 12345 or 12315; the reporter stays confidential."""

    tracking_no = models.CharField(_("受理编号"), max_length=32, unique=True)
    kind = models.CharField(_("类别"), max_length=16, choices=ComplaintKind.choices, default=ComplaintKind.COMPLAINT)
    channel = models.CharField(_("渠道"), max_length=16, choices=ComplaintChannel.choices, default=ComplaintChannel.WEB)
    external_no = models.CharField(
        _("来源工单号"), max_length=64, blank=True, help_text=_("12345/12315 平台的工单编号")
    )
    entity_name = models.CharField(_("被投诉举报对象名称"), max_length=200)
    entity = entity_key("complaints", _("被投诉举报对象统一社会信用代码"))
    content = models.TextField(_("投诉举报内容"))
    # Confidential (DOMAIN §5): never published, never shown outside the handling department.
    reporter_name = models.CharField(_("投诉举报人（保密）"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话（保密）"), max_length=32, blank=True)
    contact_email = models.CharField(_("电子邮箱（保密）"), max_length=100, blank=True)
    whistleblower = models.BooleanField(_("内部举报人（吹哨人）"), default=False)
    filed_at = models.DateTimeField(_("登记时间"))
    department = models.ForeignKey(
        Department, verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="complaints"
    )
    working_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"))
    due_on = models.DateField(_("办理期限"))
    due_provisional = models.BooleanField(
        _("期限暂定"), default=False, help_text=_("节假日数据未覆盖，按法定节假日推算，调休待录入")
    )
    state = models.CharField(_("状态"), max_length=16, choices=ComplaintState.choices, default=ComplaintState.RECEIVED)
    verdict = models.CharField(_("核查结论"), max_length=16, choices=ComplaintVerdict.choices, blank=True)
    outcome = models.TextField(_("办理结果（向投诉举报人公开）"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    credit_record = models.ForeignKey(
        "credit.CreditRecord",
        verbose_name=_("形成的信用记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 12345/12315 work orders pushed through the API (issue 15 §6): the hotline system that filed the order
    # gets every status change back (一号响应); (client, external_no) is the idempotency key of a resend.
    api_client = models.ForeignKey(
        "core.ApiClient",
        verbose_name=_("报送工单的接口客户端"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Issue 12 §6 (DOMAIN §5): only these officials and the 部门负责人 see the complainant.
    handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("承办人员"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["department", "state", "due_on"], name="complaint_dept_state_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=ComplaintState.CLOSED, closed_at__isnull=False)
                | (~Q(state=ComplaintState.CLOSED) & Q(closed_at__isnull=True)),
                name="complaint_closed_has_time",
            ),
            # One complaint per hotline work order and client: a resend finds it, never files it twice.
            models.UniqueConstraint(
                fields=["api_client", "external_no"],
                condition=Q(api_client__isnull=False),
                name="complaint_client_order_unique",
            ),
            models.CheckConstraint(
                condition=Q(api_client__isnull=True) | ~Q(external_no=""), name="complaint_client_order_has_no"
            ),
        ]

    def __str__(self):
        return f"{self.tracking_no} {self.entity_name}"


class ComplaintAttachment(models.Model):
    """A file attached to a complaint (evidence from the reporter); confidential like the reporter."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("投诉举报"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("附件"), upload_to="complaints/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))

    class Meta:
        verbose_name = _("投诉举报附件")
        verbose_name_plural = _("投诉举报附件")

    def __str__(self):
        return self.original_name
