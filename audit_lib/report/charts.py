"""Static charts as inline SVG: no plotting library in the kernel, nothing loaded from the network.

Geometry is computed here as plain shapes; ``html/chart.html.j2`` draws them through Jinja2's
autoescape, so a category name from a case log reaches the report as text, never as markup.
The charts print crisply, stay a few kilobytes each and open offline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from markupsafe import Markup

from ..stats.results import CaseStatistics, Rate
from .render import render

COLOURS = {"stage1": "#1f4e79", "stage2": "#c0504d", "third": "#4f8a3c", "target": "#6b7280", "grid": "#e5e7eb",
           "text": "#1d2327"}
WIDTH, HEIGHT = 520, 270
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 16, 52, 32


def _pct(rate: Rate | None) -> float | None:
    return None if rate is None else rate.pct


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    tooltip: str = ""


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    dash: str = ""
    width: float = 1.0


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    stroke: str
    dash: str = ""

    @property
    def path(self) -> str:
        """The points as SVG ``points`` text."""
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.points)


@dataclass(frozen=True)
class Dot:
    cx: float
    cy: float
    fill: str
    tooltip: str = ""


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start, middle or end
    size: int = 11
    bold: bool = False
    fill: str = COLOURS["text"]


@dataclass
class Chart:
    """One chart: its title (also the SVG's accessible name) and its shapes."""

    title: str
    width: int = WIDTH
    height: int = HEIGHT
    rects: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    polylines: list[Polyline] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)

    @property
    def svg(self) -> Markup:
        """The chart as an inline ``<svg>`` element (escaped text, no external references)."""
        return Markup(render("chart", chart=self))


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round axis ticks from 0 to at least ``maximum`` (1, 2 or 5 times a power of ten apart)."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0) if maximum >= 1 else step
    ticks = [0.0]
    while ticks[-1] < maximum:
        ticks.append(ticks[-1] + step)
    return ticks


def _label(value: float) -> str:
    """An axis label: whole numbers without decimals."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _frame(chart: Chart, ticks: list[float], unit: str = "") -> tuple[float, float, float, float]:
    """Horizontal grid lines and y labels; returns the plot box (left, top, right, bottom)."""
    left, top = MARGIN_LEFT, MARGIN_TOP
    right, bottom = chart.width - MARGIN_RIGHT, chart.height - MARGIN_BOTTOM
    chart.texts.append(Text(chart.width / 2, 18, chart.title, anchor="middle", size=13, bold=True))
    for tick in ticks:
        y = bottom - (bottom - top) * tick / ticks[-1]
        chart.lines.append(Line(left, y, right, y, COLOURS["grid"]))
        chart.texts.append(Text(left - 6, y + 4, _label(tick) + unit, anchor="end", size=10))
    chart.lines.append(Line(left, bottom, right, bottom, COLOURS["target"]))
    return left, top, right, bottom


def _legend(chart: Chart, entries: list[tuple[str, str]]) -> None:
    """A row of colour keys under the title."""
    x: float = MARGIN_LEFT
    for label, colour in entries:
        chart.rects.append(Rect(x, 30, 10, 10, colour))
        chart.texts.append(Text(x + 14, 39, label, size=10))
        x += 22 + 6.2 * len(label)


def grouped_bars(title: str, groups: list[str], series: list[tuple[str, str, list[int]]]) -> Chart:
    """Vertical bars, one cluster per group and one bar per (label, colour, values) series."""
    chart = Chart(title)
    ticks = nice_ticks(max((v for _, _, values in series for v in values), default=0))
    left, top, right, bottom = _frame(chart, ticks)
    slot = (right - left) / max(len(groups), 1)
    bar = slot * 0.7 / max(len(series), 1)
    for g, group in enumerate(groups):
        chart.texts.append(Text(left + slot * (g + 0.5), bottom + 16, group, anchor="middle"))
        for s, (label, colour, values) in enumerate(series):
            height = (bottom - top) * values[g] / ticks[-1]
            x = left + slot * g + slot * 0.15 + bar * s
            chart.rects.append(Rect(x, bottom - height, bar - 2, height, colour, f"{group}, {label}: {values[g]}"))
            chart.texts.append(Text(x + (bar - 2) / 2, bottom - height - 3, f"{values[g]:,}", anchor="middle", size=9))
    _legend(chart, [(label, colour) for label, colour, _ in series])
    return chart


def percent_lines(title: str, points: list[str], series: list[tuple[str, str, list[float | None]]]) -> Chart:
    """Percentages (0-100) across points, one line per series; a missing value breaks the line."""
    chart = Chart(title)
    ticks = [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    left, top, right, bottom = _frame(chart, ticks, unit="%")
    chart.lines.append(Line(left, top, right, top, COLOURS["target"], dash="3 3"))
    slot = (right - left) / max(len(points), 1)
    for p, name in enumerate(points):
        chart.texts.append(Text(left + slot * (p + 0.5), bottom + 16, name, anchor="middle"))
    dashes = ("", "6 3", "2 2")
    for s, (label, colour, values) in enumerate(series):
        run: list[tuple[float, float]] = []
        for p, value in enumerate(values + [None]):
            if value is None:
                if len(run) > 1:
                    chart.polylines.append(Polyline(tuple(run), colour, dashes[s % len(dashes)]))
                run = []
                continue
            xy = (left + slot * (p + 0.5), bottom - (bottom - top) * value / 100)
            run.append(xy)
            chart.dots.append(Dot(*xy, colour, f"{points[p]}, {label}: {value:.1f}%"))
    _legend(chart, [(label, colour) for label, colour, _ in series])
    return chart


def horizontal_bars(title: str, items: list[tuple[str, int]], colour: str = COLOURS["stage1"]) -> Chart:
    """One horizontal bar per (label, value), largest first; long labels are shortened."""
    label_width = 170
    height = max(110, 58 + 22 * len(items))
    chart = Chart(title, height=height)
    chart.texts.append(Text(chart.width / 2, 18, title, anchor="middle", size=13, bold=True))
    if not items:
        chart.texts.append(Text(chart.width / 2, 60, "None received in the period.", anchor="middle"))
        return chart
    biggest = max(v for _, v in items) or 1
    left, right = label_width, chart.width - 48
    for i, (label, value) in enumerate(items):
        y = 36 + 22 * i
        width = (right - left) * value / biggest
        short = label if len(label) <= 26 else label[:25] + "…"
        chart.texts.append(Text(left - 6, y + 13, short, anchor="end"))
        chart.rects.append(Rect(left, y + 2, max(width, 1), 16, colour, f"{label}: {value}"))
        chart.texts.append(Text(left + width + 4, y + 14, f"{value:,}", size=10))
    return chart


def volumes_by_quarter(stats: CaseStatistics) -> Chart:
    """Stage 1 and stage 2 complaints received, by quarter."""
    names = list(stats.quarters)
    return grouped_bars(
        f"Complaints received by quarter, {stats.period}",
        names,
        [
            ("Stage 1 received", COLOURS["stage1"], [stats.quarters[q].stage1_received for q in names]),
            ("Stage 2 escalations", COLOURS["stage2"], [stats.quarters[q].stage2_received for q in names]),
        ],
    )


def timeliness_by_quarter(stats: CaseStatistics) -> Chart:
    """Share of acknowledgements and responses on time, by quarter."""
    names = list(stats.quarters)
    return percent_lines(
        "On time against the Code's timescales",
        names,
        [
            ("Stage 1 acknowledged", COLOURS["stage1"], [_pct(stats.quarters[q].stage1_ack) for q in names]),
            ("Stage 1 responded", COLOURS["third"], [stats.quarters[q].stage1_response.pct for q in names]),
            ("Stage 2 responded", COLOURS["stage2"], [stats.quarters[q].stage2_response.pct for q in names]),
        ],
    )


def categories(stats: CaseStatistics, top: int = 10) -> Chart:
    """The ``top`` areas of dissatisfaction at stage 1."""
    return horizontal_bars("Areas of dissatisfaction (stage 1)", list(stats.categories.items())[:top])


def all_charts(stats: CaseStatistics) -> list[Chart]:
    """The charts of the case-data section, in reading order."""
    return [volumes_by_quarter(stats), timeliness_by_quarter(stats), categories(stats)]
