"""The action plan in the browser: an action added from a gap on the results page, then the
next cycle started, where it waits with the others still open to be confirmed; and the new
cycle downloaded as a spreadsheet, read back."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from playwright.sync_api import expect

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Assessment

HOTLINE = "Open a hotline for discrimination complaints"


def test_an_action_added_from_a_gap_is_carried_into_the_next_cycle(
    visitor, fresh_cycle, tmp_path
) -> None:
    # Arcadia's last cycle (2025) comes back for revision, so that its plan can be changed.
    earlier = Assessment.objects.get(country__code="XA", cycle=2025)
    reviewer = get_user_model().objects.get(username="reviewer")
    services.return_for_revision(assessment=earlier, user=reviewer, comment="Add a plan.")

    focal = visitor("focal")
    page = focal.page
    focal.goto("/assessments/XA/2025/results/")
    gaps = page.locator("#without-action")
    expect(gaps).to_contain_text("Identity-based discrimination")
    gaps.get_by_role("link", name="Add an action…").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an action")
    chosen = page.get_by_label("Questions it answers")
    expect(chosen.locator("option:checked")).to_have_count(1)
    page.get_by_label("What will be done").fill(HOTLINE)
    page.get_by_label("Lead institution").fill("Office of the Ombudsperson")
    page.get_by_label("Due").fill("2026-09-30")
    focal.check("new action", screenshot="h-new-action")
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.get_by_text("The action was added to the plan.")).to_be_visible()
    expect(page.locator("#open-heading ~ article").first).to_be_visible()
    focal.check("action plan", screenshot="h-action-plan")

    # The new cycle, started from the dashboard: the open actions wait to be confirmed.
    focal.goto("/")
    page.get_by_role("button", name=f"Start the {fresh_cycle} assessment").click()
    expect(page.get_by_text("actions are carried from the last cycle")).to_be_visible()
    page.get_by_role("link", name="Go to the action plan").click()
    carried = page.locator("#to-confirm")
    expect(carried).to_contain_text(HOTLINE)
    expect(carried).to_contain_text("carried from 2025")
    expect(carried.locator("article")).to_have_count(3)
    carried.get_by_role("button", name="Confirm as it is").first.click()
    expect(page.get_by_text("The action was confirmed for this cycle.")).to_be_visible()
    expect(page.locator("#to-confirm article")).to_have_count(2)
    focal.check("carried actions", screenshot="h-carried-actions")

    # The new cycle as a spreadsheet, from the overview: the carried actions are in it.
    focal.goto(f"/assessments/XA/{fresh_cycle}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Spreadsheet (XLSX)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.endswith(".xlsx") and "XA" in saved.name
    book = load_workbook(saved, read_only=True)
    actions = [row for row in book["Actions"].iter_rows(values_only=True)][1:]
    hotline = next(
        row for row in actions if row[1] == "Open a hotline for discrimination complaints"
    )
    assert hotline[2] == "Office of the Ombudsperson"
    assert 2025 in hotline or "2025" in hotline
    answers = [row for row in book["Answers"].iter_rows(values_only=True)]
    assert len(answers) == 1 + len(get_instrument(CURRENT_VERSION).questions)  # a row each
