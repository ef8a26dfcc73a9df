"""The PDF report of an assessment, and the blank questionnaire: print templates -> WeasyPrint.

An assessment's report is rendered once per (assessment, revision, language), ahead of time by
the worker (rendering.py), and kept through Django's default storage under `reports/`, a
prefix that is never served by URL: every write moves the revision on (services/core.py), and
the layout version (a digest of the templates, the stylesheet and the code that make the
documents) changes with any deploy that changes them, so a stored file is never stale; the
views check access before handing one out. The blank questionnaire, the same for everyone, is
rendered on its first download and kept per (version, language, layout).

Safety: the only resources the renderer may load are the app's own static files. The document
is given a base URL that cannot resolve (`.invalid` is reserved), and `fetch_static` answers
that origin's `/static/...` from the static files (collected, or their sources) and refuses
every other URL: no network, no file:, no data:. What users typed reaches the templates
autoescaped.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import mimetypes
import re
import subprocess
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.findings import CHART_SCALE
from assessments.instrument import (
    CURRENT_VERSION,
    Instrument,
    Question,
    Section,
    get_instrument,
    translated_languages,
)
from assessments.models import Assessment, Country, Judgement, Source
from assessments.results import (
    IN_DOCUMENT,
    Citation,
    action_rows,
    answer_label,
    assessment_results,
    change_rows,
    citations,
    question_numbers,
    risks_without_action,
)
from assessments.scoring import EMPTY, Responses

# Never resolved: fetch_static answers it itself, from the static files.
BASE_URL = "https://r2p-assess.invalid/"
STORAGE_PREFIX = "reports"


class RefusedURL(ValueError):
    """The report asked for something other than one of the app's static files."""


def fetch_static(url: str) -> object:
    """WeasyPrint's url_fetcher: the app's static files under BASE_URL, nothing else."""
    from weasyprint.urls import URLFetcherResponse

    base, parts = urlsplit(BASE_URL), urlsplit(url)
    prefix = urlsplit(urljoin(BASE_URL, settings.STATIC_URL)).path
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        raise RefusedURL(f"the report may load only the app's static files, not {url!r}")
    if not parts.path.startswith(prefix) or parts.query:
        raise RefusedURL(f"not a static file: {url!r}")
    relative = unquote(parts.path[len(prefix) :])
    segments = relative.split("/")
    if "\\" in relative or any(segment in ("", ".", "..") for segment in segments):
        raise RefusedURL(f"not a static file: {url!r}")
    found = static_file(relative)
    if found is None:
        raise RefusedURL(f"no such static file: {url!r}")
    mime_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": mime_type})


def static_file(relative: str) -> Path | None:
    """A static file by the name `{% static %}` gave it: in production a hashed name
    ("css/report.3f2a….css") that only collectstatic's output has; elsewhere the source's."""
    if settings.STATIC_ROOT and staticfiles_storage.exists(relative):
        return Path(staticfiles_storage.path(relative))
    found = finders.find(relative)
    return Path(found) if found else None


# "¶ 7" is one word to the reader: never "¶" at a line's end and "7" on the next.
PILCROW_SPACE = re.compile(r"¶ (?=\d)")


def html_to_pdf(html: str, *, page_css: str = "") -> bytes:
    from weasyprint import CSS, HTML  # imported here: slow to load, and only renders need it

    html = PILCROW_SPACE.sub("¶\u00a0", html)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetch_static)
    stylesheets = [CSS(string=page_css, url_fetcher=fetch_static)] if page_css else []
    # PDF/UA: a tagged PDF with its language and title, so that screen readers can read it.
    return document.write_pdf(stylesheets=stylesheets, pdf_variant="pdf/ua-1")


@functools.cache
def warm_up() -> None:
    """Load, once in a process whose children render (the worker: rendering.py), what every
    render needs and would otherwise load again in each child: WeasyPrint itself, fontconfig
    and the report's fonts, its stylesheets, the report's templates compiled and the current
    questionnaire read. A render in a warm child took 1.6 s here, in a cold one 2.1 s; the
    templates alone take a child's document from 69 ms to 29 ms."""
    stand_in = Assessment(
        country=Country(name="R2P Assess", code="XX"),
        cycle=timezone.now().year,
        instrument_version=CURRENT_VERSION,
    )
    assessment_document(stand_in, {}, language=settings.LANGUAGE_CODE)
    html_to_pdf(
        f'<html lang="en"><head><title>R2P Assess</title><link rel="stylesheet" '
        f'href="{static("css/report.css")}"></head><body><p>¶ 1 Arcadia — 中文 — عربي</p>'
        "</body></html>",
        page_css=margin_css(head="R2P Assess", draft="—", marking="—"),
    )


def css_string(text: str) -> str:
    """`text` as a CSS string literal: anything that could end it or the stylesheet is
    written as a hexadecimal escape."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>&' or ord(char) < 0x20 or ord(char) == 0x7F else char
        for char in text
    )
    return f'"{escaped}"'


ARABIC_FONTS = '"Noto Naskh Arabic", "DejaVu Sans", sans-serif'
PAGE_PLACEHOLDER = re.compile(r"%\((page|pages)\)s")


def margin_css(*, head: str, draft: str | None, marking: str | None = None) -> str:
    """The running head, the security marking, the draft mark and "Page X of Y", in the
    reader's language.

    Plain strings in the page margins, rather than running elements: WeasyPrint lays those
    out again on every page, which cost a sixth of the render time."""
    # Translators may reorder the page numbers; each placeholder becomes a page counter.
    footer = " ".join(
        f"counter({part})" if index % 2 else css_string(part)
        for index, part in enumerate(PAGE_PLACEHOLDER.split(_("Page %(page)s of %(pages)s")))
        if part
    )
    # Right to left, the running head is at the right and the page number at the left, and
    # the margins' words are Arabic, in the typeface the stylesheet sets Arabic in.
    start, end, font = ("left", "right", "")
    if translation.get_language_bidi():
        start, end, font = ("right", "left", f" font-family: {ARABIC_FONTS};")
    rules = [f"@bottom-{start} {{ content: {css_string(head)};{font} }}"]
    if marking:
        rules.append(f"@top-center {{ content: {css_string(marking)};{font} }}")
    if draft:
        rules.append(f"@top-{end} {{ content: {css_string(draft)};{font} }}")
    rules.append(f"@bottom-{end} {{ content: {footer};{font} }}")
    return "@page { " + " ".join(rules) + " }"


# --- What the chapters show --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reference:
    number: int  # numbered through the whole report
    source: Source


@dataclass(frozen=True, slots=True)
class QuestionRow:
    question: Question
    number: str
    asked: bool  # False when skip logic leaves it out, given the answers
    answer: str  # the chosen answer in words ("" for a text question)
    note: str  # "" when the country keeps it out of the report
    citations: tuple[Citation, ...]
    condition: str  # when it is asked only on a condition, which
    anchored: bool  # a link in the report leads to it
    references: tuple[Reference, ...] = ()  # the sources given for the answer, numbered
    confidence: str = ""  # in words; "" when not stated
    differing_view: str = ""  # "" unless the answer is contested


@dataclass(frozen=True, slots=True)
class Chapter:
    number: int
    section: Section
    rows: tuple[QuestionRow, ...]
    citations: tuple[Citation, ...]


def chapters(
    instrument: Instrument,
    responses: Responses,
    *,
    anchored: Collection[str] = (),
    sources: Iterable[Source] = (),
    judgements: Iterable[Judgement] = (),
) -> tuple[Chapter, ...]:
    numbers = question_numbers(instrument)
    values = {key: response.value for key, response in responses.items()}
    given: dict[str, list[Source]] = {}
    for source in sources:
        given.setdefault(source.question_key, []).append(source)
    judged = {judgement.question_key: judgement for judgement in judgements}
    reference_numbers = itertools.count(1)
    found = []
    for position, section in enumerate(instrument.sections, start=1):
        rows = []
        for question in section.questions:
            response = responses.get(question.key, EMPTY)
            rows.append(
                QuestionRow(
                    question=question,
                    number=numbers[question.key],
                    asked=instrument.is_visible(question, values),
                    answer=""
                    if question.kind == "text"
                    else answer_label(question, response.value),
                    # Kept out of the report at the country's request; the summary opens it.
                    note=""
                    if response.keep_out_of_report or question.key == instrument.summary_key
                    else response.note,
                    citations=citations(question, IN_DOCUMENT),
                    condition=_condition(instrument, question, numbers),
                    anchored=question.key in anchored,
                    references=tuple(
                        Reference(next(reference_numbers), source)
                        for source in given.get(question.key, ())
                    ),
                    confidence=judged[question.key].get_confidence_display()
                    if question.key in judged
                    else "",
                    differing_view=judged[question.key].differing_view
                    if question.key in judged and judged[question.key].contested
                    else "",
                )
            )
        cited = tuple(Citation(n, f"#para-{n}") for n in section.paragraphs)
        found.append(Chapter(position, section, tuple(rows), cited))
    return tuple(found)


def _condition(instrument: Instrument, question: Question, numbers: dict[str, str]) -> str:
    if question.show_if is None:
        return ""
    controller = instrument.question(question.show_if.question)
    answers = ", ".join(str(controller.label_for(v)) for v in question.show_if.values)
    return _("Asked only when the answer to %(number)s is: %(answers)s.") % {
        "number": numbers[controller.key],
        "answers": answers,
    }


@dataclass(frozen=True, slots=True)
class Printable:
    """A document ready for WeasyPrint: its HTML and the page-margin rules that go with it."""

    html: str
    page_css: str


def _common(instrument: Instrument, language: str, title: str) -> dict[str, object]:
    return {
        "instrument": instrument,
        "source": instrument.source,
        "language": language,
        "bidi": translation.get_language_bidi(),
        "title": title,
        "generated_at": timezone.now(),
        "appendix": instrument.citations(instrument.cited_paragraphs),
    }


def assessment_document(
    assessment: Assessment, responses: Responses, *, language: str | None = None
) -> Printable:
    language = report_language(language)
    with translation.override(language):
        instrument = get_instrument(assessment.instrument_version)
        names = {"country": assessment.country.name, "cycle": assessment.cycle}
        title = _("%(country)s — %(cycle)s self-assessment") % names
        draft = assessment.status != Assessment.Status.ACCEPTED
        previous = previous_cycle(assessment)
        marking = assessment.get_marking_display().upper()
        results = assessment_results(assessment, instrument, responses, links=IN_DOCUMENT)
        actions = (
            list(assessment.actions.select_related("carried_from__assessment"))
            if assessment.pk
            else []
        )
        context = {
            **_common(instrument, language, title),
            "assessment": assessment,
            "chart_scale": CHART_SCALE,
            "draft": draft,
            "marking": marking,
            "results": results,
            "previous": previous,
            "changes": change_rows(instrument, previous, responses, links=IN_DOCUMENT),
            "plan": action_rows(instrument, actions, links=IN_DOCUMENT),
            "without_action": risks_without_action(results, actions),
            # Only what the profile links to is a destination: each anchor costs render time.
            "chapters": chapters(
                instrument,
                responses,
                anchored={f.question.key for f in results.factors},
                sources=assessment.sources.all() if assessment.pk else (),
                judgements=assessment.judgements.all() if assessment.pk else (),
            ),
        }
        return Printable(
            html=render_to_string("reports/assessment.html", context),
            page_css=margin_css(
                head=title,
                draft=_("DRAFT — not yet accepted") if draft else None,
                marking=marking,
            ),
        )


def previous_cycle(assessment: Assessment) -> Assessment | None:
    """The country's latest earlier assessment, which the report compares this one with (none
    for an assessment that is not stored, which `bench` renders in a process of its own)."""
    if assessment.pk is None:
        return None
    return (
        Assessment.objects.filter(country_id=assessment.country_id, cycle__lt=assessment.cycle)
        .prefetch_related("answers")
        .order_by("-cycle")
        .first()
    )


def questionnaire_document(instrument: Instrument, *, language: str | None = None) -> Printable:
    """The blank questionnaire; `instrument` is in the language asked for (get_instrument)."""
    language = report_language(language)
    with translation.override(language):
        title = _("%(title)s (%(version)s): questionnaire") % {
            "title": instrument.title,
            "version": instrument.version,
        }
        context = {**_common(instrument, language, title), "chapters": chapters(instrument, {})}
        return Printable(
            html=render_to_string("reports/questionnaire.html", context),
            page_css=margin_css(head=title, draft=None),
        )


def render_assessment_pdf(
    assessment: Assessment, responses: Responses | None = None, *, language: str | None = None
) -> bytes:
    """Render the report now (no cache). `responses` default to the stored answers."""
    if responses is None:
        responses = assessment.responses()
    document = assessment_document(assessment, responses, language=language)
    return html_to_pdf(document.html, page_css=document.page_css)


def render_questionnaire_pdf(instrument: Instrument, *, language: str | None = None) -> bytes:
    document = questionnaire_document(instrument, language=language)
    return html_to_pdf(document.html, page_css=document.page_css)


# --- Kept in storage ---------------------------------------------------------------------------


def report_language(language: str | None = None) -> str:
    """The language to render in: the one asked for (or active), if the app offers it and both
    its interface and its questionnaires are translated into it; English, which it is written
    in, otherwise. A half-translated report would mix two languages, and for Arabic set right to
    left, punctuation at the wrong ends: not a document to send anyone."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    try:
        language = translation.get_supported_language_variant(language)
    except LookupError:
        return settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE or _translated_into(language):
        return language
    return settings.LANGUAGE_CODE


def _translated_into(language: str) -> bool:
    locale = translation.to_locale(language)
    return language in translated_languages() and any(
        (Path(folder) / locale / "LC_MESSAGES" / "django.mo").is_file()
        for folder in settings.LOCALE_PATHS
    )


def report_languages() -> list[tuple[str, str]]:
    """The languages a report can be downloaded in, as (code, name in that language)."""
    return [
        (code, translation.get_language_info(code)["name_local"])
        for code, _ in settings.LANGUAGES
        if report_language(code) == code
    ]


@functools.cache
def layout_version() -> str:
    """A digest of everything besides the data that shapes a stored document: the print
    templates, the stylesheet, the modules that build, word and score them, the instruments,
    the translations and WeasyPrint."""
    here = Path(__file__).resolve().parent
    sources = [
        *sorted((Path(settings.BASE_DIR) / "templates" / "reports").glob("*.html")),
        Path(finders.find("css/report.css")),
        *(
            here / module
            for module in ("reports.py", "results.py", "findings.py", "charts.py", "scoring.py")
        ),
        *sorted((here / "instrument").glob("*.py")),
        *sorted((here / "instruments").glob("**/*.toml")),
        *sorted(mo for folder in settings.LOCALE_PATHS for mo in Path(folder).glob("**/*.mo")),
    ]
    digest = hashlib.sha256(package_version("weasyprint").encode())
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    # The fonts the stylesheet names, as fontconfig finds them: a new version draws otherwise.
    for font in font_files():
        stat = font.stat()
        digest.update(f"{font}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:10]


REPORT_FONTS = (
    "DejaVu Sans",
    "DejaVu Sans:bold",
    "WenQuanYi Micro Hei",
    "Noto Naskh Arabic",
    "Noto Naskh Arabic:bold",
)


def font_files() -> list[Path]:
    found = []
    for pattern in REPORT_FONTS:
        try:
            result = subprocess.run(
                ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            continue  # no fontconfig: WeasyPrint could not draw these fonts either
        if result.returncode == 0 and Path(result.stdout).is_file():
            found.append(Path(result.stdout))
    return found


def report_storage_name(assessment: Assessment, language: str) -> str:
    """Named by everything the report is made of: the assessment's revision; a digest of its
    country's name and code and of the earlier cycle it is compared with (which can still
    change while it is a draft); the language; the layout (layout_version)."""
    previous = previous_cycle(assessment)
    compared = f"{previous.pk}.{previous.revision}" if previous else "0"
    data = f"{assessment.country.name}\x1f{assessment.country.code}\x1f{compared}"
    about = hashlib.sha256(data.encode()).hexdigest()[:10]
    name = f"r{assessment.revision}-{about}-{language}-{layout_version()}.pdf"
    return f"{STORAGE_PREFIX}/{assessment.pk}/{name}"


def forget_stored_reports(assessment_pk: int) -> None:
    """Delete every stored copy of an assessment's report: after any change to it, so that
    text erased from a note never survives in a file (services.py calls it on commit)."""
    folder = f"{STORAGE_PREFIX}/{assessment_pk}"
    try:
        _, files = default_storage.listdir(folder)
    except (OSError, NotImplementedError):
        return  # nothing stored yet
    for file in files:
        default_storage.delete(f"{folder}/{file}")


def questionnaire_storage_name(version: str, language: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9.-]+", "_", version)
    return f"{STORAGE_PREFIX}/questionnaires/{safe}-{language}-{layout_version()}.pdf"


def report_filename(assessment: Assessment, language: str) -> str:
    code, cycle, revision = assessment.country.code, assessment.cycle, assessment.revision
    return f"R2P-self-assessment-{code}-{cycle}-r{revision}-{language}.pdf"


def questionnaire_filename(version: str, language: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9.-]+", "-", version).strip("-")
    return f"R2P-self-assessment-questionnaire-{safe}-{language}.pdf"


def stored_report(assessment: Assessment, language: str) -> File | None:
    """The stored report of the assessment's current revision in `language`, if it has been
    rendered (rendering.py renders it, ahead of time)."""
    name = report_storage_name(assessment, language)
    return default_storage.open(name, "rb") if default_storage.exists(name) else None


def keep_report(name: str, pdf: bytes) -> None:
    """Store a rendered report under its name, and forget the copies it replaces."""
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(pdf))
    _forget_other_copies(name)


def questionnaire_report(instrument: Instrument, *, language: str | None = None) -> File:
    language = report_language(language)
    name = questionnaire_storage_name(instrument.version, language)
    return _stored(name, lambda: render_questionnaire_pdf(instrument, language=language))


def _stored(name: str, render: Callable[[], bytes]) -> File:
    """The file kept under `name`, or else what `render` makes, now kept there."""
    storage = default_storage
    if storage.exists(name):
        return storage.open(name, "rb")
    data = render()
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        # Another request rendered the same thing meanwhile: same content, keep one copy.
        storage.delete(saved)
    return ContentFile(data, name=Path(name).name)


STORED_REPORT = re.compile(r"r(\d+)-[0-9a-f]+-.+\.pdf")


def _forget_other_copies(name: str) -> None:
    """Delete the same assessment's stored reports that will never be asked for again: those
    of earlier revisions, since a download always asks for the current one, those compared
    with another state of the earlier cycle, and those of another layout, made before a
    deploy. Copies of this revision in other languages stay."""
    folder, current = name.rsplit("/", 1)
    kept = STORED_REPORT.fullmatch(current)
    compared = current.split("-")[1]
    layout = f"-{layout_version()}.pdf"
    try:
        _, files = default_storage.listdir(folder)
    except (OSError, NotImplementedError):
        return
    for file in files:
        match = STORED_REPORT.fullmatch(file)
        if match is None or file == current:
            continue
        stale = int(match.group(1)) < int(kept.group(1)) or not file.endswith(layout)
        if stale or file.split("-")[1] != compared:
            default_storage.delete(f"{folder}/{file}")
