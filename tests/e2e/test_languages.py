"""The app in each of the six UN languages, tried as a new user would: the focal point and a
reviewer choose their language with the picker, then read the dashboard, a section, the
results and the review page. No English word may show outside what people typed (marked
dir="auto") and text marked as another language (the English original of a paragraph, the
picker's language names); axe passes in every language, right to left included."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from assessments.models import Assessment, Country
from tests.e2e.support import Visitor

CYCLE = 2025  # the demo's submitted assessment, which the reviewer may open
SECTION = "/assessments/XA/2026/sections/risks/"
RESULTS = "/assessments/XA/2026/results/"

# What people see in the page, without what they typed and what is marked as another language.
PAGE_WORDS = """(language) => {
  const copy = document.body.cloneNode(true);
  const aside = 'script, style, template, textarea, input, [dir="auto"], [lang]:not([lang="'
    + language + '"])';
  copy.querySelectorAll(aside).forEach((node) => node.remove());
  return copy.textContent;
}"""

# Words an English interface uses that French and Spanish do not (never one both share, such
# as "question", "plan", "action" or "section").
ENGLISH_ONLY = {
    "the",
    "and",
    "of",
    "your",
    "you",
    "with",
    "this",
    "that",
    "from",
    "have",
    "has",
    "not",
    "save",
    "saved",
    "download",
    "results",
    "review",
    "risk",
    "risks",
    "answered",
    "answer",
    "answers",
    "measures",
    "assessment",
    "assessments",
    "submit",
    "settings",
    "history",
    "log",
    "out",
    "overview",
    "back",
    "next",
    "previous",
    "show",
    "open",
    "edit",
    "help",
    "skip",
    "language",
    "country",
    "draft",
    "summary",
    "evidence",
    "choose",
    "start",
    "what",
    "who",
    "viewed",
    "returned",
    "submitted",
    "accepted",
    "high",
    "low",
    "moderate",
    "know",
}
# Latin words that may stand in Arabic, Russian and Chinese pages: names, codes, formats.
VERSION = re.compile(r"\b\d{4}-summary/v\d+\b")
SYMBOL = re.compile(r"\b[A-Z]/[A-Z0-9./-]+")
FRAMEWORK = re.compile(r"(UN )?Framework of Analysis for Atrocity Crimes")
NAMES_AND_CODES = {
    "r2p",
    "assess",
    "pdf",
    "csv",
    "xlsx",
    "json",
    "zip",
    "sha",
    "utc",
    "xa",
    "xb",
    "xc",
}


def english_words(text: str, language: str, allowed: set[str]) -> list[str]:
    # Codes and titles, not words of the interface: an instrument's version ("2013-summary/v2"),
    # a UN document's symbol ("A/RES/60/1"), the English title the glossary keeps beside a
    # document's proposed translation until its official one is confirmed.
    text = FRAMEWORK.sub("", VERSION.sub("", SYMBOL.sub("", text)))
    words = re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", text)
    if language in ("fr", "es"):
        return sorted({w for w in words if w.lower() in ENGLISH_ONLY})
    latin = (w for w in words if re.fullmatch(r"[A-Za-z'’-]{2,}", w))
    return sorted({w for w in latin if w.lower() not in allowed})


def proper_names() -> set[str]:
    names = {"r2p", "assess"}
    for user in get_user_model().objects.all():
        names.update(part.lower() for part in (user.first_name, user.last_name, user.username))
    for country in Country.objects.all():
        names.update(part.lower() for part in country.name.split())
    return names | NAMES_AND_CODES


def choose_language(person: Visitor, language: str) -> None:
    """The picker at the foot of every page, as a person uses it."""
    page = person.page
    page.locator("#language-select").select_option(language)
    page.locator("form[action='/i18n/setlang/'] button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def read(person: Visitor, path: str, language: str, allowed: set[str], where: str) -> None:
    person.goto(path)
    expect(person.page.locator("html")).to_have_attribute("lang", language)
    person.check(f"{where} in {language}", screenshot=f"l-{language}-{where}")
    if language != "en":
        text = person.page.evaluate(PAGE_WORDS, language)
        leaked = english_words(text, language, allowed)
        context = {w: re.findall(rf".{{0,60}}{re.escape(w)}.{{0,60}}", text)[:2] for w in leaked}
        assert not leaked, f"English on the {where} page in {language}: {context}"


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar", "ru", "zh-hans"])
def test_each_page_reads_in_the_language_chosen(visitor, demo, language) -> None:
    allowed = proper_names()
    focal = visitor("focal")
    choose_language(focal, language)
    direction = "rtl" if language == "ar" else "ltr"
    expect(focal.page.locator("html")).to_have_attribute("dir", direction)
    read(focal, "/", language, allowed, "dashboard")
    read(focal, SECTION, language, allowed, "section")
    read(focal, RESULTS, language, allowed, "results")

    reviewer = visitor("reviewer")
    choose_language(reviewer, language)
    submitted = Assessment.objects.get(country__code="XA", cycle=CYCLE)
    read(
        reviewer,
        f"/admin/assessments/assessment/{submitted.pk}/change/",
        language,
        allowed,
        "review",
    )
