"""Hostile input to every form: random and oversized strings, unknown keys, wrong types,
missing CSRF tokens. Never a 5xx, and nothing written when the input is invalid.

How many examples each test runs is the Hypothesis profile's (tests/conftest.py): in CI
420 each, over 2,000 in all; on a developer's machine fewer, to keep `make test` quick.
"""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import services
from assessments.forms import NOTE_MAX_LENGTH
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Answer, AssessmentEvent, ReviewComment

INSTRUMENT = get_instrument(CURRENT_VERSION)
SECTION = INSTRUMENT.sections[0]
KEYS = [q.key for q in SECTION.questions]
FIELD_NAMES = [*KEYS, *(f"{key}__note" for key in KEYS), "section_revision", "save_continue"]

# The fixtures (a logged-in client, the `world`) are shared by a test's examples on purpose:
# state written by one example is what the next one attacks.
hostile = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text as an attacker sends it: anything printable or not, occasionally far too long.
junk = st.one_of(
    st.text(max_size=40),
    # Oversized values are built, not drawn: drawing thousands of characters is slow.
    st.builds(
        lambda c, n: c * n, st.sampled_from(["a", "é", "字", "\u202e"]), st.integers(4990, 20000)
    ),
    st.sampled_from(["high", "low", "dont_know", "na", "yes", "-1", "99999999999999999999"]),
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "\x00", "../../etc/passwd"]),
    st.integers().map(str),
)
form_data = st.dictionaries(
    st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=20)),
    st.one_of(junk, st.lists(junk, max_size=3)),
    max_size=12,
)


def clean(value: str) -> str:
    # A NUL cannot be sent in a form field by a browser's encoder; the test client refuses too.
    return value.replace("\x00", "")


def as_post(data: dict) -> dict:
    return {
        clean(k): [clean(v) for v in value] if isinstance(value, list) else clean(value)
        for k, value in data.items()
    }


def snapshot(assessment) -> list:
    return sorted(
        Answer.objects.filter(assessment=assessment).values_list("question_key", "value", "note")
    )


@hostile
@given(data=form_data)
def test_section_save_never_fails_and_keeps_answers_valid(client, world, data) -> None:
    client.force_login(world.editor)
    url = f"/assessments/XA/2026/sections/{SECTION.key}/"
    before = snapshot(world.assessment)
    response = client.post(url, as_post(data))
    assert response.status_code < 500
    if response.status_code != 302:
        assert snapshot(world.assessment) == before
    for key, value, note in snapshot(world.assessment):
        assert key in KEYS
        assert value == "" or value in INSTRUMENT.question(key).choice_values
        assert len(note) <= NOTE_MAX_LENGTH


@hostile
@given(data=form_data, htmx=st.booleans())
def test_autosave_and_submit_never_fail(client, world, data, htmx) -> None:
    client.force_login(world.editor)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(
        f"/assessments/XA/2026/sections/{SECTION.key}/", as_post(data), **headers
    )
    assert response.status_code < 500
    response = client.post("/assessments/XB/2026/submit/", as_post(data))
    assert response.status_code == 404


@hostile
@given(data=form_data)
def test_comment_reply_and_review_forms_never_fail(client, world, data) -> None:
    comment = ReviewComment.objects.filter(assessment=world.assessment).first()
    if comment is None:
        comment = services.add_comment(
            assessment=world.assessment, user=world.reviewer, question_key=KEYS[1], text="Why?"
        )
    client.force_login(world.editor)
    response = client.post(f"/assessments/XA/2026/comments/{comment.pk}/", as_post(data))
    assert response.status_code < 500
    comment.refresh_from_db()
    assert len(comment.reply) <= NOTE_MAX_LENGTH
    client.force_login(world.reviewer)
    events = AssessmentEvent.objects.count()
    for action in ("comment", "return", "accept"):
        response = client.post(
            f"/admin/assessments/assessment/{world.assessment.pk}/{action}/", as_post(data)
        )
        assert response.status_code < 500
    # A draft is neither returned nor accepted, whatever was posted.
    world.assessment.refresh_from_db()
    assert world.assessment.status == "draft"
    assert AssessmentEvent.objects.count() - events <= 1


@hostile
@given(username=junk, password=junk, extra=form_data)
def test_login_never_fails(world, username, password, extra) -> None:
    response = Client().post(
        "/accounts/login/",
        {**as_post(extra), "username": clean(username), "password": clean(password)},
    )
    assert response.status_code in (200, 302, 429)
    assert response.status_code != 302 or clean(username) in {"focal", "colleague"}


@hostile
@given(data=form_data)
def test_posts_without_a_csrf_token_write_nothing(world, data) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.editor)
    before = snapshot(world.assessment), world.assessment.events.count()
    for url in (
        f"/assessments/XA/2026/sections/{SECTION.key}/",
        "/assessments/XA/2026/submit/",
        "/assessments/start/",
    ):
        assert client.post(url, as_post(data)).status_code == 403
    assert (snapshot(world.assessment), world.assessment.events.count()) == before


@pytest.mark.parametrize("value", [["low", "high"], "", " low ", "LOW"])
def test_a_list_or_a_near_miss_is_not_an_answer(client, world, value) -> None:
    client.force_login(world.editor)
    client.post(
        f"/assessments/XA/2026/sections/{SECTION.key}/",
        {"section_revision": "0", KEYS[1]: value},
    )
    stored = Answer.objects.filter(question_key=KEYS[1]).values_list("value", flat=True)
    assert list(stored) in ([], ["high"], [""])
