"""The answers file: an :class:`~.answers.Assessment` read from and written to plain YAML.

Reading checks the file against the Code it answers (landlord, period, Code version, known
provisions) and names the file and the problem when it is damaged; a missing file is an empty
assessment. The file is read by :func:`audit_lib.core.yaml_files.load_yaml` without aliases:
a duplicate key, an impossible date, deep nesting or an alias is an error naming the file and
line, and nothing is ever saved over such a file.

Writing is atomic (:func:`audit_lib.core.io.atomic_write_text`): a crash or a killed kernel
leaves the old file or the new one, never half of one. A file people wrote is **saved without
being rewritten** (:class:`AnswersText`): only the lines of the values that changed are
replaced (a field of an answer, a sign-off, the revision), so comments, blank lines, key order,
quoting and layout everywhere else stay as the auditor wrote them, and the diff of one change
is that change. A file whose layout cannot be edited line by line (a flow-style or multi-line
document root) is saved with ruamel.yaml's round-trip dumper, which also keeps comments, order
and quoting. A new file is written in full: answers in provision order, statuses quoted. A file
with Windows line endings keeps them.

**Nothing is written that has not been read back.** Before a save replaces the file, the
lines it changed are parsed again by the product's reader (:func:`parse_yaml`), each changed
answer (or top-level entry) with the lines around it that could change how it reads, and
must read back equal to what is being saved. If they do not (a value the line editor cannot
write faithfully), the save falls back to ruamel.yaml's round trip and then to a full dump,
each checked on the whole file; if none reads back equal, nothing is written and the save is
an error.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError
from yaml import nodes

from ..code.catalogue import Catalogue
from ..code.versions import versions
from ..core.io import SafeDumper, atomic_write_text, describe_validation_error
from ..core.paths import REGISTRY_FILE
from ..core.yaml_files import YamlDocument, load_yaml_document, parse_yaml, shorten
from ..errors import AnswerStoreError, AuditError
from .answers import Answer, Assessment, Status, empty_assessment


def load_assessment(path: Path, catalogue: Catalogue, landlord: str, period: str) -> Assessment:
    """Load an answer file; a missing file is an empty assessment, a damaged one an error. (Only to
    read it: the map of its lines that a save splices into, :class:`AnswersText`, is not built.)"""
    return _read(Path(path), catalogue, landlord, period)[0]


def read_answers(path: Path, catalogue: Catalogue, landlord: str,
                 period: str) -> tuple[Assessment, AnswersText | None]:
    """An answer file's assessment and its text (``None`` for a missing file), checked as above."""
    assessment, document = _read(Path(path), catalogue, landlord, period)
    return assessment, None if document is None else AnswersText(document, assessment, Path(path))


def _read(path: Path, catalogue: Catalogue, landlord: str, period: str) -> tuple[Assessment, YamlDocument | None]:
    """An answer file's assessment, checked, and its parsed document (``None`` for a missing file)."""
    if not path.exists():
        return empty_assessment(landlord, period, catalogue.code), None
    document = load_yaml_document(path, AnswerStoreError, aliases=False)
    return _validated(document.data, path, landlord, period, catalogue.code, catalogue), document


def _validated(raw: Any, path: Path, landlord: str, period: str, code: str,
               catalogue: Catalogue | None = None) -> Assessment:
    """The one check of an answers file's data: an assessment for this landlord, period and Code
    (and, given the Code's ``catalogue``, answers only for its provisions, with a ``value`` only
    where the provision asks for a figure or a written answer)."""
    if raw is None:
        raise AnswerStoreError("the file is empty; expected a YAML mapping with 'answers'", path=path)
    try:
        assessment = Assessment.model_validate(raw)
    except ValidationError as exc:
        raise AnswerStoreError(describe_validation_error(exc), path=path) from None
    if (assessment.landlord, assessment.period) == (landlord, period) and assessment.code != code:
        raise AnswerStoreError(_other_code(assessment.code, landlord, period, code), path=path)
    if (assessment.landlord, assessment.period, assessment.code) != (landlord, period, code):
        raise AnswerStoreError(
            f"the file is for landlord {shorten(assessment.landlord)}, period {shorten(assessment.period)}, "
            f"Code {shorten(assessment.code)}; expected {shorten(landlord)}, {shorten(period)}, {shorten(code)}",
            path=path,
        )
    if catalogue is None:
        return assessment
    unknown = sorted(set(assessment.answers) - set(catalogue.ids))
    if unknown:
        first, last = catalogue.provisions[0], catalogue.provisions[-1]
        raise AnswerStoreError(
            f"answers for provisions not in the {code} Code: {_shown(unknown)}; expected ids such "
            f"as '{last.id}' from {first.number} to {last.number}",
            path=path,
        )
    statuses = {p.id for p in catalogue.provisions if not p.asks_for_value}
    valued = sorted((key for key, answer in assessment.answers.items() if key in statuses and answer.value is not None),
                    key=_provision_key)
    if valued:
        raise AnswerStoreError(_value_on_status(valued), path=path)
    questions = {p.id for p in catalogue.provisions if p.asks_for_value}
    statused = sorted((key for key, answer in assessment.answers.items()
                       if key in questions and answer.status not in (None, Status.NA)), key=_provision_key)
    if statused:
        raise AnswerStoreError(_status_on_question(statused), path=path)
    return assessment


def check_value(catalogue: Catalogue, provision_id: str, value: object, field: str = "value") -> None:
    """Refuse a ``value`` (not ``None``) for a provision of ``catalogue`` that asks for a status, or
    a status other than N/A for a question asking for a figure or a written answer (``field``
    ``"status"``), with the message reading the file gives (:class:`AnswerStoreError`): for a store
    to call before it saves one, so that nothing is written the file would refuse."""
    provision = catalogue.provision(provision_id)
    if field == "value" and value is not None and not provision.asks_for_value:
        raise AnswerStoreError(_value_on_status([provision.id]))
    if field == "status" and provision.asks_for_value and value not in (None, "", Status.NA, Status.NA.value):
        raise AnswerStoreError(_status_on_question([provision.id]))


def _status_on_question(ids: list[str]) -> str:
    one = len(ids) == 1
    return (f"{'question' if one else 'questions'} {_listed(ids)} {'asks' if one else 'ask'} for a figure or a "
            "written answer, not Yes, Partial or No: give it as 'value' (or the status N/A where it does not "
            f"apply) and remove the status from {'that answer' if one else 'those answers'}")


def _value_on_status(ids: list[str]) -> str:
    one = len(ids) == 1
    return (f"{'provision' if one else 'provisions'} {_listed(ids)} {'asks' if one else 'ask'} for a status; "
            "'value' is for questions asking for a figure or a written answer: give the status (Yes, Partial, No "
            f"or N/A) and remove 'value' from {'that answer' if one else 'those answers'} (a note belongs in "
            "'commentary')")


def _shown(keys: list[str]) -> str:
    """Up to five ids, quoted as the file may hold anything, and how many more."""
    return ", ".join(shorten(k) for k in keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")


def _listed(ids: list[str]) -> str:
    """Up to five of the Code's own provision ids (known ids: shown as they are), and how many more."""
    return ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")


def _other_code(found: str, landlord: str, period: str, code: str) -> str:
    """The refusal of answers written under another version of the Code than the period's, and
    how to put it right: the landlord's ``codes:`` in the group registry names the version a
    period was assessed against (:meth:`audit_lib.config.landlords.LandlordEntry.code_for`)."""
    if found not in versions():
        return (f"the file answers Code {shorten(found)}, not one of the versions this product lists "
                f"({', '.join(versions())}); {landlord}'s {period} is assessed against the {code} Code: give "
                f"code: \"{code}\" with that Code's provision ids")
    return (f"the file answers the {found} Code, but {landlord}'s {period} is assessed against the {code} Code. If "
            f"{period} was assessed against the {found} Code, say so in the group registry "
            f"({REGISTRY_FILE} in the inputs folder): under {landlord}, codes: {{\"{period}\": \"{found}\"}}. "
            f"Otherwise the answers belong to the {code} Code: give code: \"{code}\" with its provision ids "
            f"(start from last year's answers to carry them across)")


def dump_assessment(assessment: Assessment) -> str:
    """The YAML text of a new answers file, answers in provision order, statuses quoted."""
    head = assessment.model_dump(mode="json", exclude={"answers"})
    text = yaml.dump(head, Dumper=_FileDumper, sort_keys=False, allow_unicode=True, width=100)
    if not assessment.answers:
        return text + "answers: {}\n"
    parts = [text, "answers:\n"]
    for provision in sorted(assessment.answers, key=_provision_key):
        parts.append(_answer_yaml(provision, assessment.answers[provision].model_dump_json()))
    return "".join(parts)


@lru_cache(maxsize=4096)
def _answer_yaml(provision: str, answer_json: str) -> str:
    """One answer's YAML, indented under ``answers:``; cached, so a save re-dumps only what changed."""
    block = yaml.dump({provision: json.loads(answer_json)}, Dumper=_FileDumper, sort_keys=False,
                      allow_unicode=True, width=100)
    return "".join("  " + line + "\n" for line in block.split("\n")[:-1])


def _provision_key(provision_id: str) -> tuple[int, ...]:
    number = provision_id.split(":", 1)[-1]
    return tuple(int(p) for p in number.split(".") if p.isdigit())


def save_assessment(path: Path, assessment: Assessment, previous: AnswersText | None = None) -> AnswersText:
    """Write the answer file atomically, changing only the lines of what changed.

    ``previous`` is the file as last read or written (the store keeps it); without it, an
    existing file is read first, and a file that cannot be read (a duplicate key, say) is
    never written over. Returns the file's text as now saved, for the next save.
    """
    path = Path(path)
    if previous is None and path.exists():
        document = load_yaml_document(path, AnswerStoreError, aliases=False)
        before = _validated(document.data, path, assessment.landlord, assessment.period, assessment.code)
        previous = AnswersText(document, before, path)
    if previous is None:
        text = dump_assessment(assessment)
        written = _read_back(text, path, assessment.model_dump(mode="json"))
        if written is None:
            raise AnswerStoreError(_UNSAVEABLE, path=path)
        atomic_write_text(path, text)
        return AnswersText(written, assessment, path)
    text = previous.updated(assessment)
    atomic_write_text(path, text)
    return previous


_UNSAVEABLE = ("the answers could not be written so that they read back unchanged; nothing was saved "
               "(expected text that UTF-8 can hold: remove the unpaired surrogate or unusual character)")


def _read_back(text: str, path: Path | None, expected: dict[str, Any]) -> YamlDocument | None:
    """``text`` parsed by the product's reader, if it holds exactly ``expected`` (else ``None``)."""
    try:
        text.encode("utf-8")  # a lone surrogate (from a browser's text) cannot be written
        document = parse_yaml(text, path or Path("answers.yaml"), AnswerStoreError, aliases=False)
        if document.data is None:
            return None
        same = Assessment.model_validate(document.data).model_dump(mode="json") == expected
    except (AuditError, ValidationError, ValueError, TypeError):  # UnicodeEncodeError is a ValueError
        return None
    return document if same else None


# -- saving a change as a change ------------------------------------------------------------


@dataclass
class _Span:
    """Where one key and its value are in the file's lines (``end`` exclusive, last content line + 1)."""

    key_line: int
    end: int
    indent: int
    key_text: str = ""
    quote: str | None = None  # the value's quoting, when a single-line quoted scalar
    flow: bool = False  # the value is a flow collection ({...} or [...])
    tail: str = ""  # an end-of-line comment after a one-line value
    children: dict[str, _Span] | None = None  # a block mapping value whose keys start their lines


class AnswersText:
    """An answers file's lines and where each key is in them, kept in step with each save.

    :meth:`updated` compares the assessment the file holds with the new one and edits only the
    lines of values that differ: it descends into block mappings (the file, ``answers``, an
    answer, ``signoff``) and replaces, inserts or removes one key's lines at a time. The
    answers (or top-level entries) it touched are then read back (:meth:`_reads_back`).
    """

    def __init__(self, document: YamlDocument, assessment: Assessment, path: Path | None = None) -> None:
        self.path = path
        self._load(document, assessment)

    def _load(self, document: YamlDocument, assessment: Assessment) -> None:
        self.lines = document.text.splitlines(keepends=True)
        self.newline = "\r\n" if self.lines and self.lines[0].endswith("\r\n") else "\n"
        if self.lines and not self.lines[-1].endswith(("\n", "\r")):
            self.lines[-1] += self.newline
        self.plain: dict[str, Any] = assessment.model_dump(mode="json")
        self.indented_sequences = True
        self._touched: set[tuple[str, ...]] = set()
        root = document.root
        self.root: _Span | None = None
        if isinstance(root, nodes.MappingNode) and root.flow_style is False and self._keys_start_lines(root):
            self.root = _Span(-1, len(self.lines), -1, children=self._children(root, {}))
            indented = self._sequences_indented(root)
            if indented is not None:
                self.indented_sequences = indented

    # -- the spans of a parsed file
    def _keys_start_lines(self, node: nodes.MappingNode) -> bool:
        for key, _ in node.value:
            if not isinstance(key, nodes.ScalarNode):
                return False
            line = self.lines[key.start_mark.line]
            if line[: key.start_mark.column].strip():
                return False
        return True

    def _children(self, node: nodes.MappingNode, known: dict[int, int]) -> dict[str, _Span]:
        """The spans of a block mapping's keys (``known``: each node's last line, by id, once worked out)."""
        spans: dict[str, _Span] = {}
        for key, value in node.value:
            key_line, column = key.start_mark.line, key.start_mark.column
            end = max(key_line + 1, _last_line(value, self.lines, known) + 1)
            line = self.lines[key_line]
            key_text = line[column: key.end_mark.column] if key.end_mark.line == key_line else str(key.value)
            span = _Span(key_line, end, column, key_text)
            one_line = value.start_mark.line == key_line and end == key_line + 1
            if isinstance(value, nodes.ScalarNode) and one_line:
                if value.style in ('"', "'"):
                    span.quote = value.style
                rest = line[value.end_mark.column:].rstrip("\r\n") if value.end_mark.line == key_line else ""
                if rest.strip().startswith("#"):
                    span.tail = rest
            elif isinstance(value, (nodes.MappingNode, nodes.SequenceNode)) and value.flow_style:
                span.flow = True
                rest = line[value.end_mark.column:].rstrip("\r\n") if one_line else ""
                if rest.strip().startswith("#"):
                    span.tail = rest
            elif isinstance(value, nodes.MappingNode) and self._keys_start_lines(value):
                span.children = self._children(value, known)
            spans[str(key.value)] = span
        return spans

    def _sequences_indented(self, root: nodes.MappingNode) -> bool | None:
        """Whether the file's first block list is indented under its key (``key:\n  - x``); None if none."""
        stack: list[tuple[nodes.Node, int]] = [(root, -1)]
        while stack:
            node, parent_indent = stack.pop()
            if isinstance(node, nodes.MappingNode):
                for key, value in reversed(node.value):
                    stack.append((value, key.start_mark.column))
            elif isinstance(node, nodes.SequenceNode) and not node.flow_style and node.value:
                return node.start_mark.column > parent_indent
        return None

    # -- applying a new assessment
    def updated(self, assessment: Assessment) -> str:
        """The file's text with ``assessment`` saved in it (and remembered as what the file now holds).

        The text is always one the product reads back as ``assessment``; when no way of saving
        gives such a text, :class:`AnswerStoreError` is raised and nothing is remembered."""
        new = assessment.model_dump(mode="json")
        original = "".join(self.lines)
        if self.root is not None:
            self._touched = set()
            self._update([self.root], (), self.plain, new, assessment.model_dump(), answers=False)
            if self._reads_back(new):
                self.plain = new
                return "".join(self.lines)
        for attempt in (lambda: self._with_newline(_roundtrip_update(original, self.plain, new, assessment.model_dump())),
                        lambda: self._with_newline(dump_assessment(assessment))):
            try:
                text = attempt()
            except Exception:  # a fallback that fails is only a fallback not taken
                continue
            document = _read_back(text, self.path, new)
            if document is not None:
                self._load(document, assessment)
                return text
        self._load(parse_yaml(original, self.path or Path("answers.yaml"), AnswerStoreError, aliases=False),
                   Assessment.model_validate(self.plain))
        raise AnswerStoreError(_UNSAVEABLE, path=self.path)

    def _with_newline(self, text: str) -> str:
        return text.replace("\r\n", "\n").replace("\n", self.newline) if self.newline != "\n" else text

    def _reads_back(self, new: dict[str, Any]) -> bool:
        """Whether each touched answer (or top-level entry) reads back as saved, in its context:
        its lines and the blank and comment lines after it, up to the next line no more indented
        than its key (anything before that line could be read as part of its value)."""
        assert self.root is not None
        for unit in sorted(self._touched):
            span: _Span | None = self.root
            for name in unit:
                span = (span.children or {}).get(name) if span is not None else None
            expected: Any = new
            for name in unit:
                expected = expected.get(name, _MISSING) if isinstance(expected, dict) else _MISSING
            if span is None or expected is _MISSING:
                if span is None and expected is _MISSING:
                    continue  # removed, and its neighbour was checked
                return False
            stop = span.end
            while stop < len(self.lines) and (not self.lines[stop].strip()
                                              or _indent(self.lines[stop]) > span.indent):
                stop += 1
            fragment = self.lines[span.key_line:stop]
            if any(_DOCUMENT_MARK.match(line) for line in fragment):
                return False
            try:
                "".join(fragment).encode("utf-8")
                document = parse_yaml("".join(fragment), self.path or Path("answers.yaml"), AnswerStoreError,
                                      aliases=False)
                data = document.data
                if not isinstance(data, dict) or list(data) != [unit[-1]]:
                    return False
                if not _reads_as(unit, data[unit[-1]], expected):
                    return False
            except (AuditError, ValidationError, ValueError, TypeError):
                return False
        return True

    def _touch(self, names: tuple[str, ...]) -> None:
        """Remember the answer (or top-level entry) that ``names`` is in, to read it back."""
        self._touched.add(names[:2] if names[0] == "answers" and len(names) > 1 else names[:1])

    def _touch_before(self, path: list[_Span], names: tuple[str, ...], line: int) -> None:
        """Remember the sibling whose value ends just before ``line`` (its trailing lines now border others)."""
        children = path[-1].children or {}
        before = [(span.end, key) for key, span in children.items() if span.end <= line]
        if not before:
            return
        key = max(before)[1]
        span = children[key]
        if names == () and key == "answers" and span.children:
            last = max((s.end, k) for k, s in span.children.items())[1]
            self._touch(("answers", last))
        else:
            self._touch((*names, key))

    def _update(self, path: list[_Span], names: tuple[str, ...], old: dict[str, Any], new: dict[str, Any],
                new_py: dict[str, Any], *, answers: bool) -> None:
        parent = path[-1]
        children = parent.children
        assert children is not None
        order = sorted(new, key=_provision_key) if answers else list(new)
        for number, key in enumerate(order):
            value = new[key]
            if key in old and old[key] == value:
                continue
            span = children.get(key)
            if span is None:
                if key not in old and value in (None, [], {}, "") and key != "answers":
                    continue  # a default the file never spelled out
                self._insert(path, names, order[:number], key, new_py[key])
            elif span.children is not None and isinstance(value, dict) and isinstance(old.get(key), dict):
                self._update([*path, span], (*names, key), old[key], value, new_py[key],
                             answers=(len(path) == 1 and key == "answers"))
            else:
                self._replace(path, span, self._render(span.indent, span.key_text, new_py[key], span))
                self._touch((*names, key))
        for key in [k for k in children if k in old and k not in new]:
            span = children.pop(key)
            self._splice(path, span.key_line, span.end, [])
            self._touch_before(path, names, span.key_line)
            if names and names != ("answers",):  # the answer (or entry) it was in; never all the answers
                self._touch(names)

    def _insert(self, path: list[_Span], names: tuple[str, ...], before: list[str], key: str, value: Any) -> None:
        parent = path[-1]
        children = parent.children
        assert children is not None
        previous = [children[k] for k in before if k in children]
        if previous:
            at = max(s.end for s in previous)
        elif children:
            at = min(s.key_line for s in children.values())
        else:
            at = parent.end
        indent = next(iter(children.values())).indent if children else parent.indent + 2
        lines = self._render(indent, _key_text(key), value, None)
        self._splice(path, at, at, lines)
        children[key] = _Span(at, at + len(lines), indent, _key_text(key))
        self._touch((*names, key))
        self._touch_before(path, names, at)

    def _replace(self, path: list[_Span], span: _Span, lines: list[str]) -> None:
        self._splice(path, span.key_line, span.end, lines)
        span.end = span.key_line + len(lines)
        span.children = None
        span.flow = span.flow and len(lines) == 1
        span.tail = span.tail if len(lines) == 1 else ""

    def _splice(self, path: list[_Span], start: int, end: int, lines: list[str]) -> None:
        """Replace lines [start, end) inside ``path[-1]``; spans after them move, its ancestors grow or shrink."""
        if self.newline != "\n":
            lines = [line[:-1] + self.newline if line.endswith("\n") else line for line in lines]
        self.lines[start:end] = lines
        delta = len(lines) - (end - start)
        if not delta:
            return
        for ancestor in path:
            ancestor.end += delta
        for ancestor in path:
            for child in (ancestor.children or {}).values():
                if child.key_line >= end and child not in path:
                    _move(child, delta)

    def _render(self, indent: int, key_text: str, value: Any, like: _Span | None) -> list[str]:
        """``key: value`` as lines at ``indent``, in the style of the value it replaces."""
        pad = " " * indent
        if like is not None and isinstance(value, (str, Enum)) and "\n" not in str(value):
            text = value.value if isinstance(value, Enum) else value
            if like.quote == "'" and text.isprintable():
                return [f"{pad}{key_text}: '{text.replace(chr(39), chr(39) * 2)}'{like.tail}\n"]
            if like.quote == '"' or isinstance(value, Enum):  # a status is always quoted
                return [f"{pad}{key_text}: {_double_quoted(text)}{like.tail}\n"]
        # a value on one line (``approved: null``, ``{name: ...}``) stays on one line where it can
        if like is not None and (like.flow or like.end == like.key_line + 1) and _flat(value):
            inline = _dump(value, flow=True, indented=False).strip()
            if "\n" not in inline and len(inline) + len(key_text) + indent < 120:
                return [f"{pad}{key_text}: {inline}{like.tail}\n"]
        block = _dump({_PLACEHOLDER: value}, flow=False, indented=self.indented_sequences)
        block = key_text + block[len(_dump_key(_PLACEHOLDER)):]
        lines = [(pad + line if line else "") + "\n" for line in block.split("\n")[:-1]]
        if like is not None and like.tail and len(lines) == 1:
            lines[0] = lines[0].rstrip("\n") + like.tail + "\n"
        return lines


_MISSING = object()
_DOCUMENT_MARK = re.compile(r"^(?:---|\.\.\.)(?:[ \t\r\n]|$)|^%")
_ADAPTERS: dict[str, TypeAdapter[Any]] = {name: TypeAdapter(field.annotation)
                                          for name, field in Assessment.model_fields.items()
                                          if field.annotation is not None}


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _reads_as(unit: tuple[str, ...], raw: Any, expected: Any) -> bool:
    """Whether ``raw`` (a value as read from the file) is ``expected`` (its value as saved, as JSON data)."""
    if unit[0] == "answers" and len(unit) == 2:
        return Answer.model_validate({} if raw is None else raw).model_dump(mode="json") == expected
    if unit == ("answers",) and isinstance(raw, dict):
        raw = {k: ({} if v is None else v) for k, v in raw.items()}
    adapter = _ADAPTERS.get(unit[0])
    return adapter is not None and adapter.dump_python(adapter.validate_python(raw), mode="json") == expected


@lru_cache(maxsize=1024)
def _double_quoted(text: str) -> str:
    """``text`` as a one-line double-quoted YAML scalar (every character YAML cannot hold raw escaped)."""
    out = yaml.dump(text, Dumper=yaml.SafeDumper, default_style='"', allow_unicode=True, width=1 << 30)
    return out.rstrip("\n").removesuffix("\n...")


_PLACEHOLDER = "key"


def _move(span: _Span, delta: int) -> None:
    span.key_line += delta
    span.end += delta
    for child in (span.children or {}).values():
        _move(child, delta)


def _key_text(key: str) -> str:
    """A new key as YAML writes it (quoted when it would otherwise read as something else)."""
    return _dump_key(key)


@lru_cache(maxsize=1024)
def _dump_key(key: str) -> str:
    text = yaml.dump({key: None}, Dumper=_BlockDumper, allow_unicode=True, width=100)
    text = text.rsplit(":", 1)[0]
    return json.dumps(key, ensure_ascii=False) if text.startswith("'") else text  # quoted as people quote ids


#: A block scalar's header with keep chomping (``|+``, ``>2+``, ``|+2``).
_KEEP = re.compile(r"[|>](?:[1-9]?\+|\+[1-9])")


def _last_line(node: nodes.Node, lines: list[str], known: dict[int, int] | None = None) -> int:
    """The last line (0-based) holding any of ``node``'s content (not the comments after it);
    ``known`` keeps what was worked out per node of a document (a collection's is its items' latest),
    so that spans nested in spans do not work their nodes out again."""
    if known is not None and id(node) in known:
        return known[id(node)]
    last = _last_line_of(node, lines, known)
    if known is not None:
        known[id(node)] = last
    return last


def _last_line_of(node: nodes.Node, lines: list[str], known: dict[int, int] | None) -> int:
    if isinstance(node, nodes.ScalarNode):
        if node.style in ("|", ">"):
            last = node.end_mark.line - (1 if node.end_mark.column == 0 else 0)
            if _KEEP.match(lines[node.start_mark.line], node.start_mark.column):
                return last  # ``|+``: the blank lines after the text are part of it
            while last > node.start_mark.line and not lines[last].strip():
                last -= 1
            return last
        if node.value == "" and node.style is None:
            return node.start_mark.line if node.start_mark.column > 0 else node.start_mark.line - 1
        return node.end_mark.line - (1 if node.end_mark.column == 0 and node.end_mark.line > node.start_mark.line
                                     else 0)
    assert isinstance(node, nodes.CollectionNode)
    if node.flow_style:
        return node.end_mark.line
    if isinstance(node, nodes.MappingNode):
        return max(max(_last_line(k, lines, known), _last_line(v, lines, known)) for k, v in node.value)
    assert isinstance(node, nodes.SequenceNode)
    return max(_last_line(item, lines, known) for item in node.value)


# -- rendering new values -----------------------------------------------------------------------


def _represent_status(dumper: yaml.SafeDumper, value: Enum) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value.value), style='"')


#: Characters YAML reads as line breaks (folded to a space, or turned into ``\\n``) when written raw.
_BREAKS = re.compile("[\r\x85\u2028\u2029]")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _BREAKS.search(value) or value.endswith("\n\n") or value == "\n":
        # escaped, never raw; and no ``|+`` block, whose kept blank lines would take in the blank
        # lines after it in the file
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value.strip("\n"):  # several lines: a literal block, as people write them
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_str(value)


def _represent_datetime(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


class _BlockDumper(SafeDumper):  # type: ignore[misc, valid-type]
    """libyaml's emitter: sequences written flush with their key (``key:\\n- item``)."""


class _IndentedDumper(yaml.SafeDumper):
    """Sequences indented under their key (``key:\\n  - item``), as most people write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


class _FileDumper(SafeDumper):  # type: ignore[misc, valid-type]
    """A new file's dumper: libyaml's defaults, with YAML's line-break characters always escaped."""


def _represent_plain_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _BREAKS.search(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


_FileDumper.add_representer(str, _represent_plain_str)

for _dumper in (_BlockDumper, _IndentedDumper):
    _dumper.add_multi_representer(Enum, _represent_status)
    _dumper.add_representer(dt.datetime, _represent_datetime)
    _dumper.add_representer(str, _represent_str)


def _flat(value: Any) -> bool:
    """A mapping or list of plain one-line values (what people write as ``{a: 1, b: 2}``)."""
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
    return items is not None and all(not isinstance(v, (dict, list)) and "\n" not in str(v) for v in items)


def _dump(data: Any, *, flow: bool, indented: bool) -> str:
    dumper = _IndentedDumper if indented and not flow else _BlockDumper
    text = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=flow)
    return text[:-4] if text.endswith("\n...\n") else text  # a document-end mark, never inside a file


def _roundtrip_update(text: str, old: dict[str, Any], new: dict[str, Any], new_py: dict[str, Any]) -> str:
    """ruamel.yaml's round trip (comments, order and quoting kept) for a file not editable line by line."""
    from ruamel.yaml import YAML

    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 100
    document = rt.load(text)
    _merge(document, old, new, new_py)
    out = io.StringIO()
    rt.dump(document, out)
    return out.getvalue()


def _merge(target: Any, old: dict[str, Any], new: dict[str, Any], new_py: dict[str, Any]) -> None:
    for key, value in new.items():
        if key in old and old[key] == value:
            continue
        if isinstance(target.get(key), dict) and isinstance(value, dict) and isinstance(old.get(key), dict):
            _merge(target[key], old[key], value, new_py[key])
        else:
            target[key] = _plain_py(new_py[key])
    for key in [k for k in target if k in old and k not in new]:
        del target[key]


def _plain_py(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain_py(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_py(v) for v in value]
    return value
