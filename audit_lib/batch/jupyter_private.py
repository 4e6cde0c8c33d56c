"""The private names of Jupyter's libraries that the batch engine relies on, all in this one module.

The engine (:mod:`audit_lib.batch.engine`) is built on papermill's, nbclient's and jupyter_client's
public extension points. Where no public name does the job, the private one is reached only
through this module, listed in :data:`PRIVATE_NAMES` with the reason it is needed. An upgrade
that removes one is caught by :func:`check_private_names`, which the engine calls once per worker
process and ``tests/test_jupyter_private.py`` calls in the test suite; the upper bounds on these
packages in ``pyproject.toml`` and ``environment.yml`` keep an untested version out.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from ..errors import RunError


@dataclass(frozen=True)
class PrivateName:
    """A private attribute of a class in an installed package, and why the batch needs it."""

    package: str  # the distribution, for its version
    module: str
    owner: str  # the class that defines it
    name: str
    why: str

    @property
    def qualified(self) -> str:
        """``module.Class.name``."""
        return f"{self.module}.{self.owner}.{self.name}"


#: Every private name the batch uses.
PRIVATE_NAMES: tuple[PrivateName, ...] = (
    PrivateName(
        "jupyter_client", "jupyter_client.client", "KernelClient", "_handle_kernel_info_reply",
        why=(
            "the batch's readiness test (BatchKernelClient.wait_for_ready) is jupyter_client's own without "
            "its final 0.2 s wait for IOPub to fall silent, which no public option skips; on the kernel_info "
            "reply it must adapt the session to the kernel's protocol version exactly as jupyter_client does, "
            "and only this method does that"
        ),
    ),
)


def handle_kernel_info_reply(client: Any, reply: dict[str, Any]) -> None:
    """Adapt ``client``'s session to the kernel's protocol version, as jupyter_client's ``wait_for_ready`` does."""
    client._handle_kernel_info_reply(reply)


def package_version(package: str) -> str:
    """The installed version of ``package``, or ``"not installed"``."""
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def missing_private_names() -> list[str]:
    """One line per private name that the installed packages no longer have (empty when all are there)."""
    missing = []
    for entry in PRIVATE_NAMES:
        try:
            owner = getattr(importlib.import_module(entry.module), entry.owner)
        except (ImportError, AttributeError):
            owner = None
        if owner is None or not callable(getattr(owner, entry.name, None)):
            missing.append(f"{entry.qualified} is missing from {entry.package} {package_version(entry.package)}; "
                           f"the batch needs it because {entry.why}")
    return missing


def check_private_names() -> None:
    """Raise :class:`~audit_lib.errors.RunError` naming each private name the installed packages lack."""
    missing = missing_private_names()
    if missing:
        raise RunError("the batch engine cannot run with the installed Jupyter packages: " + "; ".join(missing)
                       + " (install the versions pinned in pyproject.toml, or adapt audit_lib/batch/jupyter_private.py)")
