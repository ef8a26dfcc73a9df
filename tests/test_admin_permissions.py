"""Every admin URL of every model, as a staff user holding each single permission of that
model, and as one holding none: never a 5xx, never a country's answers outside the
secretariat, and adding a person to a country only with the permission to add memberships."""

from __future__ import annotations

import contextlib

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import NoReverseMatch, reverse

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import (
    Assessment,
    AssessmentEvent,
    Country,
    Membership,
    ReviewComment,
)
from assessments.scoring import Response
from tests.factories import UserFactory, write_summary

SECRET = "ARCADIA-NOTE-FOR-THE-SECRETARIAT-ONLY"
QUESTION = next(q for q in get_instrument(CURRENT_VERSION).questions if q.kind == "risk")
MODELS = (Country, Membership, Assessment, AssessmentEvent, ReviewComment, User, Group)


@pytest.fixture
def objects(world):
    services.save_answers(
        assessment=world.assessment,
        section_key=QUESTION.section_key,
        responses={QUESTION.key: Response("high", SECRET)},
        user=world.editor,
        expected_revision=0,
    )
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    comment = services.add_comment(
        assessment=world.assessment, user=world.reviewer, question_key="", text="Seen."
    )
    return {
        Country: world.arcadia,
        Membership: world.arcadia.memberships.first(),
        Assessment: world.assessment,
        AssessmentEvent: world.assessment.events.first(),
        ReviewComment: comment,
        User: world.editor,
        Group: Group.objects.get(name="Reviewers"),
    }


def admin_urls(model, obj) -> list[str]:
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
    for view in ("change", "delete", "history"):
        urls.append(reverse(f"{prefix}_{view}", args=[obj.pk]))
    with contextlib.suppress(NoReverseMatch):  # a model's own admin views (the invitation)
        urls.append(reverse(f"{prefix}_invite", args=[obj.pk]))
    return urls


def single_permissions() -> list[tuple[str, str | None]]:
    cases = [(model._meta.label, None) for model in MODELS]
    for model in MODELS:
        for action in ("add", "change", "delete", "view"):
            cases.append((model._meta.label, f"{action}_{model._meta.model_name}"))
    return cases


@pytest.mark.parametrize(("label", "codename"), single_permissions())
def test_one_permission_opens_no_countrys_answers(client, world, objects, label, codename):
    model = next(m for m in MODELS if m._meta.label == label)
    staff = UserFactory(username="clerk", is_staff=True)
    if codename:
        staff.user_permissions.add(
            Permission.objects.get(codename=codename, content_type__app_label=model._meta.app_label)
        )
    client.force_login(staff)
    failures = []
    for url in admin_urls(model, objects[model]):
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"GET {url}: {response.status_code}")
        if SECRET.encode() in response.content:
            failures.append(f"GET {url} shows an answer's note")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("codename", "allowed"),
    [
        (None, False),
        ("view_country", False),
        ("change_country", False),  # the reproduction: it let a clerk make themselves editor
        ("add_country", False),
        ("change_membership", False),
        ("add_membership", True),
    ],
)
def test_only_the_permission_to_add_memberships_invites(client, world, codename, allowed):
    staff = UserFactory(username="clerk", email="clerk@example.org", is_staff=True)
    if codename:
        staff.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(staff)
    url = reverse("admin:assessments_country_invite", args=[world.arcadia.pk])
    response = client.post(url, {"email": "clerk@example.org", "role": "editor"})
    member = Membership.objects.filter(user=staff, country=world.arcadia).exists()
    assert member is allowed
    assert response.status_code == (302 if allowed else 403)
    page = client.get(reverse("admin:assessments_country_change", args=[world.arcadia.pk]))
    if page.status_code == 200:
        assert (url.encode() in page.content) is allowed
