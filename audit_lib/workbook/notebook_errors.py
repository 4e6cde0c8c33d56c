"""In a notebook, show a user-fixable error as its one-line message, not a traceback."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from ..errors import AuditError


def _one_line(shell: Any, etype: type[BaseException], value: BaseException, tb: TracebackType | None,
              tb_offset: int | None = None) -> None:
    # _showtraceback publishes a normal 'error' output (so papermill still marks the cell as
    # failed), with the message as its only line.
    shell._showtraceback(etype, value, [f"{etype.__name__}: {value}"])


def show_audit_errors_briefly() -> None:
    """Register the one-line display for :class:`AuditError` in the running IPython kernel, if any."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebook stack
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "set_custom_exc"):
        shell.set_custom_exc((AuditError,), _one_line)
