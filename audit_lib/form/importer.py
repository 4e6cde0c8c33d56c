"""Import a self-assessment file into a landlord's answers for a period.

:func:`read_form` reads the file by its kind (Word, Excel, CSV, HTML, text);
:func:`plan_import` matches it to the period's Code (:mod:`.match`) and compares it with the
answers already recorded, without writing anything: what it would fill, where the file and the
answers differ, what it could not read. :func:`apply_import` then writes the plan through the
answer store (:meth:`~audit_lib.assessment.store.AnswerStore.import_answers`): only provisions
with no answer, unless the user names those to replace, each field recorded in the history with
the file's name and SHA-256. ``chc-audit import`` is this, in three steps.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..assessment.answers import Answer, Assessment
from ..assessment.imported import field_value, file_differs, has_content
from ..assessment.store import AnswerStore, Imported
from ..code.catalogue import Catalogue
from ..core.io import sha256_of
from ..errors import FormError
from .match import MatchedForm, match_form
from .rows import ReadForm, Unread
from .source import MAX_BYTES

#: File suffix -> the kind of file, and the reader's module and function.
_READERS: dict[str, tuple[str, str]] = {
    ".docx": ("word", "read_docx"),
    ".xlsx": ("spreadsheet", "read_xlsx"),
    ".xlsm": ("spreadsheet", "read_xlsx"),
    ".csv": ("spreadsheet", "read_csv"),
    ".html": ("page", "read_html"),
    ".htm": ("page", "read_html"),
    ".txt": ("page", "read_text"),
    ".text": ("page", "read_text"),
}


def _reader(suffix: str, path: Path) -> Callable[[Path], ReadForm]:
    if suffix not in _READERS:
        raise FormError(
            f"expected a Word (.docx), Excel (.xlsx), CSV (.csv), web page (.html) or text (.txt) file; found a "
            f"{suffix or 'file without an extension'}: save it in one of those forms (for a PDF, copy its text "
            "into a .txt file; for a .doc or .xls, save it from Word or Excel as .docx or .xlsx)", path=path)
    module_name, function = _READERS[suffix]
    from importlib import import_module

    module = import_module(f"{__package__}.{module_name}")
    reader: Callable[[Path], ReadForm] = getattr(module, function)
    return reader


def read_form(path: Path | str) -> ReadForm:
    """``path`` read as the Ombudsman's form by its kind (:class:`FormError` for a symbolic link, a
    missing or oversized file, an unknown kind, or a file its reader cannot read)."""
    path = Path(path)
    if os.path.islink(path):
        raise FormError("expected an ordinary file, found a symbolic link; import the file itself", path=path)
    if path.is_dir():
        raise FormError("expected a self-assessment file to import; found a folder: give the file's path", path=path)
    if not path.is_file():
        raise FormError("expected a self-assessment file to import; found no such file: check the path",
                        path=path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise FormError(f"expected a self-assessment file of at most {MAX_BYTES // 2**20} MB; found "
                        f"{size / 2**20:.0f} MB: is this the right file?", path=path)
    return _reader(path.suffix.lower(), path)(path)


@dataclass(frozen=True)
class Difference:
    """A provision the file and the recorded answers both answer, differently: the fields that
    differ, and the answer recorded when the plan was made (what a replace replaces)."""

    provision: str
    number: str
    fields: list[str]
    recorded: Answer


@dataclass
class ImportPlan:
    """What importing a file would do, before anything is written."""

    path: Path
    sha256: str
    kind: str
    matched: MatchedForm
    #: Provision id -> the file's answer, for provisions with no answer recorded (what is filled).
    fill: dict[str, Answer] = field(default_factory=dict)
    #: Provisions with an answer recorded that the file answers differently (left as they are
    #: unless replaced).
    differ: list[Difference] = field(default_factory=list)
    #: Provisions whose recorded answer is the file's already.
    same: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.matched.code

    @property
    def answers(self) -> dict[str, Answer]:
        return self.matched.answers

    @property
    def unread(self) -> list[Unread]:
        return self.matched.unread

    @property
    def matched_count(self) -> int:
        return len(self.matched.held)

    @property
    def source(self) -> dict[str, str]:
        """The file as the history names it."""
        return {"file": self.path.name, "sha256": self.sha256}

    def to_write(self, replace: Iterable[str] = ()) -> dict[str, Answer]:
        """The answers an import writes: those it fills, and the differing ones in ``replace``."""
        wanted = set(replace)
        return {**self.fill, **{d.provision: self.answers[d.provision] for d in self.differ
                                if d.provision in wanted and d.provision in self.answers}}

    def to_json(self) -> dict[str, Any]:
        """The plan as JSON (``chc-audit import --json``)."""
        return {
            "file": self.path.name,
            "sha256": self.sha256,
            "kind": self.kind,
            "code": self.code,
            "version_fit": {code: round(score, 3) for code, score in (self.matched.fit.scores.items()
                                                                       if self.matched.fit else ())},
            "provisions_held": len(self.matched.held),
            "answers": {pid: {f: field_value(a, f) for f in ("status", "value", "evidence", "commentary", "actions")}
                        for pid, a in self.answers.items()},
            "fill": sorted(self.fill, key=_order),
            "differ": [{"provision": d.provision, "fields": d.fields} for d in self.differ],
            "same": self.same,
            "wording_differs": [{"provision": p, "where": w} for p, w in self.matched.wording_differs],
            "not_understood": [{"where": u.where, "reason": u.reason, "text": u.text} for u in self.unread],
        }


def _order(provision_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in provision_id.split(":")[1].split("."))


def plan_import(path: Path | str, catalogue: Catalogue, existing: Assessment | None = None, *,
                form: ReadForm | None = None, version_given: bool = False) -> ImportPlan:
    """What importing ``path`` into an assessment under ``catalogue`` (with ``existing`` answers,
    if any) would do. Raises :class:`FormError` when the file cannot be read, changes while it is
    read, or is another version's form (``version_given``: the user named ``catalogue``'s version,
    which lets a file that prints no wording be imported; see :func:`.match.check_version`)."""
    path = Path(path)
    sha256 = sha256_of(path) or ""
    form = form if form is not None else read_form(path)
    if (sha256_of(path) or "") != sha256:
        raise FormError("expected the file to stay as it is while it was read; found it changed meanwhile (is it "
                        "still being saved?): import it again once it is saved", path=path)
    matched = match_form(form, catalogue, version_given=version_given)
    plan = ImportPlan(path=path, sha256=sha256, kind=form.kind, matched=matched)
    recorded = existing.answers if existing is not None else {}
    for provision, answer in sorted(matched.answers.items(), key=lambda item: _order(item[0])):
        before = recorded.get(provision)
        if before is None or not has_content(before):
            plan.fill[provision] = answer
            continue
        fields = file_differs(before, answer)
        if fields:
            plan.differ.append(Difference(provision, catalogue.provision(provision).number, fields, before))
        else:
            plan.same.append(provision)
    return plan


def plan_lines(plan: ImportPlan, recorded: int) -> list[str]:
    """The plan in words, as ``chc-audit import`` prints it (``recorded``: how many answers the
    period holds already)."""
    fit = plan.matched.fit
    fits = ", ".join(f"{code} {score:.0%}" for code, score in fit.scores.items()) if fit and fit.rows else ""
    lines = [
        f"{plan.path.name} ({plan.kind}, SHA-256 {plan.sha256[:12]}…): read as the {plan.code} Code's form"
        + (f" (its wording matches: {fits})" if fits else ""),
        f"Provisions the file holds: {plan.matched_count}; with an answer: {len(plan.answers)}.",
        f"To fill (no answer recorded yet): {len(plan.fill)}"
        + (f" — {', '.join(_number(p) for p in plan.fill)}" if plan.fill else ""),
    ]
    if recorded:
        lines.append(f"Answers recorded already: {recorded}; the same in the file: {len(plan.same)}.")
    if plan.differ:
        lines.append(f"Different in the file and in the answers ({len(plan.differ)}; kept as recorded unless "
                     "replaced with --replace):")
        lines.extend(f"  {d.number}: {', '.join(d.fields)}" for d in plan.differ)
    if plan.matched.wording_differs:
        lines.append("Matched by number although the wording is not the Code's (check these rows):")
        lines.extend(f"  {_number(p)} at {where}" for p, where in plan.matched.wording_differs)
    if plan.unread:
        lines.append(f"Not understood ({len(plan.unread)}; not imported — enter them by hand if they matter):")
        lines.extend(f"  {u.where}: {u.reason}" + (f": {u.text!r}" if u.text else "") for u in plan.unread)
    return lines


def _number(provision_id: str) -> str:
    return provision_id.split(":", 1)[1]


def apply_import(store: AnswerStore, plan: ImportPlan, replace: Iterable[str] = ()) -> Imported:
    """Write ``plan`` through ``store``: the answers it fills and those in ``replace`` (ids of its
    differences), each only if nobody has answered or changed it since the plan was made (those
    are listed in the result's ``kept``)."""
    wanted = set(replace)
    seen = {d.provision: d.recorded for d in plan.differ if d.provision in wanted}
    return store.import_answers(plan.to_write(wanted), source=plan.source, replace=seen)


__all__ = ["MAX_BYTES", "Difference", "ImportPlan", "apply_import", "plan_import", "plan_lines", "read_form"]
