from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Assessment, AssessmentEvent, Country
from assessments.scoring import overall_progress

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def not_production(settings) -> None:
    # seed_demo refuses production (test_settings.py proves it); the suite also runs with
    # production settings (.ci/run), and a test database is thrown away.
    settings.PRODUCTION = False


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_it_loads_fictional_states_users_and_assessments() -> None:
    output = seed("--password", "s3cret-demo")
    assert "s3cret-demo" in output
    assert set(Country.objects.values_list("code", "region")) == {
        ("XA", Country.Region.WESTERN_EUROPEAN_OTHER),
        ("XB", Country.Region.EASTERN_EUROPEAN),
    }
    assert set(get_user_model().objects.values_list("username", flat=True)) == {
        "focal",
        "colleague",
        "other",
        "reviewer",
        "admin",
    }
    # 2025 on the first instrument, every question answered with its evidence, submitted.
    submitted = Assessment.objects.get(country__code="XA", cycle=2025)
    assert submitted.instrument_version == "2013-summary/v1"
    assert submitted.status == Assessment.Status.SUBMITTED
    v1 = get_instrument(submitted.instrument_version)
    assert v1.summary_question is None
    assert overall_progress(v1, submitted.responses()).complete
    assert {a.question_key for a in submitted.answers.all()} == {q.key for q in v1.questions}
    assert all(answer.note for answer in submitted.answers.all())
    # 2026 on the current one, started from 2025, part-way through, its summary written.
    draft = Assessment.objects.get(country__code="XA", cycle=2026)
    assert draft.instrument_version == CURRENT_VERSION
    assert draft.status == Assessment.Status.DRAFT
    instrument = get_instrument(CURRENT_VERSION)
    progress = overall_progress(instrument, draft.responses())
    assert 0 < progress.answered < progress.total
    assert draft.progress == progress  # as the dashboards show it
    summary = draft.responses()[instrument.summary_key].note
    assert "Arcadia's second national assessment" in summary
    assert len(summary.split()) <= instrument.summary_question.max_words
    answered = {key for key, response in draft.responses().items() if response.value}
    assert {q.key for q in instrument.sections[0].questions if q.kind != "text"} <= answered
    created = draft.events.get(kind=AssessmentEvent.Kind.CREATED)
    assert created.detail["from_cycle"] == 2025
    assert created.detail["instrument_version"] == CURRENT_VERSION
    # Only what still means the same was carried from 2025.
    retired = {"risk.targeting_of_groups", "risk.sexual_gender_based_violence"}
    assert not retired & set(draft.answers.values_list("question_key", flat=True))
    other = Assessment.objects.get(country__code="XB", cycle=2026)
    assert (other.status, other.instrument_version) == (Assessment.Status.DRAFT, CURRENT_VERSION)


def test_running_it_again_changes_nothing() -> None:
    seed()
    counts = (Assessment.objects.count(), Country.objects.count(), get_user_model().objects.count())
    events = sorted(Assessment.objects.values_list("revision", flat=True))
    seed()
    assert counts == (
        Assessment.objects.count(),
        Country.objects.count(),
        get_user_model().objects.count(),
    )
    assert events == sorted(Assessment.objects.values_list("revision", flat=True))


def test_demo_users_can_log_in_with_the_printed_password(client) -> None:
    output = seed()
    password = output.split("with password: ")[1].split()[0]
    response = client.post("/accounts/login/", {"username": "focal", "password": password})
    assert response.status_code == 302


def test_the_secretariat_has_the_printed_second_factor(client) -> None:
    from base64 import b32decode

    from django_otp.plugins.otp_static.models import StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    output = seed()
    assert "secret REVIEWERR2PDEMO2" in output and "review-01" in output
    device = TOTPDevice.objects.get(user__username="reviewer")
    assert device.bin_key == b32decode("REVIEWERR2PDEMO2")
    assert StaticToken.objects.filter(device__user__username="admin").count() == 5
    # A used recovery code stays used when the demo data is loaded again.
    StaticToken.objects.filter(token="review-01").delete()
    seed()
    assert not StaticToken.objects.filter(token="review-01").exists()


def test_arcadia_2025_has_sources_two_with_the_files_the_repository_ships(client) -> None:
    seed()
    submitted = Assessment.objects.get(country__code="XA", cycle=2025)
    sources = list(submitted.sources.order_by("id"))
    assert [s.file_name for s in sources] == [
        "arcadia-census-2024.pdf",
        "arcadia-ombudsperson-complaints-2024.csv",
        "",
    ]
    assert sources[2].url.startswith("https://example.org/")
    client.force_login(get_user_model().objects.get(username="colleague"))
    response = client.get(f"/assessments/XA/2025/sources/{sources[1].pk}/file/")
    assert b"".join(response.streaming_content).startswith(b"region,complaints_received")
    assert response["Content-Type"].startswith("text/csv")


def test_arcadia_has_a_plan_whose_open_actions_are_carried_into_2026() -> None:
    seed()
    earlier = Assessment.objects.get(country__code="XA", cycle=2025)
    assert sorted(earlier.actions.values_list("status", flat=True)) == [
        "done",
        "planned",
        "under_way",
    ]
    carried = Assessment.objects.get(country__code="XA", cycle=2026).actions.order_by("id")
    assert [(a.carried_from.assessment_id, a.to_confirm) for a in carried] == [
        (earlier.pk, True),
        (earlier.pk, False),
    ]
