"""Demo data for trying the app: two fictional States, their people and assessments.

Idempotent: what already exists is left as it is, so running it again never undoes what a
demo user has since done. Only fictional States (ISO user-assigned codes) are ever created.
"""

from __future__ import annotations

import tomllib
from base64 import b32decode
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments import services
from assessments.access import REVIEWERS_GROUP
from assessments.evidence_files import check_file
from assessments.instrument import CURRENT_VERSION, Section, get_instrument
from assessments.models import Action, Assessment, Country, Membership, Source
from assessments.scoring import Response

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
# Arcadia's two cycles: 2025 answered on the first instrument, 2026 on the current one.
DEMO_CYCLES = {2025: "2013-summary/v1", 2026: CURRENT_VERSION}
DEFAULT_PASSWORD = "demo-r2p-2026"
FALLBACK_NOTE = (
    "Reviewed by the inter-ministerial working group; see the annex of supporting documents."
)

# Fictional States in real regional groups, so that the reviewer's filter has something to do.
COUNTRIES = [
    ("XA", "Arcadia", Country.Region.WESTERN_EUROPEAN_OTHER),
    ("XB", "Borealis", Country.Region.EASTERN_EUROPEAN),
]
# The secretariat signs in with a second factor too: fixed demo secrets (base32, for any
# authenticator app) and recovery codes, printed below and listed in the README.
SECOND_FACTORS = {
    "reviewer": ("REVIEWERR2PDEMO2", [f"review-{n:02d}" for n in range(1, 6)]),
    "admin": ("ADMINR2PDEMOKEY7", [f"admin-{n:02d}" for n in range(1, 6)]),
}
# username, first name, last name, country code or None, role, staff, superuser
USERS = [
    ("focal", "Amara", "Okafor", "XA", Membership.Role.EDITOR, False, False),
    ("colleague", "Lucas", "Moreau", "XA", Membership.Role.VIEWER, False, False),
    ("other", "Ingrid", "Halvorsen", "XB", Membership.Role.EDITOR, False, False),
    ("reviewer", "Samira", "Haddad", None, None, True, False),
    ("admin", "Site", "Administrator", None, None, True, True),
]


class Command(BaseCommand):
    help = "Load fictional demo countries, users and assessments (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password for every demo user (default: {DEFAULT_PASSWORD}).",
        )

    def handle(self, *args: object, password: str, **options: object) -> None:
        # Before touching the database: a production one is never written to, nor opened.
        if settings.PRODUCTION:
            raise CommandError(
                "seed_demo creates users with a known password and fictional States: it "
                "refuses to run with DJANGO_ENV=production."
            )
        with transaction.atomic():
            self.seed(password)

    def seed(self, password: str) -> None:
        countries = {
            code: Country.objects.get_or_create(
                code=code, defaults={"name": name, "region": region}
            )[0]
            for code, name, region in COUNTRIES
        }
        # Demo data from before regions: given one, as nobody chose otherwise.
        for code, _name, region in COUNTRIES:
            Country.objects.filter(code=code, region="").update(region=region)
        reviewers, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
        users = {}
        for username, first, last, code, role, staff, superuser in USERS:
            user, _ = get_user_model().objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                    "is_staff": staff,
                    "is_superuser": superuser,
                },
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            if code:
                Membership.objects.get_or_create(
                    user=user, country=countries[code], defaults={"role": role}
                )
            if username == "reviewer":
                user.groups.add(reviewers)
            users[username] = user

        arcadia, focal = countries["XA"], users["focal"]
        if not Assessment.objects.filter(country=arcadia, cycle=2025).exists():
            submitted = services.start_assessment(
                country=arcadia, cycle=2025, user=focal, instrument_version=DEMO_CYCLES[2025]
            )
            _answer(submitted, get_instrument(DEMO_CYCLES[2025]).sections, focal)
            _add_sources(submitted, focal)
            for plan in DEMO_ACTIONS:
                services.add_action(assessment=submitted, plan=plan, user=focal)
            services.submit(assessment=submitted, user=focal)
        if not Assessment.objects.filter(country=arcadia, cycle=2026).exists():
            # Started from 2025 (what still means the same is carried over), then part-way
            # through: the first two sections and the summary brought up to date.
            draft = services.start_assessment(
                country=arcadia, cycle=2026, user=focal, from_previous=True
            )
            instrument = get_instrument(draft.instrument_version)
            summary = instrument.section(instrument.summary_question.section_key)
            _answer(draft, (*instrument.sections[:2], summary), focal)
            # Of the two actions carried from 2025, one is confirmed; the other waits.
            services.confirm_action(action=draft.actions.get(what=DEMO_ACTIONS[1].what), user=focal)
        if not Assessment.objects.filter(country=countries["XB"], cycle=2026).exists():
            services.start_assessment(country=countries["XB"], cycle=2026, user=users["other"])

        for username, (secret, codes) in SECOND_FACTORS.items():
            _second_factor(users[username], secret, codes)

        self.stdout.write(
            self.style.SUCCESS("Demo data ready (fictional States: Arcadia XA, Borealis XB).")
        )
        self.stdout.write(
            f"Log in at {settings.SITE_URL}/accounts/login/ with password: {password}"
        )
        for (
            username,
            *_,
        ) in USERS:
            self.stdout.write(f"  {username:<10} {_describe(username)}")
        self.stdout.write("The secretariat also enters a code (any authenticator app):")
        for username, (secret, codes) in SECOND_FACTORS.items():
            self.stdout.write(
                f"  {username:<10} secret {secret}, or a recovery code: {', '.join(codes)}"
            )


# Arcadia 2025's evidence: two small fictional files the repository ships (demo/files), and
# a link.
DEMO_SOURCES = [
    {
        "question_key": "risk.socioeconomic_inequality",
        "title": "2024 census: summary tables",
        "issuer": "Arcadia National Statistics Office",
        "kind": Source.Kind.GOVERNMENT,
        "issued": date(2024, 11, 30),
        "file": "arcadia-census-2024.pdf",
    },
    {
        "question_key": "risk.identity_discrimination",
        "title": "Complaints received in 2024, by region",
        "issuer": "Office of the Ombudsperson of Arcadia",
        "kind": Source.Kind.NHRI,
        "issued": date(2025, 2, 14),
        "file": "arcadia-ombudsperson-complaints-2024.csv",
    },
    {
        "question_key": "measure.nhri",
        "title": "Accreditation of the Ombudsperson (fictional)",
        "issuer": "Regional human rights commission",
        "kind": Source.Kind.UN_REGIONAL,
        "issued": date(2023, 10, 5),
        "url": "https://example.org/arcadia/ombudsperson-accreditation",
    },
]


# Arcadia 2025's plan: two open actions, carried into 2026, and one done.
DEMO_ACTIONS = [
    services.Plan(
        what="Publish poverty and access-to-services figures for every region, every year",
        lead="Arcadia National Statistics Office",
        due=date(2025, 12, 31),
        status=Action.Status.UNDER_WAY,
        reason="",
        indicator="The yearly tables, by region, on the Office's website",
        questions=["risk.socioeconomic_inequality", "measure.horizontal_equality"],
    ),
    services.Plan(
        what="Train police officers and prosecutors in international humanitarian and "
        "human rights law",
        lead="Ministry of Justice, with the Police Academy",
        due=date(2026, 6, 30),
        status=Action.Status.PLANNED,
        reason="",
        indicator="Every regional command has trained staff; the curriculum is published",
        questions=["measure.ihl_training"],
    ),
    services.Plan(
        what="Adopt the law giving the Ombudsperson a mandate over all public bodies",
        lead="Ministry of Justice",
        due=date(2025, 3, 31),
        status=Action.Status.DONE,
        reason="",
        indicator="The law in force",
        questions=["measure.nhri"],
    ),
]


def _add_sources(assessment: Assessment, user: object) -> None:
    for given in DEMO_SOURCES:
        source = dict(given)
        name, url = source.pop("file", None), source.pop("url", "")
        if name is None:
            services.add_source(
                assessment=assessment, url=url, upload=None, checked=None, user=user, **source
            )
            continue
        with (DEMO_DIR / "files" / name).open("rb") as handle:
            upload = File(handle, name=name)
            services.add_source(
                assessment=assessment,
                url=url,
                upload=upload,
                checked=check_file(upload),
                user=user,
                **source,
            )


def _second_factor(user: object, secret: str, codes: list[str]) -> None:
    """The demo's fixed authenticator and recovery codes, kept as they are if already there
    (a used code stays used)."""
    key = b32decode(secret).hex()
    if not TOTPDevice.objects.filter(user=user, key=key, confirmed=True).exists():
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="Demo authenticator", key=key, confirmed=True)
    if not StaticDevice.objects.filter(user=user).exists():
        device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)


def _answer(assessment: Assessment, sections: Iterable[Section], user: object) -> None:
    responses = demo_responses(assessment.cycle)
    for section in sections:
        services.save_answers(
            assessment=assessment,
            section_key=section.key,
            responses={q.key: responses[q.key] for q in section.questions},
            user=user,
            # Built on what is there now: "start from the previous cycle" wrote revision 1.
            expected_revision=assessment.revision,
        )


def demo_responses(cycle: int = 2026) -> dict[str, Response]:
    """An answer and a realistic note for every question of Arcadia's `cycle`, from its demo
    data file; questions it does not cover get the middle of their scale and a plain note."""
    path = DEMO_DIR / f"arcadia-{cycle}.toml"
    written = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    responses = {}
    for question in get_instrument(DEMO_CYCLES[cycle]).questions:
        entry = written.get(question.key, {})
        value = entry.get("value")
        if value not in question.choice_values:
            unrated = ("dont_know", "na", "not_priority")
            values = [v for v in question.choice_values if v not in unrated]
            value = values[len(values) // 2] if values else ""
        note = entry.get("note") or FALLBACK_NOTE
        responses[question.key] = Response(value, note)
    return responses


def _describe(username: str) -> str:
    return {
        "focal": "editor for Arcadia: the national focal point",
        "colleague": "viewer for Arcadia: reads, cannot change",
        "other": "editor for Borealis: cannot see Arcadia",
        "reviewer": "secretariat reviewer: sees every country, reviews in /admin/",
        "admin": "superuser",
    }[username]
