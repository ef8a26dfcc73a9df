"""The PDF report and the blank questionnaire, read back with pypdf.

A render takes a second or more, so each document is rendered once per module and every test
reads the same text. Arcadia's demo (seed_demo: 2025 on v1, submitted; 2026 on v2, started from
2025) is built once in a transaction that is rolled back after its reports are rendered.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from io import StringIO
from unittest import mock
from urllib.parse import urljoin

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.templatetags.static import static
from django.test import override_settings
from pypdf import PdfReader

from assessments import reports, services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.management.commands.seed_demo import demo_responses
from assessments.models import Assessment, Country
from assessments.scoring import Response
from tests.factories import write_summary
from tests.report_support import cut_instrument, mini_instrument, pages_text, rolled_back

# pytest-django creates the test database only for a run that selects a test marked so: the
# module's fixtures need it even when one test of theirs is run alone.
pytestmark = pytest.mark.django_db

INSTRUMENT = get_instrument(CURRENT_VERSION)
V1 = get_instrument("2013-summary/v1")
TITLE = "Arcadia — 2026 self-assessment"
DRAFT_MARK = "DRAFT — not yet accepted"
HOSTILE_NOTE = '<img src="http://127.0.0.1:9/x"> see file:///etc/passwd and <b>bold</b>'
MULTILINE_NOTE = "First line of evidence.\nSecond line of evidence."
DEMO = demo_responses(2026)
# A note the country keeps out of the report: the answer is printed, the note never.
KEPT_OUT = "risk.denial_of_rights"
# Paragraph 5 is cited by the risk questions; this sentence of it is quoted in the appendix.
CITED_SENTENCE = "A past history of atrocity crimes was repeatedly cited as a risk factor"
# What the reports said before findings a State can stand behind: a score, orders.
FORBIDDEN = ["Risk index", "Coverage", "coverage:", "Recommended measures", "Strengthen it"]
CONSIDER_LABEL = "Links suggested by R2P Assess; the summary makes none."


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: list[str]  # each page's text, whitespace normalised
    raw: str  # every page's text as extracted, line breaks kept
    body: str  # the pages' text without their margins, in one: as a reader follows it

    @property
    def text(self) -> str:
        return " ".join(self.pages)


def rendered(pdf: bytes, margins: str) -> Rendered:
    """`margins`: what every page's margins say before "Page X of Y" (pypdf reads them after
    the page's content), left out of `body`."""
    # pypdf takes about as long to read a report as WeasyPrint to write it: read it once.
    extracted = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    pages = [" ".join(text.split()) for text in extracted]
    bodies = []
    for number, page in enumerate(pages, start=1):
        bodies.append(page.removesuffix(f" {margins} Page {number} of {len(pages)}"))
    return Rendered(pdf, pages, "\n".join(extracted), " ".join(bodies))


@dataclass(frozen=True)
class Arcadia:
    v2: Rendered  # 2026, every section answered from the demo file
    v1: Rendered  # 2025, as seed_demo submits it
    revision: int  # 2026's revision when rendered
    asked: list[str]  # every URL the 2026 render asked for


@pytest.fixture(scope="module")
def arcadia(django_db_setup, django_db_blocker) -> Arcadia:
    """seed_demo, then the rest of Arcadia's 2026 answers from its demo file (seed_demo
    answers two sections and the summary; the rest is carried from 2025), with a note kept out
    of the report, a hostile note and a multi-line note; every URL the render asks recorded."""
    with django_db_blocker.unblock(), rolled_back():
        # seed_demo refuses production (known passwords); the suite also runs with production
        # settings (.ci/run), and a test database is thrown away.
        with override_settings(PRODUCTION=False):
            call_command("seed_demo", stdout=StringIO())
        focal = get_user_model().objects.get(username="focal")
        draft = Assessment.objects.select_related("country").get(country__code="XA", cycle=2026)
        responses = dict(DEMO)
        kept = responses[KEPT_OUT]
        responses[KEPT_OUT] = Response(kept.value, kept.note, keep_out_of_report=True)
        responses["measure.judiciary"] = Response(DEMO["measure.judiciary"].value, HOSTILE_NOTE)
        responses["measure.nhri"] = Response(DEMO["measure.nhri"].value, MULTILINE_NOTE)
        for section in INSTRUMENT.sections:
            services.save_answers(
                assessment=draft,
                section_key=section.key,
                responses={q.key: responses[q.key] for q in section.questions},
                user=focal,
                expected_revision=draft.revision,
            )
        draft = Assessment.objects.select_related("country").get(pk=draft.pk)
        asked: list[str] = []

        def recording_fetcher(url: str) -> object:
            asked.append(url)
            return fetch(url)

        fetch = reports.fetch_static
        with mock.patch.object(reports, "fetch_static", recording_fetcher):
            v2 = rendered(
                reports.render_assessment_pdf(draft, language="en"),
                f"RESTRICTED {DRAFT_MARK} {TITLE}",
            )
        submitted = Assessment.objects.select_related("country").get(country__code="XA", cycle=2025)
        v1 = rendered(
            reports.render_assessment_pdf(submitted, language="en"),
            f"RESTRICTED {DRAFT_MARK} Arcadia — 2025 self-assessment",
        )
        return Arcadia(v2=v2, v1=v1, revision=draft.revision, asked=asked)


@pytest.fixture(scope="module")
def demo(arcadia) -> Rendered:
    return arcadia.v2


@pytest.fixture(scope="module")
def blank_pdf() -> Rendered:
    return rendered(
        reports.render_questionnaire_pdf(INSTRUMENT, language="en"),
        f"{INSTRUMENT.title} ({CURRENT_VERSION}): questionnaire",
    )


def numbered(key: str, instrument=INSTRUMENT) -> str:
    """A question as the report heads it: its number and text."""
    for s, section in enumerate(instrument.sections, start=1):
        for q, question in enumerate(section.questions, start=1):
            if question.key == key:
                return f"{s}.{q} {question.text}"
    raise KeyError(key)


def between(text: str, start: str, end: str) -> str:
    """The text from the last `start` (headings come after their entry in the contents) to
    the next `end`."""
    return text.rsplit(start, 1)[1].split(end, 1)[0]


# --- The document ------------------------------------------------------------------------


def test_it_is_a_tagged_pdf_in_english_with_a_title(demo) -> None:
    reader = PdfReader(io.BytesIO(demo.pdf))
    assert demo.pdf.startswith(b"%PDF")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.metadata.title == TITLE


def test_the_cover_names_country_cycle_status_date_and_marking_only(demo) -> None:
    cover = demo.pages[0]
    margins = f"RESTRICTED {DRAFT_MARK} {TITLE} Page 1 of {len(demo.pages)}"
    facts = r"Country Arcadia Cycle 2026 Status Draft Date \d{1,2} [A-Z][a-z]+ 2026"
    assert re.fullmatch(
        f"{re.escape(TITLE)} {facts} Security marking RESTRICTED {re.escape(margins)}", cover
    ), cover
    for absent in ["Revision", CURRENT_VERSION, "Instrument", "Generated at", "Risk index"]:
        assert absent not in cover


def test_the_colophon_gives_the_questionnaire_version_and_the_revision(arcadia) -> None:
    colophon = arcadia.v2.text.rsplit("About this report", 1)[1]
    assert colophon.startswith(
        f" Questionnaire {INSTRUMENT.title} ({CURRENT_VERSION}) "
        f"Revision {arcadia.revision} Generated at "
    )
    assert "Prepared with R2P Assess." in colophon


def test_every_page_has_the_marking_the_draft_mark_the_running_head_and_its_number(demo):
    pages = demo.pages
    for number, text in enumerate(pages, start=1):
        assert text.endswith(f" RESTRICTED {DRAFT_MARK} {TITLE} Page {number} of {len(pages)}")


def test_the_contents_give_each_chapter_its_page(demo) -> None:
    contents = demo.pages[1]
    assert "Contents" in contents
    chapters = ["Executive summary", "Risk profile", "Prevention measures"]
    chapters += [f"{n}. {s.title}" for n, s in enumerate(INSTRUMENT.sections, start=1)]
    chapters += ["Action plan", "Methodology", "Appendix: the cited paragraphs"]
    assert " ".join(chapters) in re.sub(r" \d+\b(?!\.)", "", contents)  # without the numbers
    # Each entry's page number is on its line, right-aligned, and is where the chapter starts.
    lines: dict[float, list[tuple[float, str]]] = {}

    def visit(text: str, cm: list, tm: list, font: object, size: object) -> None:
        if text.strip():
            lines.setdefault(round(tm[5] + cm[5]), []).append((tm[4] + cm[4], text.strip()))

    PdfReader(io.BytesIO(demo.pdf)).pages[1].extract_text(visitor_text=visit)
    entries = {}
    right_edges = set()
    for _, parts in sorted(lines.items()):  # WeasyPrint's y grows down the page
        if len(parts) == 2 and parts[1][1].isdigit():
            (_, title), (x, number) = sorted(parts)
            entries[title] = int(number)
            right_edges.add(round(x + len(number) * 8))  # digits are as wide as each other
    assert list(entries) == chapters
    assert len(right_edges) == 1
    for title, number in entries.items():
        assert demo.pages[number - 1].startswith(title), (title, number)


# --- The executive summary: one page ---------------------------------------------------------


def summary_page(document: Rendered) -> int:
    """The index of the page the executive summary chapter starts on."""
    starts = [i for i, page in enumerate(document.pages) if page.startswith("Executive summary")]
    assert len(starts) == 1, starts
    return starts[0]


def test_the_executive_summary_fits_on_one_page(demo) -> None:
    index = summary_page(demo)
    page, following = demo.pages[index], demo.pages[index + 1]
    # The chapter's last words are on its first page, and the next chapter opens the next.
    assert "This assessment does not find that any crime has occurred." in page
    assert following.startswith("Risk profile Highest rating: high")


def test_the_executive_summary_has_the_summary_profile_gaps_and_measures_to_consider(demo):
    page = demo.pages[summary_page(demo)]
    summary = " ".join(DEMO["summary.judgement"].note.split())
    assert f"The focal point's summary {summary} Risk profile" in page
    assert (
        "Highest rating: high (1: 1.6 Legacy of past mass violence); 3 moderate; 4 low; "
        "0 not observed; 1 unknown."
    ) in page
    assert (
        "Information gaps 1 question answered “Don't know”; 0 not answered. "
        "Risk factors not rated: Gender discrimination and inequality."
    ) in page
    # By their short titles, the highest-rated risk's measures first.
    assert (
        "Measures you may wish to consider 4.1 Learning from the past; 4.3 Accountability "
        "through fair proceedings; 4.4 Commemoration; 4.5 Fair and inclusive transitional "
        "justice; 3.4 Equity between groups and regions;"
    ) in page
    assert CONSIDER_LABEL in page


# --- Findings: the profile, the measures, the changes ----------------------------------------


def test_no_index_coverage_or_orders_anywhere(demo, arcadia) -> None:
    for document in (demo, arcadia.v1):
        # The questionnaire's help speaks of institutions' coverage; the reports never do.
        for word in [*FORBIDDEN, "coverage"]:
            assert word not in document.text, word


def test_the_profile_chart_is_labelled_with_short_titles(demo) -> None:
    chart = (
        "Not observed → Low → Moderate → High "
        "1.2 Socio-economic inequality Moderate 1.3 Identity-based discrimination Moderate "
        "1.4 Denial of rights and freedoms Low 1.5 Exclusion from decision-making Moderate "
        "1.6 Legacy of past mass violence High 1.7 Lack of capacity to prevent Low "
        "1.8 Gender discrimination and inequality Don't know 1.9 Armed conflict Low "
        "1.10 Signs that a group is singled out Low"
    )
    assert chart in between(demo.body, "Risk profile Highest rating", "Prevention measures")


def test_each_profile_row_leads_to_its_question_and_only_linked_questions_are_destinations(
    demo,
) -> None:
    reader = PdfReader(io.BytesIO(demo.pdf))
    destinations = reader.named_destinations
    links = [
        annotation.get_object()["/Dest"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object()["/Subtype"] == "/Link"
    ]
    assert set(links) <= set(destinations)  # every link leads somewhere
    factors = {link for link in links if link.startswith("q-")}
    assert len(factors) == 9  # the rated risk factors, 1.2 to 1.10: the profile table
    # A question nothing links to is not a destination: each one costs render time.
    assert {name for name in destinations if name.startswith("q-")} == factors
    for name in factors:
        page = reader.get_destination_page_number(destinations[name])
        assert numbered(name.removeprefix("q-")) in demo.pages[page]


def test_the_profile_table_gives_each_source_with_its_phrase_and_basis(demo) -> None:
    profile = between(demo.body, "Risk profile Highest rating", "Prevention measures")
    assert "Risk factor Level Source" in profile
    assert (
        "1.2 Socio-economic inequality Moderate ¶ 5 “Speakers highlighted”. Stated in the summary"
    ) in profile
    assert (
        "1.6 Legacy of past mass violence High ¶ 5 “was repeatedly cited as a risk factor”. "
        "Derived from the summary"
    ) in profile
    assert (
        "¶ 6 “Several speakers recognised”. Derived from the summary; other source: UN "
        "Framework of Analysis for Atrocity Crimes (2014), for the examples"
    ) in profile


def test_measures_are_counted_and_set_aside_ones_give_their_reason(demo) -> None:
    measures = between(demo.body, "Prevention measures 3 fully", "Measures you may wish")
    assert measures.startswith(
        " in place; 26 partly in place; 1 planned; 0 not in place; 1 judged not a priority."
    )
    reason = " ".join(DEMO["measure.religious_cultural_foundations"].note.split())
    assert (
        "Judged not a priority here 3.10 Religious and cultural foundations — "
        f"Not a priority here: {reason[:100]}"
    ) in measures


def test_measures_to_consider_are_suggested_links_with_the_measures_text(demo) -> None:
    chapter = between(demo.body, "Prevention measures 3 fully", "What changed since")
    consider = chapter.split("Measures you may wish to consider", 1)[1].split("Information gaps")[0]
    assert consider.startswith(f" {CONSIDER_LABEL} For each risk factor rated moderate or high")
    learning = INSTRUMENT.question("measure.learning_from_past")
    accountability = INSTRUMENT.question("measure.accountability")
    assert (
        "1.6 Legacy of past mass violence — High (¶ 3, ¶ 5, ¶ 7) "
        f"4.1 {learning.text} — Partly in place 4.3 {accountability.text} — Partly in place"
    ) in consider
    # The measure judged not a priority leaves the list, and says so.
    assert "3.10 Religious and cultural foundations: judged not a priority here." in consider
    religious = INSTRUMENT.question("measure.religious_cultural_foundations")
    assert religious.text not in consider


def test_what_changed_lists_only_ratings_given_in_both_cycles(demo) -> None:
    changed = between(demo.body, "What changed since 2025", "1. Risk factors")
    rows = changed.split("Risk factor or measure 2025 2026 ", 1)[1]
    assert rows.startswith(
        "1.2 Socio-economic inequality High Moderate "
        "1.3 Identity-based discrimination High Moderate "
        "1.4 Denial of rights and freedoms Moderate Low "
        "1.7 Lack of capacity to prevent Moderate Low "
    )
    assert "3.9 Valuing diversity Planned Partly in place" in rows
    assert "5.3 Early warning Not in place Partly in place" in rows
    # Don't know in 2026, set aside in 2026, unchanged, or a v1 question retired in v2: none.
    for absent in [
        "Gender discrimination",
        "Religious and cultural",
        "Exclusion from decision-making",
        "Armed conflict",
        "Targeting of groups",
        "Past history of atrocity crimes",
        "Sexual and gender-based violence",
        "Legacy of past mass violence",
    ]:
        assert absent not in rows, absent


def test_information_gaps_are_listed_by_title(demo) -> None:
    gaps = between(demo.body, "Information gaps 1.8", "What changed since")
    assert gaps.startswith(" Gender discrimination and inequality — Don't know")


# --- The chapters ------------------------------------------------------------------------


def test_each_section_is_a_chapter_with_numbered_questions_sources_and_answers(demo) -> None:
    text = demo.body
    for position, section in enumerate(INSTRUMENT.sections, start=1):
        assert f"{position}. {section.title}" in text
    assert (
        f"{numbered('risk.past_mass_violence')} ¶ 5 “was repeatedly cited as a risk factor”. "
        "Derived from the summary Answer: High"
    ) in text
    assert (
        f"{numbered('commitment.no_society_immune')} ¶ 4 “They emphasized”. "
        "Stated in the summary Answer: Yes"
    ) in text


def test_a_note_kept_out_of_the_report_is_absent_and_the_others_are_printed(demo) -> None:
    text = demo.body
    kept = " ".join(DEMO[KEPT_OUT].note.split())
    assert kept[:40] not in text
    assert "Public Order (Special Areas)" not in text
    # Its answer stays, with nothing in the note's place.
    assert f"Stated in the summary Answer: Low {numbered('risk.exclusion_decision_making')}" in (
        text
    )
    assert " ".join(DEMO["risk.socioeconomic_inequality"].note.split())[:80] in text


def test_notes_are_printed_as_typed(demo) -> None:
    assert "First line of evidence.\nSecond line of evidence." in demo.raw


def test_the_appendix_quotes_every_cited_paragraph_verbatim_and_not_paragraph_11(demo):
    appendix = demo.body.rsplit("Appendix: the cited paragraphs", 1)[1]
    appendix = appendix.split("About this report")[0]
    assert CITED_SENTENCE in appendix
    for number in INSTRUMENT.cited_paragraphs:
        assert f"¶ {number} {INSTRUMENT.paragraph(number)[:40]}" in appendix
    assert 11 not in INSTRUMENT.cited_paragraphs
    assert INSTRUMENT.paragraph(11)[:40] not in appendix


def test_the_methodology_states_the_caveats(demo) -> None:
    methodology = between(demo.body, "Methodology", "Appendix: the cited paragraphs")
    assert "This assessment does not find that any crime has occurred." in methodology
    assert "no society is immune to the risk of atrocity crimes (¶ 4)" in methodology
    assert "Risk factors are not averaged into a score" in methodology


def test_a_hostile_note_is_literal_text_and_nothing_is_fetched_for_it(arcadia) -> None:
    assert HOSTILE_NOTE in arcadia.v2.text
    # The stylesheet only: by its hashed name with production settings.
    assert arcadia.asked == [urljoin(reports.BASE_URL, static("css/report.css"))]


# --- A v1 assessment, in the new layout ------------------------------------------------------


def test_a_v1_assessment_renders_with_its_own_questions_and_citations(arcadia) -> None:
    v1 = arcadia.v1
    text = v1.body
    assert v1.pages[0].startswith("Arcadia — 2025 self-assessment Country Arcadia Cycle 2025")
    assert "Status Submitted" in v1.pages[0]
    assert all(DRAFT_MARK in page and "RESTRICTED" in page for page in v1.pages)
    assert f"{numbered('risk.targeting_of_groups', V1)} ¶ 6 Answer: Moderate" in text
    assert f"Questionnaire {V1.title} (2013-summary/v1) Revision" in text.rsplit("About this", 1)[1]
    # No summary was asked in v1, and there is no earlier cycle to compare with.
    assert "The focal point's summary" not in text
    assert "What changed since" not in text
    assert "Highest rating: high (3: 1.2 Socio-economic inequality" in text


# --- The profile in words, whatever the answers ----------------------------------------------

# The risk factors and the past: a small report, quick to render.
RISKS_AND_PAST = cut_instrument("risks", "past")
RISK_KEYS = [q.key for q in INSTRUMENT.section("risks").questions if q.kind == "risk"]


@pytest.mark.parametrize(
    ("answers", "expected", "absent"),
    [
        (
            {"risk.singling_out": "high"},
            [
                "Highest rating: high (1: 1.10 Signs that a group is singled out); "
                "0 moderate; 0 low; 8 not observed; 0 unknown."
            ],
            ["No risk factor was observed"],
        ),
        (
            {},
            [
                "9 not observed; 0 unknown.",
                "No risk factor was observed on the evidence available. This does not mean "
                "there is no risk (¶ 4).",
                # Skip logic: nothing recorded, so the follow-ups on the past are not asked.
                "Not asked: skip logic leaves it out, given the answers. Asked only when the "
                "answer to 1.6 is: Low, Moderate, High.",
            ],
            ["Highest rating"],
        ),
    ],
    ids=["singling-out-high", "none-observed"],
)
def test_the_profile_is_put_in_words(world, answers, expected, absent) -> None:
    responses = {key: Response(answers.get(key, "not_present"), "") for key in RISK_KEYS}
    with mock.patch.object(reports, "get_instrument", return_value=RISKS_AND_PAST):
        text = " ".join(pages_text(reports.render_assessment_pdf(world.assessment, responses)))
    for wording in expected:
        assert wording in text
    for wording in absent + FORBIDDEN:
        assert wording not in text


# --- The marks: security marking, draft ------------------------------------------------------


def test_the_chosen_marking_is_on_every_page_and_draft_until_accepted(world) -> None:
    services.set_marking(assessment=world.assessment, marking="confidential", user=world.editor)
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    # The marks are what is tested here, not the chapters: a small instrument renders faster.
    with mock.patch.object(reports, "get_instrument", return_value=mini_instrument()):
        submitted = Assessment.objects.select_related("country").get(pk=world.assessment.pk)
        pages = pages_text(reports.render_assessment_pdf(submitted, language="en"))
        assert all(DRAFT_MARK in page and "CONFIDENTIAL" in page for page in pages)
        assert "Status Submitted" in pages[0]
        assert "Security marking CONFIDENTIAL" in pages[0]
        assert not any("RESTRICTED" in page for page in pages)

        Assessment.objects.filter(pk=world.assessment.pk).update(status="accepted")
        accepted = Assessment.objects.select_related("country").get(pk=world.assessment.pk)
        pages = pages_text(reports.render_assessment_pdf(accepted, language="en"))
    assert not any("DRAFT" in page for page in pages)
    assert all("CONFIDENTIAL" in page for page in pages)
    assert "Status Accepted" in pages[0]
    assert "Page 1 of" in pages[0]


# Notes in each of the UN's six languages: Chinese needs a font of its own (DejaVu Sans has none).
UN_LANGUAGES_NOTE = (
    "国家人权委员会记录了312起歧视投诉。 "
    "سجلت اللجنة 312 شكوى. "
    "Комиссия зарегистрировала 312 жалоб. "
    "La commission a reçu 312 plaintes ; la comisión recibió 312 quejas."
)


def test_notes_in_every_un_language_are_drawn_with_real_glyphs(caplog) -> None:
    assessment = Assessment(
        pk=102,
        country=Country(name="Arcadia", code="XA"),
        cycle=2026,
        status=Assessment.Status.DRAFT,
        revision=1,
        instrument_version=CURRENT_VERSION,
    )
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


# --- The blank questionnaire -----------------------------------------------------------------


def test_the_blank_questionnaire_has_every_question_and_no_answers(blank_pdf) -> None:
    pages, text = blank_pdf.pages, blank_pdf.text
    assert blank_pdf.pdf.startswith(b"%PDF")
    for position, section in enumerate(INSTRUMENT.sections, start=1):
        assert f"{position}. {section.title}" in text
    # Without whitespace: a heading may break a line after a hyphen ("decision- makers").
    squeezed = "".join(blank_pdf.body.split())
    for question in INSTRUMENT.questions:
        assert "".join(numbered(question.key).split()) in squeezed, question.key
    assert "Answer:" not in text
    assert "DRAFT" not in text
    assert "RESTRICTED" not in text
    assert DEMO["risk.socioeconomic_inequality"].note[:40] not in text
    assert "Page 1 of" in pages[0]
    assert f"Instrument version {CURRENT_VERSION}" in pages[0]
    assert CITED_SENTENCE in text
    for word in FORBIDDEN:
        assert word not in text


def test_the_blank_questionnaire_offers_each_scale(blank_pdf) -> None:
    text = blank_pdf.body
    risk = "☐ Not observed (on the evidence available) ☐ Low ☐ Moderate ☐ High ☐ Don't know"
    assert f"{numbered('risk.socioeconomic_inequality')} " in text
    assert risk in text
    assert "☐ None recorded ☐ Low ☐ Moderate ☐ High ☐ Don't know" in text
    assert (
        "☐ Not in place ☐ Planned ☐ Partly in place ☐ Fully in place ☐ Not a priority here "
        "☐ Don't know"
    ) in text


def test_the_blank_questionnaire_gives_sources_basis_and_the_summary_prompts(blank_pdf):
    text = blank_pdf.body
    assert (
        f"{numbered('commitment.no_society_immune')} ¶ 4 “They emphasized”. Stated in the summary"
    ) in text
    summary = INSTRUMENT.summary_question
    assert (
        f"{numbered(summary.key)} ¶ 2 “were also suggested”; ¶ 7 “They noted that as each "
        "State and society was different”. Derived from the summary"
    ) in text
    after = text.split(numbered(summary.key), 1)[1]
    for prompt in summary.prompts:
        assert prompt in after, prompt


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
    assert "@top-center" not in css


def test_the_marking_is_a_css_string_at_the_top_centre() -> None:
    css = reports.margin_css(head="Head", draft="DRAFT", marking='SECRET"; }')
    assert '@top-center { content: "SECRET\\22 ; }"; }' in css
    assert '@top-right { content: "DRAFT"; }' in css


def test_the_report_is_set_in_its_stylesheets_fonts(demo, blank_pdf) -> None:
    # Without its stylesheet (as once with production's hashed static names) a report is set
    # in the renderer's default serif, with no layout, and says nothing of it.
    for document in (demo, blank_pdf):
        fonts = set()
        for page in PdfReader(io.BytesIO(document.pdf)).pages:
            for font in page["/Resources"]["/Font"].values():
                fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
        assert {"DejaVu-Sans", "DejaVu-Sans-Bold"} <= fonts, fonts
        assert not [font for font in fonts if "Serif" in font]
