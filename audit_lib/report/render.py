"""HTML fragments of the workbook and reports, from Jinja2 templates with autoescaping.

Everything an auditor typed or a data file supplied passes through Jinja2's autoescape,
so a ``<script>`` in evidence or in a case-log category shows as text. Figures are formatted
by the environment's filters, the same in every template: ``{{ value | number }}`` and
``{{ value | percent }}``.
"""

from __future__ import annotations

import contextlib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from ..core.cache import cache_folder as product_cache_folder
from ..core.periods import uk_date

#: A status (or "Figure or text": a 2020 question answered by a figure or written answer) -> its badge class.
BADGE_CLASS = {"Yes": "yes", "Partial": "partial", "No": "no", "N/A": "na", "Figure or text": "value"}


def number(value: float | None) -> str:
    """A figure to one decimal place (``44.3``), or ``n/a`` when there is none: ``{{ x | number }}``."""
    return "n/a" if value is None else f"{value:.1f}"


def percent(value: float | None) -> str:
    """A percentage to one decimal place (``87.4%``), or ``n/a`` when there is none: ``{{ x | percent }}``."""
    return "n/a" if value is None else f"{value:.1f}%"


def cache_folder() -> Path | None:
    """The product's own folder for compiled templates, or ``None`` to compile without a cache.

    ``$XDG_CACHE_HOME/chc-audit/jinja2`` (``~/.cache/...`` by default; ``%LOCALAPPDATA%`` on
    Windows), created private to this user (:func:`audit_lib.core.cache.cache_folder`). Jinja2's
    default, ``$TMPDIR/_jinja2-cache-<uid>``, is shared by every program and stops each run when
    someone else owns it; here a folder that cannot be made, or that is not this user's own private
    folder, means no cache.
    """
    return product_cache_folder("jinja2")


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """A bytecode cache in :func:`cache_folder`, or none."""
    folder = cache_folder()
    if folder is None:
        return None
    with contextlib.suppress(OSError, RuntimeError):
        # Compiled code depends on the environment's options (finalize among them), not only on
        # a template's source: the file names say which options, so older compilations are not used.
        return jinja2.FileSystemBytecodeCache(str(folder), pattern=f"__jinja2_{_COMPILED_WITH}_%s.cache")
    return None


#: Names the environment options templates are compiled with; change it when they change.
_COMPILED_WITH = "autoescape-finalize-bidi-1"


#: Unicode controls that reorder the text after them (embeddings, overrides, isolates): in a
#: typed answer, a register title or a file's cell they could make a report read other than it
#: says (U+202E turns "6.2 No" into "oN 2.6"); each is shown as U+FFFD instead.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], "\ufffd")


def visible(value: Any) -> Any:
    """Every value a template prints, with bidirectional controls made visible (HTML the
    templates were given as safe stays safe)."""
    if isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(str(value).translate(_BIDI_CONTROLS))
    if isinstance(value, str):
        return value.translate(_BIDI_CONTROLS)
    return value


def html_environment(folder: str, **options: Any) -> jinja2.Environment:
    """A Jinja2 environment for the product's HTML templates in ``folder``: everything printed is
    escaped and has its bidirectional controls made visible (:func:`visible`), and a name a
    template uses that it was not given is an error, not a blank."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        finalize=visible,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        **options,
    )


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    # Compiled templates are cached on disk (in the product's own per-user folder, keyed by the
    # template's source), so each fresh kernel of a batch run does not compile them again.
    environment = html_environment(str(resources.files("audit_lib.report") / "html"), bytecode_cache=_bytecode_cache())
    environment.filters["number"] = number
    environment.filters["percent"] = percent
    environment.filters["uk_date"] = uk_date
    return environment


@lru_cache(maxsize=1)
def stylesheet() -> markupsafe.Markup:
    """The parts' stylesheet (``html/style.css``), the package's own file: marked safe, so a cover's
    ``<style>{{ css }}</style>`` holds it as written (autoescape would turn its quotes into
    ``&#34;``, which a browser does not decode inside ``<style>``)."""
    return markupsafe.Markup((resources.files("audit_lib.report") / "html" / "style.css").read_text(encoding="utf-8"))


def render(template: str, **context: Any) -> str:
    """Render one of the package's HTML templates (``cover``, ``section``, ...); a cover's template
    embeds :func:`stylesheet` as ``css``."""
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
