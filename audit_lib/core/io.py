"""Files: YAML read strictly (:func:`load_yaml`, from :mod:`.yaml_files`), atomic writes, SHA-256, stable JSON.

Every file the product writes goes through :func:`atomic_write_text`: a temporary file in the
same folder, flushed and fsynced, then renamed over the target and the folder fsynced, so a
crash, a killed process or a power cut leaves the old file or the new one, never half of one,
and a rename that returned is not lost.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .yaml_files import load_yaml, shorten  # noqa: F401 - load_yaml is the one way the product reads YAML

#: libyaml's safe dumper where the build has it (the same output rules as ``yaml.safe_dump``,
#: many times faster), else the pure-Python one.
SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem, each naming the field path, what was expected and what was found."""
    parts = []
    for item in exc.errors():
        where = ".".join(shorten(p, 60).strip("'") if isinstance(p, str) else str(p) for p in item["loc"])
        where = where or "(top level)"
        found = item.get("input")
        found_text = "" if isinstance(found, (dict, list)) else f" (found {shorten(found)})"
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


def current_umask() -> int:
    """The process's umask (read by setting it and putting it back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str, *, mode: int | None = None) -> Path:
    """Write ``text`` to ``path`` atomically, as UTF-8 with its line endings as given
    (:func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def atomic_write_bytes(path: Path, data: bytes, *, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename over).

    The file keeps the permissions and the group of the file it replaces (the group where this
    user may set it); a new file gets ``mode``, by
    default what ``open()`` would give it (``0o666`` less the process's umask). Folders are
    created as needed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    group: int | None = None
    try:
        old = os.stat(path)
        keep, group = stat.S_IMODE(old.st_mode), old.st_gid
    except FileNotFoundError:
        keep = (0o666 & ~current_umask()) if mode is None else mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if group is not None and group != os.stat(tmp).st_gid:
            with contextlib.suppress(PermissionError):  # only a group this user belongs to can be kept
                os.chown(tmp, -1, group)
        os.chmod(tmp, keep)  # after chown, which may clear set-id bits
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)
    return path


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a power cut could otherwise lose it after the call)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - a folder that cannot be opened for reading (not on Linux)
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - file systems that cannot sync a folder
        pass
    finally:
        os.close(fd)


def dumps_json(data: Any) -> str:
    """Stable, readable JSON text for files that are compared and diffed."""
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
