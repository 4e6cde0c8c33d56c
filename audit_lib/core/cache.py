"""The product's private cache folders: ``$XDG_CACHE_HOME/chc-audit/<name>``.

Things worth keeping between processes but always possible to recompute (compiled templates,
the working-day calendar's bank holidays) live in one folder per kind, under the user's cache
folder (``~/.cache`` by default; ``%LOCALAPPDATA%`` on Windows). A folder that cannot be made,
or that is not this user's own private folder, means no cache: the caller computes again, it
never fails for want of a cache.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from ..errors import UsageError

#: The folder, inside the user's cache folder, that holds the product's cache folders.
PRODUCT_FOLDER = "chc-audit"


def cache_folder(name: str) -> Path | None:
    """The product's cache folder ``name`` (e.g. ``"jinja2"``), created private to this user, or
    ``None`` when there is none to use.

    ``$XDG_CACHE_HOME/chc-audit/<name>`` (``~/.cache/...`` when unset or not an absolute path;
    ``%LOCALAPPDATA%`` on Windows). ``None`` when the folder cannot be made (no home folder, a read-only disk), is not
    a folder, or (where the system has owners) is someone else's or open to the group or others.
    """
    if not name or name in (".", "..") or "/" in name or os.sep in name or (os.altsep and os.altsep in name):
        raise UsageError("a cache folder's name must be one plain folder name, such as 'jinja2'")
    try:
        if sys.platform == "win32":
            base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        else:
            given = os.environ.get("XDG_CACHE_HOME")  # a relative one is ignored, as the XDG spec says
            base = Path(given) if given and os.path.isabs(given) else Path.home() / ".cache"
        folder = base / PRODUCT_FOLDER / name
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.lstat(folder)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to expand
        return None
    if not stat.S_ISDIR(info.st_mode):
        return None
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077):
        return None
    return folder
