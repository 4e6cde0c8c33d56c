"""What a form tells the auditor beside the widget: an error, or a conflict with both sides in words.

A widget's callback runs in the kernel, where an exception would only reach JupyterLab's log
console, which the auditor does not see. :func:`guarded` wraps a callback so that any error is
shown beside the widget instead (and still logged, with its traceback, for whoever supports the
workbook); :func:`error_html` and :func:`conflict_html` are the messages.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any, Protocol

from ..errors import AuditError

log = logging.getLogger(__name__)

ERROR_STYLE = "color:#7f1d1d"


def error_text(exc: BaseException) -> str:
    """An error in plain words: a user-fixable error's own message, else what happened without its
    details (an unexpected error's text may quote anything)."""
    if isinstance(exc, AuditError):
        return exc.message
    return (f"an unexpected error ({type(exc).__name__}) stopped this change. The form shows what is saved; "
            "try again, and if it happens again tell whoever supports the workbook (the details are in the "
            "Jupyter server's log).")


def error_html(exc: BaseException, what: str = "Not saved") -> str:
    """``what: <the error>`` as a message to show beside the widget."""
    return f'<div class="chc-error" style="{ERROR_STYLE}">{html.escape(what)}: {html.escape(error_text(exc))}</div>'


def redraw_error_html(exc: BaseException, saved: bool) -> str:
    """An error redrawing the page after a change, told as that: ``Saved, but the page could not be
    redrawn: …`` when the change was saved (it is on disk whatever the page shows). The error is
    logged with its traceback."""
    if not isinstance(exc, AuditError):
        log.error("redrawing the workbook after a change failed", exc_info=exc)
    what = "Saved, but the page could not be redrawn" if saved else "The page could not be redrawn"
    text = exc.message if isinstance(exc, AuditError) else (
        f"an unexpected error ({type(exc).__name__}). Run the notebook again to see every part of it as "
        "saved; if it happens again tell whoever supports the workbook (the details are in the Jupyter "
        "server's log).")
    return f'<div class="chc-error" style="{ERROR_STYLE}">{html.escape(what)}: {html.escape(text)}</div>'


def guarded(callback: Callable[..., Any], show: Callable[[BaseException], None]) -> Callable[..., None]:
    """``callback`` with any exception it raises handed to ``show`` (and logged), never to the kernel."""

    def run(*args: Any, **kwargs: Any) -> None:
        try:
            callback(*args, **kwargs)
        except Exception as exc:  # every error must reach the auditor, whatever it is
            if not isinstance(exc, AuditError):
                log.exception("a workbook form's callback failed")
            try:
                show(exc)
            except Exception:  # showing the error failed too: the log has both
                log.exception("showing a form's error failed")

    return run


class Conflict(Protocol):
    """A conflict as a store returns it (the answers' :class:`audit_lib.assessment.store.Conflict`,
    the annual records' :class:`audit_lib.annual.store.Conflict`)."""

    @property
    def by(self) -> str | None: ...

    @property
    def message(self) -> str: ...

    @property
    def sides(self) -> list[tuple[str, str]]: ...


def conflict_html(conflict: Conflict) -> str:
    """A conflict: what happened, then what the other editor saved beside what you tried to save,
    in words (one row per evidence item or action both changed)."""
    by = html.escape(conflict.by) if conflict.by else "the other editor"
    rows = "".join(
        f'<tr><td style="padding:2px 8px;vertical-align:top;white-space:pre-wrap">{html.escape(theirs)}</td>'
        f'<td style="padding:2px 8px;vertical-align:top;white-space:pre-wrap">{html.escape(yours)}</td></tr>'
        for theirs, yours in conflict.sides
    )
    return (
        f'<div class="chc-conflict" style="{ERROR_STYLE}"><b>Conflict:</b> {html.escape(conflict.message)}'
        '<table style="border-collapse:collapse;margin-top:4px;color:#1f2328">'
        f'<thead><tr><th style="text-align:left;padding:2px 8px">Saved by {by} (kept)</th>'
        '<th style="text-align:left;padding:2px 8px">Yours (not saved)</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


__all__ = ["conflict_html", "error_html", "error_text", "guarded", "redraw_error_html"]
