"""How the workbook's widgets look: one Layout model and one style model for every widget that
looks the same, and the one way to hide or show a widget.

Every ipywidgets Layout and style object is a model of its own: a message to the browser, and a
model the browser builds, before anything is drawn. A widget built without ``layout=`` or
``style=`` gets a new one of each, with the default (empty) settings. ipywidgets lets many
widgets share one Layout or style object, so :func:`layout` and :func:`style` give the shared
object for a set of settings (the same object each time they are asked for the same settings),
and every widget of the workbook is built with them: a Run All then sends a handful of layouts
and styles instead of one or two per widget. :func:`layout` with no settings looks as a widget's
default Layout does, :func:`style` with no settings as its default style.

A shared object must never change: it would change every widget sharing it. So it cannot be
changed: setting any of its properties raises :class:`AttributeError`. A widget is hidden or
shown only by :func:`show`, which gives the widget a Layout of its own (the same settings) the
first time its display changes, so no other widget changes with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as w

#: The display a shown and a hidden widget have (what the workbook has always set).
SHOWN, HIDDEN = "", "none"


class _Shared:
    """A Layout or style shared by many widgets: its properties cannot be set once it is built."""

    _frozen = False
    #: The settings it was built with (a widget given a layout of its own by :func:`show` keeps them).
    look_settings: dict[str, Any]

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self.look_settings = dict(settings)
        self._frozen = True

    def __setattr__(self, name: str, value: Any) -> None:
        if self._frozen and name in self.keys:  # type: ignore[attr-defined]
            raise AttributeError(
                f"{type(self).__name__}.{name} cannot be set: this {type(self).__name__} is shared by every widget "
                "that looks the same. Hide or show a widget with audit_lib.workbook.look.show (it gives the widget a "
                "layout of its own), or build the widget with another shared layout or style")
        super().__setattr__(name, value)


_CLASSES: dict[type, type] = {}  # an ipywidgets Layout or style class -> its shared kind
_SHARED: dict[tuple[type, tuple[tuple[str, Any], ...]], Any] = {}  # (class, settings) -> the shared object


def _shared_class(cls: type) -> type:
    kind = _CLASSES.get(cls)
    if kind is None:
        kind = _CLASSES[cls] = type(f"Shared{cls.__name__}", (_Shared, cls), {"__module__": __name__})
    return kind


def _shared(cls: type, settings: dict[str, Any]) -> Any:
    key = (cls, tuple(sorted(settings.items())))
    found = _SHARED.get(key)
    if found is None or found.comm is None:  # (a closed model cannot be shown again: built anew)
        found = _SHARED[key] = _shared_class(cls)(**settings)
    return found


def layout(**settings: str) -> Any:
    """The Layout shared by every widget with these settings (``width="100%"``, ``display="none"``,
    ...); none: the look of a widget's default Layout. It cannot be changed (see :func:`show`)."""
    return _shared(w.Layout, settings)


def style(widget: type[Any], **settings: str) -> Any:
    """The style shared by every widget of class ``widget`` (``w.HTML``, ``w.Button``, ...) with
    these settings (``description_width="60px"``, ...); none: the look of its default style. It
    cannot be changed."""
    return _style(widget, settings)


def _style(widget: type[Any], settings: dict[str, str]) -> Any:
    return _shared(widget.class_traits()["style"].klass, settings)


def of(widget: type[Any], style: Mapping[str, str] | None = None, **settings: str) -> dict[str, Any]:
    """``layout=`` and (for a widget that has one) ``style=`` for a widget of class ``widget``: the
    shared Layout with these ``settings`` and the shared style with ``style``'s, e.g.
    ``w.Button(description="Edit", **look.of(w.Button, width="auto"))``."""
    given = {"layout": layout(**settings)}
    if "style" in widget.class_traits():
        given["style"] = _style(widget, dict(style or {}))
    elif style:
        raise TypeError(f"a {widget.__name__} has no style")
    return given


def show(widget: Any, visible: bool) -> None:
    """Show or hide ``widget``, and only it: the one way the workbook changes a widget's display.
    A widget whose Layout is shared is given one of its own first (the same settings)."""
    display = SHOWN if visible else HIDDEN
    current = widget.layout
    if (current.display != HIDDEN) == visible:  # already so (a display never set is shown)
        return
    if isinstance(current, _Shared):
        widget.layout = w.Layout(**{**current.look_settings, "display": display})
    else:
        current.display = display


def shared(model: Any) -> bool:
    """Whether ``model`` (a Layout or a style) is one of the shared ones (:func:`layout`, :func:`style`)."""
    return isinstance(model, _Shared)


def visible(widget: Any) -> bool:
    """Whether ``widget`` is shown (not hidden by :func:`show` or built hidden)."""
    return bool(widget.layout.display != HIDDEN)


__all__ = ["HIDDEN", "SHOWN", "layout", "of", "shared", "show", "style", "visible"]
