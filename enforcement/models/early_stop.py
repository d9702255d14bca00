"""Applications to stop a penalty's disclosure early (提前停止公示) and their evidence."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from credit.models import PublicFiling, entity_key
from enforcement.choices import EarlyStopState
from enforcement.models.disclosure import PenaltyDisclosure
from supervision.models import Department


class EarlyStopApplication(PublicFiling):
    """A party's application to stop a penalty's disclosure early (提前停止公示, 市场监管总局令第45号),
    decided by the department that made the decision."""

    disclosure = models.ForeignKey(
        PenaltyDisclosure, verbose_name=_("处罚公示"), on_delete=models.PROTECT, related_name="early_stop_applications"
    )
    entity = entity_key("early_stop_applications")
    department = models.ForeignKey(
        Department,
        verbose_name=_("作出处罚决定的部门"),
        on_delete=models.PROTECT,
        related_name="early_stop_applications",
    )
    reason = models.TextField(_("申请理由（履行处罚决定、消除危害后果和不良影响的情况）"))
    performed = models.BooleanField(_("声明：已经自觉履行行政处罚决定中规定的义务"), default=False)
    harm_removed = models.BooleanField(_("声明：已经主动消除危害后果和不良影响"), default=False)
    state = models.CharField(_("状态"), max_length=16, choices=EarlyStopState.choices, default=EarlyStopState.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)

    class Meta:
        verbose_name = _("提前停止公示申请")
        verbose_name_plural = _("提前停止公示申请")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure"], condition=Q(state="submitted"), name="early_stop_one_open_per_disclosure"
            ),
            models.CheckConstraint(
                condition=Q(state="submitted") | Q(decided_at__isnull=False), name="early_stop_decided_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(decision_reason=""), name="early_stop_refusal_has_reason"
            ),
        ]

    def __str__(self):
        return f"提前停止公示申请 {self.tracking_no}"


class EarlyStopEvidence(models.Model):
    """One evidence file of an early-stop application (缴款凭证、整改报告 …); seen by the deciding department only."""

    application = models.ForeignKey(
        EarlyStopApplication, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("证明材料"), upload_to="early_stop/%Y/%m/")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("提前停止公示证明材料")
        verbose_name_plural = _("提前停止公示证明材料")

    def __str__(self):
        return self.file.name
