from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Answer, Assessment, Country, Membership

# ISO 3166 user-assigned codes only: tests, like the demo, never name a real State.
USER_ASSIGNED_CODES = [f"X{letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"] + [
    f"Q{letter}" for letter in "MNOPQRSTUVWXYZ"
]

PASSWORD = "test-password"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)


class CountryFactory(DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: USER_ASSIGNED_CODES[n % len(USER_ASSIGNED_CODES)])
    name = factory.Sequence(lambda n: f"Fictional State {n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    country = factory.SubFactory(CountryFactory)
    role = Membership.Role.EDITOR


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = Assessment

    country = factory.SubFactory(CountryFactory)
    cycle = 2026
    instrument_version = CURRENT_VERSION
    revision = 1


def write_summary(assessment: Assessment, text: str = "Our overall judgement, in brief.") -> None:
    """The focal point's summary, which submitting needs where the instrument has one."""
    summary = get_instrument(assessment.instrument_version).summary_question
    if summary is not None:
        Answer.objects.update_or_create(
            assessment=assessment, question_key=summary.key, defaults={"note": text}
        )
