"""What is handed out as a spreadsheet: an assessment as a workbook (export.xlsx), the
secretariat's list of assessments (CSV), and the rule both follow, that no cell is ever a
formula.

A spreadsheet program runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
return before one) as a formula, and a note or a source's title is whatever someone typed:
each such text is written with an apostrophe before it (`safe_text`), and every cell is set as
text, never as a formula. The workbook says what the results page and the PDF say, in their
words (results.py): the answer in words, the paragraphs cited with the summary's phrase for
who said it, where the question comes from; a note kept out of the report is left out here
too, with a mark that says so (the JSON export has it).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Sequence

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from assessments import lists
from assessments.exports import ordered_actions, ordered_sources
from assessments.instrument import TEXT, Instrument, get_instrument
from assessments.models import Action, Answer, Assessment, Judgement, Source
from assessments.results import IN_DOCUMENT, Citation, answer_label, citations, question_numbers
from assessments.scoring import EMPTY, Response, information_gaps, overall_progress

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CELL_MAX_CHARS = 32767  # what a spreadsheet cell holds


def safe_text(value: object) -> str:
    """`value` as text that a spreadsheet shows and never runs: one that starts like a
    formula, or does after blank space, gets an apostrophe first."""
    text = "" if value is None else str(value)
    if text[:1] in FORMULA_STARTS or text.lstrip()[:1] in FORMULA_STARTS:
        return f"'{text}"
    return text


def cell_text(value: object) -> str:
    """`safe_text` as an XLSX cell can hold it: without the control characters the format
    forbids (each shown as �), and cut at a cell's limit."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", "" if value is None else str(value))
    if len(text) > CELL_MAX_CHARS - 2:
        text = text[: CELL_MAX_CHARS - 2] + "…"
    return safe_text(text)


def citation_text(found: Iterable[Citation]) -> str:
    """`¶ 5 “phrase”; ¶ 7`, as the results page and the PDF cite."""
    return lists.semicolons(
        f"¶ {c.number} “{c.phrase}”" if c.phrase else f"¶ {c.number}" for c in found
    )


def _label(model: type, name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _day(value: object) -> str:
    return value.isoformat() if value is not None else ""


def _source_line(source: Source) -> str:
    """A source as the PDF lists it: title, issuer, kind and date; its link; its file."""
    parts = [source.get_kind_display()] + ([_day(source.issued)] if source.issued else [])
    line = f"{source.title} — {source.issuer} ({', '.join(parts)})."
    if source.url:
        line += f" {source.url}"
    if source.file:
        line += " " + _("File %(name)s, SHA-256 %(digest)s") % {
            "name": source.file_name,
            "digest": source.sha256,
        }
    return line


# The assessment as a workbook ---------------------------------------------------------------

_WRAP = Alignment(wrap_text=True, vertical="top")
_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")


def _sheet(book: Workbook, title: str, header: Sequence[str], widths: Sequence[int]) -> Worksheet:
    sheet = book.create_sheet(_SHEET_TITLE.sub(" ", title)[:31])
    _row(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip(sheet.iter_cols(min_row=1, max_row=1), widths, strict=True):
        sheet.column_dimensions[column[0].column_letter].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _row(sheet: Worksheet, values: Iterable[object]) -> None:
    sheet.append([cell_text(value) for value in values])
    for cell in sheet[sheet.max_row]:
        cell.data_type = "s"  # text, whatever it looks like: never a formula
        cell.alignment = _WRAP


def assessment_workbook(assessment: Assessment) -> bytes:
    """The assessment as an XLSX workbook: "Answers", one row per question of its
    questionnaire in order; "Actions", the action plan; "Sources", the evidence."""
    instrument = get_instrument(assessment.instrument_version)
    numbers = question_numbers(instrument)
    responses = assessment.responses()
    judged = {j.question_key: j for j in Judgement.objects.filter(assessment=assessment)}
    sources = ordered_sources(assessment, instrument)
    given: dict[str, list[Source]] = {}
    for source in sources:
        given.setdefault(source.question_key, []).append(source)

    book = Workbook()
    book.remove(book.active)
    answers = _sheet(
        book,
        _("Answers"),
        [
            _("Number"),
            _("Section"),
            _("Question"),
            _("Answer"),
            _("Note"),
            _("Confidence"),
            _("Contested: whose view differs"),
            pgettext("documents cited as evidence for an answer", "Sources"),
            _("Paragraphs cited"),
            _("Strength of support"),
        ],
        [8, 24, 50, 24, 60, 12, 30, 50, 40, 30],
    )
    values = {key: response.value for key, response in responses.items()}
    for section in instrument.sections:
        for question in section.questions:
            response = responses.get(question.key, EMPTY)
            judgement = judged.get(question.key)
            _row(
                answers,
                [
                    numbers[question.key],
                    section.title,
                    question.text,
                    _answer(instrument, question, response, values),
                    _("Kept out of the report at the country's request.")
                    if response.keep_out_of_report and response.note
                    else response.note,
                    judgement.get_confidence_display() if judgement else "",
                    _contested(judgement),
                    "\n".join(_source_line(s) for s in given.get(question.key, ())),
                    citation_text(citations(question, IN_DOCUMENT)),
                    question.provenance,
                ],
            )

    actions = _sheet(
        book,
        _("Actions"),
        [
            _("Number"),
            *(_label(Action, name) for name in ("what", "lead", "due", "status", "reason")),
            _label(Action, "indicator"),
            _label(Action, "questions"),
            _("Carried from the cycle"),
            _label(Action, "to_confirm"),
        ],
        [8, 50, 30, 12, 12, 30, 40, 40, 12, 10],
    )
    for position, action in enumerate(ordered_actions(assessment), start=1):
        origin = action.carried_from
        _row(
            actions,
            [
                position,
                action.what,
                action.lead,
                _day(action.due),
                action.get_status_display(),
                action.reason,
                action.indicator,
                lists.semicolons(
                    _question_title(instrument, numbers, key) for key in action.questions
                ),
                origin.assessment.cycle if origin is not None else "",
                _("Yes") if action.to_confirm else "",
            ],
        )

    evidence = _sheet(
        book,
        pgettext("documents cited as evidence for an answer", "Sources"),
        [
            _("Question"),
            *(_label(Source, name) for name in ("title", "issuer", "kind", "issued", "url")),
            _label(Source, "file_name"),
            pgettext("a file's media type (MIME)", "Type"),
            _("Size (bytes)"),
            _label(Source, "sha256"),
        ],
        [30, 40, 30, 20, 12, 40, 30, 20, 12, 66],
    )
    for source in sources:
        _row(
            evidence,
            [
                _question_title(instrument, numbers, source.question_key),
                source.title,
                source.issuer,
                source.get_kind_display(),
                _day(source.issued),
                source.url,
                source.file_name if source.file else "",
                source.content_type if source.file else "",
                source.size if source.file and source.size is not None else "",
                source.sha256 if source.file else "",
            ],
        )
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _answer(instrument: Instrument, question: object, response: Response, values: dict) -> str:
    if not instrument.is_visible(question, values):
        return _("Not asked: skip logic leaves it out, given the answers.")
    if question.kind == TEXT:
        return "" if response.note.strip() else _("Not answered")
    return answer_label(question, response.value)


def _contested(judgement: Judgement | None) -> str:
    if judgement is None or not judgement.contested:
        return ""
    if not judgement.differing_view:
        return _("Contested")
    return _("Contested: %(view)s") % {"view": judgement.differing_view}


def _question_title(instrument: Instrument, numbers: dict[str, str], key: str) -> str:
    try:
        return f"{numbers[key]} {instrument.question(key).title}"
    except KeyError:
        return key


# The secretariat's list ---------------------------------------------------------------------

SECRETARIAT_CHUNK = 100  # assessments whose answers are read at once


def secretariat_header() -> list[str]:
    return [
        _("Country"),
        _("Code"),
        _("Regional group"),
        _("Cycle"),
        pgettext("an assessment's status", "Status"),
        pgettext("spreadsheet column: the date an assessment was submitted", "Submitted"),
        pgettext("spreadsheet column: the date an assessment was accepted", "Accepted"),
        _("Questions answered"),
        _("Questions asked"),
        _("Information gaps"),
        _("Open actions"),
    ]


def secretariat_rows(assessments: QuerySet[Assessment]) -> Iterator[list[str]]:
    """A row per assessment, in the order of the countries' names (then the newest cycle
    first): never by progress or any figure, which would rank countries; and no risk figure.
    Information gaps (required questions answered "Don't know", or not at all) are counted
    from the answers, read a chunk of assessments at a time, so that memory stays flat
    however many States there are."""
    assessments = (
        assessments.select_related("country")
        .annotate(open_actions=Count("actions", filter=Q(actions__status__in=Action.OPEN)))
        .order_by("country__name", "-cycle")
    )
    start = 0
    while chunk := list(assessments[start : start + SECRETARIAT_CHUNK]):
        start += SECRETARIAT_CHUNK
        answers: dict[int, dict[str, Response]] = {a.pk: {} for a in chunk}
        fields = ("assessment_id", "question_key", "value", "note", "keep_out_of_report")
        for answer in Answer.objects.filter(assessment__in=answers).only(*fields):
            answers[answer.assessment_id][answer.question_key] = answer.response()
        for assessment in chunk:
            instrument = get_instrument(assessment.instrument_version)
            responses = answers[assessment.pk]
            progress = overall_progress(instrument, responses)
            yield [
                safe_text(value)
                for value in (
                    assessment.country.name,
                    assessment.country.code,
                    assessment.country.get_region_display(),
                    assessment.cycle,
                    assessment.get_status_display(),
                    _local_day(assessment.submitted_at),
                    _local_day(assessment.accepted_at),
                    progress.answered,
                    progress.total,
                    len(information_gaps(instrument, responses)),
                    assessment.open_actions,
                )
            ]


def _local_day(value: object) -> str:
    return timezone.localtime(value).date().isoformat() if value is not None else ""
