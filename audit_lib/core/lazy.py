"""Public names imported on first use (PEP 562), so importing a package stays light.

A package lists its public names and the module each comes from, and makes its ``__getattr__``
with :func:`lazy_exports`::

    _EXPORTS = {"Workbook": "workbook.facade", "open_workbook": "workbook.facade"}
    __getattr__ = lazy_exports(__name__, _EXPORTS)

The first use of a name imports its module; the value is then kept in the package's namespace,
so later uses do not come back here. A name not listed is an :class:`AttributeError`, as for any
module.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """The ``__getattr__`` of the package named ``package``: each name of ``exports`` imported on
    first use from its module (given relative to the package: ``"load"``, ``"core.periods"``)."""

    def lazy_getattr(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{module}", package), name)
        setattr(sys.modules[package], name, value)
        return value

    lazy_getattr.__doc__ = f"Import a public name of {package} on first use (PEP 562)."
    return lazy_getattr


__all__ = ["lazy_exports"]
