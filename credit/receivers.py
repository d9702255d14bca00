"""A roster entity that appears is graded at once: records pushed for its USCC earlier now count.
Connected by ``CreditConfig.ready``."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from credit.regrade import enqueue_evaluation
from supervision.models import MarketEntity


@receiver(post_save, sender=MarketEntity, dispatch_uid="credit.grade_new_entity")
def grade_new_entity(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        enqueue_evaluation([instance.uscc])
