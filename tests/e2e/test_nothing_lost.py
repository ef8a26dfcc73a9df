"""Nothing typed is lost: a session that ends while editing, the same person in two tabs, a
viewer who can only read, and a section tabbed through with the focus always in view."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Answer, Assessment
from tests.factories import PASSWORD

INSTRUMENT = get_instrument(CURRENT_VERSION)
SECTION = INSTRUMENT.section("governance")  # every question has a choice and a note
QUESTION = SECTION.questions[1]


def question(page: Page, key: str = QUESTION.key):
    return page.locator(f"[id='q-{key}']")


def saved_answer(this_year: int, key: str = QUESTION.key) -> Answer:
    assessment = Assessment.objects.get(country__code="XA", cycle=this_year)
    return assessment.answers.get(question_key=key)


def test_signed_out_in_another_tab_then_restored_and_saved(visitor, demo, this_year) -> None:
    focal = visitor("focal")
    page = focal.page
    path = f"/assessments/XA/{this_year}/sections/{SECTION.key}/"
    focal.goto(path)

    # Signed out in another tab of the same browser.
    other = page.context.new_page()
    other.goto(focal.url("/"))
    other.get_by_role("button", name="Log out").click()
    expect(other.get_by_role("link", name="Log in").first).to_be_visible()
    other.close()

    # An answer and a note, typed after the session ended.
    question(page).locator("input[value='planned']").check()
    question(page).locator("textarea").fill("Typed after being signed out elsewhere.")
    status = page.locator("#save-status")
    expect(status).to_have_attribute("data-state", "signed-out")
    expect(status).to_contain_text("you were signed out")
    expect(status).to_contain_text("your changes are kept on this page")
    assert page.locator("#save-status form, #save-status main").count() == 0  # no login page
    focal.check("signed out while editing", screenshot="e-signed-out")
    assert saved_answer(this_year).note != "Typed after being signed out elsewhere."

    # "Sign in again" opens a new tab, which comes back to the section after signing in.
    with page.context.expect_page() as opened:
        status.get_by_role("link", name="Sign in again").click()
    tab = opened.value
    tab.locator("#id_username").fill("focal")
    tab.locator("#id_password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text(SECTION.title)

    # The new page offers what this browser kept; restoring it saves it.
    offer = tab.locator("#draft-offer")
    expect(offer).to_be_visible()
    offer.get_by_role("button", name="Restore my changes").click()
    expect(question(tab).locator("textarea")).to_have_value(
        "Typed after being signed out elsewhere."
    )
    expect(question(tab).locator("input[value='planned']")).to_be_checked()
    expect(tab.locator("#save-status")).to_have_attribute("data-state", "saved")
    answer = saved_answer(this_year)
    assert (answer.value, answer.note) == ("planned", "Typed after being signed out elsewhere.")

    # Saved: a fresh page has nothing more to offer.
    tab.reload()
    expect(tab.get_by_role("heading", level=1)).to_have_text(SECTION.title)
    expect(tab.locator("#draft-offer")).to_be_hidden()
    page.close()


def test_the_same_person_in_two_tabs_sees_the_conflict_and_loses_no_text(
    visitor, demo, this_year
) -> None:
    focal = visitor("focal")
    first = focal.page
    path = f"/assessments/XA/{this_year}/sections/{SECTION.key}/"
    focal.goto(path)
    second = first.context.new_page()
    second.goto(focal.url(path))

    # Tab B saves the question first.
    question(second).locator("input[value='fully']").check()
    question(second).locator("textarea").fill("Written in tab B.")
    expect(second.locator("#save-status")).to_have_attribute("data-state", "saved")

    # Tab A, opened before, changes the same question: not saved over tab B.
    question(first).locator("input[value='not_in_place']").check()
    question(first).locator("textarea").fill("Written in tab A.")
    expect(first.locator("#save-status")).to_have_attribute("data-state", "conflict")
    assert saved_answer(this_year).note == "Written in tab B."

    # Comparing shows both; saving again keeps tab A's, knowingly.
    first.get_by_role("button", name="Compare and choose").click()
    expect(first.locator("#conflict")).to_be_visible()
    expect(question(first).locator("textarea")).to_have_value("Written in tab A.")
    expect(question(first)).to_contain_text("Written in tab B.")
    focal.check("conflict between two tabs", screenshot="e-two-tabs")
    first.get_by_role("button", name="Save", exact=True).click()
    expect(first.get_by_text("Your answers were saved.")).to_be_visible()
    assert saved_answer(this_year).note == "Written in tab A."
    second.close()


def test_a_viewer_is_told_the_page_is_read_only_and_gets_no_inputs(
    visitor, demo, this_year
) -> None:
    colleague = visitor("colleague")
    colleague.goto(f"/assessments/XA/{this_year}/sections/{SECTION.key}/")
    page = colleague.page
    expect(page.locator("#read-only")).to_contain_text("Read only.")
    expect(page.locator("#section-form input[type=radio]")).to_have_count(0)
    expect(page.locator("#section-form textarea")).to_have_count(0)
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    colleague.check("section, read only", screenshot="e-read-only")
    colleague.goto(f"/assessments/XA/{this_year}/")
    expect(page.locator("main")).not_to_contain_text("Edit the answers")
    expect(page.get_by_role("link", name="Submit for review")).to_have_count(0)


FOCUSED_BOX = """() => {
    const element = document.activeElement;
    const bar = document.querySelector("#section-form .sticky-bottom");
    if (!element || element === document.body) return null;
    const box = element.getBoundingClientRect();
    const barBox = bar.getBoundingClientRect();
    return {
        tag: element.tagName + (element.name ? `[name=${element.name}]` : ""),
        inBar: bar.contains(element),
        top: box.top,
        bottom: box.bottom,
        barTop: barBox.top,
        inForm: Boolean(element.closest("#section-form")),
    };
}"""


def test_tabbing_through_a_section_never_hides_the_focus_under_the_save_bar(
    visitor, demo, this_year
) -> None:
    other = visitor("other")  # Borealis: a section with nothing answered yet
    page = other.page
    page.emulate_media(reduced_motion="reduce")
    other.goto(f"/assessments/XB/{this_year}/sections/{SECTION.key}/")
    stops = 0
    hidden = []
    seen_form = False
    for _ in range(400):
        page.keyboard.press("Tab")
        box = page.evaluate(FOCUSED_BOX)
        if box is None:
            continue
        if not box["inForm"]:
            if seen_form:
                break  # past the form: the section is done
            continue
        seen_form = True
        stops += 1
        if not box["inBar"] and (box["bottom"] > box["barTop"] or box["top"] < 0):
            hidden.append(box)
    assert stops > 40, stops
    assert not hidden, f"{len(hidden)} of {stops} focus stops under the bar: {hidden[:5]}"
    other.check("section tabbed through")
