"""The sales chart: sales as bars, target and pipeline as lines, as a PNG (no pyplot: threads)."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.lead_up import periods
from bot.lead_up.models import MetricReport

WIDTH, HEIGHT, DPI = 9.0, 4.5, 100  # 900 x 450 px
MAX_POINTS = 12
SALES, TARGET, PIPELINE = "#2e86de", "#e67e22", "#27ae60"


@dataclass(frozen=True)
class ChartPoint:
    """One period on the chart; None where no report exists (a gap)."""

    period: str
    sales: float | None = None
    target: float | None = None
    pipeline: float | None = None


def chart_points(series: Sequence[tuple[str, MetricReport | None]]) -> list[ChartPoint]:
    """`reports.series(...)` as chart points, oldest first."""
    return [ChartPoint(period) if report is None else
            ChartPoint(period, report.sales, report.target, report.pipeline)
            for period, report in series]


def sales_chart(points: Sequence[ChartPoint], *, title: str) -> bytes:
    """A 900x450 PNG of the last (up to) 12 points; missing periods are gaps."""
    points = list(points)[-MAX_POINTS:]
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # 1 s to import: only when drawn
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    xs = list(range(len(points)))
    shown: list = []  # legend handles, in the order drawn
    bars = [(x, p.sales) for x, p in zip(xs, points, strict=True) if p.sales is not None]
    if bars:
        shown.append(axes.bar([x for x, _ in bars], [s for _, s in bars], width=0.6,
                              color=SALES, label="Sales", zorder=2))
    for name, color, style in (("target", TARGET, "--"), ("pipeline", PIPELINE, "-")):
        values = [_value(getattr(p, name)) for p in points]
        if any(not math.isnan(v) for v in values):
            shown += axes.plot(xs, values, style, color=color, marker="o", linewidth=2,
                               markersize=4, label=name.capitalize(), zorder=3)
    if not shown:
        axes.set_ylim(0, 1)
        axes.set_yticks([])
        axes.text(0.5, 0.5, "No figures yet", transform=axes.transAxes, ha="center",
                  va="center", color="#777777")
    else:
        axes.set_ylim(0, max(axes.get_ylim()[1], 1))
        axes.legend(handles=shown, loc="lower right", bbox_to_anchor=(1, 1), frameon=False,
                    ncols=3)
    axes.set_xticks(xs, [periods.short_label(p.period) for p in points])
    axes.set_xlim(-0.6, max(len(points), 1) - 0.4)
    axes.yaxis.set_major_formatter(FuncFormatter(thousands))
    axes.grid(axis="y", color="#dddddd", zorder=0)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(title, loc="left", fontsize=12)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def thousands(value: float, _position: object = None) -> str:
    """A y-axis label: `12,500`."""
    return f"{value:,.0f}"


def _value(number: float | None) -> float:
    return math.nan if number is None else number
