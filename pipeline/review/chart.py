"""A line chart as inline SVG, drawn in Python: the report card's trend of applications per year.

A night renders up to 10⁵ cards; a chart through Vega-Lite and vl-convert cost tens of
milliseconds each, this one tens of microseconds. The page stays static (no script, no CDN): it
opens from disk, prints, and reads the same in a browser's DOM and in the HTML file.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

#: Vega's default categorical colours (tableau10), as the Altair chart drew the series
COLORS = ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b")
FONT = "Noto Sans CJK SC, sans-serif"


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``top`` (steps of 1, 2 or 5 × 10ⁿ)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def _tick_label(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.2g}"


def line_chart_svg(
    title: str,
    x_labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    width: int = 360,
    height: int = 180,
) -> str:
    """An SVG line chart with points: ``x_labels`` on an ordinal axis, one line per series (a
    null value breaks its line), a y axis from 0 with round ticks, a legend at the right."""
    left, top, legend_w, bottom = 48, 28, 90, 30
    w, h = width, height
    values = [v for vs in series.values() for v in vs if v is not None]
    ticks = nice_ticks(max(values, default=0.0))
    ymax = ticks[-1]
    step = w / max(len(x_labels), 1)

    def x(i: int) -> float:
        return left + step * (i + 0.5)

    def y(v: float) -> float:
        return top + h - (v / ymax) * h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{left + w + legend_w}" '
        f'height="{top + h + bottom}" viewBox="0 0 {left + w + legend_w} {top + h + bottom}" '
        f'font-family="{FONT}" font-size="11" role="img" aria-label="{escape(title)}">',
        f'<text x="{left + w / 2:.1f}" y="16" text-anchor="middle" font-size="13" '
        f'font-weight="bold">{escape(title)}</text>',
    ]
    for t in ticks:
        ty = y(t)
        out.append(
            f'<line x1="{left}" x2="{left + w}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end">{_tick_label(t)}</text>'
        )
    out.append(f'<line x1="{left}" x2="{left + w}" y1="{top + h}" y2="{top + h}" stroke="#888"/>')
    for i, label in enumerate(x_labels):
        out.append(f'<text x="{x(i):.1f}" y="{top + h + 16}" text-anchor="middle">{escape(label)}</text>')
    for k, (name, vs) in enumerate(series.items()):
        color = COLORS[k % len(COLORS)]
        runs: list[list[str]] = [[]]
        for i, v in enumerate(vs):
            if v is None:
                runs.append([])
                continue
            runs[-1].append(f"{x(i):.1f},{y(v):.1f}")
        for run in runs:
            if len(run) > 1:
                out.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{color}" stroke-width="2"/>'
                )
        for i, v in enumerate(vs):
            if v is not None:
                out.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{color}">'
                    f"<title>{escape(name)} {escape(x_labels[i])}: {_tick_label(v)}</title></circle>"
                )
        ly = top + 8 + 18 * k
        out.append(
            f'<circle cx="{left + w + 14}" cy="{ly}" r="4" fill="{color}"/>'
            f'<text x="{left + w + 22}" y="{ly + 4}">{escape(name)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
