"""How far an assessment has got: answered provisions and counts by status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..code.catalogue import Provision
from .answers import Assessment, Status


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int
    by_status: dict[str, int]  # "Yes", "Partial", "No", "N/A" in that order


def progress(assessment: Assessment, provisions: Iterable[Provision]) -> Progress:
    """Progress over ``provisions`` (a section's, or the whole catalogue's)."""
    counts = {s.value: 0 for s in Status}
    total = 0
    for provision in provisions:
        total += 1
        status = assessment.answer(provision.id).status
        if status is not None:
            counts[status.value] += 1
    return Progress(answered=sum(counts.values()), total=total, by_status=counts)
