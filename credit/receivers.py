"""A roster entity that appears is graded at once: records pushed for its USCC earlier now count.
Connected by ``CreditConfig.ready``."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from credit.annual_report_rules import exit_on_late_filing
from credit.regrade import enqueue_evaluation
from supervision.models import MarketEntity
from supervision.signals import annual_report_filed


@receiver(post_save, sender=MarketEntity, dispatch_uid="credit.grade_new_entity")
def grade_new_entity(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        enqueue_evaluation([instance.uscc])


# A late annual report filed while listed for not filing it applies to leave 经营异常名录 (issue 14 §3).
annual_report_filed.connect(exit_on_late_filing, dispatch_uid="credit.exit_on_late_filing")
