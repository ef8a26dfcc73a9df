"""Downloading the PDF report and the blank questionnaire: access, headers, the stored copy."""

from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.storage import default_storage

from assessments import reports, services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Assessment
from assessments.scoring import Response
from tests.factories import AssessmentFactory
from tests.s3 import ON_S3
from tests.tasks import run_tasks
from tests.translation_support import pseudo_instruments

URL = "/assessments/XA/2026/report.pdf"
FAKE_PDF = b"%PDF-1.7 fake report"
INSTRUMENT = get_instrument(CURRENT_VERSION)
QUESTION = INSTRUMENT.sections[0].questions[1]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def render(media):
    """The renderer, counted and replaced: these tests are about when it runs, not what."""
    with mock.patch.object(reports, "render_assessment_pdf", return_value=FAKE_PDF) as fake:
        yield fake


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def download(client):
    """Ask for the report as a person does: the first time after a change, a page saying it
    is being prepared; once the worker has rendered it (run here), the PDF."""
    response = client.get(URL)
    if response.status_code == 202:
        run_tasks(name="render_report")
        response = client.get(URL)
    return response


def stored(
    compared: str = "0", revision: int = 1, language: str = "en", country: str = "Arcadia"
) -> str:
    """A stored copy's name: the revision; a digest of the country's name and code and of the
    earlier cycle compared with ("<pk>.<revision>", or "0" when there is none); the language;
    the layout."""
    about = hashlib.sha256(f"{country}\x1fXA\x1f{compared}".encode()).hexdigest()[:10]
    return f"r{revision}-{about}-{language}-{reports.layout_version()}.pdf"


def kept(media, assessment) -> list[str]:
    """The stored copies' names, wherever the storage keeps them (a disk, object storage)."""
    return sorted(default_storage.listdir(f"reports/{assessment.pk}")[1])


def test_anonymous_is_sent_to_login(client, world, render) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not render.called


def test_another_country_is_not_found(client, world, render) -> None:
    for user in (world.other_editor, world.outsider):
        client.force_login(user)
        assert client.get(URL).status_code == 404
    assert not render.called


@pytest.mark.parametrize("who", ["viewer", "editor", "reviewer"])
def test_whoever_may_see_it_downloads_it_as_an_attachment(client, world, render, who) -> None:
    if who == "reviewer":  # the secretariat sees it once it is submitted, never as a draft
        Assessment.objects.filter(pk=world.assessment.pk).update(status="submitted")
    client.force_login(getattr(world, who))
    response = download(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="R2P-self-assessment-XA-2026-r1-en.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert body(response) == FAKE_PDF


def test_the_same_revision_is_rendered_once_and_kept_privately(client, world, media, render):
    client.force_login(world.editor)
    body(download(client))
    client.force_login(world.viewer)
    assert body(download(client)) == FAKE_PDF
    assert render.call_count == 1
    with default_storage.open(f"reports/{world.assessment.pk}/{stored()}") as copy:
        assert copy.read() == FAKE_PDF


def test_a_copy_stored_before_the_report_changed_is_rendered_again_and_replaced(
    client, world, media, render
) -> None:
    client.force_login(world.editor)
    with mock.patch.object(reports, "layout_version", return_value="0123456789"):
        body(download(client))
    assert body(download(client)) == FAKE_PDF
    assert render.call_count == 2
    assert kept(media, world.assessment) == [stored()]


def test_the_layout_version_follows_the_report_templates(settings, tmp_path) -> None:
    templates = tmp_path / "templates" / "reports"
    templates.mkdir(parents=True)
    (templates / "base.html").write_text("one layout")
    settings.BASE_DIR = tmp_path
    try:
        reports.layout_version.cache_clear()
        first = reports.layout_version()
        (templates / "base.html").write_text("another layout")
        reports.layout_version.cache_clear()
        assert reports.layout_version() != first
    finally:
        reports.layout_version.cache_clear()


def test_a_save_moves_the_revision_on_and_the_report_is_rendered_again(
    client, world, media, render
) -> None:
    client.force_login(world.editor)
    body(download(client))
    services.save_answers(
        assessment=world.assessment,
        section_key=QUESTION.section_key,
        responses={QUESTION.key: Response("high", "")},
        user=world.editor,
        expected_revision=0,
    )
    response = download(client)
    assert body(response) == FAKE_PDF
    assert "r2-en.pdf" in response["Content-Disposition"]
    assert render.call_count == 2
    # The earlier revision's file is never asked for again, so it is not kept.
    assert kept(media, world.assessment) == [stored(revision=2)]


def test_the_copy_is_named_by_the_earlier_cycle_it_is_compared_with(
    client, world, media, render
) -> None:
    earlier = AssessmentFactory(country=world.arcadia, cycle=2025, revision=3)
    AssessmentFactory(country=world.arcadia, cycle=2024, revision=5)  # not the latest earlier
    AssessmentFactory(country=world.arcadia, cycle=2027, revision=2)  # later: not compared
    client.force_login(world.editor)
    body(download(client))
    body(download(client))
    assert render.call_count == 1
    assert kept(media, world.assessment) == [stored(f"{earlier.pk}.3")]


def test_a_change_to_the_earlier_cycle_renders_a_fresh_copy_and_forgets_the_old(
    client, world, media, render
) -> None:
    # The report shows what changed since the earlier cycle, which can still change while it
    # is a draft: this one's revision stays, but its copy is stale.
    earlier = AssessmentFactory(country=world.arcadia, cycle=2025, revision=1)
    client.force_login(world.editor)
    body(download(client))
    services.save_answers(
        assessment=earlier,
        section_key=QUESTION.section_key,
        responses={QUESTION.key: Response("moderate", "")},
        user=world.editor,
        expected_revision=0,
    )
    response = download(client)
    assert body(response) == FAKE_PDF
    assert "r1-en.pdf" in response["Content-Disposition"]
    assert render.call_count == 2
    assert kept(media, world.assessment) == [stored(f"{earlier.pk}.2")]


def test_an_earlier_cycle_started_later_renders_a_fresh_copy(client, world, media, render):
    client.force_login(world.editor)
    body(download(client))
    earlier = AssessmentFactory(country=world.arcadia, cycle=2025, revision=4)
    body(download(client))
    assert render.call_count == 2
    assert kept(media, world.assessment) == [stored(f"{earlier.pk}.4")]


def test_a_new_marking_moves_the_revision_on_and_the_report_is_rendered_again(
    client, world, media, render
) -> None:
    client.force_login(world.editor)
    body(download(client))
    services.set_marking(assessment=world.assessment, marking="confidential", user=world.editor)
    assert "r2-en.pdf" in download(client)["Content-Disposition"]
    assert render.call_count == 2
    assert kept(media, world.assessment) == [stored(revision=2)]


def test_each_language_the_app_is_translated_into_has_its_own_copy(
    client, world, media, render
) -> None:
    client.force_login(world.editor)
    body(download(client))
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    body(download(client))
    assert [call.kwargs["language"] for call in render.call_args_list] == ["en", "fr"]
    # Copies of the same revision in other languages are kept.
    assert kept(media, world.assessment) == [stored(), stored(language="fr")]


def test_a_language_the_questionnaire_is_not_translated_into_gets_the_english_report(
    client, world, media, render, settings, tmp_path
) -> None:
    # Otherwise the report would mix the interface's Arabic with the questionnaire's English.
    settings.R2P_INSTRUMENTS_DIR = pseudo_instruments(tmp_path / "instruments", ("fr",))
    client.force_login(world.editor)
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    body(download(client))
    with mock.patch.object(reports, "render_questionnaire_pdf", return_value=FAKE_PDF) as blank:
        body(client.get(f"/questionnaire/{CURRENT_VERSION}.pdf"))
    assert [call.kwargs["language"] for call in render.call_args_list] == ["en"]
    assert blank.call_args.kwargs["language"] == "en"
    assert kept(media, world.assessment) == [stored()]


def test_the_language_is_chosen_on_the_download_and_named_in_the_file(
    client, world, media, render
) -> None:
    client.force_login(world.editor)  # working in English
    response = client.get(URL, {"language": "ar"})
    assert response.status_code == 202
    # The preparing page keeps asking for the language chosen, and downloads it.
    assert f"{URL}?language=ar" in response.content.decode()
    run_tasks(name="render_report")
    response = client.get(URL, {"language": "ar"})
    assert body(response) == FAKE_PDF
    assert response["Content-Disposition"] == (
        'attachment; filename="R2P-self-assessment-XA-2026-r1-ar.pdf"'
    )
    assert [call.kwargs["language"] for call in render.call_args_list] == ["ar"]
    assert kept(media, world.assessment) == [stored(language="ar")]


def test_a_language_not_offered_gets_the_english_report(client, world, render) -> None:
    client.force_login(world.editor)
    client.get(URL, {"language": "tlh"})
    run_tasks(name="render_report")
    response = client.get(URL, {"language": "tlh"})
    assert response["Content-Disposition"].endswith('-r1-en.pdf"')


def test_the_download_offers_each_language_named_in_itself_the_interfaces_first(
    client, world, render
) -> None:
    client.force_login(world.viewer)
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    html = client.get("/assessments/XA/2026/results/").content.decode()
    form = html.split(f'action="{URL}"', 1)[1].split("</form>", 1)[0]
    options = re.findall(r'<option value="([^"]+)" lang="[^"]+"( selected)?>([^<]+)</option>', form)
    assert [(code, name.strip()) for code, _, name in options] == [
        ("en", "English"),
        ("fr", "français"),
        ("es", "español"),
        ("ar", "العربيّة"),
        ("ru", "Русский"),
        ("zh-hans", "简体中文"),
    ]
    assert [code for code, selected, _ in options if selected] == ["ru"]
    assert '<label class="visually-hidden" for="pdf-language-report">Язык PDF-файла</label>' in form


def test_the_overview_and_results_pages_link_to_it(client, world, render) -> None:
    client.force_login(world.viewer)
    for page in ("/assessments/XA/2026/", "/assessments/XA/2026/results/"):
        html = client.get(page).content.decode()
        assert f'action="{URL}"' in html
        assert "Download PDF" in html


# --- The blank questionnaire --------------------------------------------------------------

QUESTIONNAIRE_URL = f"/questionnaire/{CURRENT_VERSION}.pdf"


def test_the_questionnaire_needs_a_login(client, db, media) -> None:
    assert client.get(QUESTIONNAIRE_URL)["Location"].startswith("/accounts/login/")


def test_the_questionnaire_is_rendered_once_per_version_and_language(client, world, media):
    fake = b"%PDF-1.7 blank"
    with mock.patch.object(reports, "render_questionnaire_pdf", return_value=fake) as render:
        client.force_login(world.other_editor)
        response = client.get(QUESTIONNAIRE_URL)
        assert body(response) == fake
        assert response["Content-Disposition"] == (
            'attachment; filename="R2P-self-assessment-questionnaire-2013-summary-v2-en.pdf"'
        )
        assert response["Cache-Control"] == "private, no-store"
        assert body(client.get("/questionnaire.pdf")) == fake
    assert render.call_count == 1
    assert render.call_args.args[0] == INSTRUMENT


def test_the_questionnaire_is_downloaded_in_the_language_chosen(client, world, media):
    with mock.patch.object(reports, "render_questionnaire_pdf", return_value=b"%PDF") as render:
        client.force_login(world.editor)
        response = client.get(QUESTIONNAIRE_URL, {"language": "zh-hans"})
        assert body(response) == b"%PDF"
    assert response["Content-Disposition"] == (
        'attachment; filename="R2P-self-assessment-questionnaire-2013-summary-v2-zh-hans.pdf"'
    )
    assert render.call_args.kwargs["language"] == "zh-hans"


def test_the_questionnaire_of_an_earlier_version_is_still_offered(client, world, media):
    with mock.patch.object(reports, "render_questionnaire_pdf", return_value=b"%PDF") as render:
        client.force_login(world.editor)
        response = client.get("/questionnaire/2013-summary/v1.pdf")
        assert body(response) == b"%PDF"
    assert response["Content-Disposition"] == (
        'attachment; filename="R2P-self-assessment-questionnaire-2013-summary-v1-en.pdf"'
    )
    assert render.call_args.args[0] == get_instrument("2013-summary/v1")


def test_an_unknown_version_is_not_found(client, world, media) -> None:
    client.force_login(world.editor)
    assert client.get("/questionnaire/no-such/v9.pdf").status_code == 404


def test_the_dashboard_links_to_the_questionnaire(client, world) -> None:
    client.force_login(world.viewer)
    assert 'action="/questionnaire.pdf"' in client.get("/").content.decode()


def test_any_change_deletes_the_stored_copy_so_erased_text_never_survives(
    client, world, media, render, django_capture_on_commit_callbacks
) -> None:
    def note(text: str) -> None:
        services.save_answers(
            assessment=world.assessment,
            section_key=QUESTION.section_key,
            responses={QUESTION.key: Response("", text)},
            user=world.editor,
            expected_revision=10**6,
        )

    note("SECRET-TO-BE-DELETED")
    client.force_login(world.editor)
    body(download(client))
    assert kept(media, world.assessment) == [stored(revision=2)]
    with django_capture_on_commit_callbacks(execute=True):
        note("")
    # Gone at once, not at the next download.
    assert kept(media, world.assessment) == []


def test_a_renamed_country_gets_a_fresh_copy(client, world, media, render) -> None:
    client.force_login(world.editor)
    body(download(client))
    world.arcadia.name = "Arcadia (renamed)"
    world.arcadia.save()
    body(download(client))
    assert render.call_count == 2
    assert kept(media, world.assessment) == [stored(country="Arcadia (renamed)")]


@pytest.mark.skipif(ON_S3, reason="file modes are the disk's; objects are private by ACL")
def test_stored_copies_are_readable_by_the_app_only(client, world, media, render) -> None:
    client.force_login(world.editor)
    body(download(client))
    folder = media / "reports" / str(world.assessment.pk)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / stored()).stat().st_mode) == 0o600


def test_the_layout_digest_follows_the_fonts(monkeypatch) -> None:
    reports.layout_version.cache_clear()
    before = reports.layout_version()
    fonts = reports.font_files()
    assert fonts, "fontconfig finds the report's fonts"
    monkeypatch.setattr(reports, "font_files", lambda: fonts[:-1])
    reports.layout_version.cache_clear()
    assert reports.layout_version() != before
    reports.layout_version.cache_clear()


@pytest.mark.parametrize(
    "source",
    [
        "scoring.py",
        "findings.py",
        "results.py",
        "charts.py",
        "reports.py",
        "reader.py",
        "model.py",
        "2013-summary-v2.toml",
        "presidents-summary-2013.toml",
        "report.css",
        "_executive_summary.html",
    ],
)
def test_the_layout_digest_follows_everything_that_shapes_the_report(monkeypatch, source) -> None:
    reports.layout_version.cache_clear()
    before = reports.layout_version()
    read_bytes = Path.read_bytes
    monkeypatch.setattr(
        Path, "read_bytes", lambda path: read_bytes(path) + b"#" * (path.name == source)
    )
    reports.layout_version.cache_clear()
    assert reports.layout_version() != before
    reports.layout_version.cache_clear()


def test_the_layout_digest_follows_weasyprint_and_the_translations(
    monkeypatch, settings, tmp_path
) -> None:
    reports.layout_version.cache_clear()
    before = reports.layout_version()
    catalog = tmp_path / "fr" / "LC_MESSAGES" / "django.mo"
    catalog.parent.mkdir(parents=True)
    catalog.write_bytes(b"a catalog")
    settings.LOCALE_PATHS = [tmp_path]
    reports.layout_version.cache_clear()
    translated = reports.layout_version()
    monkeypatch.setattr(reports, "package_version", lambda name: "999.0")
    reports.layout_version.cache_clear()
    assert len({before, translated, reports.layout_version()}) == 3
    reports.layout_version.cache_clear()
