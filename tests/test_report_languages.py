"""The PDF in the reader's language: chosen on the download, named by it, its words, the
questionnaire's and the source's (unofficial, beside the English original) in that language,
every glyph drawn, Arabic set right to left."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import pytest
from django.utils import translation

from assessments import reports
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.templatetags.r2p import direction
from tests.report_support import pages_text

LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh-hans")
# A sentence of ¶ 5, which the risk questions cite: the appendix quotes it in English always.
ENGLISH_SENTENCE = "A past history of atrocity crimes was repeatedly cited as a risk factor"


@dataclass
class Blank:
    language: str
    text: str  # every page, squeezed
    missing_glyphs: list[str]


class GlyphsMissing(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if ".notdef" in record.getMessage():
            self.messages.append(record.getMessage())


def squeezed(text: str) -> str:
    """Without whitespace, and without the brackets that pypdf reads mirrored in Arabic."""
    return "".join(text.split()).translate(MIRRORED)


MIRRORED = str.maketrans("", "", "()[]«».:")


def found(words: str, blank: Blank) -> bool:
    """Whether the text has these words: as a phrase; in Arabic word by word, as pypdf gives
    a line's runs in their visual order where a line mixes directions."""
    if blank.language != "ar":
        return squeezed(words) in blank.text
    return all(squeezed(word) in blank.text for word in words.split())


@pytest.fixture(scope="module", params=LANGUAGES)
def blank(request) -> Blank:
    handler = GlyphsMissing()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        instrument = get_instrument(CURRENT_VERSION, request.param)
        pdf = reports.render_questionnaire_pdf(instrument, language=request.param)
    finally:
        logger.removeHandler(handler)
    return Blank(request.param, squeezed(" ".join(pages_text(pdf))), handler.messages)


def test_the_questionnaire_is_in_the_language_asked(blank) -> None:
    instrument = get_instrument(CURRENT_VERSION, blank.language)
    assert instrument.language == blank.language
    for section in instrument.sections:
        assert found(section.title, blank), section.title
    assert found(instrument.questions[1].text, blank)
    with translation.override(blank.language):
        # The report's own words: the appendix's title, the scale's labels.
        assert found(translation.gettext("Appendix: the cited paragraphs"), blank)
        assert found(translation.gettext("Don't know"), blank)


def test_the_appendix_keeps_the_english_original_beside_a_translation(blank) -> None:
    assert squeezed(ENGLISH_SENTENCE) in blank.text
    if blank.language != "en":
        translated = get_instrument(CURRENT_VERSION, blank.language).paragraph(5)
        assert found(translated[:40].rsplit(" ", 1)[0], blank)
        with translation.override(blank.language):
            label = translation.gettext("English original (authoritative)")
        assert found(label, blank)


def test_every_glyph_is_drawn(blank) -> None:
    assert not blank.missing_glyphs, (
        "glyphs missing from the report's fonts (Debian: fonts-wqy-microhei, fonts-noto-core): "
        f"{blank.missing_glyphs[:3]}"
    )


# --- Right to left -----------------------------------------------------------------------------


def arabic_html() -> str:
    arabic = get_instrument(CURRENT_VERSION, "ar")
    return reports.questionnaire_document(arabic, language="ar").html


def test_an_arabic_report_is_set_right_to_left_in_a_typeface_made_for_arabic() -> None:
    html = arabic_html()
    assert '<html lang="ar" dir="rtl">' in html
    css = reports.static_file("css/report.css").read_text()
    assert re.search(r'\[dir="rtl"\] \{\s*font-family: "Noto Naskh Arabic"', css)
    with translation.override("ar"):
        page = reports.margin_css(head="h", draft="d", marking="m")
    # The running head at the right, the page number at the left; their words in Arabic type.
    assert '@bottom-right { content: "h"; font-family: "Noto Naskh Arabic"' in page
    assert "@top-left" in page and "@bottom-left { content: " in page


def test_paragraph_references_stay_left_to_right_inside_arabic() -> None:
    html = arabic_html()
    assert "\u2066¶\u00a05\u2069" in html  # a citation
    assert not re.search(r"(?<!\u2066)¶(\s|\u00a0)\d", html)  # nor in a sentence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("سجلت اللجنة 312 شكوى.", "rtl"),
        ("312 — The commission recorded 312 complaints.", "ltr"),
        ("«النص» then English", "rtl"),
        ("国家人权委员会", "ltr"),
    ],
)
def test_a_notes_direction_is_its_first_strong_characters(text, expected) -> None:
    assert direction(text) == expected


def test_a_note_without_letters_takes_the_documents_direction() -> None:
    with translation.override("ar"):
        assert direction("312 / 2025") == "rtl"
    with translation.override("fr"):
        assert direction("312 / 2025") == "ltr"
