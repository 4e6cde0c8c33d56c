"""The answers file: an :class:`~.answers.Assessment` read from and written to plain YAML.

Reading checks the file against the Code it answers (landlord, period, Code version, known
provisions) and names the file and the problem when it is damaged; a missing file is an empty
assessment. Writing is atomic (:func:`audit_lib.core.io.atomic_write_text`): a crash or a killed
kernel leaves the old file or the new one, never half of one. Answers are written in provision
order with their statuses quoted (see :mod:`.answers` for the format).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..code.catalogue import Catalogue
from ..core.io import SafeDumper, atomic_write_text, describe_validation_error, load_yaml
from ..errors import AnswerStoreError
from .answers import Assessment, empty_assessment


def load_assessment(path: Path, catalogue: Catalogue, landlord: str, period: str) -> Assessment:
    """Load an answer file; a missing file is an empty assessment, a damaged one an error."""
    if not Path(path).exists():
        return empty_assessment(landlord, period, catalogue.code)
    raw = load_yaml(Path(path), AnswerStoreError)
    if raw is None:
        raise AnswerStoreError("the file is empty; expected a YAML mapping with 'answers'", path=path)
    try:
        assessment = Assessment.model_validate(raw)
    except ValidationError as exc:
        raise AnswerStoreError(describe_validation_error(exc), path=path) from None
    if (assessment.landlord, assessment.period, assessment.code) != (landlord, period, catalogue.code):
        raise AnswerStoreError(
            f"the file is for landlord {assessment.landlord!r}, period {assessment.period!r}, Code "
            f"{assessment.code!r}; expected {landlord!r}, {period!r}, {catalogue.code!r}",
            path=path,
        )
    unknown = sorted(set(assessment.answers) - set(catalogue.ids))
    if unknown:
        raise AnswerStoreError(
            f"answers for provisions not in the {catalogue.code} Code: {unknown}; expected ids such "
            f"as '{catalogue.code}:6.2' from 1.2 to 9.8",
            path=path,
        )
    return assessment


def dump_assessment(assessment: Assessment) -> str:
    """The YAML text of an assessment, answers in provision order, statuses quoted."""
    head = assessment.model_dump(mode="json", exclude={"answers"})
    text = yaml.dump(head, Dumper=SafeDumper, sort_keys=False, allow_unicode=True, width=100)
    if not assessment.answers:
        return text + "answers: {}\n"
    parts = [text, "answers:\n"]
    for provision in sorted(assessment.answers, key=_provision_key):
        parts.append(_answer_yaml(provision, assessment.answers[provision].model_dump_json()))
    return "".join(parts)


@lru_cache(maxsize=4096)
def _answer_yaml(provision: str, answer_json: str) -> str:
    """One answer's YAML, indented under ``answers:``; cached, so a save re-dumps only what changed."""
    block = yaml.dump({provision: json.loads(answer_json)}, Dumper=SafeDumper, sort_keys=False,
                      allow_unicode=True, width=100)
    return "".join("  " + line + "\n" for line in block.splitlines())


def _provision_key(provision_id: str) -> tuple[int, ...]:
    number = provision_id.split(":", 1)[-1]
    return tuple(int(p) for p in number.split(".") if p.isdigit())


def save_assessment(path: Path, assessment: Assessment) -> None:
    """Write the answer file atomically (a temporary file in the same folder, fsynced, renamed over)."""
    atomic_write_text(Path(path), dump_assessment(assessment))
