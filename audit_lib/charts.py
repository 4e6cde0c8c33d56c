"""Static charts (PNG embedded as data URIs) that survive offline HTML export."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")  # no display; charts are rendered to PNG bytes
import matplotlib.pyplot as plt  # noqa: E402

from .stats import CaseStatistics  # noqa: E402

COLOURS = {"stage1": "#1f4e79", "stage2": "#c0504d", "target": "#6b7280"}


def _png(fig: "plt.Figure") -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def volumes_by_quarter(stats: CaseStatistics) -> str:
    names = list(stats.quarters)
    s1 = [stats.quarters[q].stage1_received for q in names]
    s2 = [stats.quarters[q].stage2_received for q in names]
    fig, ax = plt.subplots(figsize=(5.5, 3))
    xs = range(len(names))
    ax.bar([x - 0.2 for x in xs], s1, width=0.4, label="Stage 1 received", color=COLOURS["stage1"])
    ax.bar([x + 0.2 for x in xs], s2, width=0.4, label="Stage 2 escalations", color=COLOURS["stage2"])
    ax.set_xticks(list(xs), names)
    ax.set_ylabel("Complaints")
    ax.set_title(f"Complaints received by quarter, {stats.period}")
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def timeliness_by_quarter(stats: CaseStatistics) -> str:
    names = list(stats.quarters)
    series = {
        "Stage 1 acknowledged": [stats.quarters[q].stage1_ack.pct for q in names],
        "Stage 1 responded": [stats.quarters[q].stage1_response.pct for q in names],
        "Stage 2 responded": [stats.quarters[q].stage2_response.pct for q in names],
    }
    fig, ax = plt.subplots(figsize=(5.5, 3))
    for (label, values), style in zip(series.items(), ("o-", "s-", "^--")):
        ax.plot(names, [float("nan") if v is None else v for v in values], style, label=label)
    ax.axhline(100, color=COLOURS["target"], linewidth=1, linestyle=":")
    ax.set_ylim(0, 105)
    ax.set_ylabel("% on time (Code timescales)")
    ax.set_title("Timeliness against the Code's timescales")
    ax.legend(frameon=False, fontsize=8, loc="lower left")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def categories(stats: CaseStatistics, top: int = 10) -> str:
    items = list(stats.categories.items())[:top][::-1]
    fig, ax = plt.subplots(figsize=(5.5, max(1.5, 0.3 * len(items) + 0.8)))
    ax.barh([k for k, _ in items], [v for _, v in items], color=COLOURS["stage1"])
    ax.set_xlabel("Stage 1 complaints received")
    ax.set_title("Areas of dissatisfaction")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def all_charts(stats: CaseStatistics) -> list[tuple[str, str]]:
    """(alt text, data URI) for each chart of the case-data section."""
    return [
        ("Complaints received by quarter", volumes_by_quarter(stats)),
        ("Timeliness against the Code's timescales by quarter", timeliness_by_quarter(stats)),
        ("Areas of dissatisfaction", categories(stats)),
    ]
