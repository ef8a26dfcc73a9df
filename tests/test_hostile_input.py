"""Hostile input to every form (and to the dashboard's filters and the history's pages):
random and oversized strings, unknown keys, wrong types, missing CSRF tokens. Never a 5xx, and
nothing written when the input is invalid.

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
from assessments.models import Answer, Assessment, AssessmentEvent, DismissedLink, ReviewComment

INSTRUMENT = get_instrument(CURRENT_VERSION)
SECTION = INSTRUMENT.sections[0]
KEYS = [q.key for q in SECTION.questions]
# The risks, a section of measures ("Not a priority here" needs its reason) and the summary
# (300 words at most, never kept out of the report).
SUMMARY = INSTRUMENT.summary_question
MEASURES = INSTRUMENT.section(INSTRUMENT.question("measure.nhri").section_key)
SECTIONS = [SECTION, MEASURES, INSTRUMENT.section(SUMMARY.section_key)]
ALL_KEYS = [q.key for section in SECTIONS for q in section.questions]
LINK = {
    "risk": "risk.singling_out",
    "measure": "measure.early_warning",
    "link": "risk.singling_out measure.early_warning",  # as the restore button names it
}
FIELD_NAMES = [
    *ALL_KEYS,
    *(f"{key}__note" for key in ALL_KEYS),
    *(f"{key}__keep_out" for key in ALL_KEYS),
    "section_revision",
    "save_continue",
    "marking",
    *LINK,
    "reason",
]
MARKING = "/assessments/XA/2026/marking/"
DISMISS = "/assessments/XA/2026/links/dismiss/"
RESTORE = "/assessments/XA/2026/links/restore/"

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
    st.sampled_from(["not_priority", "on", "off", "true", "confidential", "RESTRICTED", "secret"]),
    st.sampled_from([*LINK.values(), "measure.nhri", "risk.targeting_of_groups"]),
    # Over the summary's 300 words, under the note's 5,000 characters.
    st.integers(290, 320).map(lambda n: "word " * n),
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
        Answer.objects.filter(assessment=assessment).values_list(
            "question_key", "value", "note", "keep_out_of_report"
        )
    )


def everything(assessment) -> tuple:
    """All that the assessment's forms can write."""
    assessment.refresh_from_db()
    dismissals = sorted(
        DismissedLink.objects.filter(assessment=assessment).values_list(
            "risk_key", "measure_key", "reason"
        )
    )
    return snapshot(assessment), dismissals, assessment.marking, assessment.revision


def last(value: object) -> object:
    """What Django reads from a field sent once or several times (the last value)."""
    if isinstance(value, list):
        return value[-1] if value else None
    return value


@hostile
@given(data=form_data, section=st.sampled_from(SECTIONS))
def test_section_save_never_fails_and_keeps_answers_valid(client, world, data, section) -> None:
    client.force_login(world.editor)
    url = f"/assessments/XA/2026/sections/{section.key}/"
    before = snapshot(world.assessment)
    response = client.post(url, as_post(data))
    assert response.status_code < 500
    if response.status_code != 302:
        assert snapshot(world.assessment) == before
    for key, value, note, kept_out in snapshot(world.assessment):
        assert key in ALL_KEYS
        assert value == "" or value in INSTRUMENT.question(key).choice_values
        assert len(note) <= NOTE_MAX_LENGTH
        assert value != "not_priority" or note.strip()
        if key == SUMMARY.key:
            assert len(note.split()) <= SUMMARY.max_words
            assert not kept_out


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
def test_the_marking_never_fails_and_is_always_one_offered(client, world, data) -> None:
    client.force_login(world.editor)
    before = everything(world.assessment)
    posted = as_post(data)
    response = client.post(MARKING, posted)
    assert response.status_code == 302
    after = everything(world.assessment)
    assert after[2] in Assessment.Marking.values
    wanted = last(posted.get("marking"))
    if wanted not in Assessment.Marking.values:
        assert after == before
    else:
        assert after[2] == wanted
        assert after[:2] == before[:2]


@hostile
@given(data=form_data, real_link=st.booleans())
def test_dismiss_and_restore_never_fail_nor_keep_a_bad_link(client, world, data, real_link) -> None:
    client.force_login(world.editor)
    posted = {**as_post(data), **(LINK if real_link else {})}
    before = everything(world.assessment)
    assert client.get(DISMISS, posted).status_code < 500
    response = client.post(DISMISS, posted)
    assert response.status_code < 500
    if response.status_code != 302:
        assert everything(world.assessment) == before
    assert client.post(RESTORE, posted).status_code < 500
    for risk, measure, reason in DismissedLink.objects.values_list(
        "risk_key", "measure_key", "reason"
    ):
        assert measure in INSTRUMENT.question(risk).mitigated_by
        assert reason == reason.strip()
        assert 0 < len(reason) <= 1000
    # Whatever was posted, the answers and the marking are left alone.
    assert everything(world.assessment)[0] == before[0]
    assert everything(world.assessment)[2] == before[2]


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
    if not DismissedLink.objects.exists():
        services.dismiss_link(
            assessment=world.assessment,
            risk_key=LINK["risk"],
            measure_key=LINK["measure"],
            reason="Restoring it would be a write.",
            user=world.editor,
        )
    before = everything(world.assessment), world.assessment.events.count()
    for url in (
        f"/assessments/XA/2026/sections/{SECTION.key}/",
        "/assessments/XA/2026/submit/",
        "/assessments/start/",
        MARKING,
        DISMISS,
        RESTORE,
    ):
        assert client.post(url, as_post(data)).status_code == 403
    assert (everything(world.assessment), world.assessment.events.count()) == before


@hostile
@given(
    query=st.dictionaries(
        st.one_of(st.sampled_from(["status", "cycle", "region", "page"]), st.text(max_size=20)),
        st.one_of(junk, st.lists(junk, max_size=3)),
        max_size=6,
    )
)
def test_the_dashboards_filters_and_the_historys_pages_never_fail(client, world, query) -> None:
    client.force_login(world.reviewer)
    assert client.get("/", as_post(query)).status_code == 200
    client.force_login(world.editor)
    assert client.get("/assessments/XA/2026/history/", as_post(query)).status_code == 200


@pytest.mark.parametrize("value", [["low", "high"], "", " low ", "LOW"])
def test_a_list_or_a_near_miss_is_not_an_answer(client, world, value) -> None:
    client.force_login(world.editor)
    client.post(
        f"/assessments/XA/2026/sections/{SECTION.key}/",
        {"section_revision": "0", KEYS[1]: value},
    )
    stored = Answer.objects.filter(question_key=KEYS[1]).values_list("value", flat=True)
    assert list(stored) in ([], ["high"], [""])


@pytest.mark.parametrize("charset", ["utf-16", "latin-1"])
def test_a_form_sent_in_another_encoding_is_refused_not_a_crash(world, charset) -> None:
    # With a valid token the CSRF check parses the body, which Django refuses unless UTF-8; its
    # own 400 view then parsed it again and failed as a 500.
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    body = f"csrfmiddlewaretoken={token}&username=f\xf6cal&password=wrong"
    response = client.generic(
        "POST",
        "/accounts/login/",
        body.encode(charset),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code == 400
    assert "cannot read" in response.content.decode()
