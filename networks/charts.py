"""Small SVG charts drawn on the server: no script, no third party, prints well."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD = 320, 120, 24


def indicator_chart(indicator, readings) -> SafeString:
    """A line of the readings over time with the target as a dashed line; '' if < 2 readings."""
    points = [(r.date, Decimal(r.value)) for r in readings]
    if len(points) < 2:
        return mark_safe("")
    top = max([v for _d, v in points] + [indicator.target or Decimal(0)]) or Decimal(1)
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)

    def xy(day, value) -> tuple[float, float]:
        x = PAD + (WIDTH - 2 * PAD) * (day - first).days / span
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * float(value / top)
        return round(x, 1), round(y, 1)

    line = " ".join(f"{x},{y}" for x, y in (xy(d, v) for d, v in points))
    parts = [
        f'<polyline points="{line}" fill="none" stroke="currentColor" stroke-width="2"/>',
    ]
    for day, value in points:
        x, y = xy(day, value)
        parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="currentColor"/>')
    if indicator.target:
        _x, y = xy(first, indicator.target)
        parts.append(
            f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y}" y2="{y}" stroke="currentColor" '
            'stroke-dasharray="4 3" opacity="0.6"/>'
        )
    parts.append(
        f'<text x="{PAD}" y="{HEIGHT - 6}" font-size="11" fill="currentColor">{first:%d.%m.%Y}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 6}" font-size="11" text-anchor="end" '
        f'fill="currentColor">{last:%d.%m.%Y}</text>'
    )
    label = _("Readings of “%(name)s” from %(first)s to %(last)s: %(values)s") % {
        "name": indicator.name,
        "first": f"{first:%d.%m.%Y}",
        "last": f"{last:%d.%m.%Y}",
        "values": ", ".join(f"{v:g}" for _d, v in points),
    }
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}">{}</svg>',
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        label,
        mark_safe("".join(parts)),  # noqa: S308 - built from numbers and dates above
    )


def progress_bars(indicators) -> SafeString:
    """One horizontal bar per indicator with a target: how much of it is reached."""
    rows = [i for i in indicators if i.progress is not None]
    if not rows:
        return mark_safe("")
    bar_height, gap, label_width, width = 16, 10, 150, 420
    height = len(rows) * (bar_height + gap) + gap
    parts = []
    for n, indicator in enumerate(rows):
        y = gap + n * (bar_height + gap)
        full = width - label_width - 50
        parts.append(
            f'<text x="0" y="{y + 12}" font-size="11" fill="currentColor">'
            f"{escape(indicator.name[:28])}</text>"
            f'<rect x="{label_width}" y="{y}" width="{full}" height="{bar_height}" '
            'fill="none" stroke="currentColor" opacity="0.4"/>'
            f'<rect x="{label_width}" y="{y}" width="{full * indicator.progress / 100:.1f}" '
            f'height="{bar_height}" fill="currentColor"/>'
            f'<text x="{width - 45}" y="{y + 12}" font-size="11" fill="currentColor">'
            f"{indicator.progress} %</text>"
        )
    label = "; ".join(f"{i.name}: {i.progress} %" for i in rows)
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}">{}</svg>',
        width,
        height,
        width,
        height,
        label,
        mark_safe("".join(parts)),  # noqa: S308 - names escaped above
    )


def bar_chart(chart) -> SafeString:
    """Vertical bars of a :class:`treffpunkt.reports.ReportChart` (e.g. people per month),
    each with its figure above and its label below; the chart in words as its label."""
    if chart is None or not chart.bars:
        return mark_safe("")
    slot, bar, top_pad, plot, bottom = 44, 28, 16, 120, 20
    width, height = slot * len(chart.bars), top_pad + plot + bottom
    top = chart.top or 1
    parts = []
    for n, (label, value) in enumerate(chart.bars):
        x = n * slot + (slot - bar) / 2
        tall = plot * value / top
        y = top_pad + plot - tall
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar}" height="{tall:.1f}" '
            'fill="currentColor"/>'
            f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" font-size="11" text-anchor="middle" '
            f'fill="currentColor">{int(value)}</text>'
            f'<text x="{x + bar / 2:.1f}" y="{height - 5}" font-size="11" text-anchor="middle" '
            f'fill="currentColor">{escape(label)}</text>'
        )
    return format_html(
        '<svg class="chart chart--bars" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}">{}</svg>',
        width,
        height,
        width,
        height,
        chart.description,
        mark_safe("".join(parts)),  # noqa: S308 - numbers, and labels escaped above
    )
