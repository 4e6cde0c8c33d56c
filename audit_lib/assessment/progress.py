"""How far an assessment has got: answered provisions, counts by status, and how many answers
carried forward from last year are not yet confirmed."""

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
    unconfirmed: int = 0  # answers carried forward and not yet confirmed or changed


def progress(assessment: Assessment, provisions: Iterable[Provision]) -> Progress:
    """Progress over ``provisions`` (a section's, or the whole catalogue's)."""
    counts = {s.value: 0 for s in Status}
    total = unconfirmed = 0
    for provision in provisions:
        total += 1
        answer = assessment.answers.get(provision.id)
        if answer is None:
            continue
        if answer.status is not None:
            counts[answer.status.value] += 1
        if not answer.confirmed:
            unconfirmed += 1
    return Progress(answered=sum(counts.values()), total=total, by_status=counts, unconfirmed=unconfirmed)
