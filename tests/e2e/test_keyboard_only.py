"""A section answered with the keyboard alone: Tab to move, arrow keys and Space for the answers,
typing for the notes, Enter on "Save". Nothing is clicked."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from assessments.instrument import CURRENT_VERSION, get_instrument

# Borealis's demo draft has no answers yet: Tab lands on each group's first radio.
SECTION = get_instrument(CURRENT_VERSION).sections[2]
MAX_TABS = 200


# Whether the focused element matches the selector, and whether it shows that it has the focus.
FOCUSED = """(selector) => {
    const element = document.activeElement;
    if (!element || !element.matches(selector)) return null;
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return outline || style.boxShadow !== "none";
}"""


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the element matching `selector` has the focus, which must be visible."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        shows_focus = page.evaluate(FOCUSED, selector)
        if shows_focus is not None:
            assert shows_focus, f"{selector} has the focus but shows no focus indicator"
            return
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {selector}")


def test_a_section_is_completed_with_the_keyboard_alone(visitor, demo, this_year) -> None:
    focal = visitor("other")
    page = focal.page
    focal.goto(f"/assessments/XB/{this_year}/sections/{SECTION.key}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(SECTION.title)

    typed: dict[str, tuple[str, str]] = {}
    for index, question in enumerate(SECTION.questions):
        if question.show_if is not None:
            continue
        value = ""
        if question.kind != "text":
            # Tab lands on the group's first radio; Space chooses it, each arrow the next one.
            tab_to(page, f"input[type=radio][name='{question.key}']")
            page.keyboard.press("Space")
            steps = index % (len(question.choices) - 1)
            for _ in range(steps):
                page.keyboard.press("ArrowRight")
            value = question.choice_values[steps]
        note = f"Typed at the keyboard, question {index + 1}."
        tab_to(page, f"textarea[name='{question.key}__note']")
        page.keyboard.type(note)
        typed[question.key] = (value, note)

    tab_to(page, "button[name=save]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your answers were saved.")).to_be_visible()
    focal.check("section saved from the keyboard", screenshot="d-keyboard")

    for key, (value, note) in typed.items():
        question = page.locator(f"[id='q-{key}']")
        if value:
            expect(question.locator(f"input[value='{value}']")).to_be_checked()
        expect(question.locator("textarea")).to_have_value(note)
