"""History panels: who changed what, when, old → new, for one provision or for the sign-off.

The history is the store's append-only file (:mod:`audit_lib.assessment.history`); a panel
reads it when opened and again after every change while it is open, so it also shows what
other editors saved. Each entry is told in plain words (:func:`describe_entry`): a status
``Partial → No``, a commentary's old and new text, the evidence items, actions and responses
to findings added, removed or changed, a field imported from a file (named, with its SHA-256),
a carry forward (across Code versions: how many answers went through the crosswalk, how many
provisions are new, which answers were not carried), a carried-forward answer confirmed, a
sign-off and whom it replaced, a reopening and its reason.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import ipywidgets as w

from ..assessment.answers import SIGNERS
from ..assessment.merge import describe_item, item_details, item_key, item_name, quote_text
from ..assessment.store import FIELD_LABELS, AnswerStore
from . import look
from .feedback import error_html, guarded

#: Characters of a text shown in a history line before it is cut short.
SHOWN_CHARS = 160
#: Entries a panel shows at most, newest first.
SHOWN_ENTRIES = 200
Entry = Mapping[str, Any]


def _quote(text: Any) -> str:
    return quote_text(text, SHOWN_CHARS)


def _date(value: Any) -> str:
    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def _when(value: Any) -> str:
    try:
        return dt.datetime.fromisoformat(str(value)).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return str(value or "")


def _status(value: Any) -> str:
    return "not assessed" if value in (None, "") else str(value)


def _as_items(value: Any) -> list[dict[str, Any]]:
    return [dict(v) for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _list_change(old: Any, new: Any) -> str:
    """Evidence or actions: the items added, removed and changed, in words (as multisets: one of
    two identical items removed is told)."""
    before, after = _as_items(old), _as_items(new)
    unmatched = Counter(item_key(i) for i in after)
    removed = []
    for item in before:
        if unmatched[item_key(item)]:
            unmatched[item_key(item)] -= 1
        else:
            removed.append(item)
    unmatched = Counter(item_key(i) for i in before)
    added = []
    for item in after:
        if unmatched[item_key(item)]:
            unmatched[item_key(item)] -= 1
        else:
            added.append(item)
    parts = []
    for item in list(removed):
        name = item_name(item)
        same = [a for a in added if item_name(a) == name]
        if len(same) == 1 and sum(item_name(r) == name for r in removed) == 1:
            was, now = ", ".join(item_details(item)) or "no details", ", ".join(item_details(same[0])) or "no details"
            parts.append(f"changed {_quote(name)}: {was} → {now}")
            removed.remove(item)
            added.remove(same[0])
    parts = [*(f"added {describe_item(i, SHOWN_CHARS)}" for i in added),
             *(f"removed {describe_item(i, SHOWN_CHARS)}" for i in removed), *parts]
    return "; ".join(parts) if parts else "reordered"


def _signer(value: Any) -> str:
    if not isinstance(value, Mapping):
        return "nobody"
    name = str(value.get("name") or "someone")
    role = f", {value['role']}" if value.get("role") else ""
    date = f" on {_date(value['date'])}" if value.get("date") else ""
    return f"{name}{role}{date}"


def _blank(value: Any) -> bool:
    return value in (None, "", [])


def imported_from(source: Any) -> str:
    """`` — imported from published.txt (SHA-256 1a2b3c4d…)``: where an imported field came from."""
    source = source if isinstance(source, Mapping) else {}
    name = str(source.get("file") or "a file")
    digest = str(source.get("sha256") or "")
    return f" — imported from {name}" + (f" (SHA-256 {digest[:8]}…)" if digest else "")


def describe_entry(entry: Entry) -> str:
    """One history entry in plain words (without its time and user); a field written by an import
    says so, and names the file and its SHA-256."""
    if "field" in entry and "provision" in entry and "imported" in entry:
        field, old, new = str(entry["field"]), entry.get("old"), entry.get("new")
        if _blank(old) and field in ("status", "value", "commentary"):
            shown = _status(new) if field == "status" else _quote(new)
            text = f"{FIELD_LABELS[field]} set to {shown}"
        else:
            text = describe_entry({k: v for k, v in entry.items() if k != "imported"})
        return text + imported_from(entry["imported"])
    if "field" in entry and "provision" in entry:
        field, old, new = str(entry["field"]), entry.get("old"), entry.get("new")
        if field == "status":
            return f"Comply: {_status(old)} → {_status(new)}"
        if field in ("commentary", "value"):
            return f"{FIELD_LABELS[field]}: {_quote(old)} → {_quote(new)}"
        if field in ("evidence", "actions", "responses"):
            return f"{FIELD_LABELS[field]}: {_list_change(old, new)}"
        if field == "confirmed":
            return "Confirmed the carried-forward answer" if new else "Marked as not yet confirmed"
        return f"{field}: {old} → {new}"
    if "carried_from" in entry:
        return describe_carry(entry)
    if "signoff" in entry:
        role = SIGNERS.get(str(entry["signoff"]), str(entry["signoff"]))
        replaced = f" (replacing {_signer(entry['old'])})" if entry.get("old") else ""
        return f"Signed as {role}: {_signer(entry.get('new'))}{replaced}"
    if "reopened" in entry:
        old = entry.get("old")
        # {"reviewed": signature or None, "approved": ...}; entries written before reopening withdrew
        # the review too hold the withdrawn approval alone
        signatures = old if isinstance(old, Mapping) and set(old) <= {"reviewed", "approved"} else {"approved": old}
        withdrawn = [f"the {'review' if role == 'reviewed' else 'approval'} by {_signer(signature)}"
                     for role, signature in signatures.items() if isinstance(signature, Mapping)]
        return f"Reopened: {_quote(entry['reopened'])}" + (f" ({' and '.join(withdrawn)} withdrawn)" if withdrawn else "")
    rest = {k: v for k, v in entry.items() if k not in ("at", "user", "revision")}
    return "; ".join(f"{k}: {v}" for k, v in rest.items()) or "Changed"


def _count(number: Any, one: str, many: str) -> str:
    """``58 answers`` (or ``1 answer``): a count from the history in words."""
    count = number if isinstance(number, int) else len(number) if isinstance(number, (list, Mapping)) else 0
    return f"{count} {one if count == 1 else many}"


def describe_carry(entry: Entry) -> str:
    """A carry forward in words: from which period; across Code versions, how many answers went
    through the crosswalk, how many provisions are new and start blank, and which answers were not
    carried (their requirement removed)."""
    period = entry["carried_from"]
    older, newer = entry.get("from_code"), entry.get("to_code")
    answers = entry.get("answers", 0)
    if not older or not newer:  # within one version of the Code
        return f"Started from {period}'s answers ({answers} answers, each unconfirmed until confirmed or changed)"
    parts = [f"Started from {period}'s answers under the {older} Code: {_count(answers, 'answer', 'answers')} "
             f"carried through the crosswalk to the {newer} Code, each unconfirmed"]
    new = entry.get("new_provisions")
    if new:
        parts.append(f"{_count(new, f'provision new in {newer} starts', f'provisions new in {newer} start')} blank")
    dropped = entry.get("not_carried")
    if isinstance(dropped, Mapping) and dropped:
        reasons = {str(reason) for reason in dropped.values()}
        why = "requirement removed" if reasons == {"removed"} else ", ".join(sorted(reasons))
        names = ", ".join(str(provision).replace(":", " ", 1) for provision in dropped)
        parts.append(f"{_count(dropped, 'answer', 'answers')} not carried ({why}): {names}")
    left = entry.get("open_actions_not_carried")
    if isinstance(left, Mapping) and left:
        names = ", ".join(f"{str(provision).replace(':', ' ', 1)} ({n})" for provision, n in left.items())
        parts.append(f"open actions left with them, to close or move by hand: {names}")
    return "; ".join(parts)


def for_provision(provision_id: str) -> Callable[[Entry], bool]:
    """Entries about one provision's answer, and the carry forward that started it."""
    return lambda e: e.get("provision") == provision_id or "carried_from" in e


def for_assessment(entry: Entry) -> bool:
    """Entries about the whole assessment: sign-offs, reopenings, carry forward."""
    return "provision" not in entry


def history_html(entries: Sequence[Entry], describe: Callable[[Entry], str] = describe_entry) -> str:
    """A table of entries, newest first: when, who, what changed (each told by ``describe``)."""
    if not entries:
        return '<div class="chc-history muted">No changes recorded yet.</div>'
    shown = list(reversed(entries))[:SHOWN_ENTRIES]
    rows = "".join(
        f"<tr><td style='white-space:nowrap'>{html.escape(_when(e.get('at')))}</td>"
        f"<td>{html.escape(str(e.get('user') or ''))}</td><td>{html.escape(describe(e))}</td></tr>"
        for e in shown
    )
    more = (f"<div>and {len(entries) - len(shown)} earlier changes (the history file holds them all)</div>"
            if len(entries) > len(shown) else "")
    return (f'<div class="chc-history"><table style="font-size:12px"><thead><tr><th>When</th><th>Who</th>'
            f"<th>What changed (old → new)</th></tr></thead><tbody>{rows}</tbody></table>{more}</div>")


class _Store(Protocol):
    def history(self) -> list[dict[str, Any]]: ...


class HistoryPanel:
    """A collapsed panel listing the changes ``select`` picks from the store's history, newest
    first, each told by ``describe`` (the answers' entries by default; the annual records' panel
    passes its own)."""

    def __init__(self, store: AnswerStore | _Store, title: str, select: Callable[[Entry], bool], name: str,
                 describe: Callable[[Entry], str] = describe_entry) -> None:
        self.store = store
        self.select = select
        self.describe = describe
        self.body = w.HTML(**look.of(w.HTML))
        self.widget = w.Accordion(children=[self.body], **look.of(w.Accordion))
        self.widget.set_title(0, title)
        self.widget.selected_index = None
        self.widget.add_class("chc-history-panel")
        self.widget.add_class(f"chc-history-{name}")
        self.widget.observe(guarded(lambda change: self.refresh() if change["new"] == 0 else None, self._show_error),
                            names="selected_index")

    def _show_error(self, exc: BaseException) -> None:
        self.body.value = error_html(exc, "The history cannot be shown")

    @property
    def is_open(self) -> bool:
        return self.widget.selected_index == 0

    def refresh(self) -> None:
        """Read the history again and show it (only while the panel is open)."""
        if not self.is_open:
            return
        try:
            entries = [e for e in self.store.history() if self.select(e)]
        except Exception as exc:  # an unreadable history is said here, never only in the kernel's log
            self.body.value = error_html(exc, "The history cannot be shown")
            return
        self.body.value = history_html(entries, self.describe)
