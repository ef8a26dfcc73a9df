"""Marking a link that R2P Assess suggests between a risk factor and a measure as not
relevant for this assessment, with a reason, and restoring it."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.utils.html import escape

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Assessment, AssessmentEvent, DismissedLink
from assessments.scoring import Response
from tests.factories import write_summary

INSTRUMENT = get_instrument(CURRENT_VERSION)
RISK = INSTRUMENT.question("risk.singling_out")
MEASURE = INSTRUMENT.question("measure.early_warning")
# A measure the instrument does not link to this risk.
UNLINKED = next(
    q for q in INSTRUMENT.questions if q.kind == "measure" and q.key not in RISK.mitigated_by
)
DISMISS = "/assessments/XA/2026/links/dismiss/"
RESTORE = "/assessments/XA/2026/links/restore/"
RESULTS = "/assessments/XA/2026/results/"
# The dismiss form names the link by its fields; a restore button by its value.
LINK = {"risk": RISK.key, "measure": MEASURE.key, "link": f"{RISK.key} {MEASURE.key}"}
REASON = "The national police already run an early-warning unit for this."
NO_REASON = "Say why this link is not relevant here."


def state(assessment: Assessment) -> tuple[list, int, list]:
    """What these views may write: the dismissals, the revision and the events."""
    assessment.refresh_from_db()
    dismissals = list(
        DismissedLink.objects.filter(assessment=assessment).values_list(
            "risk_key", "measure_key", "reason"
        )
    )
    return dismissals, assessment.revision, list(assessment.events.values_list("kind", flat=True))


@pytest.fixture
def rated(world):
    """The risk rated high and the measure not in place: the link is suggested."""
    for question, value in ((RISK, "high"), (MEASURE, "not_in_place")):
        services.save_answers(
            assessment=world.assessment,
            section_key=question.section_key,
            responses={question.key: Response(value, "")},
            user=world.editor,
            expected_revision=10**6,
        )
    return world


def test_the_results_page_offers_to_mark_a_suggested_link(client, rated) -> None:
    client.force_login(rated.editor)
    html = client.get(RESULTS).content.decode()
    assert f"{DISMISS}?risk={RISK.key}&amp;measure={MEASURE.key}" in html
    client.force_login(rated.viewer)
    assert DISMISS not in client.get(RESULTS).content.decode()


def test_the_form_names_the_risk_and_the_measure(client, rated) -> None:
    client.force_login(rated.editor)
    response = client.get(DISMISS, LINK)
    html = response.content.decode()
    assert response.status_code == 200
    assert escape(RISK.text) in html
    assert escape(MEASURE.text) in html
    assert f'<input type="hidden" name="risk" value="{RISK.key}">' in html
    assert f'<input type="hidden" name="measure" value="{MEASURE.key}">' in html
    assert 'name="reason"' in html
    assert "Why is this link not relevant here?" in html
    assert f'href="{RESULTS}#consider"' in html


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_an_empty_reason_is_refused_at_the_field_and_nothing_saved(client, rated, reason) -> None:
    before = state(rated.assessment)
    client.force_login(rated.editor)
    response = client.post(DISMISS, {**LINK, "reason": reason})
    html = response.content.decode()
    assert response.status_code == 200
    error = re.search(r'id="error-reason">(.*?)</div>', html, re.S)
    assert error and " ".join(error.group(1).split()) == NO_REASON
    assert 'aria-invalid="true"' in html
    assert escape(RISK.text) in html
    assert state(rated.assessment) == before


def test_an_overlong_reason_is_refused_and_kept(client, rated) -> None:
    before = state(rated.assessment)
    client.force_login(rated.editor)
    reason = "because " * 200
    response = client.post(DISMISS, {**LINK, "reason": reason})
    html = response.content.decode()
    assert response.status_code == 200
    assert "at most 1000 characters" in html
    assert reason.strip() in html
    assert state(rated.assessment) == before


def test_an_editor_marks_the_link_not_relevant(client, rated) -> None:
    _, revision, _ = state(rated.assessment)
    client.force_login(rated.editor)
    response = client.post(DISMISS, {**LINK, "reason": f"  {REASON} "})
    assert response["Location"] == f"{RESULTS}#consider"
    dismissals, new_revision, kinds = state(rated.assessment)
    assert dismissals == [(RISK.key, MEASURE.key, REASON)]
    assert DismissedLink.objects.get().created_by == rated.editor
    assert new_revision == revision + 1
    assert kinds[0] == AssessmentEvent.Kind.LINK_DISMISSED
    event = rated.assessment.events.first()
    assert (event.user, event.detail) == (rated.editor, {"risk": RISK.key, "measure": MEASURE.key})
    # The results page keeps it, with its reason and a way back; the link leaves the analysis.
    html = unescape(client.get(RESULTS).content.decode())
    assert "The link is marked not relevant for this assessment." in html
    assert "Links marked not relevant for this assessment" in html
    assert REASON in html
    assert f'action="{RESTORE}"' in html
    button = rf'form="restore-link"\s+name="link"\s+value="{RISK.key} {MEASURE.key}"'
    assert re.search(button, html)
    assert f"{DISMISS}?risk={RISK.key}&measure={MEASURE.key}" not in html
    # The history says so.
    history = client.get("/assessments/XA/2026/history/").content.decode()
    assert "Suggested link marked not relevant" in history
    assert f"{escape(RISK.title)} → {escape(MEASURE.title)}" in history


def test_marking_it_again_updates_the_reason(client, rated) -> None:
    client.force_login(rated.editor)
    client.post(DISMISS, {**LINK, "reason": "First reason."})
    client.post(DISMISS, {**LINK, "reason": REASON})
    assert list(DismissedLink.objects.values_list("reason", flat=True)) == [REASON]


@pytest.mark.parametrize(
    "link",
    [
        {"risk": "risk.no_such_risk", "measure": MEASURE.key},
        {"risk": RISK.key, "measure": "measure.no_such_measure"},
        {"risk": RISK.key, "measure": UNLINKED.key},
        {"risk": MEASURE.key, "measure": RISK.key},
        {"risk": RISK.key},
        {},
    ],
    ids=["unknown-risk", "unknown-measure", "not-suggested", "reversed", "no-measure", "none"],
)
def test_a_link_that_is_not_suggested_is_not_found(client, rated, link) -> None:
    before = state(rated.assessment)
    client.force_login(rated.editor)
    assert client.get(DISMISS, link).status_code == 404
    assert client.post(DISMISS, {**link, "reason": REASON}).status_code == 404
    restore = {"link": f"{link.get('risk', '')} {link.get('measure', '')}".strip()}
    assert client.post(RESTORE, restore).status_code == 404
    assert state(rated.assessment) == before


def test_an_editor_restores_the_link(client, rated) -> None:
    services.dismiss_link(
        assessment=rated.assessment,
        risk_key=RISK.key,
        measure_key=MEASURE.key,
        reason=REASON,
        user=rated.editor,
    )
    _, revision, _ = state(rated.assessment)
    client.force_login(rated.editor)
    response = client.post(RESTORE, LINK)
    assert response["Location"] == f"{RESULTS}#consider"
    dismissals, new_revision, kinds = state(rated.assessment)
    assert dismissals == []
    assert new_revision == revision + 1
    assert kinds[0] == AssessmentEvent.Kind.LINK_RESTORED
    html = unescape(client.get(RESULTS).content.decode())
    assert "The link is back in the analysis." in html
    assert f"{DISMISS}?risk={RISK.key}&measure={MEASURE.key}" in html
    # Restored already (in another tab): nothing more is recorded.
    assert client.post(RESTORE, LINK).status_code == 302
    assert state(rated.assessment) == ([], new_revision, kinds)


def test_viewers_and_reviewers_change_nothing(client, rated) -> None:
    services.dismiss_link(
        assessment=rated.assessment,
        risk_key=RISK.key,
        measure_key=MEASURE.key,
        reason=REASON,
        user=rated.editor,
    )
    before = state(rated.assessment)
    client.force_login(rated.viewer)
    assert client.get(DISMISS, LINK).status_code == 403
    assert client.post(DISMISS, {**LINK, "reason": "Mine."}).status_code == 403
    assert client.post(RESTORE, LINK).status_code == 403
    # Another country's editor, and the secretariat while it is a draft: it does not exist.
    for user in (rated.other_editor, rated.reviewer):
        client.force_login(user)
        assert client.get(DISMISS, LINK).status_code == 404
        assert client.post(RESTORE, LINK).status_code == 404
    assert state(rated.assessment) == before


def test_a_submitted_assessment_is_locked(client, rated) -> None:
    write_summary(rated.assessment)
    services.submit(assessment=rated.assessment, user=rated.editor)
    before = state(rated.assessment)
    client.force_login(rated.editor)
    assert client.get(DISMISS, LINK).status_code == 403
    assert client.post(DISMISS, {**LINK, "reason": REASON}).status_code == 403
    assert client.post(RESTORE, LINK).status_code == 403
    assert DISMISS not in client.get(RESULTS).content.decode()
    assert state(rated.assessment) == before
