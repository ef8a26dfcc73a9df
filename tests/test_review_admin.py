"""The secretariat's review in the admin: queue, review page, comment, return, accept."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.management.scale import populate
from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Country,
    DismissedLink,
    ReviewComment,
)
from assessments.results import question_numbers
from assessments.scoring import Progress, Response, overall_progress
from tests.factories import UserFactory, write_summary
from tests.tasks import run_tasks

INSTRUMENT = get_instrument(CURRENT_VERSION)
NUMBERS = question_numbers(INSTRUMENT)
QUESTION = next(q for q in INSTRUMENT.questions if q.kind == "risk")
KEPT_OUT = INSTRUMENT.question("risk.identity_discrimination")
# Linked to QUESTION: one judged not a priority, one whose suggested link is marked not relevant.
SET_ASIDE = INSTRUMENT.question(QUESTION.mitigated_by[0])
DISMISSED = INSTRUMENT.question(QUESTION.mitigated_by[1])
QUEUE = "/admin/assessments/assessment/"
SUMMARY = "Arcadia judges the risk real but contained; the north needs attention."
KEPT_OUT_NOTE = "Names the three villages where the incidents were recorded."
NOT_PRIORITY_REASON = "Income gaps are addressed through the regional fund instead."
DISMISS_REASON = "Decisions on this are already taken at provincial level."


@pytest.fixture
def submitted(world):
    services.save_answers(
        assessment=world.assessment,
        section_key=QUESTION.section_key,
        responses={
            QUESTION.key: Response("high", "Survey of 2024"),
            KEPT_OUT.key: Response("low", KEPT_OUT_NOTE, keep_out_of_report=True),
        },
        user=world.editor,
        expected_revision=0,
    )
    services.save_answers(
        assessment=world.assessment,
        section_key=SET_ASIDE.section_key,
        responses={SET_ASIDE.key: Response("not_priority", NOT_PRIORITY_REASON)},
        user=world.editor,
        expected_revision=10**6,
    )
    services.dismiss_link(
        assessment=world.assessment,
        risk_key=QUESTION.key,
        measure_key=DISMISSED.key,
        reason=DISMISS_REASON,
        user=world.editor,
    )
    write_summary(world.assessment, SUMMARY)
    services.submit(assessment=world.assessment, user=world.editor)
    world.review_url = f"{QUEUE}{world.assessment.pk}/change/"
    return world


def test_an_editor_cannot_open_the_admin(client, world) -> None:
    client.force_login(world.editor)
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_queue_lists_every_country_submitted_and_longest_waiting_first(
    client, submitted
) -> None:
    waiting_longer = Assessment.objects.create(
        country=submitted.borealis,
        cycle=2025,
        instrument_version=CURRENT_VERSION,
        status=Assessment.Status.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=9),
    )
    client.force_login(submitted.reviewer)
    html = client.get(QUEUE).content.decode()
    rows = re.findall(r"/admin/assessments/assessment/(\d+)/change/", html)
    # Borealis 2026 is a draft: the State's own work, not in the secretariat's queue.
    assert [int(pk) for pk in dict.fromkeys(rows)] == [waiting_longer.pk, submitted.assessment.pk]
    assert ">9<" in html  # days waiting
    columns = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', html)
    assert columns == ["country", "cycle", "status", "submitted_at", "days_waiting", "progress"]
    # A work list, never a league table: no figure that compares countries.
    for word in ("risk index", "coverage"):
        assert word not in html.lower()
    for url in (f"{QUEUE}?status__exact=submitted", f"{QUEUE}?q=Arcadia", f"{QUEUE}?cycle=2026"):
        assert client.get(url).status_code == 200


def test_the_queue_sends_as_many_queries_for_30_countries_as_for_3(client, world) -> None:
    client.force_login(world.reviewer)

    def queries() -> int:
        client.get(QUEUE)  # the first request after login also renews the session
        with CaptureQueriesContext(connection) as captured:
            assert client.get(QUEUE).status_code == 200
        return len(captured)

    populate(countries=3, cycles=3, last_cycle=2026)  # 7 in the queue
    few = queries()
    populate(countries=27, cycles=3, last_cycle=2026, start=3)  # 80, on two pages
    assert Assessment.objects.exclude(status=Assessment.Status.DRAFT).count() == 80
    assert queries() == few


def test_the_queue_shows_the_progress_kept_on_each_assessment(client, world) -> None:
    populate(countries=2, cycles=1, last_cycle=2026)  # "01": submitted, every question answered
    listed = Assessment.objects.get(country__code="01")
    # From before the figures were kept: counted when first listed (here, none answered).
    Assessment.objects.filter(pk=listed.pk).update(progress_answered=None, progress_total=None)
    listed.answers.all().delete()
    client.force_login(world.reviewer)
    html = client.get(QUEUE).content.decode()
    total = overall_progress(INSTRUMENT, {}).total
    assert f'<td class="field-progress">0/{total}</td>' in html
    assert Assessment.objects.get(pk=listed.pk).progress == Progress(0, total)


def test_the_queue_filters_by_regional_group(client, world) -> None:
    populate(countries=5, cycles=1, last_cycle=2026)  # regions in turn; "00" and "03" drafts
    client.force_login(world.reviewer)
    html = client.get(f"{QUEUE}?country__region=asia_pacific").content.decode()
    assert "Fictional State 002" in html
    assert "Fictional State 003" not in html
    assert "Asia-Pacific States" in html  # the filter's own link


def row_of(html: str, key: str) -> str:
    """One question's row of the review page."""
    start = html.index(f'<tr id="q-{key}"')
    return html[start : html.index("</tr>", start)]


def test_the_review_page_shows_answers_citations_figures_and_history(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    html = unescape(client.get(submitted.review_url).content.decode())
    assert "Review: Arcadia 2026" in html
    assert QUESTION.text in html
    assert "Survey of 2024" in html
    assert "High" in html
    assert "<svg" in html
    assert "<title" in html
    assert "Submitted for review" in html
    assert "Return for revision" in html
    assert "/assessments/XA/2026/" in html
    # A profile, never an index.
    assert "Risk index" not in html
    assert "Coverage" not in html


def test_the_review_page_opens_with_the_summary_and_the_profile(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    html = unescape(client.get(submitted.review_url).content.decode())
    assert "The focal point's summary" in html
    assert SUMMARY in html
    assert html.index(SUMMARY) < html.index("Risk profile") < html.index("Answers")
    assert (
        f"Highest rating: high (1: {NUMBERS[QUESTION.key]} {QUESTION.title}); "
        "0 moderate; 1 low; 0 not observed; "
    ) in html
    assert "Prevention measures" in html
    assert (
        "0 fully in place; 0 partly in place; 0 planned; 0 not in place; 1 judged not a priority"
        in html
    )
    assert f"{NUMBERS[SET_ASIDE.key]} {SET_ASIDE.title}</a>: {NOT_PRIORITY_REASON}" in html


def test_the_review_page_shows_links_marked_not_relevant_with_their_reasons(
    client, submitted
) -> None:
    client.force_login(submitted.reviewer)
    html = unescape(client.get(submitted.review_url).content.decode())
    assert "Suggested links marked not relevant for this assessment" in html
    assert (
        f"{NUMBERS[QUESTION.key]} {QUESTION.title} → "
        f'{NUMBERS[DISMISSED.key]} {DISMISSED.title}: <span dir="auto">{DISMISS_REASON}</span>'
    ) in " ".join(html.split())


def test_a_note_kept_out_of_the_report_is_shown_to_reviewers_and_marked(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    html = unescape(client.get(submitted.review_url).content.decode())
    kept = row_of(html, KEPT_OUT.key)
    assert KEPT_OUT_NOTE in kept
    assert "Kept out of the report." in kept
    assert "Kept out of the report." not in row_of(html, QUESTION.key)
    assert html.count("Kept out of the report.") == 1


def test_each_row_cites_the_summarys_phrase_and_the_basis(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    html = unescape(client.get(submitted.review_url).content.decode())
    for question in (QUESTION, KEPT_OUT, SET_ASIDE):
        row = row_of(html, question.key)
        for number, phrase in question.support:
            assert f"¶\xa0{number} “{phrase}”" in row
        assert question.provenance in row
    assert "Stated in the summary" in row_of(html, QUESTION.key)


@pytest.mark.parametrize("extra", [0, 1, 40])
def test_the_review_page_uses_a_constant_number_of_queries(client, submitted, extra) -> None:
    client.force_login(submitted.reviewer)
    client.get(submitted.review_url)  # the first request after login also renews the session
    with CaptureQueriesContext(connection) as few:
        client.get(submitted.review_url)
    risks = [q for q in INSTRUMENT.questions if q.kind == "risk"]
    Answer.objects.bulk_create(
        Answer(assessment=submitted.assessment, question_key=q.key, value="moderate", note="x")
        for q in risks[2 : 2 + extra]
    )
    DismissedLink.objects.bulk_create(
        DismissedLink(assessment=submitted.assessment, risk_key=q.key, measure_key=m, reason="r")
        for q in risks[2 : 2 + extra]
        for m in q.mitigated_by
    )
    for n in range(extra):
        services.add_comment(
            assessment=submitted.assessment,
            user=submitted.reviewer,
            question_key=risks[n % len(risks)].key,
            text=f"Comment {n}",
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(submitted.review_url)
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_reviewer_comments_on_a_question(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    response = client.post(
        f"{QUEUE}{submitted.assessment.pk}/comment/",
        {"question_key": QUESTION.key, "text": "Which survey?"},
    )
    assert response["Location"] == submitted.review_url
    comment = ReviewComment.objects.get()
    assert (comment.question_key, comment.text, comment.author) == (
        QUESTION.key,
        "Which survey?",
        submitted.reviewer,
    )
    assert "Which survey?" in client.get(submitted.review_url).content.decode()


def test_an_empty_or_misdirected_comment_is_refused_with_a_message(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    url = f"{QUEUE}{submitted.assessment.pk}/comment/"
    for data in ({"question_key": "", "text": " "}, {"question_key": "risk.nope", "text": "x"}):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        assert "errorlist" in response.content.decode() or "error" in response.content.decode()
    assert not ReviewComment.objects.exists()
    assert client.get(url).status_code == 405


def test_return_then_accept_through_the_admin(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    pk = submitted.assessment.pk
    response = client.post(f"{QUEUE}{pk}/return/", {"comment": ""}, follow=True)
    assert "a comment is needed to return it" in response.content.decode()
    client.post(f"{QUEUE}{pk}/return/", {"comment": "Add your sources."})
    run_tasks()
    submitted.assessment.refresh_from_db()
    assert submitted.assessment.status == Assessment.Status.RETURNED
    assert mail.outbox
    # Accepting a returned assessment is refused with a message.
    response = client.post(f"{QUEUE}{pk}/accept/", follow=True)
    assert (
        "Only a submitted assessment can be accepted; this one's status is: Returned for revision."
    ) in response.content.decode().replace("&#x27;", "'")
    services.submit(assessment=submitted.assessment, user=submitted.editor)
    client.post(f"{QUEUE}{pk}/accept/")
    submitted.assessment.refresh_from_db()
    assert submitted.assessment.status == Assessment.Status.ACCEPTED
    kinds = set(submitted.assessment.events.values_list("kind", flat=True))
    assert {AssessmentEvent.Kind.RETURNED, AssessmentEvent.Kind.ACCEPTED} <= kinds


def test_a_reviewer_cannot_change_answers_through_the_admin(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    before = list(Answer.objects.values_list("question_key", "value", "note"))
    # Nor the summary, the marking or the links through the app.
    section = INSTRUMENT.summary_question.section_key
    for url, data in (
        (f"/assessments/XA/2026/sections/{section}/", {"summary.judgement__note": "Mine."}),
        ("/assessments/XA/2026/marking/", {"marking": "unclassified"}),
        ("/assessments/XA/2026/links/restore/", {"risk": QUESTION.key, "measure": DISMISSED.key}),
    ):
        assert client.post(url, {"section_revision": "99", **data}).status_code == 403
    assert client.get("/admin/assessments/answer/").status_code == 404
    client.post(submitted.review_url, {"status": "accepted", QUESTION.key: "low"})
    assert client.get(f"{QUEUE}add/").status_code == 403
    assert client.post(f"{QUEUE}{submitted.assessment.pk}/delete/").status_code == 403
    assert list(Answer.objects.values_list("question_key", "value", "note")) == before
    submitted.assessment.refresh_from_db()
    assert submitted.assessment.status == Assessment.Status.SUBMITTED
    assert submitted.assessment.marking == Assessment.Marking.RESTRICTED
    assert DismissedLink.objects.count() == 1


def test_a_staff_user_who_is_not_a_reviewer_sees_nothing(client, submitted) -> None:
    client.force_login(UserFactory(username="clerk", is_staff=True))
    assert client.get(QUEUE).status_code == 403
    assert client.get(submitted.review_url).status_code == 403
    assert client.post(f"{QUEUE}{submitted.assessment.pk}/accept/").status_code == 403


def test_events_are_read_only_even_for_superusers(client, submitted) -> None:
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    event = submitted.assessment.events.first()
    assert client.get("/admin/assessments/assessmentevent/").status_code == 200
    assert client.get("/admin/assessments/assessmentevent/add/").status_code == 403
    assert client.post(f"/admin/assessments/assessmentevent/{event.pk}/delete/").status_code == 403
    html = client.get(f"/admin/assessments/assessmentevent/{event.pk}/change/").content.decode()
    assert 'name="_save"' not in html


def test_opening_the_review_page_records_it_and_ends_withdrawal(client, submitted) -> None:
    submitted.assessment.refresh_from_db()
    assert services.can_withdraw(submitted.assessment)
    client.force_login(submitted.reviewer)
    client.get(f"{QUEUE}{submitted.assessment.pk}/change/")
    read = submitted.assessment.reads.get()
    assert (read.user, read.what) == (submitted.reviewer, "review")
    assert not services.can_withdraw(submitted.assessment)


def test_the_review_page_reads_first_and_decides_last(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    html = client.get(f"{QUEUE}{submitted.assessment.pk}/change/").content.decode()
    assert html.index('id="decision"') > html.index(f'id="q-{QUESTION.key}"')
    assert 'href="#decision"' in html
    # Accepting goes through a page that confirms it.
    assert f'href="{QUEUE}{submitted.assessment.pk}/accept/"' in html


def test_a_resubmission_opens_with_what_changed_since_the_return(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    assessment = submitted.assessment
    services.return_for_revision(assessment=assessment, user=submitted.reviewer, comment="More.")
    services.save_answers(
        assessment=assessment,
        section_key=QUESTION.section_key,
        responses={QUESTION.key: Response("moderate", "Survey of 2025")},
        user=submitted.editor,
        expected_revision=10**6,
    )
    services.submit(assessment=assessment, user=submitted.editor)
    html = client.get(f"{QUEUE}{assessment.pk}/change/").content.decode()
    since = html.split('id="since-return"')[1].split("</ul>")[0]
    assert f"{NUMBERS[QUESTION.key]} {QUESTION.short}" in since
    assert "High → <strong>Moderate</strong>" in since
    assert "note edited" in since
    assert KEPT_OUT.short not in since  # unchanged since the return


def test_a_long_history_is_paged_and_what_changed_is_read_since_the_last_return(
    client, submitted
) -> None:
    assessment, editor, reviewer = submitted.assessment, submitted.editor, submitted.reviewer

    def save(question, value: str) -> None:
        services.save_answers(
            assessment=assessment,
            section_key=question.section_key,
            responses={question.key: Response(value, "")},
            user=editor,
            expected_revision=10**6,
        )

    services.return_for_revision(assessment=assessment, user=reviewer, comment="More.")
    save(QUESTION, "moderate")  # answered by the first return's resubmission
    services.submit(assessment=assessment, user=editor)
    services.return_for_revision(assessment=assessment, user=reviewer, comment="Again.")
    for n in range(30):  # two sections in turn: 60 entries of their own
        save(KEPT_OUT, ("high", "moderate")[n % 2])
        save(SET_ASIDE, ("planned", "partly")[n % 2])
    services.submit(assessment=assessment, user=editor)
    client.force_login(reviewer)
    html = client.get(submitted.review_url).content.decode()
    since = html.split('id="since-return"')[1].split("</ul>")[0]
    assert KEPT_OUT.short in since
    assert SET_ASIDE.short in since
    assert QUESTION.short not in since
    history = html.split('id="history"')[1]
    assert history.count("<li>") == 50
    assert "Page 1 of 2" in history
    assert 'rel="next" href="?page=2#history"' in history
    older = client.get(f"{submitted.review_url}?page=2").content.decode().split('id="history"')[1]
    assert "Page 2 of 2" in older
    assert 'rel="prev" href="?page=1#history"' in older
    assert "Returned for revision" in older


def test_accepting_is_confirmed_and_warns_of_unresolved_comments(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    pk = submitted.assessment.pk
    services.add_comment(
        assessment=submitted.assessment,
        user=submitted.reviewer,
        question_key=QUESTION.key,
        text="Which survey is this?",
    )
    page = client.get(f"{QUEUE}{pk}/accept/").content.decode()
    assert "1 comment is not marked resolved" in page
    assert "Which survey is this?" in page
    assert "Accept all the same" in page
    submitted.assessment.refresh_from_db()
    assert submitted.assessment.status == Assessment.Status.SUBMITTED  # a GET decides nothing
    client.post(f"{QUEUE}{pk}/accept/")
    submitted.assessment.refresh_from_db()
    assert submitted.assessment.status == Assessment.Status.ACCEPTED


def test_a_review_page_address_that_is_not_a_number_is_not_found(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    assert client.get(f"{QUEUE}abc/change/").status_code == 404


def test_an_auditor_exports_the_events_and_the_admins_actions_as_csv(client, submitted) -> None:
    import csv
    import io

    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    client.force_login(submitted.reviewer)
    response = client.get("/admin/assessments/assessmentevent/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["at", "country", "cycle", "user", "kind", "detail"]
    kinds = {row[4] for row in rows[1:]}
    assert {"answers_saved", "submitted"} <= kinds
    assert not any(row[1] == "XB" for row in rows[1:])  # Borealis's is a draft: not theirs
    # The admin's own record is for superusers.
    assert client.get("/admin/admin/logentry/export.csv").status_code == 403
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    LogEntry.objects.create(
        user=root,
        content_type=ContentType.objects.get_for_model(Country),
        object_id=str(submitted.arcadia.pk),
        object_repr='=HYPERLINK("http://evil")',
        action_flag=2,
        change_message="renamed",
    )
    client.force_login(root)
    rows = list(
        csv.reader(io.StringIO(client.get("/admin/admin/logentry/export.csv").content.decode()))
    )
    assert rows[1][4] == '\'=HYPERLINK("http://evil")'  # never a formula in a spreadsheet


def test_the_review_page_and_results_record_who_read_them(client, submitted) -> None:
    client.force_login(submitted.reviewer)
    client.get(submitted.review_url)
    client.get("/assessments/XA/2026/results/")
    reads = list(submitted.assessment.reads.values_list("user__username", "what"))
    assert sorted(reads) == [("reviewer", "results"), ("reviewer", "review")]
    page = client.get("/assessments/XA/2026/reads/").content.decode()
    assert "Review page" in page and "Results page" in page
    # A viewer of the country is not shown who read it; an editor is.
    client.force_login(submitted.viewer)
    assert client.get("/assessments/XA/2026/reads/").status_code == 403
    client.force_login(submitted.editor)
    assert client.get("/assessments/XA/2026/reads/").status_code == 200


def test_each_row_says_what_evidence_backs_the_answer_and_links_to_it(client, submitted) -> None:
    services.return_for_revision(
        assessment=submitted.assessment, user=submitted.reviewer, comment="Sources, please."
    )
    services.add_source(
        assessment=submitted.assessment,
        question_key=QUESTION.key,
        title="Household survey 2024",
        issuer="Statistics Office",
        kind="government",
        issued=None,
        url="https://stats.example.org/2024",
        upload=None,
        checked=None,
        user=submitted.editor,
    )
    services.judge_answer(
        assessment=submitted.assessment,
        question_key=QUESTION.key,
        confidence="high",
        contested=True,
        differing_view="The Ombudsperson reads it as moderate.",
        expected_revision=0,
        user=submitted.editor,
    )
    services.submit(assessment=submitted.assessment, user=submitted.editor)
    client.force_login(submitted.reviewer)
    row = " ".join(row_of(client.get(submitted.review_url).content.decode(), QUESTION.key).split())
    evidence = f"/assessments/XA/2026/questions/{QUESTION.key}/evidence/"
    assert f'<a href="{evidence}">1 source' in row
    assert "confidence: High · <strong>contested</strong>" in row
    page = client.get(evidence).content.decode()
    assert "Household survey 2024" in page and "The Ombudsperson reads it as moderate." in page
