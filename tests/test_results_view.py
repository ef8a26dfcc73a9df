"""The results page: figures, the risk profile (SVG and table), gaps, changes since last cycle."""

from __future__ import annotations

import pytest

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Answer
from assessments.results import question_numbers
from assessments.scoring import Response, score
from tests.factories import AssessmentFactory

INSTRUMENT = get_instrument(CURRENT_VERSION)
NUMBERS = question_numbers(INSTRUMENT)
URL = "/assessments/XA/2026/results/"
RISK = INSTRUMENT.question("risk.socioeconomic_inequality")
MEASURE = INSTRUMENT.question(RISK.mitigated_by[0])


def answer(assessment, values: dict[str, str]) -> None:
    """Save answers section by section, as the section pages do."""
    by_section: dict[str, dict[str, Response]] = {}
    for key, value in values.items():
        question = INSTRUMENT.question(key)
        by_section.setdefault(question.section_key, {})[key] = Response(value, "")
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
        },
    )
    return world


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
    client.force_login(getattr(world, who))
    response = client.get(URL)
    assert response.status_code == 200
    assert "/assessments/XA/2026/report.pdf" in response.content.decode()


def test_it_shows_the_figures(client, answered) -> None:
    client.force_login(answered.editor)
    html = client.get(URL).content.decode()
    # Risks: high (1) and low (1/3), Don't know left out: (1 + 1/3) / 2 = 66.7.
    assert "<strong>66.7</strong> / 100" in html
    # One measure, partly in place.
    assert "<strong>50.0</strong> / 100" in html
    total = sum(s.progress.total for s in _score(answered).sections)
    assert f"4 of {total}" in html
    figures = " ".join(html.split('id="figures-heading"')[1].split("</dl>")[0].split())
    dd = '<dd class="col-sm-7 col-lg-9">'
    assert f"Information gaps (“Don't know”)</dt> {dd} 1 </dd>" in figures
    assert f"Priority gaps</dt> {dd} 1 </dd>" in figures


def _score(world):
    return score(INSTRUMENT, world.assessment.responses())


def test_the_risk_profile_is_an_svg_with_a_table_beside_it(client, answered) -> None:
    client.force_login(answered.editor)
    html = client.get(URL).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="risk-chart" role="img"' in html
    assert 'aria-labelledby="risk-profile-title risk-profile-desc"' in html
    assert '<title id="risk-profile-title">Risk profile: Arcadia, 2026</title>' in html
    assert '<desc id="risk-profile-desc">' in html
    assert "<caption>The risk profile as a table</caption>" in html
    table = html.split("<caption>The risk profile as a table</caption>")[1].split("</table>")[0]
    for question in INSTRUMENT.questions:
        if question.kind == "risk" and question.show_if is None:
            assert f"{NUMBERS[question.key]} {question.text}" in table.replace("&#x27;", "'")
    assert "<td>High</td>" in table
    assert "<td>Don&#x27;t know</td>" in table
    assert "<td>Not answered</td>" in table


def test_priority_gaps_list_their_measures_with_citations_and_links(client, answered) -> None:
    client.force_login(answered.editor)
    html = client.get(URL).content.decode()
    gaps = html.split('id="gaps-heading"')[1].split("</section>")[0]
    risk_url = f"/assessments/XA/2026/sections/{RISK.section_key}/#q-{RISK.key}"
    measure_url = f"/assessments/XA/2026/sections/{MEASURE.section_key}/#q-{MEASURE.key}"
    assert f'<a href="{risk_url}">{NUMBERS[RISK.key]} {RISK.text}</a>' in gaps
    assert f'href="{measure_url}"' in gaps
    assert "Partly in place" in gaps
    number = RISK.paragraphs[0]
    para_url = f"/assessments/XA/2026/sections/{RISK.section_key}/#para-{number}"
    assert f'<a href="{para_url}">¶ {number}</a>' in gaps


def test_information_gaps_are_listed(client, answered) -> None:
    client.force_login(answered.editor)
    html = client.get(URL).content.decode()
    section = html.split('id="information-gaps-heading"')[1].split("</section>")[0]
    question = INSTRUMENT.question("risk.identity_discrimination")
    assert f"#q-{question.key}" in section
    assert NUMBERS[question.key] in section


def test_without_a_previous_cycle_there_is_no_comparison(client, answered) -> None:
    client.force_login(answered.editor)
    assert "What changed since" not in client.get(URL).content.decode()


def test_with_a_previous_cycle_only_what_changed_is_shown(client, answered) -> None:
    previous = AssessmentFactory(country=answered.arcadia, cycle=2025)
    Answer.objects.bulk_create(
        [
            Answer(assessment=previous, question_key=RISK.key, value="moderate"),
            Answer(assessment=previous, question_key=MEASURE.key, value="partly"),
            Answer(assessment=previous, question_key="risk.armed_conflict", value="low"),
        ]
    )
    client.force_login(answered.viewer)
    html = client.get(URL).content.decode()
    changes = html.split('id="changes-heading"')[1].split("</section>")[0]
    assert "What changed since 2025" in html
    risk_row = changes.split(RISK.text)[1].split("</tr>")[0]
    assert "<td>Moderate</td>" in risk_row
    assert "<td>High</td>" in risk_row
    conflict = INSTRUMENT.question("risk.armed_conflict")
    conflict_row = changes.split(conflict.text)[1].split("</tr>")[0]
    assert "<td>Low</td>" in conflict_row
    assert "<td>Not answered</td>" in conflict_row
    assert MEASURE.text not in changes  # unchanged: partly in place both years


def test_a_later_cycle_is_not_a_previous_one(client, answered) -> None:
    AssessmentFactory(country=answered.arcadia, cycle=2027)
    client.force_login(answered.editor)
    assert "What changed since" not in client.get(URL).content.decode()
