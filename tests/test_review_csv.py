"""The secretariat's list as CSV: the dashboard's list with its filters, every page of it, in
the order of the countries' names; counts of answers, information gaps and open actions, and
never a figure of risk; no cell that a spreadsheet would run."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Action, Answer, Assessment, Country
from assessments.scoring import information_gaps, overall_progress
from assessments.spreadsheets import FORMULA_STARTS
from tests.factories import AssessmentFactory, CountryFactory

URL = "/review/assessments.csv"
HEADER = [
    "Country",
    "Code",
    "Regional group",
    "Cycle",
    "Status",
    "Submitted",
    "Accepted",
    "Questions answered",
    "Questions asked",
    "Information gaps",
    "Open actions",
]


@pytest.fixture
def states(world):
    """Three States, named so that their order by name is not their order by code; each with
    an accepted, a submitted or returned assessment and a draft."""
    for code, name, region in (
        ("XE", "Cimmeria", Country.Region.AFRICAN),
        ("XC", "Dorado", Country.Region.ASIA_PACIFIC),
        ("XD", "=Erewhon", Country.Region.LATIN_AMERICAN_CARIBBEAN),
    ):
        country = CountryFactory(code=code, name=name, region=region)
        AssessmentFactory(
            country=country,
            cycle=2024,
            status=Assessment.Status.ACCEPTED,
            submitted_at=timezone.now(),
            accepted_at=timezone.now(),
        )
        AssessmentFactory(
            country=country,
            cycle=2025,
            status=Assessment.Status.RETURNED if code == "XC" else Assessment.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        AssessmentFactory(country=country, cycle=2026)  # a draft
    return world


def download(client, user, query: str = "") -> list[list[str]]:
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="R2P-assessments-')
    assert "no-store" in response["Cache-Control"]
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_the_list_is_every_submission_in_the_order_of_the_countries_names(client, states):
    rows = download(client, states.reviewer)
    assert rows[0] == HEADER
    assert [(row[0], row[3]) for row in rows[1:]] == [
        ("'=Erewhon", "2025"),  # escaped: shown, never run
        ("'=Erewhon", "2024"),
        ("Cimmeria", "2025"),
        ("Cimmeria", "2024"),
        ("Dorado", "2025"),
        ("Dorado", "2024"),
    ]
    assert rows[3][:7] == [
        "Cimmeria",
        "XE",
        "African States",
        "2025",
        "Submitted",
        timezone.localdate().isoformat(),
        "",
    ]
    assert rows[4][6] == timezone.localdate().isoformat()
    # Drafts stay national.
    assert "2026" not in {row[3] for row in rows[1:]}


def test_it_counts_answers_gaps_and_open_actions_and_gives_no_risk_figure(client, states):
    assessment = Assessment.objects.get(country__code="XE", cycle=2025)
    instrument = get_instrument(CURRENT_VERSION)
    risk = next(q for q in instrument.questions if q.kind == "risk")
    Answer.objects.create(assessment=assessment, question_key=risk.key, value="high")
    Answer.objects.create(
        assessment=assessment, question_key=risk.mitigated_by[0], value="dont_know"
    )
    for status in ("planned", "under_way", "done", "dropped"):
        Action.objects.create(assessment=assessment, what=status, lead="", status=status)
    rows = download(client, states.reviewer, "?region=african&status=submitted")
    assert len(rows) == 2
    responses = assessment.responses()
    progress = overall_progress(instrument, responses)
    assert rows[1][7:] == [
        str(progress.answered),
        str(progress.total),
        str(len(information_gaps(instrument, responses))),
        "2",
    ]
    assert "high" not in ",".join(rows[1]).lower()


def test_the_dashboards_filters_choose_the_rows(client, states):
    assert [r[0] for r in download(client, states.reviewer, "?status=returned")[1:]] == ["Dorado"]
    assert {r[3] for r in download(client, states.reviewer, "?cycle=2024")[1:]} == {"2024"}
    # A filter not understood is left out, as on the page.
    assert len(download(client, states.reviewer, "?cycle=1900&page=3")) == 7


def test_no_cell_starts_like_a_formula(client, states):
    for row in download(client, states.reviewer):
        for cell in row:
            assert cell[:1] not in FORMULA_STARTS


def test_only_the_secretariat_downloads_it(client, states):
    for user in (states.editor, states.viewer, states.other_editor, states.outsider):
        client.force_login(user)
        assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL)["Location"].startswith("/accounts/login/")


def test_the_dashboard_links_it_with_its_filters(client, states):
    client.force_login(states.reviewer)
    html = client.get("/?status=submitted&page=1").content.decode()
    assert f'href="{URL}?status=submitted"' in html
    client.force_login(states.editor)
    assert URL not in client.get("/").content.decode()


def test_its_queries_do_not_grow_with_the_number_of_states(client, states):
    client.force_login(states.reviewer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            b"".join(client.get(URL).streaming_content)
        return len(captured)

    queries()  # the session's first request asks more (its second factor, its groups)
    few = queries()
    for n in range(5):
        country = CountryFactory(code=f"Q{'MNOPQ'[n]}", name=f"State {n}")
        AssessmentFactory(country=country, cycle=2025, status=Assessment.Status.SUBMITTED)
    assert queries() == few
