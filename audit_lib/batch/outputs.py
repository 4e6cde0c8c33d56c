"""The outputs period folder under faults: one run at a time, and each landlord's outputs as one set.

* :class:`OutputsLock` is an exclusive lock on ``outputs/<period>/`` (``fcntl.flock`` on
  ``.run.lock``, released by the kernel when the holder dies, so it is never stale). The holder
  writes its pid, user, host and start time in the lock file; a second run reads them and
  stops with a :class:`~audit_lib.errors.RunError` naming the holder.
* :func:`check_outputs` turns an outputs path that is a file, or a folder that cannot be
  written, into one :class:`~audit_lib.errors.RunError` line before anything is written.
* A landlord's outputs are built in a staging folder beside its folder
  (``outputs/<period>/.<landlord>.staging-<token>/``); a ``manifest.json`` naming the run, the
  outcome and the SHA-256 of every file is written there last; then the old folder is moved
  aside and the staging folder renamed into place (:func:`publish_set`). A kill at any point
  leaves the old set, the new set, or no folder, never a mixture, and leftovers are removed
  by the next run (:func:`remove_leftovers`). :func:`verify_set` is what the group summary
  checks before it links a landlord's report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import getpass
import json
import os
import shutil
import socket
import stat
from pathlib import Path
from typing import IO, Any

from ..core.io import atomic_write_text, dumps_json, sha256_of
from ..core.paths import MANIFEST_NAME, read_manifest
from ..errors import RunError

LOCK_NAME = ".run.lock"
STAGING_MARK = ".staging-"
OLD_MARK = ".old-"
PROBE_PREFIX = ".write-test-"


def _problem(exc: OSError) -> str:
    """An operating-system error in a few words (no path: the message names it already)."""
    return exc.strerror or type(exc).__name__


def check_outputs(outputs: Path, period_folder: Path) -> None:
    """Create ``period_folder`` under ``outputs``; :class:`RunError` when either is not a writable folder."""
    for target in (Path(outputs), Path(period_folder)):
        if target.exists() and not target.is_dir():
            raise RunError("expected a folder for the outputs, found a file; give --outputs a folder "
                           "(it is created if missing)", path=target)
    try:
        period_folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunError(f"cannot create the outputs folder ({_problem(exc)}); give --outputs a folder "
                       "you can write", path=period_folder) from None
    probe = period_folder / f"{PROBE_PREFIX}{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise RunError(f"expected a writable outputs folder, found one that cannot be written ({_problem(exc)}); "
                       "make it writable or give --outputs another folder", path=period_folder) from None


def _user() -> str:
    """This process's user name (its uid when it has none)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


class OutputsLock:
    """An exclusive lock on one outputs period folder, held for a whole run."""

    def __init__(self, period_folder: Path) -> None:
        """The lock of ``period_folder`` (not yet taken)."""
        self.path = Path(period_folder) / LOCK_NAME
        self._handle: IO[str] | None = None

    def acquire(self) -> OutputsLock:
        """Take the lock, or raise :class:`RunError` naming the run that holds it."""
        import fcntl

        try:
            handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        except OSError as exc:
            raise RunError(f"cannot open the outputs lock ({_problem(exc)}); make the outputs folder writable",
                           path=self.path) from None
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = self._holder(handle)
            handle.close()
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise RunError(f"cannot lock the outputs folder ({_problem(exc)})", path=self.path.parent) from None
            raise RunError(f"another run is writing these outputs ({holder}); wait for it to finish, "
                           "or give --outputs another folder", path=self.path.parent) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "user": _user(), "host": socket.gethostname(),
                                 "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}) + "\n")
        handle.flush()
        self._handle = handle
        return self

    @staticmethod
    def _holder(handle: IO[str]) -> str:
        """Who holds the lock, as its holder wrote it: pid, user and start time."""
        try:
            handle.seek(0)
            info = json.loads(handle.read() or "{}")
        except (OSError, ValueError):
            info = {}
        if not isinstance(info, dict) or not info:
            return "holder unknown"
        return (f"pid {info.get('pid')}, user {info.get('user')}" + (f" on {info['host']}" if info.get("host") else "")
                + f", started {info.get('started')}")

    def release(self) -> None:
        """Let the lock go (the file stays; the lock is the kernel's, not the file's)."""
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.close()
            self._handle = None

    def __enter__(self) -> OutputsLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def staging_folder(folder: Path, token: str) -> Path:
    """Where a set for ``folder`` is built: a hidden sibling, so the final rename stays in one folder."""
    return folder.parent / f".{folder.name}{STAGING_MARK}{token}"


def remove_tree(path: Path) -> None:
    """Remove a folder this product wrote, making read-only parts writable first; best effort."""
    def retry(function: Any, name: str, _exc: Any) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(name), stat.S_IRWXU)
            if os.path.isdir(name):
                os.chmod(name, stat.S_IRWXU)
            function(name)

    if not os.path.lexists(path):
        return
    with contextlib.suppress(OSError):
        shutil.rmtree(path, onerror=retry)


def write_manifest(stage: Path, landlord: str, run_id: str, status: str, error: str | None,
                   asked: dict[str, Any] | None = None) -> Path:
    """Write ``manifest.json`` last in a staging folder: the run, its outcome, every file's SHA-256,
    and what the run was asked to produce (``asked``: ``{"reports": [HTML file names], "pdf": bool}``,
    so a later run can produce the same set even when this one failed before writing them)."""
    files = {p.name: sha256_of(p) for p in sorted(stage.iterdir())
             if p.is_file() and p.name != MANIFEST_NAME and not p.name.startswith(".")}
    manifest = {"landlord": landlord, "run": run_id, "status": status, "error": error,
                "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "files": files}
    if asked is not None:
        manifest["asked"] = asked
    return atomic_write_text(stage / MANIFEST_NAME, dumps_json(manifest))


def publish_set(stage: Path, folder: Path, token: str) -> None:
    """Swap the complete set in ``stage`` in as ``folder``; the old set is moved aside, then removed.

    Raises :class:`RunError` when the swap is refused (the old set is then left as it was, and
    its manifest names the run that made it, so it cannot pass for this run's).
    """
    old = folder.parent / f".{folder.name}{OLD_MARK}{token}"
    try:
        if folder.exists():
            os.rename(folder, old)
        os.rename(stage, folder)
    except OSError as exc:
        if old.exists() and not folder.exists():
            with contextlib.suppress(OSError):
                os.rename(old, folder)
        raise RunError(f"cannot replace the landlord's outputs folder ({_problem(exc)}); make it writable "
                       "and run again", path=folder) from None
    remove_tree(old)


def _leftover(name: str) -> bool:
    """A name only an interrupted run leaves: a staging folder, an old set, a temporary file, a write probe."""
    return name.startswith(".") and (STAGING_MARK in name or OLD_MARK in name or name.endswith(".tmp")
                                     or name.startswith(PROBE_PREFIX))


def remove_leftovers(period_folder: Path) -> None:
    """Remove what an interrupted run left in the period folder (staging folders, old sets, temporary files)."""
    with contextlib.suppress(OSError):
        for entry in Path(period_folder).iterdir():
            if _leftover(entry.name):
                if entry.is_dir():
                    remove_tree(entry)
                else:
                    entry.unlink(missing_ok=True)


def verify_set(folder: Path, run_id: str | None,
               names: tuple[str, ...] | None = None) -> tuple[dict[str, Any] | None, str | None]:
    """A landlord's set checked: its manifest, or why it cannot be presented as the current outputs.

    The set must have a manifest whose files (those of ``names`` it lists; all by default) are
    present with their recorded SHA-256, and, when ``run_id`` is given (the run the run record
    names), come from that run.
    """
    if not Path(folder).is_dir():
        return None, "no outputs for this period"
    manifest = read_manifest(folder)
    if manifest is None:
        return None, "its outputs are incomplete (no manifest): run the batch again"
    for name, digest in manifest["files"].items():
        if names is not None and name not in names:
            continue
        if Path(name).name != name or sha256_of(Path(folder) / name) != digest:
            return None, "its outputs are incomplete or changed since its run: run the batch again"
    if run_id is not None and manifest.get("run") != run_id:
        return None, "its outputs are from an earlier run, not the latest: run the batch again"
    return manifest, None
