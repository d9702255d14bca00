"""A roster entity that appears is graded at once: records pushed for its USCC earlier now count."""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from supervision.models import MarketEntity


@receiver(post_save, sender=MarketEntity, dispatch_uid="credit.grade_new_entity")
def grade_new_entity(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from credit.services import enqueue_evaluation

        enqueue_evaluation([instance.uscc])


# Sent inside the transaction when a record is repaired or revoked (``record``, ``state``, ``reason``,
# ``actor``), so an app that publishes the same fact elsewhere (enforcement's penalty summaries)
# stops at the same moment, without credit importing it.
record_state_changed = Signal()

# Sent inside credit_records_push's transaction with the pushing ``department`` and the ``source_refs``
# created or updated, so an app that shows the same facts elsewhere (enforcement's penalty summaries
# of pushed 行政处罚 records) writes them in the same transaction, without credit importing it.
records_pushed = Signal()
