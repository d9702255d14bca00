"""Signals supervision sends, so that apps above it act on its changes without supervision importing them."""

from django.dispatch import Signal

# Sent inside ``annual_report_file``'s transaction with the filed ``report`` and the ``actor``, so credit
# can raise the 经营异常名录 exit application of a late filing (issue 14 §3) without supervision importing it.
annual_report_filed = Signal()
