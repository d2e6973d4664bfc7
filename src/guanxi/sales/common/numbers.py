"""Document numbers: HT-2026-000001 (contracts), BJ- (quotes), DD- (orders), CK- (stock-out).

The counter row is locked for the rest of the caller's transaction, so numbers are unique
and gap-free per year even under concurrent signing."""

from django.db import transaction
from django.utils import timezone

from guanxi.sales.models import DocumentSequence

CONTRACT = "HT"
QUOTE = "BJ"
ORDER = "DD"
STOCK_OUT = "CK"


def next_number(prefix: str, *, on=None) -> str:
    year = (on or timezone.localdate()).year
    key = f"{prefix}-{year}"
    with transaction.atomic():
        DocumentSequence.objects.get_or_create(key=key)
        sequence = DocumentSequence.objects.select_for_update().get(key=key)
        sequence.last += 1
        sequence.save(update_fields=["last"])
    return f"{key}-{sequence.last:06d}"
