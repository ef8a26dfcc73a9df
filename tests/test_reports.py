"""The PDF report and the blank questionnaire, read back with pypdf.

A render takes about a second, so each document is rendered once per module (from unsaved
model instances where no database is needed) and every test reads the same text.
"""

from __future__ import annotations

import io
from unittest import mock

import pytest
from pypdf import PdfReader

from assessments import reports, services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.management.commands.seed_demo import demo_responses
from assessments.models import Assessment, Country
from assessments.scoring import Response
from tests.report_support import mini_instrument, pages_text

INSTRUMENT = get_instrument(CURRENT_VERSION)
DRAFT_MARK = "DRAFT — not yet accepted"
HOSTILE_NOTE = '<img src="http://127.0.0.1:9/x"> see file:///etc/passwd and <b>bold</b>'
MULTILINE_NOTE = "First line of evidence.\nSecond line of evidence."
# Paragraph 5 is cited by the risk questions; this sentence of it is quoted in the appendix.
CITED_SENTENCE = "A past history of atrocity crimes was repeatedly cited as a risk factor"


def unsaved_arcadia_draft(*, pk: int, revision: int) -> Assessment:
    return Assessment(
        pk=pk,
        country=Country(name="Arcadia", code="XA"),
        cycle=2025,
        status=Assessment.Status.DRAFT,
        revision=revision,
        instrument_version=CURRENT_VERSION,
    )


@pytest.fixture(scope="module")
def demo_pdf():
    """Arcadia's demo answers in a draft, with a hostile note, a multi-line note, a "Don't
    know" and the past-atrocity follow-ups hidden by skip logic; every URL asked recorded."""
    assessment = unsaved_arcadia_draft(pk=101, revision=7)
    responses = demo_responses()
    responses["risk.denial_of_rights"] = Response("high", HOSTILE_NOTE)
    responses["risk.armed_conflict"] = Response("dont_know", MULTILINE_NOTE)
    responses["risk.past_atrocities"] = Response("not_present", "None recorded.")
    asked: list[str] = []

    def recording_fetcher(url: str) -> object:
        asked.append(url)
        return fetch(url)

    fetch = reports.fetch_static
    with mock.patch.object(reports, "fetch_static", recording_fetcher):
        pdf = reports.render_assessment_pdf(assessment, responses, language="en")
    raw = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    return pdf, [" ".join(page.split()) for page in raw], asked, "\n".join(raw)


@pytest.fixture(scope="module")
def blank_pdf():
    pdf = reports.render_questionnaire_pdf(INSTRUMENT, language="en")
    return pdf, pages_text(pdf)


def test_it_is_a_tagged_pdf_in_english_with_a_title(demo_pdf) -> None:
    pdf = demo_pdf[0]
    reader = PdfReader(io.BytesIO(pdf))
    assert pdf.startswith(b"%PDF")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.metadata.title == "Arcadia — 2025 self-assessment"


def test_the_cover_names_country_cycle_status_and_version(demo_pdf) -> None:
    cover = demo_pdf[1][0]
    for expected in ["Arcadia (XA)", "2025", "Draft", CURRENT_VERSION, "Generated at"]:
        assert expected in cover


def test_every_page_has_the_running_head_the_draft_mark_and_its_number(demo_pdf) -> None:
    pages = demo_pdf[1]
    for number, text in enumerate(pages, start=1):
        assert "Arcadia — 2025 self-assessment" in text
        assert DRAFT_MARK in text
        assert f"Page {number} of {len(pages)}" in text
    assert "Page 1 of" in pages[0]


def test_the_contents_give_each_chapter_its_page(demo_pdf) -> None:
    contents = demo_pdf[1][1]
    assert "Contents" in contents
    for section in INSTRUMENT.sections:
        assert section.title in contents
    assert "Appendix: the cited paragraphs" in contents


def test_each_section_is_a_chapter_with_numbered_questions_answers_and_citations(
    demo_pdf,
) -> None:
    text = " ".join(demo_pdf[1])
    for position, section in enumerate(INSTRUMENT.sections, start=1):
        assert f"{position}. {section.title}" in text
    question = INSTRUMENT.question("risk.socioeconomic_inequality")
    assert f"1.2 {question.text} (¶ 5) Answer: High" in text


def test_notes_are_printed_as_typed(demo_pdf) -> None:
    _, pages, _, raw = demo_pdf
    assert "First line of evidence.\nSecond line of evidence." in raw
    assert demo_responses()["risk.socioeconomic_inequality"].note[:60] in " ".join(pages)


def test_hidden_questions_are_marked_not_asked(demo_pdf) -> None:
    text = " ".join(demo_pdf[1])
    followup = INSTRUMENT.question("measure.accountability_past")
    after = text.split(followup.text)[1][:200]
    assert after.startswith(" (¶ 5, ¶ 7) Not asked: skip logic leaves it out, given the answers.")
    assert "Asked only when the answer to 1.6 is: Low, Moderate, High." in after


def test_the_summary_has_the_figures_the_chart_and_the_top_gaps(demo_pdf) -> None:
    text = " ".join(demo_pdf[1])
    summary = text.split("Executive summary")[2]  # after the contents' entry
    for expected in ["Risk index", "Measure coverage", "Questions answered", "Top priority gaps"]:
        assert expected in summary
    assert "Risk profile" in summary


def test_priority_gaps_and_recommended_measures_cite_their_paragraphs(demo_pdf) -> None:
    text = " ".join(demo_pdf[1])
    gaps = text.split("Priority gaps and recommended measures")[-1].split("Methodology")[0]
    risk = INSTRUMENT.question("risk.identity_discrimination")
    assert f"1.3 {risk.text} — High (¶ 3, ¶ 5, ¶ 7)." in gaps
    recommended = gaps.split("Recommended measures")[1]
    measure = INSTRUMENT.question("measure.nhri")
    assert f"{measure.text} — Partly in place (¶ 7). Strengthen it, for 1.3" in recommended


def test_the_appendix_quotes_every_cited_paragraph_verbatim(demo_pdf) -> None:
    text = " ".join(demo_pdf[1])
    appendix = text.split("Appendix: the cited paragraphs")[-1]
    assert CITED_SENTENCE in appendix
    for number in INSTRUMENT.cited_paragraphs:
        assert f"¶ {number} {INSTRUMENT.paragraph(number)[:40]}" in appendix


def test_the_methodology_explains_the_figures_and_dont_know(demo_pdf) -> None:
    text = " ".join(demo_pdf[1])
    methodology = text.split("Methodology")[-1]
    assert "moderate 2/3" in methodology
    assert "“Don't know” counts as an answer, and as an information gap" in methodology


def test_a_hostile_note_is_literal_text_and_nothing_is_fetched_for_it(demo_pdf) -> None:
    _, pages, asked, _ = demo_pdf
    text = " ".join(pages)
    assert '<img src="http://127.0.0.1:9/x"> see file:///etc/passwd and <b>bold</b>' in text
    assert asked == ["https://r2p-assess.invalid/static/css/report.css"]


@pytest.mark.django_db
def test_a_submitted_assessment_is_still_marked_draft_and_an_accepted_one_is_not(world) -> None:
    services.submit(assessment=world.assessment, user=world.editor)
    # The mark is what is tested here, not the chapters: a small instrument renders faster.
    with mock.patch.object(reports, "get_instrument", return_value=mini_instrument()):
        submitted = Assessment.objects.select_related("country").get(pk=world.assessment.pk)
        pages = pages_text(reports.render_assessment_pdf(submitted, language="en"))
        assert all(DRAFT_MARK in page for page in pages)
        assert "Submitted" in pages[0]

        Assessment.objects.filter(pk=world.assessment.pk).update(status="accepted")
        accepted = Assessment.objects.select_related("country").get(pk=world.assessment.pk)
        pages = pages_text(reports.render_assessment_pdf(accepted, language="en"))
    assert not any("DRAFT" in page for page in pages)
    assert "Accepted" in pages[0]
    assert "Page 1 of" in pages[0]


# Notes in each of the UN's six languages: Chinese needs a font of its own (DejaVu Sans has none).
UN_LANGUAGES_NOTE = (
    "国家人权委员会记录了312起歧视投诉。 "
    "سجلت اللجنة 312 شكوى. "
    "Комиссия зарегистрировала 312 жалоб. "
    "La commission a reçu 312 plaintes ; la comisión recibió 312 quejas."
)


def test_notes_in_every_un_language_are_drawn_with_real_glyphs(caplog) -> None:
    assessment = unsaved_arcadia_draft(pk=102, revision=1)
    question = mini_instrument().sections[0].questions[0]
    responses = {question.key: Response("yes", UN_LANGUAGES_NOTE)}
    with (
        mock.patch.object(reports, "get_instrument", return_value=mini_instrument()),
        caplog.at_level("WARNING", logger="weasyprint"),
    ):
        pdf = reports.render_assessment_pdf(assessment, responses, language="en")
    missing = [record.getMessage() for record in caplog.records if ".notdef" in record.getMessage()]
    assert not missing, (
        "glyphs missing from the report's fonts (Debian: apt-get install fonts-wqy-microhei): "
        f"{missing[:3]}"
    )
    text = "".join(" ".join(pages_text(pdf)).split())
    assert "国家人权委员会记录了312起歧视投诉。" in text
    assert "Комиссиязарегистрировала312жалоб." in text


def test_the_blank_questionnaire_has_every_question_and_no_answers(blank_pdf) -> None:
    pdf, pages = blank_pdf
    text = " ".join(pages)
    assert pdf.startswith(b"%PDF")
    for position, section in enumerate(INSTRUMENT.sections, start=1):
        assert f"{position}. {section.title}" in text
    for question in INSTRUMENT.questions[:5]:
        assert question.text in text
    assert "☐ Not present ☐ Low ☐ Moderate ☐ High ☐ Don't know" in text
    assert "Answer:" not in text
    assert "DRAFT" not in text
    assert demo_responses()["risk.socioeconomic_inequality"].note[:40] not in text
    assert "Page 1 of" in pages[0]
    assert CITED_SENTENCE in text


# --- The fetcher: the app's static files, nothing else -------------------------------------


def test_the_fetcher_serves_the_apps_static_files() -> None:
    response = reports.fetch_static("https://r2p-assess.invalid/static/css/report.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "https://example.org/static/css/report.css",
        "http://r2p-assess.invalid/static/css/report.css",
        "file:///etc/passwd",
        "data:text/css,body{color:red}",
        "https://r2p-assess.invalid/etc/passwd",
        "https://r2p-assess.invalid/static/../r2p_assess/settings.py",
        "https://r2p-assess.invalid/static/css/%2e%2e/%2e%2e/manage.py",
        "https://r2p-assess.invalid/static//etc/passwd",
        "https://r2p-assess.invalid/static/css/no-such-file.css",
        "https://user@r2p-assess.invalid/static/css/report.css",
    ],
)
def test_the_fetcher_refuses_everything_else(url: str) -> None:
    with pytest.raises(reports.RefusedURL):
        reports.fetch_static(url)


def test_margin_text_is_escaped_as_css_strings() -> None:
    css = reports.margin_css(head='Evil"; } body { color: red', draft=None)
    assert 'content: "Evil\\22 ; } body { color: red";' in css
    assert "counter(page)" in css
    assert "@top-right" not in css
