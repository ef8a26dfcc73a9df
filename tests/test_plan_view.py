"""The action plan through its pages: an action added from a gap, refused input kept, a
change made meanwhile shown, open actions carried into the next cycle to be confirmed,
reviewers' comments on an action, the risks no action answers, and the plan in the PDF."""

from __future__ import annotations

import pytest

from assessments import reports, services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Action, AssessmentEvent
from assessments.scoring import Response
from tests.factories import AssessmentFactory, write_summary
from tests.report_support import pages_text

INSTRUMENT = get_instrument(CURRENT_VERSION)
RISK = INSTRUMENT.question("risk.socioeconomic_inequality")
MEASURE = INSTRUMENT.question("measure.horizontal_equality")
PLAN = "/assessments/XA/2026/plan/"
NEW = f"{PLAN}new/"
ACTION = {
    "what": "Publish regional poverty figures every year",
    "lead": "National Statistics Office",
    "due": "2027-06-30",
    "status": "planned",
    "reason": "",
    "indicator": "Figures for every region on the Office's website",
    "questions": [RISK.key, MEASURE.key],
}


def plan(**changes: object) -> services.Plan:
    fields = {**ACTION, "due": None, **changes}
    return services.Plan(**fields)


@pytest.fixture
def rated(world):
    """Arcadia 2026 rates its socio-economic inequality high: a risk factor present."""
    services.save_answers(
        assessment=world.assessment,
        section_key=RISK.section_key,
        responses={RISK.key: Response("high", "Census 2024.")},
        user=world.editor,
        expected_revision=0,
    )
    return world


def test_an_action_is_added_from_a_gap_with_its_questions_chosen(client, rated) -> None:
    client.force_login(rated.editor)
    page = client.get(f"{NEW}?question={RISK.key}&question={MEASURE.key}").content.decode()
    assert f'<option value="{RISK.key}" selected>' in page
    assert f'<option value="{MEASURE.key}" selected>' in page
    response = client.post(NEW, ACTION)
    action = Action.objects.get()
    assert response["Location"] == f"{PLAN}#action-{action.pk}"
    assert action.questions == [RISK.key, MEASURE.key]
    assert (action.lead, str(action.due), action.status) == (
        "National Statistics Office",
        "2027-06-30",
        "planned",
    )
    assert rated.assessment.events.filter(kind=AssessmentEvent.Kind.ACTION_ADDED).exists()
    page = client.get(PLAN).content.decode()
    assert "Publish regional poverty figures every year" in page
    assert "1.2 Socio-economic inequality" in page
    # The risk now has an action: it is no longer listed as without one.
    without = page.split('id="without-heading"')[1].split("</section>")[0]
    assert "Every risk factor rated as present has an action." in without


def test_the_results_page_lists_risks_with_no_action_and_offers_to_add_one(client, rated) -> None:
    client.force_login(rated.editor)
    page = client.get("/assessments/XA/2026/results/").content.decode()
    without = page.split('id="without-action-heading"')[1].split("</section>")[0]
    assert "Socio-economic inequality" in without
    assert f"{NEW}?question={RISK.key}" in without
    services.add_action(assessment=rated.assessment, plan=plan(), user=rated.editor)
    page = client.get("/assessments/XA/2026/results/").content.decode()
    without = page.split('id="without-action-heading"')[1].split("</section>")[0]
    assert "Socio-economic inequality" not in without


def test_a_dropped_action_needs_its_reason_and_what_was_typed_stays(client, world) -> None:
    client.force_login(world.editor)
    response = client.post(NEW, {**ACTION, "status": "dropped"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Say why the action was dropped." in page
    assert "Publish regional poverty figures every year" in page
    assert not Action.objects.exists()


def test_a_question_the_questionnaire_does_not_have_is_refused(client, world) -> None:
    client.force_login(world.editor)
    response = client.post(NEW, {**ACTION, "questions": ["risk.made_up"]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Action.objects.exists()


def test_a_change_made_meanwhile_is_shown_and_yours_is_kept(client, world) -> None:
    action = services.add_action(assessment=world.assessment, plan=plan(), user=world.editor)
    loaded = action.revision
    services.update_action(
        action=action, plan=plan(status="under_way"), expected_revision=loaded, user=world.viewer
    )
    client.force_login(world.editor)
    url = f"{PLAN}{action.pk}/"
    mine = {**ACTION, "lead": "Ministry of Planning", "revision": loaded}
    response = client.post(url, mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert "after you opened this page" in page and "Under way" in page
    assert 'value="Ministry of Planning"' in page
    action.refresh_from_db()
    assert action.lead == "National Statistics Office"
    response = client.post(url, {**mine, "revision": action.revision})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.lead, action.status) == ("Ministry of Planning", "planned")


def test_open_actions_carry_into_the_next_cycle_to_be_confirmed(client, world) -> None:
    cycle_2025 = AssessmentFactory(country=world.arcadia, cycle=2025)
    services.add_action(assessment=cycle_2025, plan=plan(), user=world.editor)
    services.add_action(
        assessment=cycle_2025, plan=plan(what="Under way", status="under_way"), user=world.editor
    )
    services.add_action(
        assessment=cycle_2025, plan=plan(what="Done", status="done"), user=world.editor
    )
    services.add_action(
        assessment=cycle_2025,
        plan=plan(what="Dropped", status="dropped", reason="Merged with another."),
        user=world.editor,
    )
    world.assessment.delete()  # 2026 is started afresh, below
    started = services.start_assessment(country=world.arcadia, cycle=2026, user=world.editor)
    carried = list(started.actions.order_by("id"))
    assert [a.what for a in carried] == [ACTION["what"], "Under way"]
    assert all(a.to_confirm and a.carried_from.assessment == cycle_2025 for a in carried)
    assert started.events.get(kind="created").detail["actions_carried"] == 2

    client.force_login(world.editor)
    overview = client.get("/assessments/XA/2026/").content.decode()
    assert "2 actions are carried from the last cycle, to confirm, update or close." in overview
    page = client.get(PLAN).content.decode()
    to_confirm = page.split('id="to-confirm"')[1].split("</section>")[0]
    assert ACTION["what"] in to_confirm and "carried from 2025" in to_confirm
    # One confirmed as it is; the other closed as done, which confirms it too.
    client.post(f"{PLAN}{carried[0].pk}/confirm/")
    client.post(
        f"{PLAN}{carried[1].pk}/",
        {**ACTION, "what": "Under way", "status": "done", "revision": carried[1].revision},
    )
    assert not started.actions.filter(to_confirm=True).exists()
    assert started.actions.get(what="Under way").status == "done"
    assert 'id="to-confirm"' not in client.get(PLAN).content.decode()


def test_carried_questions_follow_the_questionnaires_carry_over(world) -> None:
    v1 = get_instrument("2013-summary/v1")
    gone = next(iter({q.key for q in v1.questions} - {q.key for q in INSTRUMENT.questions}))
    earlier = AssessmentFactory(
        country=world.arcadia, cycle=2025, instrument_version="2013-summary/v1"
    )
    services.add_action(
        assessment=earlier, plan=plan(questions=[RISK.key, gone]), user=world.editor
    )
    world.assessment.delete()
    started = services.start_assessment(country=world.arcadia, cycle=2026, user=world.editor)
    assert started.actions.get().questions == [RISK.key]


def test_a_reviewer_comments_on_an_action_and_the_country_sees_and_answers_it(
    client, world
) -> None:
    action = services.add_action(assessment=world.assessment, plan=plan(), user=world.editor)
    client.force_login(world.reviewer)
    assert client.post(f"{PLAN}{action.pk}/comment/", {"text": "Who funds it?"}).status_code == 404
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    response = client.post(f"{PLAN}{action.pk}/comment/", {"text": "Who funds it?"})
    assert response["Location"] == f"{PLAN}#action-{action.pk}"
    comment = action.comments.get()
    assert comment.text == "Who funds it?" and comment.author == world.reviewer
    client.force_login(world.editor)
    assert "Who funds it?" in client.get(PLAN).content.decode()
    overview = client.get("/assessments/XA/2026/").content.decode()
    assert "Action: Publish regional poverty figures every year" in overview
    assert client.post(f"{PLAN}{action.pk}/comment/", {"text": "Me"}).status_code == 403
    services.return_for_revision(assessment=world.assessment, user=world.reviewer, comment="See.")
    response = client.post(
        f"/assessments/XA/2026/comments/{comment.pk}/", {"reply": "The budget law of 2026."}
    )
    assert response["Location"] == f"{PLAN}#action-{action.pk}"


def test_another_countrys_plan_and_actions_do_not_exist(client, world) -> None:
    action = services.add_action(assessment=world.assessment, plan=plan(), user=world.editor)
    client.force_login(world.other_editor)
    assert client.get(PLAN).status_code == 404
    assert client.get(f"{PLAN}{action.pk}/").status_code == 404
    assert client.get(f"/assessments/XB/2026/plan/{action.pk}/").status_code == 404
    assert client.post(f"/assessments/XB/2026/plan/{action.pk}/confirm/").status_code == 404


def test_the_report_has_the_plan_as_a_chapter(rated) -> None:
    services.add_action(
        assessment=rated.assessment,
        plan=plan(questions=[MEASURE.key], indicator="A yearly table."),
        user=rated.editor,
    )
    rated.assessment.refresh_from_db()
    text = " ".join(pages_text(reports.render_assessment_pdf(rated.assessment, language="en")))
    chapter = text.rsplit("Action plan", 1)[1].split("Methodology")[0]
    assert "Publish regional poverty figures every year Planned · Lead: National " in chapter
    assert "Done when: A yearly table." in chapter
    assert "Answers: 3." in chapter  # the measure's number, in section 3
    assert "Risks with no action 1.2 Socio-economic inequality (High)" in chapter
