"""YAML files people write, read strictly: plain data only, every problem one line naming the file.

Every YAML file the product reads (the registry, a landlord's configuration, an answers file,
a Code data file) goes through :func:`load_yaml`. On top of ``yaml.safe_load``'s rules it refuses:

* a **duplicate key** in any mapping (YAML keeps the last silently, losing the first): keys
  are compared as the values they are read as (``1`` and ``0x1`` are one key), and the
  message names the key and both lines;
* **nesting** deeper than :data:`MAX_DEPTH` levels, and **aliases** that expand to more than
  :data:`MAX_ALIAS_NODES` nodes (a few kilobytes of aliases can stand for gigabytes); a file
  that must not use aliases at all (an answers file) is read with ``aliases=False``;
* an **impossible date** (``2025-02-31``), as a value or a key: the message names the line
  and where it is.

Text is read with its line endings as they are (a file with Windows line endings keeps
``\\r\\n`` in :attr:`YamlDocument.text`, so a file saved back line by line keeps them).

Booleans are YAML 1.2's: only ``true`` and ``false`` (any case). ``yes``, ``no``, ``on`` and
``off`` are read as the words they are, so a field that expects a word (an answer's status)
sees what was written instead of a silently converted Yes or No, and a field that expects a
boolean still accepts them explicitly. The same rules apply to ruamel.yaml's round-trip reading,
which the answers file uses to save a change without rewriting what the auditor wrote.

The file is parsed once into events (the C parser where the build has it; no recursion, so no
depth can exhaust the stack), checked, then composed and constructed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml import events as ev
from yaml import nodes

from ..errors import AuditError

#: Deepest nesting of mappings and sequences accepted (answers files use about six levels).
MAX_DEPTH = 64
#: Most nodes that aliases may add to a file by being expanded (a legitimate file needs a handful).
MAX_ALIAS_NODES = 1_000
#: Longest text of a key or value quoted in a message.
QUOTE_LIMIT = 40

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


def shorten(text: object, limit: int = QUOTE_LIMIT) -> str:
    """``repr(text)`` cut to about ``limit`` characters (longer text is cut and its size given)."""
    value = text if isinstance(text, str) else repr(text)
    if len(value) <= limit:
        return repr(text)
    return repr(value[:limit]) + f"... ({len(value):,} characters)"


def _yaml12_bools(resolvers: dict[str, list[tuple[str, re.Pattern[str]]]]) -> dict[str, list[tuple[str, Any]]]:
    """A copy of a resolver table with YAML 1.1's bool words (yes/no/on/off/y/n) taken out."""
    table: dict[str, list[tuple[str, Any]]] = {}
    for first, entries in resolvers.items():
        kept = [(tag, regexp) for tag, regexp in entries if tag != _BOOL_TAG]
        if first in "tTfF":
            kept.insert(0, (_BOOL_TAG, _BOOL))
        table[first] = kept
    return table


_CParser = getattr(yaml, "CParser", None)
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """The safe loader (libyaml's parser where built) with YAML 1.2 booleans."""

    yaml_implicit_resolvers = _yaml12_bools(yaml.SafeLoader.yaml_implicit_resolvers)


class _PyLoader(yaml.SafeLoader):
    """The pure-Python safe loader, whose syntax messages are the more precise."""

    yaml_implicit_resolvers = _yaml12_bools(yaml.SafeLoader.yaml_implicit_resolvers)


@dataclass(frozen=True)
class YamlDocument:
    """A file's text, its composed node tree (with line marks) and the plain data it holds."""

    text: str
    root: nodes.Node | None
    data: Any


def read_text(path: Path, error: type[AuditError]) -> str:
    """A file's UTF-8 text, line endings as they are (``\\r\\n`` kept, so a file saved back keeps
    them); a missing, unreadable or undecodable file raises ``error`` naming it."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        raise error("file not found", path=path) from None
    except UnicodeDecodeError as exc:
        raise error(f"expected UTF-8 text, found an undecodable byte at offset {exc.start}", path=path) from None
    except IsADirectoryError:
        raise error("expected a file, found a folder", path=path) from None
    except OSError as exc:
        raise error(f"cannot read the file ({exc.strerror})", path=path) from None


def load_yaml(path: Path, error: type[AuditError], *, aliases: bool = True) -> Any:
    """The plain data of a YAML file, read by the rules above; any problem raises ``error`` naming it."""
    return load_yaml_document(path, error, aliases=aliases).data


def load_yaml_document(path: Path, error: type[AuditError], *, aliases: bool = True) -> YamlDocument:
    """:func:`load_yaml`, keeping the text and the node tree (where each key and value is in the text)."""
    return parse_yaml(read_text(path, error), path, error, aliases=aliases)


def parse_yaml(text: str, path: Path, error: type[AuditError], *, aliases: bool = True) -> YamlDocument:
    """Check and load YAML ``text`` read from ``path`` (named in every message)."""
    _check_events(text, path, error, aliases=aliases)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is not None:
            _check_nodes(root, path, error, loader)
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        raise error(_syntax_message(exc), path=path) from None
    finally:
        loader.dispose()
    return YamlDocument(text, root, data)


def _syntax_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"not valid YAML{where}: {problem}"


def _events(text: str, loader: type[Any]) -> Iterator[ev.Event]:
    parser = loader(text)
    try:
        while parser.check_event():
            yield parser.get_event()
    finally:
        parser.dispose()


def _check_events(text: str, path: Path, error: type[AuditError], *, aliases: bool) -> None:
    """Depth and alias expansion, counted on the event stream (before anything is built)."""
    try:
        _count_events(_events(text, _Loader), path, error, aliases=aliases)
    except yaml.YAMLError:
        try:  # the pure-Python parser says more precisely what is wrong, and where
            _count_events(_events(text, _PyLoader), path, error, aliases=aliases)
        except yaml.YAMLError as exc:
            raise error(_syntax_message(exc), path=path) from None
        raise error("not valid YAML", path=path) from None  # pragma: no cover - the parsers agree


def _count_events(stream: Iterator[ev.Event], path: Path, error: type[AuditError], *, aliases: bool) -> None:
    sizes: dict[str, int] = {}  # an anchor -> how many nodes its node stands for, expanded
    open_: list[list[Any]] = []  # per open collection: [anchor, nodes so far]
    added = 0
    for event in stream:
        if isinstance(event, (ev.MappingStartEvent, ev.SequenceStartEvent)):
            open_.append([event.anchor, 1])
            if len(open_) > MAX_DEPTH:
                raise error(f"nesting deeper than {MAX_DEPTH} levels at line {_line(event)}; "
                            "expected a few levels of mappings and lists; flatten the file", path=path)
        elif isinstance(event, (ev.MappingEndEvent, ev.SequenceEndEvent)):
            anchor, size = open_.pop()
            if anchor is not None:
                sizes[anchor] = size
            if open_:
                open_[-1][1] += size
        elif isinstance(event, ev.ScalarEvent):
            if event.anchor is not None:
                sizes[event.anchor] = 1
            if open_:
                open_[-1][1] += 1
        elif isinstance(event, ev.AliasEvent):
            line = _line(event)
            if not aliases:
                raise error(f"an alias (*) at line {line}; this file must not use anchors and aliases: "
                            "write each value out in full", path=path)
            size = sizes.get(event.anchor or "", 1)
            added += size
            if added > MAX_ALIAS_NODES:
                raise error(f"aliases expand to more than {MAX_ALIAS_NODES:,} values (at line {line}); "
                            "expected aliases used a few times at most; write the values out", path=path)
            if open_:
                open_[-1][1] += size


def _line(event: ev.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 0


_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


def _key_identity(key: nodes.ScalarNode, loader: Any) -> Any:
    """What a key is once read (``1``, ``0x1`` and ``+1`` are one key; so are ``1`` and ``true`` in
    the mapping the data becomes); its tag and text when it cannot be built or kept in a set."""
    try:
        value = loader.construct_object(key)
        hash(value)
    except Exception:  # an impossible value is reported where it is read, not here
        return ("text", key.tag, key.value)
    return value


def _check_nodes(root: nodes.Node, path: Path, error: type[AuditError], loader: Any) -> None:
    """Duplicate keys (compared as the values they are read as) and impossible dates, with where
    they are (walked without recursion)."""
    seen: set[int] = set()
    stack: list[tuple[nodes.Node, tuple[str, ...]]] = [(root, ())]
    while stack:
        node, where = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, nodes.MappingNode):
            first: dict[Any, int] = {}
            for key, value in node.value:
                if isinstance(key, nodes.ScalarNode):
                    name = key.value
                    if key.tag == "tag:yaml.org,2002:merge":
                        stack.append((value, where))
                        continue
                    line = key.start_mark.line + 1
                    if key.tag == _TIMESTAMP_TAG:
                        _check_date(key, where, path, error)
                    identity = _key_identity(key, loader)
                    if identity in first:
                        raise error(f"the key {shorten(name)} appears twice, at lines {first[identity]} and "
                                    f"{line}{_at(where)}; keep one (YAML would silently drop the first)", path=path)
                    first[identity] = line
                    stack.append((value, (*where, name)))
                else:
                    stack.append((value, where))
        elif isinstance(node, nodes.SequenceNode):
            stack.extend((item, (*where, str(number))) for number, item in enumerate(node.value, 1))
        elif isinstance(node, nodes.ScalarNode) and node.tag == _TIMESTAMP_TAG:
            _check_date(node, where, path, error)


def _at(where: tuple[str, ...]) -> str:
    return f" (in {' > '.join(shorten(w, 24).strip(chr(39)) for w in where)})" if where else ""


def _check_date(node: nodes.ScalarNode, where: tuple[str, ...], path: Path, error: type[AuditError]) -> None:
    match = _DATE.match(node.value)
    if match is None:  # pragma: no cover - the resolver only tags dates
        return
    year, month, day = (int(g) for g in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError as exc:
        raise error(f"line {node.start_mark.line + 1}{_at(where)}: {shorten(node.value, 32)} is not a date "
                    f"({exc}); expected a real calendar date as YYYY-MM-DD", path=path) from None


__all__ = ["MAX_ALIAS_NODES", "MAX_DEPTH", "YamlDocument", "load_yaml", "load_yaml_document", "parse_yaml",
           "read_text", "shorten"]
