"""Two editors of one country on the same section: the second to save is told, and loses
nothing they typed."""

from __future__ import annotations

from playwright.sync_api import expect

from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Country, Membership
from tests.factories import MembershipFactory, UserFactory

SECTION = get_instrument(CURRENT_VERSION).sections[2]
QUESTION = next(q for q in SECTION.questions if q.kind != "text" and q.show_if is None)
FIRST_NOTE = "Confirmed with the ministry of the interior on Monday."
SECOND_NOTE = "The 2025 audit says otherwise: see its chapter 4."


def test_the_second_to_save_gets_the_conflict_screen_and_keeps_their_text(
    visitor, demo, this_year
) -> None:
    MembershipFactory(
        user=UserFactory(username="deputy"),
        country=Country.objects.get(code="XA"),
        role=Membership.Role.EDITOR,
    )
    path = f"/assessments/XA/{this_year}/sections/{SECTION.key}/"
    first, second = visitor("focal"), visitor("deputy")
    first.goto(path)
    second.goto(path)
    first_question = first.page.locator(f"[id='q-{QUESTION.key}']")
    second_question = second.page.locator(f"[id='q-{QUESTION.key}']")
    first_value, second_value = QUESTION.choice_values[0], QUESTION.choice_values[1]

    first_question.locator(f"input[value='{first_value}']").check()
    first_question.locator("textarea").fill(FIRST_NOTE)
    first.page.get_by_role("button", name="Save", exact=True).click()
    expect(first.page.get_by_text("Your answers were saved.")).to_be_visible()

    second_question.locator(f"input[value='{second_value}']").check()
    second_question.locator("textarea").fill(SECOND_NOTE)
    with second.page.expect_response(lambda r: r.request.method == "POST") as posted:
        second.page.get_by_role("button", name="Save", exact=True).click()
    assert posted.value.status == 409
    expect(second.page.locator("#conflict")).to_contain_text("also changed on another page")
    # What they typed is still in the form, and what the colleague saved is shown beside it.
    expect(second_question.locator("textarea")).to_have_value(SECOND_NOTE)
    expect(second_question.locator(f"input[value='{second_value}']")).to_be_checked()
    expect(second_question).to_contain_text("Also changed by Amara Okafor")
    expect(second_question).to_contain_text(FIRST_NOTE)
    second.check("conflict screen", screenshot="c-conflict")

    # Saving again keeps the second editor's version.
    second.page.get_by_role("button", name="Save", exact=True).click()
    expect(second.page.get_by_text("Your answers were saved.")).to_be_visible()
    first.page.reload()
    expect(first_question.locator("textarea")).to_have_value(SECOND_NOTE)
    expect(first_question.locator(f"input[value='{second_value}']")).to_be_checked()
