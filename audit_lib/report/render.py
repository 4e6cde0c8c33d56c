"""HTML fragments of the workbook and reports, from Jinja2 templates with autoescaping.

Everything an auditor typed or a data file supplied passes through Jinja2's autoescape,
so a ``<script>`` in evidence or in a case-log category shows as text. Figures are formatted
by the environment's filters, the same in every template: ``{{ value | number }}`` and
``{{ value | percent }}``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import jinja2

BADGE_CLASS = {"Yes": "yes", "Partial": "partial", "No": "no", "N/A": "na"}


def number(value: float | None) -> str:
    """A figure to one decimal place (``44.3``), or ``n/a`` when there is none: ``{{ x | number }}``."""
    return "n/a" if value is None else f"{value:.1f}"


def percent(value: float | None) -> str:
    """A percentage to one decimal place (``87.4%``), or ``n/a`` when there is none: ``{{ x | percent }}``."""
    return "n/a" if value is None else f"{value:.1f}%"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    folder = str(resources.files("audit_lib.report") / "html")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Compiled templates are cached on disk (per user, keyed by the template's source), so
        # each fresh kernel of a batch run does not compile them again.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
    )
    environment.filters["number"] = number
    environment.filters["percent"] = percent
    return environment


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return (resources.files("audit_lib.report") / "html" / "style.css").read_text(encoding="utf-8")


def render(template: str, **context: Any) -> str:
    """Render one of the package's HTML templates (``cover``, ``section``, ...)."""
    return _environment().get_template(f"{template}.html.j2").render(css=stylesheet(), **context)


class HTMLFragment:
    """Rich display wrapper: shows as HTML in Jupyter and in exported notebooks."""

    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:  # the notebook's text/plain: stable, so executed notebooks are reproducible
        return f"<HTML fragment, {len(self.html):,} characters>"
