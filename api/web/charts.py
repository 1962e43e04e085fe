"""Charts as inline SVG drawn on the server: no script, printable, and each comes with its data table.

No `style` attributes: the pages' Content-Security-Policy allows only the stylesheet (app.css sizes and
colours them)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

# Colour-blind-safe palette (Okabe–Ito), one colour a finding category
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999")
BANDS = ((90, "HTXSNV"), (70, "HTTNV"), (50, "HTNV"))


def score_line(title: str, points: Sequence[tuple[str, float | None]], *, width: int = 560,
               height: int = 240) -> Markup:
    """Score (0–100) over periods, with the appraisal band thresholds as dashed lines."""
    left, right, top, bottom = 48, 40, 16, 36
    inner_w, inner_h = width - left - right, height - top - bottom
    step = inner_w / max(1, len(points) - 1)

    def y(score: float) -> float:
        return top + inner_h * (1 - score / 100)

    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" role="img" aria-label="{escape(title)}" '
             'class="chart">', f"<title>{escape(title)}</title>"]
    for value in (0, 25, 50, 75, 100):
        parts.append(f'<text x="{left - 8}" y="{y(value) + 4:.1f}" text-anchor="end">{value}</text>')
    for threshold, name in BANDS:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(threshold):.1f}" y2="{y(threshold):.1f}" '
                     f'stroke="#9aa5b1" stroke-dasharray="4 4"/>')
        parts.append(f'<text x="{width - right}" y="{y(threshold) - 3:.1f}" text-anchor="end" '
                     f'class="band">{name} ≥ {threshold}</text>')
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + inner_h}" stroke="#5b6672"/>')
    coords: list[tuple[float, float, float]] = []
    for i, (name, score) in enumerate(points):
        x = left + (step * i if len(points) > 1 else inner_w / 2)
        parts.append(f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle">{escape(name)}</text>')
        if score is not None:
            coords.append((x, y(score), score))
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy, _ in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#8a1c1c" stroke-width="2.5"/>')
    for x, yy, score in coords:
        parts.append(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="4.5" fill="#8a1c1c"><title>{score:g} điểm</title></circle>')
        parts.append(f'<text x="{x:.1f}" y="{yy - 9:.1f}" text-anchor="middle" font-weight="600">{score:g}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(points: Sequence[float | None], *, width: int = 120, height: int = 28) -> Markup:
    """A tiny score line for a table cell (0–100)."""
    values = [(i, v) for i, v in enumerate(points) if v is not None]
    if not values:
        return Markup("")
    step = (width - 6) / max(1, len(points) - 1)
    coords = " ".join(f"{3 + i * step:.1f},{3 + (height - 6) * (1 - v / 100):.1f}" for i, v in values)
    last_x, last_v = values[-1]
    return Markup(f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-hidden="true">'
                  f'<polyline points="{coords}" fill="none" stroke="#8a1c1c" stroke-width="1.5"/>'
                  f'<circle cx="{3 + last_x * step:.1f}" cy="{3 + (height - 6) * (1 - last_v / 100):.1f}" r="2.5" '
                  'fill="#8a1c1c"/></svg>')


def stacked_bars(title: str, rows: Sequence[tuple[str, Sequence[int]]], categories: Sequence[str], *,
                 width: int = 760) -> Markup:
    """One horizontal bar a unit, split by finding category, with a legend."""
    label_w, right, bar_h, gap, legend_h = 230, 40, 18, 8, 22 * ((len(categories) + 2) // 3)
    height = legend_h + 12 + len(rows) * (bar_h + gap) + 8
    biggest = max((sum(counts) for _, counts in rows), default=0) or 1
    scale = (width - label_w - right) / biggest
    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" role="img" aria-label="{escape(title)}" '
             'class="chart">', f"<title>{escape(title)}</title>"]
    for i, name in enumerate(categories):
        x, yy = 8 + (i % 3) * (width // 3), 4 + (i // 3) * 22
        parts.append(f'<rect x="{x}" y="{yy}" width="14" height="14" fill="{PALETTE[i % len(PALETTE)]}"/>'
                     f'<text x="{x + 20}" y="{yy + 12}">{escape(name)}</text>')
    for r, (unit, counts) in enumerate(rows):
        yy = legend_h + 12 + r * (bar_h + gap)
        shown = unit if len(unit) <= 34 else unit[:33] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{yy + 13}" text-anchor="end"><title>{escape(unit)}</title>'
                     f'{escape(shown)}</text>')
        x = float(label_w)
        for i, count in enumerate(counts):
            if count:
                w = count * scale
                parts.append(f'<rect x="{x:.1f}" y="{yy}" width="{w:.1f}" height="{bar_h}" '
                             f'fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(categories[i])}: {count}</title></rect>')
                x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{yy + 13}">{sum(counts)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
