"""The grade history on the public entity page as a server-rendered inline SVG (issue 16 §1).

A pure function of the points ``credit.views._history_view`` builds: no JavaScript, no query. The
axis shows dates (never hours), each grade band carries its name as text (never colour alone), and
every point carries a ``<title>`` with its date, grade and score. The data table stays next to the
chart for screen readers; the SVG is one ``role="img"`` with a title and a summary.
"""

import datetime as dt
import re

from django.utils import dateformat
from django.utils.html import escape
from django.utils.translation import gettext as _

# viewBox units. The SVG scales to its box (width:100%, max-width 480px in portal.css): on a 390 px
# phone the box is about 308 px wide and a 13-unit font about 11 px; at 480 px, about 17 px.
WIDTH = 360
HEIGHT = 210
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 10, 30
FONT = 13
MAX_TICKS = 3  # date labels (about 72 units each) that fit the 308-unit plot without touching
MARKERS_UP_TO = 60  # beyond this many points the line alone (markers would merge into a bar)
GREY = "#616e7c"
_HEX = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\Z")
_MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)
_DAY_STEPS = (1, 2, 5, 7, 14, 21)


def _colour(value) -> str:
    return value if isinstance(value, str) and _HEX.match(value) else GREY


def _text_width(text: str) -> float:
    """About how wide a label is in viewBox units: a CJK character is a full em, others about 0.6."""
    return sum(FONT if ord(ch) > 0x2E80 else FONT * 0.6 for ch in text)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _domain(dates: list[dt.date]) -> tuple[dt.date, dt.date]:
    start, end = min(dates), max(dates)
    if (end - start).days < 2:  # a single day: the month before it, so no future dates show
        start = end - dt.timedelta(days=30)
    return start, end


def _month_ticks(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """Month starts inside [start, end], thinned to a step of 1, 2, 3, 6 months or 1, 2, 5, 10 years."""
    first = start.year * 12 + start.month - 1 + (0 if start.day == 1 else 1)
    last = end.year * 12 + end.month - 1
    for step in _MONTH_STEPS:
        ticks = [m for m in range(first, last + 1) if m % step == 0]
        if len(ticks) <= MAX_TICKS:
            break
    if len(ticks) < 2 and step == 1:
        return []  # under two months: day ticks read better
    fmt = _("Y年") if step >= 12 else _("Y年n月")
    return [(d, dateformat.format(d, fmt)) for d in (dt.date(m // 12, m % 12 + 1, 1) for m in ticks)]


def _day_ticks(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    span = (end - start).days
    step = next((s for s in _DAY_STEPS if span // s + 1 <= MAX_TICKS), _DAY_STEPS[-1])
    ticks, cursor = [], start
    while cursor <= end:
        ticks.append((cursor, cursor.isoformat()))
        cursor += dt.timedelta(days=step)
    return ticks


def date_ticks(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """Tick dates and their labels: month starts (2026年3月) or years (2026年) over long spans,
    ISO dates (2026-03-14) when the span is shorter than two months. Never hours."""
    return _month_ticks(start, end) or _day_ticks(start, end)


def grade_history_svg(points: list[dict], bands: list[dict]) -> str:
    """Rows → SVG markup. ``points``: ``{"date": "YYYY-MM-DD", "score", "label", "hex", "now"?}`` in
    date order (the last one may be today at the current score); ``bands``: ``{"label", "min", "max",
    "hex"}`` of the current model. Every text is escaped; colours not in #rgb/#rrggbb become grey."""
    if not points:
        return ""
    dates = [dt.date.fromisoformat(str(p["date"])) for p in points]
    start, end = _domain(dates)
    span = max((end - start).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(d: dt.date) -> float:
        return LEFT + plot_w * (d - start).days / span

    def y(score) -> float:
        return TOP + plot_h * (1 - min(max(int(score or 0), 0), 1000) / 1000)

    changes = [p for p in points if not p.get("now")]
    summary = _("%(start)s 至 %(end)s，信用等级变化 %(n)d 次；当前为“%(label)s”，信用分 %(score)s。") % {
        "start": dates[0].isoformat(),
        "end": dates[-1].isoformat(),
        "n": len(changes),
        "label": points[-1]["label"],
        "score": points[-1]["score"],
    }
    out = [
        f'<svg class="history-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="history-chart-title history-chart-desc" font-size="{FONT}" '
        f'preserveAspectRatio="xMidYMid meet">',
        f'<title id="history-chart-title">{escape(_("信用等级与信用分随时间的变化"))}</title>',
        f'<desc id="history-chart-desc">{escape(summary)}</desc>',
    ]
    # Grade bands: a pale stripe each, with the grade's name written in it (not colour alone).
    for band in sorted(bands, key=lambda b: -int(b["max"])):
        top, bottom = y(int(band["max"]) + (0 if int(band["max"]) >= 1000 else 1)), y(band["min"])
        colour = _colour(band.get("hex"))
        out.append(
            f'<rect x="{LEFT}" y="{_num(top)}" width="{plot_w}" height="{_num(bottom - top)}" '
            f'fill="{colour}" fill-opacity="0.1"/>'
        )
        if bottom - top >= FONT + 2:
            out.append(
                f'<text x="{LEFT + 4}" y="{_num(top + FONT + 1)}" fill="{GREY}" stroke="#fff" '
                f'stroke-width="3" paint-order="stroke" data-band="">{escape(band["label"])}</text>'
            )
    # Axes: score on the left (0, 500, 1000), dates below.
    out.append(f'<g fill="{GREY}" text-anchor="end">')
    for score in (0, 500, 1000):
        out.append(f'<text x="{LEFT - 5}" y="{_num(y(score) + FONT / 3)}">{score}</text>')
    out.append("</g>")
    out.append(f'<path d="M{LEFT} {TOP}V{TOP + plot_h}H{WIDTH - RIGHT}" fill="none" stroke="{GREY}" stroke-width="1"/>')
    out.append(f'<g fill="{GREY}" data-axis="dates">')
    kept_right = float("-inf")
    for tick, label in date_ticks(start, end):
        tx, width = x(tick), _text_width(label)
        # Labels stay inside the viewBox (anchored at an end near the edges) and never overlap.
        left = max(0.0, min(tx - width / 2, WIDTH - width))
        anchor = "start" if left == 0.0 else ("end" if left == WIDTH - width else "middle")
        if left < kept_right + 6:
            continue
        kept_right = left + width
        tx_text = {"start": 0.0, "middle": tx, "end": float(WIDTH)}[anchor]
        out.append(
            f'<path d="M{_num(tx)} {TOP + plot_h}v4" stroke="{GREY}"/>'
            f'<text x="{_num(tx_text)}" y="{HEIGHT - 10}" text-anchor="{anchor}" '
            f'data-tick="{tick.isoformat()}">{escape(label)}</text>'
        )
    out.append("</g>")
    # The score as a step line: each grade holds until the next change, in that grade's colour (one
    # path per colour), and the changes themselves as thin grey risers (one path).
    steps: dict[str, list[str]] = {}
    risers = []
    for i in range(len(points) - 1):
        x0, y0 = x(dates[i]), y(points[i]["score"])
        x1, y1 = x(dates[i + 1]), y(points[i + 1]["score"])
        if x1 > x0:
            steps.setdefault(_colour(points[i].get("hex")), []).append(f"M{_num(x0)} {_num(y0)}H{_num(x1)}")
        if y1 != y0:
            risers.append(f"M{_num(x1)} {_num(y0)}V{_num(y1)}")
    for colour, segments in steps.items():
        out.append(f'<path d="{"".join(segments)}" stroke="{colour}" stroke-width="2.5" data-grade-step=""/>')
    if risers:
        out.append(f'<path d="{"".join(risers)}" stroke="{GREY}" stroke-width="1" stroke-dasharray="3 2"/>')
    if len(points) <= MARKERS_UP_TO:
        for i, point in enumerate(points):
            if point.get("now"):
                continue
            tip = _("%(date)s：%(label)s，%(score)s 分") % {
                "date": dates[i].isoformat(),
                "label": point["label"],
                "score": point["score"],
            }
            out.append(
                f'<circle cx="{_num(x(dates[i]))}" cy="{_num(y(point["score"]))}" r="4" '
                f'fill="{_colour(point.get("hex"))}" stroke="#fff" stroke-width="1.5">'
                f"<title>{escape(tip)}</title></circle>"
            )
    out.append("</svg>")
    return "".join(out)
