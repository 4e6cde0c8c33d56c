"""Answers imported from a file (:mod:`audit_lib.form.importer`) put into an assessment.

An import never overwrites: it fills provisions that have no answer (nothing recorded: no
status, value, evidence, commentary or action) and leaves the others as they are, unless the
user saw them and asked to replace them (and nobody has changed them since). A replace takes
the fields the file gives; a field the file leaves blank (a form with no commentary column)
keeps what is recorded. Each field written is a history entry like an edit's (provision,
field, old, new) that also names the file imported and its SHA-256, so the history says where
every imported word came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import SignOffError
from .answers import Answer, Assessment

#: The fields an import writes, in the order their history entries are written.
IMPORTED_FIELDS = ("status", "value", "evidence", "commentary", "actions")


def has_content(answer: Answer | None) -> bool:
    """Whether ``answer`` records anything an import could overwrite."""
    return answer is not None and bool(
        answer.status is not None or answer.value or answer.evidence or answer.commentary.strip() or answer.actions
    )


def field_value(answer: Answer | None, field: str) -> Any:
    """``field`` of ``answer`` as plain data (as the history records it)."""
    if answer is None:
        return [] if field in ("evidence", "actions") else ("" if field == "commentary" else None)
    value = getattr(answer, field)
    if isinstance(value, list):
        return [item.model_dump(mode="json") for item in value]
    return value.value if hasattr(value, "value") else value


def given_fields(answer: Answer) -> list[str]:
    """The fields a file's answer gives (those it leaves blank are not its say)."""
    return [field for field in IMPORTED_FIELDS if field_value(answer, field) not in (None, "", [])]


def differing_fields(mine: Answer | None, theirs: Answer | None, fields: tuple[str, ...] | list[str] = IMPORTED_FIELDS,
                     ) -> list[str]:
    """The ``fields`` in which two answers differ (by default, every field an import writes)."""
    return [field for field in fields if field_value(mine, field) != field_value(theirs, field)]


def file_differs(recorded: Answer, imported: Answer) -> list[str]:
    """The fields the file gives that are not what is recorded: what a replace would change."""
    return differing_fields(recorded, imported, given_fields(imported))


def imported_answers(current: Assessment, answers: Mapping[str, Answer], user: str, *, source: Mapping[str, str],
                     replace: Mapping[str, Answer] | None = None, path: Path | None = None,
                     ) -> tuple[Assessment, list[dict[str, Any]], list[str]]:
    """A copy of ``current`` with ``answers`` put in where it has none, a history entry per field
    written (each naming ``source``: the file's name and SHA-256), and the provisions of
    ``answers`` left as they are.

    Where ``current`` has an answer, it is replaced only when ``replace`` holds the answer the
    user saw and agreed to replace, and ``current``'s is still that one: an answer someone
    changed after the user looked (or gave where there was none) is kept, and listed. Responses
    to findings already given are kept. An approved assessment is read-only:
    :class:`SignOffError`, naming ``path``.
    """
    if current.signoff.approved is not None:
        raise SignOffError("the assessment is approved and read-only; reopen it (with a reason) to import answers",
                           path=path)
    seen = replace or {}
    result = current.model_copy(deep=True)
    now = dt.datetime.now().replace(microsecond=0)
    entries: list[dict[str, Any]] = []
    kept: list[str] = []
    for provision, answer in answers.items():
        before = result.answers.get(provision)
        if has_content(before) and (provision not in seen or differing_fields(before, seen[provision])):
            kept.append(provision)
            continue
        if before is not None and has_content(before):  # replacing: the fields the file gives, the rest kept
            changed = file_differs(before, answer)
            new = before.model_copy(update={field: getattr(answer, field) for field in changed})
        else:
            changed = differing_fields(before, answer)
            new = answer.model_copy(update={"responses": list(before.responses) if before is not None else []})
        if not changed:
            continue
        new = new.model_copy(update={"confirmed": True, "updated_by": user, "updated_at": now})
        result.answers[provision] = new
        entries.extend({"provision": provision, "field": field, "old": field_value(before, field),
                        "new": field_value(new, field), "imported": dict(source)} for field in changed)
    return result, entries, kept


__all__ = ["IMPORTED_FIELDS", "differing_fields", "field_value", "file_differs", "given_fields", "has_content",
           "imported_answers"]
