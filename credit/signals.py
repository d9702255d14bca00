"""Signals credit sends, so that apps above it act on credit's changes without credit importing them.
The receivers of credit's own (a new roster entity is graded) are ``credit.receivers``."""

from django.dispatch import Signal

# Sent inside the transaction when a record is repaired or revoked (``record``, ``state``, ``reason``,
# ``actor``), so an app that publishes the same fact elsewhere (enforcement's penalty summaries)
# stops at the same moment, without credit importing it.
record_state_changed = Signal()

# Sent inside credit_records_push's transaction with the pushing ``department`` and the ``source_refs``
# created or updated, so an app that shows the same facts elsewhere (enforcement's penalty summaries
# of pushed 行政处罚 records) writes them in the same transaction, without credit importing it.
records_pushed = Signal()
