from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Assessment, Country
from assessments.scoring import overall_progress

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_it_loads_fictional_states_users_and_assessments() -> None:
    output = seed("--password", "s3cret-demo")
    assert "s3cret-demo" in output
    assert set(Country.objects.values_list("code", flat=True)) == {"XA", "XB"}
    assert set(get_user_model().objects.values_list("username", flat=True)) == {
        "focal",
        "colleague",
        "other",
        "reviewer",
        "admin",
    }
    instrument = get_instrument(CURRENT_VERSION)
    submitted = Assessment.objects.get(country__code="XA", cycle=2025)
    assert submitted.status == Assessment.Status.SUBMITTED
    assert overall_progress(instrument, submitted.responses()).complete
    assert all(answer.note for answer in submitted.answers.all())
    draft = Assessment.objects.get(country__code="XA", cycle=2026)
    assert draft.status == Assessment.Status.DRAFT
    assert 0 < overall_progress(instrument, draft.responses()).answered < len(instrument.questions)
    assert Assessment.objects.get(country__code="XB", cycle=2026).status == Assessment.Status.DRAFT


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
