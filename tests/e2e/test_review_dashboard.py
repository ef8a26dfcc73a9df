"""A reviewer with many States on the dashboard: filters by regional group and cycle, pages
through, gets a message at a filter the address got wrong, and reads a long history a page at
a time."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from assessments.management.scale import long_history, populate
from assessments.models import Assessment


def test_a_reviewer_filters_pages_and_reads_a_long_history(visitor, demo, this_year) -> None:
    populate(countries=40, cycles=2, last_cycle=this_year)
    reviewer = visitor("reviewer")
    page = reviewer.page
    expect(page.locator("h1")).to_have_text("Assessments")
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    reviewer.check("reviewer's dashboard", screenshot="r-dashboard")

    page.get_by_label("Regional group").select_option(label="African States")
    page.get_by_label("Cycle").select_option(str(this_year - 1))
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{reviewer.url('/')}?status=&cycle={this_year - 1}&region=african")
    rows = page.locator("section[aria-labelledby='every-country'] tbody tr")
    expect(rows).to_have_count(8)  # 40 States in five groups, each with one such assessment
    expect(rows.first).to_contain_text("African States")
    reviewer.check("reviewer's dashboard, filtered", screenshot="r-dashboard-filtered")

    page.get_by_role("link", name="Clear the filters").click()
    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    expect(page.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")

    reviewer.goto("/?cycle=1999")
    expect(page.locator("#id_cycle_error")).to_contain_text("No assessment is of that cycle")
    expect(page.get_by_label("Cycle")).to_have_attribute("aria-invalid", "true")
    reviewer.check("reviewer's dashboard, a filter not understood", screenshot="r-dashboard-error")

    accepted = Assessment.objects.filter(status=Assessment.Status.ACCEPTED).earliest("id")
    long_history(accepted, events=120, user=get_user_model().objects.get(username="focal"))
    reviewer.goto(f"/assessments/{accepted.country.code}/{accepted.cycle}/history/")
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    reviewer.check("a long history", screenshot="r-history")
