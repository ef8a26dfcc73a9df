"""The app in six languages: the interface catalogs and the questionnaire's translations are
complete, compiled as committed, and checked; a translated source is labelled unofficial."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from io import StringIO
from pathlib import Path

import polib
import pytest
import tomli_w
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import translation

from assessments.checks import check_instruments
from assessments.instrument import (
    CURRENT_VERSION,
    INSTRUMENTS_DIR,
    InstrumentError,
    available_versions,
    get_instrument,
    load_all,
    offered_translations,
    translated_languages,
)
from tests.translation_support import pseudo_instruments

LOCALE = Path(settings.BASE_DIR) / "locale"
LOCALES = ("fr", "es", "ar", "ru", "zh_Hans")


def catalog(locale: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / locale / "LC_MESSAGES" / "django.po"))


def messages(entries) -> dict[tuple[str | None, str], object]:
    """(context, msgid) -> the translation (a dict of plural forms for a plural message)."""
    return {
        (e.msgctxt, e.msgid): dict(e.msgstr_plural) if e.msgid_plural else e.msgstr
        for e in entries
        if e.msgid and not e.obsolete
    }


# --- The interface catalogs --------------------------------------------------------------------


def test_the_five_catalogs_are_the_languages_offered_besides_english() -> None:
    offered = {code for code, _ in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    assert {locale.lower().replace("_", "-") for locale in LOCALES} == offered


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_and_none_is_fuzzy(locale: str) -> None:
    po = catalog(locale)
    assert len(po) > 700
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{locale}: untranslated {untranslated[:5]}"
    assert not fuzzy, f"{locale}: fuzzy {fuzzy[:5]}"
    assert not po.obsolete_entries(), f"{locale}: messages the code no longer has"
    nplurals = int(po.metadata["Plural-Forms"].split("nplurals=")[1].split(";")[0])
    for entry in po:
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == nplurals, (locale, entry.msgid)
            assert all(entry.msgstr_plural.values()), (locale, entry.msgid)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_committed_mo_file_is_the_po_file_compiled(locale: str) -> None:
    # The app reads the .mo; GNU msgfmt, which writes it, is not needed to run the app, so
    # the .mo is committed, and must say what the .po says.
    compiled = polib.mofile(str(LOCALE / locale / "LC_MESSAGES" / "django.mo"))
    assert messages(compiled) == messages(catalog(locale))


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_and_markup_survive_translation(locale: str) -> None:
    # msgfmt -c checks the %(name)s of python-format messages; a template's {used} and its
    # HTML tags it does not.
    kept = re.compile(r"%\(\w+\)[sd]|\{\w+\}|</?[a-z]+[^>]*>")
    for entry in catalog(locale):
        originals = [entry.msgid, *([entry.msgid_plural] if entry.msgid_plural else [])]
        for written in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            found = sorted(kept.findall(written))
            # A plural form for "one" may say "one" in words rather than %(count)s.
            assert any(
                set(found) <= set(kept.findall(o))
                and set(kept.findall(o)) - {"%(count)s"} <= set(found)
                for o in originals
            ), (locale, entry.msgid, written)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_message_in_the_code_is_in_every_catalog(tmp_path: Path, monkeypatch) -> None:
    """A new or changed string is translated in the same change: `make messages` adds it to
    the catalogs, and the tests above fail until it is translated. (Extracting messages needs
    GNU gettext, which CI installs.)"""
    root = Path(settings.BASE_DIR)
    # makemessages writes beside the code it reads: a copy of the code, with its own catalogs.
    for folder in ("assessments", "r2p_assess", "templates"):
        shutil.copytree(root / folder, tmp_path / folder)
    for locale in LOCALES:
        target = tmp_path / "locale" / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(LOCALE / locale / "LC_MESSAGES" / "django.po", target)
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=list(LOCALES), no_location=True, verbosity=0)
    for locale in LOCALES:
        extracted = polib.pofile(str(tmp_path / "locale" / locale / "LC_MESSAGES" / "django.po"))
        new = [e.msgid for e in extracted if not e.obsolete and (not e.translated() or e.fuzzy)]
        gone = [e.msgid for e in extracted.obsolete_entries()]
        assert not new, f"{locale}: not in the catalog yet (run make messages): {new[:5]}"
        assert not gone, f"{locale}: no longer in the code (run make messages): {gone[:5]}"


# --- The questionnaire's translations ----------------------------------------------------------

TRANSLATED = [
    (v, lang)
    for v in ("2013-summary/v1", "2013-summary/v2")
    for lang in ("fr", "es", "ar", "ru", "zh-hans")
]


def texts(instrument) -> dict[str, str]:
    """Every translatable text of an instrument, by where it is."""
    found = {"title": instrument.title}
    for section in instrument.sections:
        found[f"{section.key} title"] = section.title
        if section.intro:
            found[f"{section.key} intro"] = section.intro
    for q in instrument.questions:
        for name in ("text", "short", "help", "other_source"):
            if getattr(q, name):
                found[f"{q.key} {name}"] = getattr(q, name)
        for index, prompt in enumerate(q.prompts):
            found[f"{q.key} prompt {index}"] = prompt
        for number, phrase in q.support:
            found[f"{q.key} support {number}"] = phrase
    for number, text in instrument.source.paragraphs.items():
        found[f"¶ {number}"] = text
    return found


def test_every_instrument_is_translated_into_every_language_offered() -> None:
    assert available_versions() == ("2013-summary/v1", "2013-summary/v2")
    assert translated_languages() == tuple(sorted(offered_translations()))
    assert check_instruments() == []


@pytest.mark.parametrize(("version", "language"), TRANSLATED)
def test_no_questionnaire_string_is_missing_or_left_in_english(version, language) -> None:
    english, translated = get_instrument(version, "en"), get_instrument(version, language)
    assert translated.language == language
    originals, words = texts(english), texts(translated)
    assert words.keys() == originals.keys()
    same = [where for where, text in words.items() if text == originals[where]]
    assert not same, f"{language}: still in English: {same[:5]}"


@pytest.mark.parametrize(("version", "language"), TRANSLATED)
def test_a_translation_changes_the_words_only(version, language) -> None:
    english, translated = get_instrument(version, "en"), get_instrument(version, language)
    for a, b in zip(english.questions, translated.questions, strict=True):
        assert (a.key, a.kind, a.paragraphs, a.choices, a.show_if, a.mitigated_by) == (
            b.key,
            b.kind,
            b.paragraphs,
            b.choices,
            b.show_if,
            b.mitigated_by,
        )
        assert len(b.short) <= 60
    assert translated.carry_over == english.carry_over
    assert translated.summary_key == english.summary_key
    # The source is an unofficial translation that keeps the authoritative English at hand.
    assert translated.source.original is english.source
    assert translated.original(4) == english.paragraph(4)
    assert english.original(4) == ""


def test_the_active_language_chooses_the_questionnaires_words() -> None:
    with translation.override("ru"):
        assert get_instrument(CURRENT_VERSION).language == "ru"
    with translation.override("en"):
        assert get_instrument(CURRENT_VERSION).language == "en"
    assert get_instrument(CURRENT_VERSION, "de").language == "en"  # not offered: English


@pytest.fixture
def pseudo(tmp_path: Path) -> Path:
    return pseudo_instruments(tmp_path / "instruments", ("fr",))


def edit(path: Path, change) -> None:
    data = tomllib.loads(path.read_text())
    change(data)
    path.write_text(tomli_w.dumps(data))


V2_FR = "translations/2013-summary-v2.fr.toml"
SOURCE_FR = "translations/presidents-summary-2013.fr.toml"


def drop_question(data):
    del data["questions"]["risk.socioeconomic_inequality"]


def add_question(data):
    data["questions"]["risk.invented"] = {"text": "?"}


def empty_text(data):
    data["questions"]["risk.socioeconomic_inequality"]["text"] = "  "


def lose_a_paragraph_reference(data):
    section = data["sections"]["risks"]
    section["intro"] = section["intro"].replace("¶ 4", "paragraphe 4")


def misquote(data):
    data["questions"]["commitment.no_society_immune"]["support"]["4"] = "Ils ont dit"


def unknown_field(data):
    data["questions"]["risk.socioeconomic_inequality"]["hint"] = "?"


def drop_paragraph(data):
    del data["paragraphs"]["5"]


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        (V2_FR, drop_question, "2013-summary-v2.fr.toml: questions: missing risk.socio"),
        (V2_FR, add_question, "2013-summary-v2.fr.toml: questions: risk.invented: no such key"),
        (
            V2_FR,
            empty_text,
            "2013-summary-v2.fr.toml: question 'risk.socioeconomic_inequality': 'text' is empty",
        ),
        (
            V2_FR,
            lose_a_paragraph_reference,
            "2013-summary-v2.fr.toml: section 'risks': 'intro' keeps []; the English has ['¶4']",
        ),
        (
            V2_FR,
            misquote,
            "2013-summary-v2.fr.toml: question 'commitment.no_society_immune': "
            "support phrase 'Ils ont dit' is not in the translated ¶ 4",
        ),
        (
            V2_FR,
            unknown_field,
            "2013-summary-v2.fr.toml: question 'risk.socioeconomic_inequality'"
            ": unknown field 'hint'",
        ),
        (SOURCE_FR, drop_paragraph, "presidents-summary-2013.fr.toml: paragraphs: missing 5"),
    ],
)
def test_the_check_fails_on_a_broken_translation(pseudo, settings, file, change, message):
    edit(pseudo / file, change)
    settings.R2P_INSTRUMENTS_DIR = pseudo
    [error] = check_instruments()
    assert error.id == "assessments.E001"
    assert error.msg.startswith(message), error.msg


def test_a_language_must_translate_every_version_or_none(pseudo, settings) -> None:
    (pseudo / "translations" / "2013-summary-v1.fr.toml").unlink()
    settings.R2P_INSTRUMENTS_DIR = pseudo
    [error] = check_instruments()
    assert error.msg == (
        "translations: 'fr' has no translation of '2013-summary/v1' "
        "(expected 2013-summary-v1.fr.toml)"
    )


def test_a_translation_into_a_language_not_offered_is_an_error(pseudo) -> None:
    shutil.copy(pseudo / V2_FR, pseudo / "translations" / "2013-summary-v2.de.toml")
    with pytest.raises(InstrumentError, match="'de' is not a language offered"):
        load_all(pseudo)


def test_a_translation_needs_its_source_translated(pseudo) -> None:
    (pseudo / SOURCE_FR).unlink()
    with pytest.raises(
        InstrumentError, match=re.escape("has no translation presidents-summary-2013.fr")
    ):
        load_all(pseudo)


def test_export_instrument_prints_a_language(pseudo, settings) -> None:
    out = StringIO()
    call_command("export_instrument", "--language", "ar", stdout=out)
    data = json.loads(out.getvalue())
    arabic = get_instrument(CURRENT_VERSION, "ar")
    assert data["language"] == "ar"
    assert data["title"] == arabic.title
    assert data["source"]["unofficial_translation"] is True
    assert data["source"]["paragraphs"]["4"] == arabic.paragraph(4)
    first = data["sections"][0]["questions"][0]
    assert first["text"] == arabic.questions[0].text
    assert first["choices"][-1]["label"] == "غير معروف"  # Don't know, from the catalog
    out = StringIO()
    call_command("export_instrument", stdout=out)
    assert json.loads(out.getvalue())["source"]["unofficial_translation"] is False


def test_export_instrument_refuses_a_language_not_translated() -> None:
    with pytest.raises(
        CommandError, match=re.escape("not translated into 'de'. Available: en, ar, es")
    ):
        call_command("export_instrument", "--language", "de", stdout=StringIO())


def test_the_shipped_files_are_the_ones_checked() -> None:
    folder = INSTRUMENTS_DIR / "translations"
    assert len(list(folder.glob("*.toml"))) == 3 * 5


# Right to left, "¶ 5" would read "5 ¶": Arabic text keeps each reference a left-to-right
# isolate (U+2066 … U+2069), which browsers and WeasyPrint both honour.
BARE_REFERENCE = re.compile(r"(?<!\u2066)¶+\s*\d+(?:\s*[–-]\s*\d+)?(?!\u2069)")


def test_arabic_keeps_paragraph_references_left_to_right() -> None:
    for entry in catalog("ar"):
        for written in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            assert not BARE_REFERENCE.search(written), entry.msgid
    for version in available_versions():
        for where, text in texts(get_instrument(version, "ar")).items():
            assert not BARE_REFERENCE.search(text), (version, where)
