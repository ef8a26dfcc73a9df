"""The risk profile chart: a pure SVG builder, no database."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from assessments.charts import Bar, risk_profile_rows, risk_profile_svg

SVG = "{http://www.w3.org/2000/svg}"
SCALE = ["Not observed", "Low", "Moderate", "High"]


def chart(bars: list[Bar], **kwargs: str) -> str:
    options = {"title": "Risk profile", "desc": "Levels.", "scale": SCALE, "chart_id": "rp"}
    return risk_profile_svg(bars, **{**options, **kwargs})


def test_it_draws_one_bar_per_rated_risk_and_names_every_level() -> None:
    svg = chart(
        [
            Bar("1.2 Inequality", 3, "High"),
            Bar("1.3 Discrimination", 0, "Not present"),
            Bar("1.4 Rights", None, "Don't know"),
        ]
    )
    root = ET.fromstring(svg)
    assert len(root.findall(f".//{SVG}rect")) == 2
    text = " ".join(t for t in root.itertext())
    for expected in ["1.2 Inequality", "1.3 Discrimination", "1.4 Rights", "High", "Don't know"]:
        assert expected in text


def test_a_higher_level_is_a_longer_bar() -> None:
    root = ET.fromstring(chart([Bar("a", 1, "Low"), Bar("b", 3, "High"), Bar("c", 0, "None")]))
    low, high, none = (float(r.get("width")) for r in root.findall(f".//{SVG}rect"))
    assert none < low < high
    assert high == 3 * low


def test_it_has_a_title_and_a_description_that_label_it() -> None:
    svg = chart([Bar("a", 1, "Low")], title="Risk profile: Arcadia", desc="Ten risks.")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "rp-title rp-desc"
    assert root.find(f"{SVG}title").text == "Risk profile: Arcadia"
    assert root.find(f"{SVG}title").get("id") == "rp-title"
    assert root.find(f"{SVG}desc").text == "Ten risks."
    assert root.find(f"{SVG}desc").get("id") == "rp-desc"


def test_every_text_is_escaped() -> None:
    hostile = '<script>alert("x")</script> & "quotes"'
    svg = chart(
        [Bar(hostile, 2, hostile)], title=hostile, desc=hostile, scale=[hostile] * 4, chart_id='"x'
    )
    assert "<script>" not in svg
    root = ET.fromstring(svg)  # still well-formed
    assert root.find(f"{SVG}title").text == hostile
    assert hostile in "".join(root.itertext())
    assert root.get("aria-labelledby") == '"x-title "x-desc'


def test_long_labels_wrap_onto_at_most_two_lines() -> None:
    label = "How serious is discrimination against people " * 6
    root = ET.fromstring(chart([Bar(label, 2, "Moderate")]))
    spans = root.findall(f".//{SVG}tspan")
    assert len(spans) == 2
    assert spans[-1].text.endswith("…")


def test_an_empty_chart_is_still_a_labelled_image() -> None:
    svg = chart([])
    assert re.search(r'viewBox="0 0 \d+ \d+"', svg)
    assert ET.fromstring(svg).find(f"{SVG}title") is not None


def test_it_is_narrow_enough_for_a_phone_and_uses_no_red() -> None:
    """On a 390 px phone the page is about 358 px wide: the chart's text keeps 85 % of its
    size (it was 5 px tall there when labels sat beside the bars)."""
    label = "1.10 Signs of a group being singled out, by any actor"
    root = ET.fromstring(chart([Bar(label, 3, "High"), Bar("1.2 Armed conflict", 1, "Low")]))
    width = float(root.get("viewBox").split()[2])
    smallest = min(float(t.get("font-size")) for t in root.iter(f"{SVG}text"))
    assert smallest * 358 / width >= 10
    fills = {r.get("fill").lower() for r in root.iter(f"{SVG}rect")}
    assert not any(fill.startswith(("#b0", "#dc", "#c0", "#f00", "#e8")) for fill in fills)


# --- The PDF's rows ----------------------------------------------------------------------------


def test_the_pdfs_rows_draw_no_text_and_mirror_the_bars_right_to_left() -> None:
    bars = [Bar("1.2 عدم المساواة", 2, "معتدل"), Bar("1.8 التمييز", None, "غير معروف")]
    ltr = risk_profile_rows(bars, steps=3)
    rtl = risk_profile_rows(bars, steps=3, rtl=True)
    assert [(r.label, r.level_label, r.rated) for r in rtl] == [
        ("1.2 عدم المساواة", "معتدل", True),
        ("1.8 التمييز", "غير معروف", False),
    ]
    for row in (*ltr, *rtl):
        assert "<text" not in row.track  # WeasyPrint draws an SVG's text left to right
        assert 'aria-hidden="true"' in row.track  # the row's words say it all
    # Two steps of three: from the start of the track, at the left or at the right.
    assert '<rect x="0.0" y="2.0" width="200.0"' in ltr[0].track
    assert '<rect x="100.0" y="2.0" width="200.0"' in rtl[0].track
    assert "<rect" not in rtl[1].track  # no level, no bar: its ticks only
    assert rtl[1].track.count("<line") == 3
