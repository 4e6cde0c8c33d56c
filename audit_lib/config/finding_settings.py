"""The thresholds the findings use: documented defaults, set for the group and per landlord.

``inputs/landlords.yaml`` may give the group's settings under ``group: findings:``, and a
landlord's ``landlord.yaml`` its own under ``findings:``; a landlord's setting wins over the
group's, which wins over the default here. Each is checked strictly (a percentage is a number
from 0 to 100, a count a whole number), so a slip in the YAML cannot silently change a finding.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# Numbers written as numbers: ``true``, ``"95"`` and ``.inf`` are refused, not converted (strict
# floats still take whole numbers: ``95`` is 95.0).
Percent = Annotated[float, Field(strict=True, ge=0, le=100, allow_inf_nan=False)]
Count = Annotated[int, Field(strict=True, ge=1)]
NonNegative = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]
#: Text on one provision only is never boilerplate: at least two.
Repeats = Annotated[int, Field(strict=True, ge=2)]


class FindingSettings(BaseModel):
    """Thresholds of the findings rules (all optional in a file; the defaults are documented)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: "Yes" while an on-time rate (6.2, 6.3, 6.11, 6.14) is below this is contradicted; below 100%
    #: but at or above it, a caution.
    on_time_threshold_pct: Percent = 90.0
    #: Stage 1 complaints per 1,000 homes below this is a caution on 3.3 (low volumes).
    low_volume_per_1000: NonNegative = 10.0
    #: The same evidence or commentary text on at least this many provisions is boilerplate.
    boilerplate_provisions: Repeats = 4
    #: Evidence of at most this many words with no document reference says too little.
    vague_evidence_words: Count = 4


def merged_settings(group: FindingSettings | None, landlord: FindingSettings | None) -> FindingSettings:
    """The settings in force for a landlord: its own where set, else the group's, else the defaults."""
    values: dict[str, object] = {}
    for layer in (group, landlord):
        if layer is not None:
            values |= {name: getattr(layer, name) for name in layer.model_fields_set}
    return FindingSettings.model_validate(values)
