"""The language is the person's explicit choice: the picker, kept on their profile so that
it follows them; the browser's preference is only suggested, on a first visit. Dates follow
the language's own format (English's as UN documents write them)."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.utils import formats, timezone, translation

from assessments import services
from assessments.models import UserSettings

HOME = "/"
HISTORY = "/assessments/XA/2026/history/"


def lang(response) -> str:
    page = response.content.decode()
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_the_browsers_language_is_suggested_not_chosen(client, world) -> None:
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")
    assert lang(response) == "en"
    page = " ".join(response.content.decode().split())
    assert "language-suggestion" in page
    assert 'value="fr" lang="fr">français</button>' in page
    # Choosing (either language) ends the suggestion.
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")
    assert lang(response) == "en" and "language-suggestion" not in response.content.decode()


def test_no_suggestion_for_a_language_the_app_does_not_offer(client) -> None:
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert "language-suggestion" not in response.content.decode()


def test_the_picker_chooses_for_a_visitor(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
    assert lang(client.get("/accounts/login/")) == "es"


def test_a_signed_in_choice_follows_the_person_to_another_device(client, world) -> None:
    client.force_login(world.editor)
    client.post("/i18n/setlang/", {"language": "ar", "next": HOME})
    assert UserSettings.objects.get(user=world.editor).language == "ar"
    elsewhere = Client()  # another browser: no cookie of the picker
    elsewhere.force_login(world.editor)
    response = elsewhere.get(HOME, HTTP_ACCEPT_LANGUAGE="en")
    assert lang(response) == "ar"
    assert 'dir="rtl"' in response.content.decode()


def test_the_settings_page_sets_and_clears_the_language(client, world) -> None:
    client.force_login(world.editor)
    response = client.post(
        "/accounts/settings/",
        {"first_name": "Amara", "last_name": "Okafor", "time_zone": "", "language": "ru"},
        follow=True,
    )
    assert lang(response) == "ru"
    assert UserSettings.objects.get(user=world.editor).language == "ru"
    response = client.post(
        "/accounts/settings/",
        {"first_name": "Amara", "last_name": "Okafor", "time_zone": "", "language": ""},
        follow=True,
    )
    assert lang(response) == settings.LANGUAGE_CODE


def test_dates_follow_the_chosen_language(client, world) -> None:
    services.set_marking(assessment=world.assessment, marking="confidential", user=world.editor)
    event = world.assessment.events.get()
    moment = timezone.localtime(event.at, timezone.get_fixed_timezone(0))
    client.force_login(world.editor)
    english = client.get(HISTORY).content.decode()
    assert f"{moment.day} {moment:%B} {moment.year}, {moment:%H:%M}" in english
    client.post("/i18n/setlang/", {"language": "fr", "next": HOME})
    with translation.override("fr"):
        french = formats.date_format(moment, "DATETIME_FORMAT")
    assert french != formats.date_format(moment, "DATETIME_FORMAT")
    assert french in client.get(HISTORY).content.decode()


def test_arabic_dates_read_day_month_year(world) -> None:
    moment = timezone.datetime(2026, 11, 29, 14, 2, tzinfo=timezone.get_fixed_timezone(0))
    with translation.override("ar"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "29 نوفمبر 2026، 14:02"
        assert formats.date_format(moment, "DATE_FORMAT") == "29 نوفمبر 2026"


def test_in_arabic_the_results_chart_is_mirrored(client, world) -> None:
    client.force_login(world.editor)
    client.post("/i18n/setlang/", {"language": "ar", "next": HOME})
    page = client.get("/assessments/XA/2026/results/").content.decode()
    chart = page.split('class="risk-chart"', 1)[1].split("</svg>", 1)[0]
    assert '<g><text font-size="14" fill="#212529" text-anchor="end"><tspan x="420"' in chart
    assert "\u2067" in chart
    client.post("/i18n/setlang/", {"language": "en", "next": HOME})
    page = client.get("/assessments/XA/2026/results/").content.decode()
    chart = page.split('class="risk-chart"', 1)[1].split("</svg>", 1)[0]
    assert '<tspan x="0"' in chart and "\u2067" not in chart
