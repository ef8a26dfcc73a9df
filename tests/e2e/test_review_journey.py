"""The review round trip: the reviewer comments and returns the assessment in the admin, the
focal point replies beside the question and resubmits, the reviewer accepts."""

from __future__ import annotations

import io
import re

from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from assessments.instrument import get_instrument
from tests.e2e.support import Visitor

INSTRUMENT = get_instrument("2013-summary/v1")  # the demo's 2025 assessment pinned it
SECTION = INSTRUMENT.sections[0]
QUESTION = SECTION.questions[1]
QUEUE = "/admin/assessments/assessment/"
CYCLE = 2025  # the demo's submitted assessment
QUESTION_COMMENT = "Which survey do the inequality figures come from? Please cite its year."
GENERAL_COMMENT = "Thank you. Please add sources for the risk factors before we accept it."
REPLY = "The 2024 national household survey, table 3; now cited in the note."
# The mark in the report's page margins (an answer's note may well say "drafted").
DRAFT_MARK = re.compile(r"\bDRAFT\b")


def open_review(reviewer: Visitor) -> None:
    """From the queue, open Arcadia's submitted assessment."""
    reviewer.goto(QUEUE)
    expect(reviewer.page.locator("#result_list")).to_be_visible()
    reviewer.check("admin queue", screenshot="b-admin-queue")
    row = reviewer.page.locator("#result_list tbody tr", has_text="Submitted").filter(
        has_text=str(CYCLE)
    )
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Arcadia")
    row.get_by_role("link").first.click()
    expect(reviewer.page.locator("h1")).to_contain_text("Review")


def pdf_text(person: Visitor) -> str | None:
    """The text of the PDF behind the page's "Download PDF" link, if the app has PDFs yet."""
    try:
        reverse("assessments:report", kwargs={"code": "XA", "cycle": CYCLE})
    except NoReverseMatch:
        return None
    # Ready, or "being prepared" first, then downloaded by itself (the worker renders); then
    # back to the page the link was on.
    came_from = person.page.url
    with person.page.expect_download(timeout=60_000) as download:
        person.page.get_by_role("link", name="Download PDF").click()
    data = download.value.path().read_bytes()
    if person.page.url != came_from:
        person.goto(came_from.removeprefix(person.base_url))
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_submission_is_returned_answered_resubmitted_and_accepted(visitor, demo) -> None:
    reviewer = visitor("reviewer", next_path=QUEUE)
    open_review(reviewer)
    page = reviewer.page
    reviewer.check("admin review page", screenshot="b-admin-review")

    row = page.locator(f"[id='q-{QUESTION.key}']")
    row.get_by_text("Comment on this question").click()
    row.get_by_label("Comment").fill(QUESTION_COMMENT)
    row.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Comment added.")).to_be_visible()
    expect(page.locator(f"[id='q-{QUESTION.key}'] .review-comment")).to_contain_text(
        QUESTION_COMMENT
    )

    page.get_by_label("What should change").fill(GENERAL_COMMENT)
    page.get_by_role("button", name="Return for revision").click()
    expect(page.get_by_text("Returned for revision;")).to_be_visible()
    expect(page.locator(".review-status")).to_contain_text("Returned for revision")
    reviewer.check("admin review page, returned", screenshot="b-admin-returned")

    # The focal point finds the general comment on the overview and the other beside its question.
    focal = visitor("focal")
    overview = f"/assessments/XA/{CYCLE}/"
    focal.goto(overview)
    expect(focal.page.get_by_text("Returned for revision:")).to_be_visible()
    expect(focal.page.get_by_text(GENERAL_COMMENT)).to_be_visible()
    focal.check("overview, returned", screenshot="b-overview-returned")
    focal.goto(f"{overview}sections/{SECTION.key}/")
    question = focal.page.locator(f"[id='q-{QUESTION.key}']")
    expect(question.locator(".review-comment")).to_contain_text(QUESTION_COMMENT)
    focal.check("section with a comment", screenshot="b-section-comment")

    question.get_by_role("link", name="Reply or mark resolved").click()
    expect(focal.page.get_by_role("heading", level=1)).to_have_text("Comment from the secretariat")
    focal.check("comment page", screenshot="b-comment")
    focal.page.get_by_label("Your reply").fill(REPLY)
    focal.page.get_by_label("Mark as resolved").check()
    focal.page.get_by_role("button", name="Save reply").click()
    expect(focal.page.get_by_text("Your reply was saved.")).to_be_visible()
    assert f"/sections/{SECTION.key}/" in focal.page.url
    comment = focal.page.locator(f"[id='q-{QUESTION.key}'] .review-comment")
    expect(comment).to_contain_text(REPLY)
    expect(comment).to_contain_text("Resolved")

    focal.goto(overview)
    focal.page.get_by_role("link", name="Submit for review").click()
    focal.check("submit, resubmitting")
    focal.page.locator("main form").get_by_role("button", name="Submit for review").click()
    expect(focal.page.get_by_text("Submitted for review.")).to_be_visible()

    # The reviewer sees the reply, and accepts: the report loses its draft mark.
    open_review(reviewer)
    reply = page.locator(f"[id='q-{QUESTION.key}'] .review-comment")
    expect(reply).to_contain_text(REPLY)
    expect(reply).to_contain_text("Marked resolved by the country.")
    draft = pdf_text(reviewer)
    if draft is not None:
        assert "Arcadia" in draft
        assert DRAFT_MARK.search(draft), "the report of a submitted assessment has no DRAFT mark"
    # The resubmission opens with what changed since the return.
    expect(page.locator("#since-return")).to_be_visible()
    # Accepting is confirmed on a page of its own, which warns of the general comment sent
    # with the return: the country replied beside the question but left that one open.
    page.get_by_role("link", name="Accept…").click()
    expect(page.locator("h1")).to_contain_text("Accept")
    expect(page.get_by_role("alert")).to_contain_text("1 comment is not marked resolved")
    expect(page.get_by_role("alert")).to_contain_text(GENERAL_COMMENT[:40])
    reviewer.check("admin accept page", screenshot="b-admin-accept")
    page.get_by_role("button", name="Accept all the same").click()
    expect(page.get_by_text("Accepted;")).to_be_visible()
    expect(page.locator(".review-status")).to_contain_text("Accepted")
    expect(page.get_by_role("link", name="Accept…")).to_have_count(0)
    reviewer.check("admin review page, accepted")

    final = pdf_text(reviewer)
    if final is not None:
        assert "Arcadia" in final
        assert not DRAFT_MARK.search(final), DRAFT_MARK.search(final)

    focal.goto(overview)
    expect(focal.page.get_by_text("This assessment is final.")).to_be_visible()
