"""Pages in the reader's language: the questionnaire's words translated, its source paragraphs
an unofficial translation with the English original one click away."""

from __future__ import annotations

import html

import pytest

from assessments.instrument import CURRENT_VERSION, get_instrument

SECTION = "/assessments/XA/2026/sections/risks/"


def section_page(client, world, language: str) -> str:
    client.force_login(world.editor)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return html.unescape(client.get(SECTION).content.decode())


@pytest.mark.parametrize("language", ["fr", "es", "ar", "ru", "zh-hans"])
def test_a_section_asks_its_questions_in_the_readers_language(client, world, language) -> None:
    page = section_page(client, world, language)
    translated, english = (
        get_instrument(CURRENT_VERSION, language),
        get_instrument(CURRENT_VERSION, "en"),
    )
    section, original = translated.section("risks"), english.section("risks")
    assert f'<html lang="{language}"' in page
    assert section.title in page
    for question, source in zip(section.questions, original.questions, strict=True):
        assert question.text in page
        assert source.text not in page


def test_a_translated_paragraph_is_labelled_with_the_english_original_one_click_away(
    client, world
) -> None:
    page = section_page(client, world, "fr")
    french, english = get_instrument(CURRENT_VERSION, "fr"), get_instrument(CURRENT_VERSION, "en")
    paragraph = page.split('id="para-5"', 1)[1].split('<details id="para-', 1)[0]
    assert " ".join(french.paragraph(5).split()) in " ".join(paragraph.split())
    assert "Traduction non officielle. Seul l'original anglais fait foi." in paragraph
    # The original, verbatim, in a closed disclosure of its own, marked as English.
    original = paragraph.split("<summary", 2)[2]
    assert "Original anglais" in original
    assert '<blockquote class="border-start ps-3 small" lang="en" dir="ltr">' in original
    assert english.paragraph(5) in " ".join(original.split())


def test_in_english_the_paragraph_is_the_original_and_says_nothing_more(client, world) -> None:
    page = section_page(client, world, "en")
    assert get_instrument(CURRENT_VERSION, "en").paragraph(5) in " ".join(page.split())
    assert "Unofficial translation" not in page
    assert "English original" not in page
