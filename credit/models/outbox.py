"""The re-grade outbox row (issue 11): its queue and drain live in ``credit.regrade``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegradeMark(models.Model):
    """An entity whose grade must be recomputed (a transactional outbox row, one per change)."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True, db_collation="C")
    marked_at = models.DateTimeField(_("标记时间"))

    class Meta:
        app_label = "credit"
        verbose_name = _("待重新评价主体")
        verbose_name_plural = _("待重新评价主体")

    def __str__(self):
        return f"{self.uscc}（{self.marked_at:%Y-%m-%d %H:%M}标记）"
