"""Server-side SVG charts: geometry computed here, written out as SVG text by ``svg()``.

Charts are inline SVG with a ``viewBox`` (they scale to a 390 px phone), coloured by CSS
classes whose colours are the theme's CSS variables (one SVG serves light and dark themes,
so a rendered chart can be cached), and carry a ``<title>`` per mark, so they read without
JavaScript and with a screen reader; each chart on a page also has its data table. The SVG
is written with plain string joins: a Jinja macro per mark made a chart cost milliseconds.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

WIDTH, HEIGHT = 420, 200
PAD_LEFT, PAD_BOTTOM, PAD_TOP = 36, 24, 10


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float
    text: str


@dataclass
class BarChart:
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    labels: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    title: str = ""
    baseline: float = HEIGHT - PAD_BOTTOM
    left: float = PAD_LEFT

    def svg(self, label: str) -> Markup:
        """The chart as inline SVG, named ``label`` (escaped here)."""
        name = escape(label)
        out = [f'<svg class="chart" viewBox="0 0 {self.width} {self.height}" role="img" '
               f'aria-label="{name}" preserveAspectRatio="xMidYMid meet"><title>{name}</title>']
        right = self.width - 8
        for y, text in self.ticks:
            out.append(f'<line class="chart-grid" x1="{self.left}" x2="{right}" y1="{y}" y2="{y}"/>'
                       f'<text class="chart-axis" x="{self.left - 6}" y="{_n(y + 4)}" '
                       f'text-anchor="end">{escape(text)}</text>')
        for bar in self.bars:
            out.append(f'<rect class="chart-bar" x="{bar.x}" y="{bar.y}" width="{bar.width}" '
                       f'height="{bar.height}"><title>{escape(bar.text)}</title></rect>')
        for x, text in self.labels:
            out.append(f'<text class="chart-axis" x="{x}" y="{self.height - 8}" '
                       f'text-anchor="middle">{escape(text)}</text>')
        out.append("</svg>")
        return Markup("".join(out))


def _n(value: float) -> str:
    return f"{round(value, 2):g}"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _short(number: float) -> str:
    if number >= 1000:
        return f"{number / 1000:g}k"
    return f"{round(number, 2):g}"


def bar_chart(points: list[tuple[str, float]], title: str = "", fmt=None,
              label_every: int | None = None) -> BarChart:
    """Bars for (label, value) points; ``fmt`` turns a value into the mark's tooltip text."""
    fmt = fmt or (lambda v: f"{v:g}")
    top = _nice_max(max((v for _, v in points), default=0))
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP
    n = max(len(points), 1)
    slot = plot_w / n
    gap = min(slot * 0.2, 4)
    bars = []
    for i, (label, value) in enumerate(points):
        h = plot_h * (value / top) if top else 0
        bars.append(Bar(round(PAD_LEFT + i * slot + gap / 2, 2), round(PAD_TOP + plot_h - h, 2),
                        round(max(slot - gap, 0.5), 2), round(h, 2), label, value,
                        f"{label}: {fmt(value)}"))
    ticks = [(round(PAD_TOP + plot_h - plot_h * f, 2), _short(top * f)) for f in (0, 0.5, 1)]
    every = label_every or max(1, -(-n // 6))
    labels = [(round(PAD_LEFT + i * slot + slot / 2, 2), label)
              for i, (label, _) in enumerate(points) if i % every == 0]
    return BarChart(bars=bars, ticks=ticks, labels=labels, title=title)


@dataclass
class HeatCell:
    x: int
    y: int
    level: int
    text: str


@dataclass
class Heatmap:
    cells: list[HeatCell] = field(default_factory=list)
    rows: list[tuple[int, str]] = field(default_factory=list)
    columns: list[tuple[int, str]] = field(default_factory=list)
    width: int = 0
    height: int = 0
    cell: int = 22
    left: int = 40
    top: int = 22

    def svg(self, label: str) -> Markup:
        """The heatmap as inline SVG, named ``label`` (escaped here)."""
        name = escape(label)
        out = [f'<svg class="chart chart-heat" viewBox="0 0 {self.width} {self.height}" role="img" '
               f'aria-label="{name}"><title>{name}</title>']
        for y, text in self.rows:
            out.append(f'<text class="chart-axis" x="{self.left - 4}" y="{y}" text-anchor="end">'
                       f'{escape(text)}</text>')
        for x, text in self.columns:
            out.append(f'<text class="chart-axis" x="{x}" y="{self.top - 5}" text-anchor="middle">'
                       f'{escape(text)}</text>')
        side = self.cell - 2
        for cell in self.cells:
            out.append(f'<rect class="heat-{cell.level}" x="{cell.x + 1}" y="{cell.y + 1}" '
                       f'width="{side}" height="{side}" rx="3"><title>{escape(cell.text)}</title></rect>')
        out.append("</svg>")
        return Markup("".join(out))


def heatmap(grid: list[list[float]], row_labels: list[str], column_labels: list[str],
            fmt=None, cell: int = 22) -> Heatmap:
    """A grid of cells shaded in five levels (0 = nothing) relative to the largest value."""
    fmt = fmt or (lambda v: f"{v:g}")
    top = max((v for row in grid for v in row), default=0)
    chart = Heatmap(cell=cell)
    chart.width = chart.left + cell * max((len(r) for r in grid), default=0) + 2
    chart.height = chart.top + cell * len(grid) + 2
    for r, row in enumerate(grid):
        chart.rows.append((chart.top + r * cell + cell // 2 + 4, row_labels[r]))
        for c, value in enumerate(row):
            level = 0 if not value or not top else min(4, 1 + int(3.999 * value / top))
            chart.cells.append(HeatCell(chart.left + c * cell, chart.top + r * cell, level,
                                        f"{row_labels[r]} {column_labels[c]}: {fmt(value)}"))
    for c, label in enumerate(column_labels):
        if c % 3 == 0:
            chart.columns.append((chart.left + c * cell + cell // 2, label))
    return chart


def hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h"
