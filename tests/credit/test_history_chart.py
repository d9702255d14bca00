"""The grade history as inline SVG (issue 16 §1): a pure function of the chart's points.

Dates on the axis (never hours), grade names as text (never colour alone), every text escaped,
and the markup parses as XML whatever the number of points or the span.
"""

import datetime as dt
import itertools
import xml.etree.ElementTree as ET

from credit.history_chart import date_ticks, grade_history_svg

SVG = "{http://www.w3.org/2000/svg}"
BANDS = [
    {"label": "良好", "min": 800, "max": 1000, "hex": "#2e7d32"},
    {"label": "警示", "min": 600, "max": 799, "hex": "#f0b400"},
    {"label": "失信", "min": 400, "max": 599, "hex": "#c62828"},
    {"label": "严重失信", "min": 0, "max": 399, "hex": "#1f1f1f"},
]
HEX = {"良好": "#2e7d32", "警示": "#f0b400", "失信": "#c62828", "严重失信": "#1f1f1f"}


def point(date, label, score, now=False):
    p = {"date": date, "label": label, "score": score, "hex": HEX[label]}
    return {**p, "now": True} if now else p


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def ticks(root):
    return [t.text for t in root.iter(f"{SVG}text") if t.get("data-tick")]


def test_no_points_draw_nothing():
    assert grade_history_svg([], BANDS) == ""


def test_the_svg_is_an_image_with_a_title_a_summary_and_a_viewbox_that_scales():
    root = parse(grade_history_svg([point("2026-03-01", "良好", 1000)], BANDS))
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 360 210"
    assert root.get("width") is None and root.get("height") is None  # CSS sizes it (width:100%)
    assert root.find(f"{SVG}title").text == "信用等级与信用分随时间的变化"
    desc = root.find(f"{SVG}desc").text
    assert "2026-03-01" in desc and "良好" in desc and "1000" in desc
    assert set(root.get("aria-labelledby").split()) == {"history-chart-title", "history-chart-desc"}


def test_each_grade_band_is_named_in_text_not_by_colour_alone():
    root = parse(grade_history_svg([point("2026-03-01", "失信", 500)], BANDS))
    names = [t.text for t in root.iter(f"{SVG}text") if t.get("data-band") is not None]
    assert names == ["良好", "警示", "失信", "严重失信"]
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect")}
    assert fills == {"#2e7d32", "#f0b400", "#c62828", "#1f1f1f"}


def test_a_single_day_ends_a_month_wide_window_with_date_ticks_and_no_future():
    root = parse(grade_history_svg([point("2026-03-15", "良好", 1000)], BANDS))
    (circle,) = root.iter(f"{SVG}circle")
    assert float(circle.get("cx")) == 360 - 12  # the right end of the plot: nothing after the last day
    assert circle.find(f"{SVG}title").text == "2026-03-15：良好，1000 分"
    labels = ticks(root)
    assert labels == ["2026-02-13", "2026-02-27", "2026-03-13"]
    assert all(len(label) == 10 and label[4] == "-" for label in labels)  # ISO dates, no hours
    assert not any(":" in label for label in labels)


def test_a_year_of_changes_shows_month_ticks_and_a_step_in_each_grades_colour():
    points = [
        point("2025-12-20", "良好", 1000),
        point("2026-04-02", "警示", 700),
        point("2026-09-10", "失信", 450),
        point("2026-11-22", "失信", 470, now=True),
    ]
    root = parse(grade_history_svg(points, BANDS))
    assert ticks(root) == ["2026年1月", "2026年7月"]
    steps = [p for p in root.iter(f"{SVG}path") if p.get("data-grade-step") is not None]
    assert [p.get("stroke") for p in steps] == ["#2e7d32", "#f0b400", "#c62828"]
    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == 3  # today's point continues the line, it is not a change
    assert [c.find(f"{SVG}title").text for c in circles][1] == "2026-04-02：警示，700 分"
    assert "变化 3 次" in root.find(f"{SVG}desc").text


def test_a_long_span_shows_years_and_never_more_than_three_labels():
    points = [
        point(f"{year}-06-01", "良好" if year % 2 else "警示", 900 if year % 2 else 700) for year in range(2012, 2027)
    ]
    labels = ticks(parse(grade_history_svg(points, BANDS)))
    assert 2 <= len(labels) <= 3
    assert all(label.endswith("年") for label in labels)


def test_many_points_keep_the_markup_small_and_skip_markers():
    start = dt.date(2024, 1, 1)
    points = [
        point((start + dt.timedelta(days=6 * i)).isoformat(), "良好" if i % 2 else "警示", 900 if i % 2 else 700)
        for i in range(120)
    ]
    markup = grade_history_svg(points, BANDS)
    root = parse(markup)
    assert not list(root.iter(f"{SVG}circle"))
    assert len(markup) < 20_000
    assert len(ticks(root)) <= 3


def test_every_text_is_escaped_and_unknown_colours_become_grey():
    evil = '<script>alert("x")</script>&'
    points = [{"date": "2026-03-01", "label": evil, "score": 500, "hex": 'red" onload="x'}]
    bands = [{"label": evil, "min": 0, "max": 1000, "hex": "url(javascript:x)"}]
    markup = grade_history_svg(points, bands)
    assert "<script" not in markup and "onload" not in markup
    root = parse(markup)
    assert {r.get("fill") for r in root.iter(f"{SVG}rect")} == {"#616e7c"}
    assert next(root.iter(f"{SVG}circle")).get("fill") == "#616e7c"
    assert evil in next(root.iter(f"{SVG}circle")).find(f"{SVG}title").text  # shown as text, intact


def test_scores_outside_0_to_1000_stay_inside_the_plot():
    root = parse(grade_history_svg([point("2026-03-01", "良好", 1200), point("2026-05-01", "严重失信", -5)], BANDS))
    ys = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")]
    assert ys == [10.0, 180.0]


def test_date_ticks_pick_month_starts_or_iso_days_never_hours():
    assert date_ticks(dt.date(2026, 2, 10), dt.date(2026, 3, 5)) == [
        (dt.date(2026, 2, 10), "2026-02-10"),
        (dt.date(2026, 2, 24), "2026-02-24"),
    ]
    assert [label for _, label in date_ticks(dt.date(2026, 1, 1), dt.date(2026, 4, 30))] == [
        "2026年1月",
        "2026年3月",
    ]


def test_date_labels_stay_inside_the_chart_and_never_overlap_whatever_the_span():
    from credit.history_chart import WIDTH, _text_width

    start = dt.date(2020, 1, 1)
    for days in [*range(0, 120, 3), *range(120, 6000, 37)]:
        points = [
            point(start.isoformat(), "良好", 1000),
            point((start + dt.timedelta(days=days)).isoformat(), "失信", 500),
        ]
        root = parse(grade_history_svg(points, BANDS))
        spans = []
        for t in root.iter(f"{SVG}text"):
            if not t.get("data-tick"):
                continue
            x, w = float(t.get("x")), _text_width(t.text)
            left = {"start": x, "middle": x - w / 2, "end": x - w}[t.get("text-anchor")]
            spans.append((left, left + w))
        assert spans, days
        assert all(left >= 0 and right <= WIDTH for left, right in spans), (days, spans)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), (days, spans)
