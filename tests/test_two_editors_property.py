"""Two editors, each with a provision's form open, changing every field in random interleavings:
every change either lands on disk or is shown to its editor as a conflict, and nothing else on
disk changes (a seeded random walk; the seed and the steps are in any failure's message).

A model of the answer is kept beside the file: a change that lands is applied to the model (an
evidence item or action added, changed or removed, including items repeated and items removed
and added again; a status or commentary set), a conflict leaves it alone, and after every step
the file must hold exactly the model. A conflict only happens where the other editor changed
the same field, or the same item, since the form last showed it. Each editor's form, after it
acts, must show exactly what is stored; at the end both forms act once more and both are checked.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from audit_lib.assessment.answers_file import load_assessment
from audit_lib.assessment.store import AnswerStore
from audit_lib.code.catalogue import load_catalogue
from audit_lib.workbook.widgets import ProvisionForm
from tests.conftest import write

CODE = load_catalogue()
PROVISION = CODE.provision("2024:6.3")
AS_OF = dt.date(2025, 6, 30)
SEEDS = range(24)
STEPS = 14

START = """landlord: l
period: 2024-25
answers:
  "2024:6.3":
    status: "Partial"
    evidence:
      - {description: Board report, reference: BR-1}
      - {description: Complaints register}
    commentary: Nine late responses.
    actions:
      - {text: Remind managers at day 7, owner: CS Manager, due: 2025-07-31, done: false}
      - {text: Report late responses to the Board, owner: CS Manager, due: 2025-10-31, done: false}
    confirmed: false
"""


def _key(item: dict[str, Any]) -> str:
    return json.dumps(item, sort_keys=True)


#: Evidence and actions added more than once (by one editor, or by both): items repeated in a list.
EVIDENCE_POOL = [{"description": "Complaints register", "reference": None},
                 {"description": "Policy", "reference": "POL-1"}]
ACTION_POOL = [{"text": "Chase overdue responses", "owner": None, "due": None, "done": False}]


class Model:
    """What the file must hold: the fields, the lists as multisets of items."""

    def __init__(self, answer: Any) -> None:
        self.status = answer.status.value if answer.status else None
        self.commentary = answer.commentary
        self.confirmed = answer.confirmed
        self.evidence = sorted(_key(e.model_dump(mode="json")) for e in answer.evidence)
        self.actions = sorted(_key(a.model_dump(mode="json")) for a in answer.actions)

    def state(self) -> tuple[Any, ...]:
        return self.status, self.commentary, self.confirmed, sorted(self.evidence), sorted(self.actions)


def _rows_shown(form: ProvisionForm, field: str) -> list[str]:
    rows = form.evidence_rows if field == "evidence" else form.action_rows
    return [_key(r.item) for r in rows if r.item is not None]


@dataclass
class Edit:
    """One edit in a form: what it does, the field it saves, the item it changes, removes or adds
    (``None`` for a status, commentary or confirmation), the item it becomes (``None`` when
    removed), and how the model changes if it lands (given the form's list before the edit and the
    file's); ``land`` is ``None`` for an edit that must save nothing."""

    run: Callable[[], None]
    field: str
    item: dict[str, Any] | None
    land: Callable[[Model, list[str], list[str]], None] | None
    new: dict[str, Any] | None = None


def _expected(seen: list[str], mine: list[str], on_disk: list[str]) -> list[str]:
    """A list change landing over the other editor's: what the form showed, less the items either
    editor removed, plus the items either added (an item both removed, or both added, once)."""
    b, m, t = Counter(seen), Counter(mine), Counter(on_disk)
    return sorted((b - ((b - m) | (b - t)) + ((m - b) | (t - b))).elements())


class Walk:
    def __init__(self, path: Path, seed: int) -> None:
        self.path = path
        self.rng = random.Random(seed)
        self.forms = [ProvisionForm(PROVISION, AnswerStore(path, CODE, "l", "2024-25", user=user), [], as_of=AS_OF)
                      for user in ("alice", "bob")]
        self.model = Model(self._disk())
        self.counter = 0
        self.log: list[str] = []
        # by editor: what the other editor changed since this editor's form last acted (and so last
        # showed the file): the fields, and for evidence and actions the items (as keys)
        self.touched: list[dict[str, set[str]]] = [{}, {}]

    def _disk(self) -> Any:
        return load_assessment(self.path, CODE, "l", "2024-25").answer(PROVISION.id)

    def _unique(self, what: str) -> str:
        self.counter += 1
        return f"{what} {self.counter}"

    def step(self) -> None:
        who = self.rng.randrange(2)
        form = self.forms[who]
        ops = [self._status, self._commentary, self._add_evidence, self._add_action, self._confirm]
        if any(r.item for r in form.evidence_rows):
            ops += [self._edit_evidence, self._remove_evidence, self._readd_evidence]
        if any(r.item for r in form.action_rows):
            ops += [self._edit_action, self._edit_action, self._remove_action, self._readd_action, self._bad_date]
        op = self.rng.choice(ops)
        self.log.append(f"{'alice' if who == 0 else 'bob'}: {op.__name__[1:]}")
        for edit in op(form):
            self._do(who, edit)
        self._check(form)

    def _do(self, who: int, edit: Edit) -> None:
        """One edit: it lands (the model follows), or it is a conflict, only where the other editor
        changed the same field, or the same item, since this form last showed the file."""
        form = self.forms[who]
        before = self.model.state()
        lists = edit.field in ("evidence", "actions")
        seen = [_key(i) for i in form._shown[edit.field]] if lists else []
        on_disk = [_key(i) for i in _plain(self._disk(), edit.field)] if lists else []
        shown = form.conflicts.get(edit.field)
        edit.run()
        conflict = edit.field in form.conflicts and form.conflicts[edit.field] is not shown
        touched = self.touched[who].get(edit.field, set())
        if edit.land is None:  # an edit that must not save anything (an invalid date)
            assert not conflict and self.model.state() == before
        elif not conflict:
            content = self.model.state()[:2] + self.model.state()[3:]
            if lists and edit.item is not None and edit.new is not None and edit.item is not edit.new:  # a change
                gone = Counter(on_disk)[_key(edit.item)] == 0 and Counter(seen)[_key(edit.item)] == 1 \
                    and _key(edit.new) not in on_disk  # (not: both editors made the same change)
                assert not gone, ("a change to an item the other editor removed was saved instead of shown as a "
                                  f"conflict: {edit.item} in {seen}, not in {on_disk}")
            edit.land(self.model, seen, on_disk)
            if content != self.model.state()[:2] + self.model.state()[3:]:
                self.model.confirmed = True  # a saved change confirms a carried-forward answer
                other = self.touched[1 - who]
                for field in ("status", "commentary", "confirmed"):
                    if field == edit.field or field == "confirmed":
                        other.setdefault(field, set()).add("")
                if lists:
                    other.setdefault(edit.field, set()).update(
                        _key(i) for i in (edit.item, edit.new) if i is not None)
        else:
            self.log[-1] += f" (conflict on {edit.field})"
            if lists:
                assert edit.item is not None and _key(edit.item) in touched, \
                    "a conflict on an item the other editor had not changed"
            else:
                assert touched, "a conflict on a field the other editor had not changed"
        if edit.land is not None:
            self.touched[who] = {}  # the form now shows the file
        disk = Model(self._disk())
        assert disk.state() == self.model.state(), "the file does not hold what was saved"

    def _check(self, form: ProvisionForm) -> None:
        """A form, after it acts, shows exactly what is stored (the other editor's changes included)."""
        stored = self._disk()
        assert _rows_shown(form, "evidence") == [_key(e.model_dump(mode="json")) for e in stored.evidence]
        assert _rows_shown(form, "actions") == [_key(a.model_dump(mode="json")) for a in stored.actions]
        rows = [*form.evidence_rows, *form.action_rows]
        assert all(r.item is not None and r.shows(r.item) for r in rows), "a row does not show what is stored"
        assert form.status.value == (stored.status.value if stored.status else "")
        assert form.commentary.value == stored.commentary
        assert (form.confirm.layout.display == "none") == stored.confirmed

    def finish(self) -> None:
        """Each form, however long since it last acted, acts once more (a commentary of its own) and
        must then show what is stored, the other editor's changes included."""
        for who, form in enumerate(self.forms):
            self.log.append(f"{'alice' if who == 0 else 'bob'}: commentary")
            for edit in self._commentary(form):
                self._do(who, edit)
            self._check(form)

    # -- the edits -----------------------------------------------------------------------------
    def _status(self, form: ProvisionForm) -> list[Edit]:
        value = self.rng.choice([s for s in ("Yes", "Partial", "No", "N/A", "") if s != form.status.value])

        def run() -> None:
            form.status.value = value

        def land(m: Model, *_: Any) -> None:
            m.status = value or None
        return [Edit(run, "status", None, land)]

    def _commentary(self, form: ProvisionForm) -> list[Edit]:
        text = self._unique("commentary")

        def run() -> None:
            form.commentary.value = text

        def land(m: Model, *_: Any) -> None:
            m.commentary = text
        return [Edit(run, "commentary", None, land)]

    def _confirm(self, form: ProvisionForm) -> list[Edit]:
        def land(m: Model, *_: Any) -> None:
            m.confirmed = True
        return [Edit(form.confirm.click, "confirmed", None, land)]

    def _add(self, form: ProvisionForm, field: str, item: dict[str, Any]) -> Edit:
        def run() -> None:
            if field == "evidence":
                form.add_evidence.click()
                row = form.evidence_rows[-1]
                row.fields["reference"].value = item["reference"] or ""
                row.fields["description"].value = item["description"]
            else:  # the owner, due date and done typed first: saved with the text
                form.add_action.click()
                row = form.action_rows[-1]
                row.fields["owner"].value = item["owner"] or ""
                row.fields["due"].value = dt.date.fromisoformat(item["due"]).strftime("%d/%m/%Y") if item["due"] else ""
                row.fields["done"].value = item["done"]
                row.fields["text"].value = item["text"]
        return Edit(run, field, item, _add_item(field, item), item)

    def _add_evidence(self, form: ProvisionForm) -> list[Edit]:
        repeated = self.rng.random() < 0.4
        item = self.rng.choice(EVIDENCE_POOL) if repeated else {"description": self._unique("evidence"),
                                                                "reference": None}
        return [self._add(form, "evidence", item)]

    def _add_action(self, form: ProvisionForm) -> list[Edit]:
        repeated = self.rng.random() < 0.4
        item = self.rng.choice(ACTION_POOL) if repeated else {"text": self._unique("action"), "owner": None,
                                                              "due": None, "done": False}
        return [self._add(form, "actions", item)]

    def _edit_evidence(self, form: ProvisionForm) -> list[Edit]:
        row = self.rng.choice([r for r in form.evidence_rows if r.item])
        old = dict(row.item or {})
        new = {**old, "reference": self._unique("ref")}

        def run() -> None:
            row.fields["reference"].value = new["reference"]
        return [Edit(run, "evidence", old, _replace("evidence", old, new), new)]

    def _remove(self, form: ProvisionForm, field: str) -> tuple[Edit, dict[str, Any]]:
        rows = form.evidence_rows if field == "evidence" else form.action_rows
        row = self.rng.choice([r for r in rows if r.item])
        old = dict(row.item or {})
        return Edit(row.remove.click, field, old, _replace(field, old, None)), old

    def _remove_evidence(self, form: ProvisionForm) -> list[Edit]:
        return [self._remove(form, "evidence")[0]]

    def _readd_evidence(self, form: ProvisionForm) -> list[Edit]:
        """An item removed, then added again as it was (it is now last)."""
        remove, old = self._remove(form, "evidence")
        return [remove, self._add(form, "evidence", old)]

    def _edit_action(self, form: ProvisionForm) -> list[Edit]:
        row = self.rng.choice([r for r in form.action_rows if r.item])
        old = dict(row.item or {})
        what = self.rng.choice(["owner", "due", "done", "text"])
        if what == "owner":
            new = {**old, "owner": self._unique("owner")}
            widget, value = "owner", new["owner"]
        elif what == "text":
            new = {**old, "text": self._unique("action")}
            widget, value = "text", new["text"]
        elif what == "done":
            new = {**old, "done": not old["done"]}
            widget, value = "done", new["done"]
        else:
            self.counter += 1
            due = dt.date(2025, 1, 1) + dt.timedelta(days=self.counter)
            new = {**old, "due": due.isoformat()}
            widget, value = "due", due.strftime("%d/%m/%Y") if self.rng.random() < 0.7 else due.isoformat()

        def run() -> None:
            row.fields[widget].value = value
        return [Edit(run, "actions", old, _replace("actions", old, new), new)]

    def _remove_action(self, form: ProvisionForm) -> list[Edit]:
        return [self._remove(form, "actions")[0]]

    def _readd_action(self, form: ProvisionForm) -> list[Edit]:
        remove, old = self._remove(form, "actions")
        return [remove, self._add(form, "actions", old)]

    def _bad_date(self, form: ProvisionForm) -> list[Edit]:
        row = self.rng.choice([r for r in form.action_rows if r.item])

        def run() -> None:
            row.fields["due"].value = self.rng.choice(["31/02/2026", "31/03/0002", "20288-01-15", "next week"])
            assert "Not saved" in row.note.value
            stored = row.item or {}
            due = dt.date.fromisoformat(stored["due"]).strftime("%d/%m/%Y") if stored.get("due") else ""
            row.fields["due"].value = due  # the auditor puts it back
            assert row.note.value == "" or row not in form.action_rows  # (or another editor's change replaced it)
        return [Edit(run, "actions", None, None)]


def _plain(answer: Any, field: str) -> Any:
    value = getattr(answer, field)
    if field in ("evidence", "actions"):
        return [i.model_dump(mode="json") for i in value]
    return value.value if field == "status" and value is not None else value


def _add_item(field: str, item: dict[str, Any]) -> Callable[[Model, list[str], list[str]], None]:
    return _replace(field, None, item)


def _replace(field: str, old: dict[str, Any] | None,
             new: dict[str, Any] | None) -> Callable[[Model, list[str], list[str]], None]:
    """An item added, changed or removed, landing over whatever the other editor saved."""
    def land(m: Model, seen: list[str], on_disk: list[str]) -> None:
        mine = list(seen)
        if old is not None:
            mine.remove(_key(old))
        if new is not None:
            mine.append(_key(new))
        setattr(m, field, _expected(seen, mine, on_disk))
    return land


def test_every_change_by_two_editors_lands_or_is_shown_as_a_conflict(tmp_path):
    conflicts = 0
    for seed in SEEDS:
        path = write(tmp_path / str(seed) / "2024-25.yaml", START)
        walk = Walk(path, seed)
        try:
            for _ in range(STEPS):
                walk.step()
            walk.finish()
        except AssertionError as exc:
            pytest.fail(f"seed {seed}, after: {'; '.join(walk.log)}: {exc}")
        conflicts += sum("(conflict" in line for line in walk.log)
    assert conflicts > 0  # the walks did make the editors collide
