"""Signals the bank sends, so that other apps can follow its data without the bank knowing them."""

from django.dispatch import Signal

#: Sent by :func:`kasvu.bank.loader.load` after its transaction has committed, with
#: ``indicator_ids`` (sorted list of the indicators the batch carried) and ``summary`` (the LoadSummary).
observations_changed = Signal()
