"""Files: YAML read safely with errors that name the file, atomic writes, SHA-256 and stable JSON.

Every file the product writes goes through :func:`atomic_write_text`: a temporary file in the
same folder, flushed and fsynced, then renamed over the target, so a crash or a killed process
leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import AuditError

#: libyaml's safe dumper where the build has it (the same output rules as ``yaml.safe_dump``,
#: many times faster), else the pure-Python one.
SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
#: libyaml's safe loader where the build has it (``yaml.safe_load``'s rules, about ten times faster);
#: a file it refuses is read again by the pure-Python loader, whose messages are the clearer.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path, error: type[AuditError]) -> Any:
    """``yaml.safe_load`` a file; a missing or malformed file raises ``error`` naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error("file not found", path=path) from None
    except UnicodeDecodeError as exc:
        raise error(f"expected UTF-8 text, found an undecodable byte at offset {exc.start}", path=path) from None
    except OSError as exc:
        raise error(f"cannot read the file ({exc.strerror})", path=path) from None
    try:
        return yaml.load(text, Loader=SafeLoader)  # a safe loader: plain data only
    except yaml.YAMLError:
        pass
    try:  # the pure-Python loader (same rules) says more precisely what is wrong, and where
        return yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"not valid YAML{where}: {problem}", path=path) from None


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem, each naming the field path, what was expected and what was found."""
    parts = []
    for item in exc.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        found = item.get("input")
        found_text = "" if isinstance(found, (dict, list)) else f" (found {found!r})"
        parts.append(f"{where}: {item['msg']}{found_text}")
    return "; ".join(parts)


def sha256_of(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, or ``None`` when the file does not exist."""
    path = Path(path)
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _umask() -> int:
    """The process's umask (read by setting it and putting it back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str, *, mode: int | None = None) -> Path:
    """Write ``text`` to ``path`` atomically (temporary file, fsync, rename over).

    The file keeps the permissions of the file it replaces; a new file gets ``mode``, by
    default what ``open()`` would give it (``0o666`` less the process's umask). Folders are
    created as needed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        keep = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        keep = (0o666 & ~_umask()) if mode is None else mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, keep)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def dumps_json(data: Any) -> str:
    """Stable, readable JSON text for files that are compared and diffed."""
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
