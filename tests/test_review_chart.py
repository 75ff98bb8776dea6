"""The card's trend chart: inline SVG drawn in Python (no vl-convert, no script)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from pipeline.review.cards import trend_svg
from pipeline.review.chart import line_chart_svg, nice_ticks

NS = {"s": "http://www.w3.org/2000/svg"}


def test_nice_ticks_cover_the_top_with_round_steps():
    assert nice_ticks(9) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(75) == [0, 20, 40, 60, 80]
    assert nice_ticks(100) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0) == [0.0, 1.0]


def test_chart_is_valid_svg_with_a_line_and_points_per_series():
    svg = line_chart_svg(
        "申请数量趋势", ["2021", "2022", "2023"], {"本年新收": [4, 9, 6], "办理总计": [4, None, 5]}
    )
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[0] == "申请数量趋势" and {"2021", "2022", "2023", "本年新收", "办理总计"} <= set(texts)
    lines = root.findall("s:polyline", NS)
    # 本年新收: one line through 3 points; 办理总计: broken by the missing year, no line of one point
    assert [len(p.get("points").split()) for p in lines] == [3]
    points = [c for c in root.findall("s:circle", NS) if c.find("s:title", NS) is not None]
    assert [c.find("s:title", NS).text for c in points] == [
        "本年新收 2021: 4",
        "本年新收 2022: 9",
        "本年新收 2023: 6",
        "办理总计 2021: 4",
        "办理总计 2023: 5",
    ]
    # y from 0 (bottom, y=208) to the top tick 10 (y=28): 9 sits at 28 + 180 * 0.1 = 46
    assert [c.get("cy") for c in points[:2]] == ["136.0", "46.0"]


def test_names_are_escaped():
    svg = line_chart_svg("a<b", ["x&y"], {"<s>": [1]})
    assert "a&lt;b" in svg and "x&amp;y" in svg and "&lt;s&gt;" in svg
    ET.fromstring(svg)


def test_card_trend_needs_two_years():
    assert trend_svg([(2021, 4, 4, 0.75, 0.25)]) is None
    svg = trend_svg([(2021, 4, 4, 0.75, 0.25), (2022, 9, 9, 1.0, 0.111)])
    assert svg is not None and svg.startswith("<svg") and re.search(r">2022<", svg)
