"""The reviewer's dashboard: every country's submitted assessments, filtered by status, cycle
and regional group from the address, a page at a time, in the order of the countries' names."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.management.scale import populate
from assessments.models import Assessment, Country
from tests.factories import AssessmentFactory, CountryFactory

THIS_YEAR = date.today().year
ROW = re.compile(r'<th scope="row">\s*<a href="/assessments/(\w+)/(\d+)/">')


def rows(html: str) -> list[tuple[str, int]]:
    return [(code, int(cycle)) for code, cycle in ROW.findall(html)]


@pytest.fixture
def states(world):
    """Three States of three regional groups, each with a submitted, a returned or accepted
    assessment and a draft."""
    made = []
    for code, name, region in (
        ("XC", "Cimmeria", Country.Region.AFRICAN),
        ("XD", "Dorado", Country.Region.ASIA_PACIFIC),
        ("XE", "Erewhon", Country.Region.LATIN_AMERICAN_CARIBBEAN),
    ):
        country = CountryFactory(code=code, name=name, region=region)
        AssessmentFactory(country=country, cycle=2024, status=Assessment.Status.ACCEPTED)
        AssessmentFactory(
            country=country,
            cycle=2025,
            status=Assessment.Status.RETURNED if code == "XD" else Assessment.Status.SUBMITTED,
        )
        AssessmentFactory(country=country, cycle=2026)  # a draft
        made.append(country)
    return world


def test_a_reviewer_sees_every_countrys_submitted_assessments_in_name_order(client, states) -> None:
    client.force_login(states.reviewer)
    html = client.get("/").content.decode()
    assert rows(html) == [
        ("XC", 2025),
        ("XC", 2024),
        ("XD", 2025),
        ("XD", 2024),
        ("XE", 2025),
        ("XE", 2024),
    ]
    assert "African States" in html
    assert "0 of " in html  # progress, as kept on each assessment
    assert "6 assessments." in html
    # Drafts stay national: never listed, not even Arcadia's and Borealis's.
    assert "/assessments/XA/" not in html
    assert "Page 1 of" not in html  # one page: no page links


def test_the_filters_narrow_the_list_and_stay_in_the_address(client, states) -> None:
    client.force_login(states.reviewer)
    assert rows(client.get("/?status=returned").content.decode()) == [("XD", 2025)]
    assert rows(client.get("/?cycle=2024").content.decode()) == [
        ("XC", 2024),
        ("XD", 2024),
        ("XE", 2024),
    ]
    html = client.get("/?region=african&status=accepted").content.decode()
    assert rows(html) == [("XC", 2024)]
    # The form shows what is chosen, so the page can be bookmarked and changed.
    assert '<option value="african" selected>African States</option>' in html
    assert '<option value="accepted" selected>Accepted</option>' in html
    assert '<label class="form-label" for="id_region">Regional group</label>' in html
    assert rows(client.get("/?region=eastern_european").content.decode()) == []
    assert (
        "No assessment matches these filters."
        in client.get("/?cycle=2025&status=accepted").content.decode()
    )


def test_a_filter_not_understood_is_said_so_at_its_field_and_left_out(client, states) -> None:
    client.force_login(states.reviewer)
    response = client.get("/?status=draft&cycle=1999&region=mars&page=zzz")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    for field in ("status", "cycle", "region"):
        assert f'id="id_{field}_error"' in html
        assert re.search(rf'<select name="{field}"[^>]*aria-invalid="true"', html)
        assert re.search(rf'<select name="{field}"[^>]*aria-describedby="id_{field}_error"', html)
    assert "Choose a status from the list." in html
    assert "No assessment is of that cycle: choose one from the list." in html
    assert "Choose a regional group from the list." in html
    assert len(rows(html)) == 6  # nothing filtered on what was not understood
    for query in (
        "?cycle=abc",
        "?cycle=",
        "?page=-1",
        "?page=99",
        "?status=&region=",
        "?cycle=2025x",
    ):
        assert client.get(f"/{query}").status_code == 200, query


def test_it_shows_a_page_at_a_time_with_its_links(client, world) -> None:
    populate(countries=20, cycles=2, last_cycle=THIS_YEAR)  # 33 of 40 submitted
    client.force_login(world.reviewer)
    first = client.get("/?status=&cycle=").content.decode()
    assert len(rows(first)) == 25
    assert rows(first)[:3] == [("00", THIS_YEAR - 1), ("01", THIS_YEAR), ("01", THIS_YEAR - 1)]
    assert "33 assessments." in first
    assert "Page 1 of 2" in first
    assert '<nav aria-label="Pages of the assessments">' in first
    assert 'aria-current="page" href="?status=&amp;cycle=&amp;page=1"' in first
    assert 'rel="next" href="?status=&amp;cycle=&amp;page=2"' in first
    second = client.get("/?status=&cycle=&page=2").content.decode()
    assert "Page 2 of 2" in second
    assert len(rows(second)) == 8
    assert not set(rows(first)) & set(rows(second))
    # Filtered, the pages are of what the filter keeps, and their links keep the filter.
    by_cycle = client.get(f"/?cycle={THIS_YEAR - 1}").content.decode()
    assert len(rows(by_cycle)) == 20
    assert "Page 1 of" not in by_cycle


def test_countries_are_never_ranked(client, world) -> None:
    populate(countries=4, cycles=1, last_cycle=THIS_YEAR)
    ahead = Assessment.objects.get(country__code="01")
    Assessment.objects.filter(pk=ahead.pk).update(progress_answered=0)  # the furthest behind
    client.force_login(world.reviewer)
    html = client.get("/?o=progress&ordering=-progress_answered&sort=progress").content.decode()
    assert [code for code, _cycle in rows(html)] == ["01", "02"]  # by name, whatever else


def test_members_keep_their_own_dashboard(client, states) -> None:
    client.force_login(states.editor)
    html = client.get("/?status=submitted&region=mars").content.decode()
    assert "Your assessments" in html
    assert "Regional group" not in html
    assert "Cimmeria" not in html
    assert "Arcadia" in html


def test_a_reviewer_who_is_a_member_sees_their_own_country_and_the_list(client, states) -> None:
    states.arcadia.memberships.create(user=states.reviewer, role="viewer")
    client.force_login(states.reviewer)
    html = client.get("/").content.decode()
    assert 'id="country-XA"' in html  # their own, with its draft
    assert "/assessments/XA/2026/" in html
    assert rows(html)[0] == ("XA", 2026)  # their own country's draft, apart from the list
    assert len(rows(html)) == 7


def test_the_reviewers_dashboard_sends_as_many_queries_for_30_countries_as_for_3(
    client, world
) -> None:
    client.force_login(world.reviewer)

    def queries() -> int:
        client.get("/")  # the first request after login also renews the session
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    populate(countries=3, cycles=3, last_cycle=THIS_YEAR)  # 7 listed, one page
    few = queries()
    populate(countries=27, cycles=3, last_cycle=THIS_YEAR, start=3)  # 80 listed, four pages
    assert queries() == few
