"""The results page: the focal point's summary first, the risk profile (words, SVG and table),
measures by status with one indicative figure, measures to consider, information gaps and what
changed since last cycle — never an index."""

from __future__ import annotations

import re

import pytest

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Answer
from assessments.results import question_numbers
from assessments.scoring import Response
from tests.factories import AssessmentFactory

INSTRUMENT = get_instrument(CURRENT_VERSION)
NUMBERS = question_numbers(INSTRUMENT)
URL = "/assessments/XA/2026/results/"
RISK = INSTRUMENT.question("risk.socioeconomic_inequality")
MEASURE = INSTRUMENT.question(RISK.mitigated_by[0])
SUMMARY = "Arcadia judges the risk real but contained; the north needs attention."


def answer(assessment, values: dict[str, str], notes: dict[str, str] | None = None) -> None:
    """Save answers section by section, as the section pages do."""
    notes = notes or {}
    by_section: dict[str, dict[str, Response]] = {}
    for key in values.keys() | notes.keys():
        question = INSTRUMENT.question(key)
        response = Response(values.get(key, ""), notes.get(key, ""))
        by_section.setdefault(question.section_key, {})[key] = response
    for section_key, responses in by_section.items():
        services.save_answers(
            assessment=assessment,
            section_key=section_key,
            responses=responses,
            user=assessment.created_by,
            expected_revision=10**6,
        )


@pytest.fixture
def answered(world):
    world.assessment.created_by = world.editor
    answer(
        world.assessment,
        {
            RISK.key: "high",
            MEASURE.key: "partly",
            "risk.identity_discrimination": "dont_know",
            "risk.denial_of_rights": "low",
            "measure.mediation": "not_priority",
        },
        notes={
            RISK.key: "Regional income gaps widened by a third since 2019.",
            "measure.mediation": "Disputes are settled by the courts here.",
            INSTRUMENT.summary_key: SUMMARY,
        },
    )
    return world


def html_of(client, user) -> str:
    client.force_login(user)
    return client.get(URL).content.decode()


def part(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def test_anonymous_is_sent_to_login(client, world) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_another_country_is_not_found(client, world) -> None:
    for user in (world.other_editor, world.outsider):
        client.force_login(user)
        assert client.get(URL).status_code == 404


@pytest.mark.parametrize("who", ["viewer", "editor", "reviewer"])
def test_whoever_may_see_the_assessment_sees_its_results(client, world, who) -> None:
    if who == "reviewer":  # the secretariat sees it once it is submitted, never as a draft
        world.assessment.status = "submitted"
        world.assessment.save(update_fields=["status"])
    client.force_login(getattr(world, who))
    response = client.get(URL)
    assert response.status_code == 200
    assert "/assessments/XA/2026/report.pdf" in response.content.decode()


def test_the_summary_opens_the_page_and_no_index_appears(client, answered) -> None:
    html = html_of(client, answered.editor)
    assert html.index('id="summary-heading"') < html.index('id="profile-heading"')
    assert SUMMARY in part(html, "summary-heading")
    for banned in ("Risk index", "risk index", "Coverage", "coverage", "Priority gaps", "2013-"):
        assert banned not in html, banned


def test_an_unwritten_summary_says_so_and_where_to_write_it(client, world) -> None:
    html = html_of(client, world.editor)
    summary = part(html, "summary-heading")
    assert "Not written yet" in summary
    assert f"/assessments/XA/2026/sections/summary/#q-{INSTRUMENT.summary_key}" in summary
    assert "Write the summary" not in part(html_of(client, world.viewer), "summary-heading")


def test_the_profile_leads_with_the_highest_rating_in_words(client, answered) -> None:
    html = html_of(client, answered.editor)
    profile = part(html, "profile-heading")
    title = f"{NUMBERS[RISK.key]} {RISK.short}"
    assert f"Highest rating: high (1: {title}); 0 moderate; 1 low; 0 not observed; " in profile
    unknown = sum(1 for q in INSTRUMENT.questions if q.kind == "risk" and q.show_if is None) - 2
    assert f"; {unknown} unknown." in profile
    assert "This does not mean there is no risk" not in profile


def test_every_factor_not_observed_is_no_immunity(client, world) -> None:
    world.assessment.created_by = world.editor
    risks = [q for q in INSTRUMENT.questions if q.kind == "risk"]
    answer(world.assessment, {q.key: "not_present" for q in risks})
    profile = part(html_of(client, world.editor), "profile-heading")
    assert (
        "No risk factor was observed on the evidence available. This does not mean there is "
        "no risk (¶ 4)."
    ) in profile


def test_the_profile_table_gives_level_source_phrase_basis_and_evidence(client, answered):
    html = html_of(client, answered.editor)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="risk-chart" role="img"' in html
    assert '<title id="risk-profile-title">Risk profile: Arcadia, 2026</title>' in html
    table = part(html, "profile-heading").split("<table")[1].split("</table>")[0]
    row = table.split(f"{NUMBERS[RISK.key]} {RISK.short}")[1].split("</tr>")[0]
    assert "<td>High</td>" in row
    assert "<q>Speakers highlighted</q>" in row
    assert "Stated in the summary" in row
    assert "Regional income gaps widened by a third since 2019." in row
    assert "<td>Don&#x27;t know</td>" in table
    assert "<td>Not answered</td>" in table
    # The chart is labelled with short titles, not bare numbers.
    chart = html.split('class="risk-chart"')[1].split("</svg>")[0]
    assert f"{NUMBERS[RISK.key]} {RISK.short}" in chart


def test_measures_by_status_and_one_indicative_figure_with_its_caveat(client, answered):
    measures = part(html_of(client, answered.editor), "measures-heading")
    assert "0 fully in place; 1 partly in place; 0 planned; 0 not in place; " in measures
    assert "1 judged not a priority" in measures
    # Not every measure has an answer yet: no figure, only what it waits for.
    assert "Shown once every measure asked has an answer." in measures
    assert "It cannot be compared with any other State&#x27;s figure and is not a ranking." in (
        measures
    )
    assert "Disputes are settled by the courts here." in measures


def test_the_indicative_figure_appears_once_every_measure_has_an_answer(client, world):
    world.assessment.created_by = world.editor
    # Those asked: the remembrance measures wait for past mass violence to be reported.
    measures = [q for q in INSTRUMENT.questions if q.kind == "measure" and q.show_if is None]
    values = {q.key: "fully" for q in measures}
    values[measures[0].key] = "not_in_place"
    answer(world.assessment, values)
    html = part(html_of(client, world.editor), "measures-heading")
    expected = 100 * (len(measures) - 1) / len(measures)
    assert f"<strong>{expected:.1f}</strong> / 100" in html
    n = len(measures)
    assert f"the focal point&#x27;s own ratings of {n} of {n} measures" in html


def test_measures_to_consider_are_suggested_links_not_orders(client, answered) -> None:
    consider = part(html_of(client, answered.editor), "consider-heading")
    assert "Links suggested by R2P Assess; the summary makes none." in consider
    assert "Strengthen" not in consider and "Recommended" not in consider
    risk_url = f"/assessments/XA/2026/sections/{RISK.section_key}/#q-{RISK.key}"
    measure_url = f"/assessments/XA/2026/sections/{MEASURE.section_key}/#q-{MEASURE.key}"
    assert f'<a href="{risk_url}">{NUMBERS[RISK.key]} {RISK.short}</a>' in consider
    assert f'href="{measure_url}"' in consider
    assert MEASURE.text.replace("'", "&#x27;") in consider  # the measure's text, not a number
    assert "Partly in place" in consider
    dismiss = f"/assessments/XA/2026/links/dismiss/?risk={RISK.key}&amp;measure={MEASURE.key}"
    assert dismiss in consider


def test_only_editors_may_mark_a_link_not_relevant(client, answered) -> None:
    for user in (answered.viewer, answered.reviewer):
        assert "/links/dismiss/" not in html_of(client, user)


def test_a_link_marked_not_relevant_leaves_the_analysis_and_can_be_restored(client, answered):
    services.dismiss_link(
        assessment=answered.assessment,
        risk_key=RISK.key,
        measure_key=MEASURE.key,
        reason="Handled by the regional budget law instead.",
        user=answered.editor,
    )
    consider = part(html_of(client, answered.editor), "consider-heading")
    listed = consider.split("Links marked not relevant for this assessment")[1]
    assert "Handled by the regional budget law instead." in listed
    assert re.search(
        rf'form="restore-link"\s+name="link"\s+value="{RISK.key} {MEASURE.key}"', listed
    )
    assert 'id="restore-link"' in html_of(client, answered.editor)
    before = consider.split("Links marked not relevant for this assessment")[0]
    assert f"measure={MEASURE.key}" not in before.split(RISK.short)[1]
    # A viewer reads the reason but gets no button.
    viewer = part(html_of(client, answered.viewer), "consider-heading")
    assert "Handled by the regional budget law instead." in viewer
    assert 'form="restore-link"' not in viewer
    assert "/links/restore/" not in html_of(client, answered.viewer)


def test_information_gaps_list_dont_know_and_unanswered(client, answered) -> None:
    section = part(html_of(client, answered.editor), "information-gaps-heading")
    assert "1 question answered “Don't know”" in section
    question = INSTRUMENT.question("risk.identity_discrimination")
    assert f"#q-{question.key}" in section
    assert "not answered." in section


def test_without_a_previous_cycle_there_is_no_comparison(client, answered) -> None:
    assert "What changed since" not in html_of(client, answered.editor)


def test_with_a_previous_cycle_only_changed_ratings_are_shown(client, answered) -> None:
    previous = AssessmentFactory(country=answered.arcadia, cycle=2025)
    Answer.objects.bulk_create(
        [
            Answer(assessment=previous, question_key=RISK.key, value="moderate"),
            Answer(assessment=previous, question_key=MEASURE.key, value="partly"),
            Answer(assessment=previous, question_key="risk.armed_conflict", value="low"),
        ]
    )
    html = html_of(client, answered.viewer)
    changes = part(html, "changes-heading")
    assert "What changed since 2025" in html
    risk_row = changes.split(RISK.short)[1].split("</tr>")[0]
    assert "<td>Moderate</td>" in risk_row
    assert "<td>High</td>" in risk_row
    # Rated in 2025 but not in 2026: no "Low → Not answered" change.
    assert INSTRUMENT.question("risk.armed_conflict").short not in changes
    assert MEASURE.short not in changes  # unchanged: partly in place both years


def test_a_v1_previous_cycle_is_compared_only_where_the_meaning_is_unchanged(client, answered):
    previous = AssessmentFactory(
        country=answered.arcadia, cycle=2025, instrument_version="2013-summary/v1"
    )
    Answer.objects.bulk_create(
        [
            Answer(assessment=previous, question_key=RISK.key, value="low"),
            Answer(assessment=previous, question_key="risk.targeting_of_groups", value="high"),
        ]
    )
    changes = part(html_of(client, answered.editor), "changes-heading")
    assert RISK.short in changes
    assert "Targeting" not in changes


def test_a_v1_assessment_opens_in_the_new_layout(client, world) -> None:
    v1 = get_instrument("2013-summary/v1")
    old = AssessmentFactory(
        country=world.arcadia, cycle=2024, instrument_version=v1.version, status="accepted"
    )
    Answer.objects.create(assessment=old, question_key="risk.targeting_of_groups", value="high")
    client.force_login(world.reviewer)
    html = client.get("/assessments/XA/2024/results/").content.decode()
    assert "Highest rating: high (1: 1.11 Targeting of groups)" in html
    assert 'id="summary-heading"' not in html  # v1 has no summary question
    assert "Risk index" not in html


def test_a_later_cycle_is_not_a_previous_one(client, answered) -> None:
    AssessmentFactory(country=answered.arcadia, cycle=2027)
    assert "What changed since" not in html_of(client, answered.editor)


def test_the_figures_kept_for_a_revision_follow_the_next_save(client, answered) -> None:
    """The page's figures are kept per revision (and previous cycle): a save shows at once."""
    before = part(html_of(client, answered.editor), "profile-heading")
    assert "Regional income gaps widened by a third since 2019." in before
    answer(answered.assessment, {RISK.key: "low"}, notes={RISK.key: "Gaps closing since 2024."})
    after = part(html_of(client, answered.editor), "profile-heading")
    assert "Gaps closing since 2024." in after
    assert "Regional income gaps widened" not in after
