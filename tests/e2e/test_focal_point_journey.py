"""The focal point's whole journey: start the year's assessment, answer every section (autosave),
find it all kept after a reload, read the results and the PDF, submit."""

from __future__ import annotations

import io
import re

from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Locator, expect
from pypdf import PdfReader

from assessments.instrument import CURRENT_VERSION, get_instrument
from tests.e2e.conftest import VIEWPORT
from tests.e2e.support import Visitor

INSTRUMENT = get_instrument(CURRENT_VERSION)
# Answered "Moderate", so that the questions asked only after past mass violence are asked too.
CHOSEN = {"risk.past_mass_violence": "moderate"}


def optional_url(name: str, **kwargs: object) -> str | None:
    """The URL of a page another part of the app may not have yet."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def visible_questions(person: Visitor) -> Locator:
    return person.page.locator("#section-form fieldset.question:not([hidden])")


def answer_section(person: Visitor, section_number: int) -> dict[str, tuple[str, str]]:
    """Choose an answer and write a note for every question on screen; return what was typed
    as {question key: (value, note)}."""
    typed = {}
    questions = visible_questions(person)
    for index in range(questions.count()):
        question = questions.nth(index)
        key = question.get_attribute("id").removeprefix("q-")
        radios = question.locator("input[type=radio]")
        value = ""
        if radios.count():
            values = [radios.nth(i).get_attribute("value") for i in range(radios.count())]
            # Vary the answers, and leave "Don't know"/"Not applicable" at the end of the scale.
            value = CHOSEN.get(key, values[(section_number + index) % (len(values) - 1)])
            question.locator(f"input[type=radio][value='{value}']").check()
        note = f"Ministère de la Justice, annual report 2025, ch. {section_number}.{index + 1}."
        question.locator("textarea").fill(note)
        typed[key] = (value, note)
    return typed


def assert_kept(person: Visitor, typed: dict[str, tuple[str, str]]) -> None:
    for key, (value, note) in typed.items():
        question = person.page.locator(f"[id='q-{key}']")
        if value:
            expect(question.locator(f"input[type=radio][value='{value}']")).to_be_checked()
        expect(question.locator("textarea")).to_have_value(note)


def test_the_focal_point_completes_and_submits_the_assessment(visitor, fresh_cycle) -> None:
    focal = visitor("focal")
    page = focal.page
    focal.check("dashboard", screenshot="a-dashboard")

    # Start this year's assessment from scratch rather than from last year's answers.
    page.get_by_label(re.compile(r"Start from the \d+ answers")).uncheck()
    page.get_by_role("button", name=f"Start the {fresh_cycle} assessment").click()
    expect(page.get_by_text(f"The {fresh_cycle} assessment is open.")).to_be_visible()
    overview = f"/assessments/XA/{fresh_cycle}/"
    assert page.url == focal.url(overview)
    focal.check("overview", screenshot="a-overview")

    typed: dict[str, dict[str, tuple[str, str]]] = {}
    page.get_by_role("link", name=INSTRUMENT.sections[0].title).click()
    for number, section in enumerate(INSTRUMENT.sections, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(section.title)
        typed[section.key] = answer_section(focal, number)
        # Autosave waits 1.5 s after the last change: the save that holds them all starts later.
        focal.wait_for_autosave(since=focal.clock())
        expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")
        expect(page.locator("#save-status")).to_contain_text("Saved at")
        page.evaluate("window.scrollTo(0, 0)")  # the screenshot shows the section's top
        focal.check(f"section {section.key}", screenshot=f"a-section-{number}-{section.key}")
        if number < len(INSTRUMENT.sections):
            page.get_by_role("navigation", name="Sections").get_by_role(
                "link", name=INSTRUMENT.sections[number].title
            ).click()

    # Everything is kept: on a reload of this page, and on every other section.
    page.reload()
    assert_kept(focal, typed[INSTRUMENT.sections[-1].key])
    for section in INSTRUMENT.sections:
        focal.goto(f"{overview}sections/{section.key}/")
        assert_kept(focal, typed[section.key])

    focal.goto(overview)
    progress = page.locator("label[for=overall-progress]").inner_text()
    answered, total = map(int, re.findall(r"\d+", progress))
    # The optional context section, answered too, is not among those required.
    required = sum(len(typed[s.key]) for s in INSTRUMENT.sections if not s.context)
    assert answered == total == required, progress

    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    focal.check("history", screenshot="a-history")

    results = optional_url("assessments:results", code="XA", cycle=fresh_cycle)
    if results:
        focal.goto(results)
        expect(page.locator("main svg").first).to_be_visible()
        focal.check("results", screenshot="a-results")
        # On a 390 px phone the chart's labels stay readable (they were 5 px tall once).
        page.set_viewport_size({"width": 390, "height": 844})
        heights = page.locator("main svg.risk-chart text").evaluate_all(
            "(texts) => texts.map((t) => t.getBoundingClientRect().height)"
        )
        assert min(heights) >= 10, heights
        focal.check("results on a phone", screenshot="a-results-phone")
        page.set_viewport_size(VIEWPORT)

    report = optional_url("assessments:report", code="XA", cycle=fresh_cycle)
    if report:
        text = download_pdf(focal, [results, overview] if results else [overview])
        assert "Arcadia" in text
        assert "¶" in text

    focal.goto(overview)
    page.get_by_role("link", name="Submit for review").click()
    expect(page.get_by_text("Every question is answered.")).to_be_visible()
    focal.check("submit", screenshot="a-submit")
    page.locator("main form").get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    assert page.url == focal.url(overview)
    expect(page.get_by_role("link", name="Submit for review")).to_have_count(0)
    focal.check("overview after submitting", screenshot="a-submitted")


def download_pdf(person: Visitor, pages: list[str]) -> str:
    """Press the first "Download PDF" found on `pages`, its language as it comes (the
    interface's); return the PDF's text."""
    for path in pages:
        person.goto(path)
        link = person.page.get_by_role("button", name="Download PDF")
        expect(person.page.get_by_label("Language of the PDF")).to_have_value("en")
        if link.count():
            # Ready, or "being prepared" first, then downloaded by itself (the worker renders).
            with person.page.expect_download(timeout=60_000) as download:
                link.first.click()
                person.page.wait_for_load_state()
                if person.page.get_by_role("heading", name="Preparing your report").count():
                    person.check("report being prepared", screenshot="a-report-preparing")
            assert download.value.suggested_filename.endswith("-en.pdf")
            data = download.value.path().read_bytes()
            assert data.startswith(b"%PDF"), data[:100]
            return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    raise AssertionError(f"No 'Download PDF' on {pages}")
