"""The section page: read, save, autosave, conflicts, validation, skip logic, locking."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.utils.html import escape

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.models import Answer, Assessment, AssessmentEvent
from assessments.scoring import Response
from tests.factories import MembershipFactory, UserFactory, write_summary
from tests.test_session_and_locks import shown_in

INSTRUMENT = get_instrument(CURRENT_VERSION)
SECTION = INSTRUMENT.sections[0]
SECOND = INSTRUMENT.sections[1]
CHOICE_QUESTIONS = [q for q in SECTION.questions if q.kind == "risk" and q.show_if is None]
Q1, Q2 = CHOICE_QUESTIONS[0], CHOICE_QUESTIONS[1]
MEASURE = next(q for q in INSTRUMENT.questions if q.kind == "measure" and q.show_if is None)
SUMMARY = INSTRUMENT.summary_question
NOT_PRIORITY_REFUSED = "Say why this measure is not a priority here: the report gives the reason."


def url(assessment: Assessment, section_key: str = SECTION.key) -> str:
    return f"/assessments/{assessment.country.code}/{assessment.cycle}/sections/{section_key}/"


PAGE_A, PAGE_B = "a" * 32, "b" * 32  # two page loads (two tabs): their writer ids


def form(
    revision: int = 0,
    values: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
    kept_out: tuple[str, ...] = (),
    writer: str = "",
    loaded: dict[str, str] | None = None,
) -> dict[str, str]:
    """The section form's data as a browser sends it (a ticked checkbox sends "on"); `loaded`
    gives the digests the page had, keyed by question."""
    data = {"section_revision": str(revision), "writer": writer}
    for key, digest in (loaded or {}).items():
        data[f"{key}__loaded"] = digest
    for key, value in (values or {}).items():
        data[key] = value
    for key, note in (notes or {}).items():
        data[f"{key}__note"] = note
    for key in kept_out:
        data[f"{key}__keep_out"] = "on"
    return data


def fieldset(html: str, key: str) -> str:
    """The part of a section page that shows one question."""
    start = html.index(f'id="q-{key}"')
    return html[start : html.index("</fieldset>", start)]


def error_at(html: str, field_name: str) -> str:
    """The error shown at one field ("" when there is none)."""
    match = re.search(rf'id="error-{re.escape(field_name)}">(.*?)</div>', html, re.S)
    return unescape(" ".join(match.group(1).split())) if match else ""


def test_anonymous_is_sent_to_login(client, world) -> None:
    response = client.get(url(world.assessment))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_another_country_is_not_found(client, world) -> None:
    client.force_login(world.other_editor)
    assert client.get(url(world.assessment)).status_code == 404
    assert client.post(url(world.assessment), form()).status_code == 404


def test_an_unknown_section_is_not_found(client, world) -> None:
    client.force_login(world.editor)
    assert client.get(url(world.assessment, "no_such_section")).status_code == 404


def test_editor_sees_the_questions_with_citations_and_paragraph_text(client, world) -> None:
    client.force_login(world.editor)
    response = client.get(url(world.assessment))
    html = response.content.decode()
    assert response.status_code == 200
    assert SECTION.title in html
    for question in SECTION.questions:
        assert f'id="q-{question.key}"' in html
    assert "<legend" in html
    number = SECTION.paragraphs[0]
    assert f'<details id="para-{number}"' in html
    assert INSTRUMENT.paragraph(number)[:60] in html
    assert 'name="save_continue"' in html
    assert "data-autosave" in html


def test_editor_saves_and_finds_the_answers_kept(client, world) -> None:
    client.force_login(world.editor)
    data = form(values={Q1.key: "high"}, notes={Q1.key: "Land disputes in the north."})
    response = client.post(url(world.assessment), data)
    assert response.status_code == 302
    answer = Answer.objects.get(assessment=world.assessment, question_key=Q1.key)
    assert (answer.value, answer.note, answer.updated_by) == (
        "high",
        "Land disputes in the north.",
        world.editor,
    )
    html = client.get(url(world.assessment)).content.decode()
    assert re.search(rf'name="{re.escape(Q1.key)}" value="high"[^>]*checked', html)
    assert "Land disputes in the north." in html
    world.assessment.refresh_from_db()
    assert world.assessment.revision == 2
    event = world.assessment.events.get(kind=AssessmentEvent.Kind.ANSWERS_SAVED)
    assert event.user == world.editor
    assert event.detail["changes"] == [
        {"question": Q1.key, "old": "", "new": "high", "note_changed": True}
    ]


def test_save_and_continue_goes_to_the_next_section(client, world) -> None:
    client.force_login(world.editor)
    data = {**form(values={Q1.key: "low"}), "save_continue": ""}
    response = client.post(url(world.assessment), data)
    assert response["Location"] == url(world.assessment, SECOND.key)


def test_autosave_answers_with_a_status_and_the_new_revision(client, world) -> None:
    client.force_login(world.editor)
    response = client.post(
        url(world.assessment), form(values={Q1.key: "moderate"}), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="saved"' in html
    assert "Saved at" in html
    assert 'name="section_revision" value="2"' in html
    assert 'hx-swap-oob="true"' in html
    # The progress line follows what was just saved.
    assert re.search(r'<p id="progress-line"\s+hx-swap-oob="true">', html)
    assert "1 of " in html


def test_an_unchanged_save_writes_nothing(client, world) -> None:
    client.force_login(world.editor)
    client.post(url(world.assessment), form(values={Q1.key: "low"}))
    client.post(url(world.assessment), form(revision=2, values={Q1.key: "low"}))
    world.assessment.refresh_from_db()
    assert world.assessment.revision == 2
    assert world.assessment.events.filter(kind=AssessmentEvent.Kind.ANSWERS_SAVED).count() == 1


def test_questions_the_post_does_not_carry_keep_their_answers(client, world) -> None:
    client.force_login(world.editor)
    client.post(url(world.assessment), form(values={Q1.key: "low", Q2.key: "high"}))
    client.post(url(world.assessment), form(revision=2, values={Q1.key: "moderate"}))
    answers = dict(world.assessment.answers.values_list("question_key", "value"))
    assert answers == {Q1.key: "moderate", Q2.key: "high"}


def test_an_unknown_choice_is_refused_at_its_field_and_the_typed_text_kept(client, world) -> None:
    client.force_login(world.editor)
    data = form(
        values={Q1.key: "catastrophic", Q2.key: "low"},
        notes={Q1.key: "My long careful note", Q2.key: "Second note"},
    )
    response = client.post(url(world.assessment), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose one of the answers offered for this question." in html
    assert f'href="#q-{Q1.key}"' in html
    assert "My long careful note" in html
    assert "Second note" in html
    assert not Answer.objects.exists()


def test_a_note_over_5000_characters_is_refused_and_kept_on_screen(client, world) -> None:
    client.force_login(world.editor)
    long_note = "evidence " * 600
    response = client.post(url(world.assessment), form(notes={Q1.key: long_note}))
    html = response.content.decode()
    assert "at most 5000 characters" in html
    assert long_note.strip() in html
    assert not Answer.objects.exists()


def test_invalid_autosave_says_not_saved(client, world) -> None:
    client.force_login(world.editor)
    response = client.post(
        url(world.assessment), form(values={Q1.key: "nonsense"}), HTTP_HX_REQUEST="true"
    )
    assert 'data-state="invalid"' in response.content.decode()
    assert not Answer.objects.exists()


def test_a_stale_save_is_refused_with_their_values_and_mine_shown(client, world) -> None:
    services.save_answers(
        assessment=world.assessment,
        section_key=SECTION.key,
        responses={Q1.key: Response("high", "Their evidence")},
        user=_second_editor(world),
        expected_revision=0,
    )
    client.force_login(world.editor)
    # The editor loaded the section before that save (revision 0) and typed their own answer.
    response = client.post(
        url(world.assessment),
        form(values={Q1.key: "low"}, notes={Q1.key: "My own evidence"}, writer=PAGE_A),
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Not saved: these answers were also changed on another page" in html
    assert "Also changed by" in fieldset(html, Q1.key)
    assert "Their evidence" in html
    assert "My own evidence" in html
    assert Answer.objects.get(question_key=Q1.key).value == "high"
    # The form now carries the current revision and their answer as seen: saving again keeps
    # mine.
    assert 'name="section_revision" value="2"' in html
    theirs = Response("high", "Their evidence").digest
    assert f'name="{Q1.key}__loaded" id="loaded-{Q1.key}" value="{theirs}"' in html
    client.post(
        url(world.assessment),
        form(
            revision=2,
            values={Q1.key: "low"},
            notes={Q1.key: "My own evidence"},
            writer=PAGE_A,
            loaded={Q1.key: theirs},
        ),
    )
    assert Answer.objects.get(question_key=Q1.key).value == "low"


def test_a_stale_autosave_reports_the_conflict(client, world) -> None:
    services.save_answers(
        assessment=world.assessment,
        section_key=SECTION.key,
        responses={Q1.key: Response("high", "")},
        user=_second_editor(world),
        expected_revision=0,
    )
    client.force_login(world.editor)
    response = client.post(
        url(world.assessment), form(values={Q1.key: "low"}), HTTP_HX_REQUEST="true"
    )
    assert 'data-state="conflict"' in response.content.decode()
    assert Answer.objects.get(question_key=Q1.key).value == "high"


def test_a_page_never_conflicts_with_its_own_saves(client, world) -> None:
    """An autosave in flight and a click on Save, from the same page load, are one writer."""
    client.force_login(world.editor)
    client.post(
        url(world.assessment), form(values={Q1.key: "low"}, writer=PAGE_A), HTTP_HX_REQUEST="true"
    )
    # A click on Save from the page still carrying revision 0.
    response = client.post(url(world.assessment), form(values={Q1.key: "high"}, writer=PAGE_A))
    assert response.status_code == 302
    assert Answer.objects.get(question_key=Q1.key).value == "high"


def test_the_same_person_in_two_tabs_gets_a_conflict_not_a_silent_overwrite(client, world):
    """Tab B saves 2.1; tab A, stale, autosaves the same question: it is shown, not lost."""
    client.force_login(world.editor)
    empty = Response().digest
    client.post(
        url(world.assessment),
        form(values={Q1.key: "low"}, notes={Q1.key: "Typed in tab B"}, writer=PAGE_B),
    )
    response = client.post(
        url(world.assessment),
        form(
            values={Q1.key: "high"},
            notes={Q1.key: "Typed in tab A"},
            writer=PAGE_A,
            loaded={Q1.key: empty},
        ),
        HTTP_HX_REQUEST="true",
    )
    assert 'data-state="conflict"' in response.content.decode()
    assert Answer.objects.get(question_key=Q1.key).note == "Typed in tab B"


def test_questions_this_page_did_not_change_are_never_written_back(client, world) -> None:
    """A colleague answered 1.3 after this page loaded; this page changed only 1.2: both
    stand, and the page is told that 1.3 changed."""
    colleague = _second_editor(world)
    empty = Response().digest
    services.save_answers(
        assessment=world.assessment,
        section_key=SECTION.key,
        responses={Q2.key: Response("high", "Their note")},
        user=colleague,
        expected_revision=0,
    )
    client.force_login(world.editor)
    # The stale page still shows 1.3 empty, and sends it as it loaded it.
    response = client.post(
        url(world.assessment),
        form(
            values={Q1.key: "low", Q2.key: ""},
            notes={Q1.key: "Mine", Q2.key: ""},
            writer=PAGE_A,
            loaded={Q1.key: empty, Q2.key: empty},
        ),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'data-state="saved"' in html
    number = html_number(Q2)
    assert f"Another page changed question {number} meanwhile" in html
    answers = {a.question_key: (a.value, a.note) for a in world.assessment.answers.all()}
    assert answers == {Q1.key: ("low", "Mine"), Q2.key: ("high", "Their note")}
    # The page's digests follow what it now holds.
    mine = Response("low", "Mine").digest
    assert f'id="loaded-{Q1.key}" value="{mine}" hx-swap-oob="true"' in html


def test_a_conflict_shows_what_changed_only_elsewhere_as_it_was_saved(client, world) -> None:
    colleague = _second_editor(world)
    empty = Response().digest
    services.save_answers(
        assessment=world.assessment,
        section_key=SECTION.key,
        responses={Q1.key: Response("high", "Theirs 1"), Q2.key: Response("low", "Theirs 2")},
        user=colleague,
        expected_revision=0,
    )
    client.force_login(world.editor)
    response = client.post(
        url(world.assessment),
        form(
            values={Q1.key: "moderate", Q2.key: ""},
            notes={Q1.key: "Mine 1", Q2.key: ""},
            writer=PAGE_A,
            loaded={Q1.key: empty, Q2.key: empty},
        ),
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Mine 1" in fieldset(html, Q1.key)  # mine kept on screen, theirs beside it
    assert "Also changed by" in fieldset(html, Q1.key)
    q2 = fieldset(html, Q2.key)
    assert "Theirs 2" in q2 and "while this page was open" in q2
    assert re.search(rf'value="low" id="{re.escape(Q2.key)}-low"[^>]*checked', q2)


def html_number(question) -> str:
    position = INSTRUMENT.sections.index(INSTRUMENT.section(question.section_key)) + 1
    index = INSTRUMENT.section(question.section_key).questions.index(question) + 1
    return f"{position}.{index}"


def test_saves_to_different_sections_never_conflict(client, world) -> None:
    other = next(q for q in SECOND.questions if q.kind != "text")
    services.save_answers(
        assessment=world.assessment,
        section_key=SECOND.key,
        responses={other.key: Response(other.choice_values[0], "")},
        user=_second_editor(world),
        expected_revision=0,
    )
    client.force_login(world.editor)
    response = client.post(url(world.assessment), form(values={Q1.key: "low"}))
    assert response.status_code == 302
    assert Answer.objects.get(question_key=Q1.key).value == "low"


def test_viewer_reads_without_a_form_and_cannot_post(client, world) -> None:
    services.save_answers(
        assessment=world.assessment,
        section_key=SECTION.key,
        responses={Q1.key: Response("high", "Seen by the viewer")},
        user=world.editor,
        expected_revision=0,
    )
    client.force_login(world.viewer)
    html = client.get(url(world.assessment)).content.decode()
    assert "Seen by the viewer" in html
    assert re.search(r"<dd>\s*High\s*</dd>", html)
    assert 'type="radio"' not in html
    assert 'name="save"' not in html
    assert "data-autosave" not in html
    assert client.post(url(world.assessment), form(values={Q1.key: "low"})).status_code == 403
    assert Answer.objects.get(question_key=Q1.key).value == "high"


def test_reviewer_reads_any_country_but_cannot_post(client, world) -> None:
    client.force_login(world.reviewer)
    assert client.get(url(world.other_assessment)).status_code == 404  # a draft: national
    Assessment.objects.filter(pk=world.other_assessment.pk).update(status="submitted")
    assert client.get(url(world.other_assessment)).status_code == 200
    response = client.post(url(world.other_assessment), form(values={Q1.key: "low"}))
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_a_submitted_assessment_is_locked(client, world) -> None:
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    client.force_login(world.editor)
    html = client.get(url(world.assessment)).content.decode()
    assert "Submitted for review on" in html
    assert 'type="radio"' not in html
    assert "__keep_out" not in html
    assert client.post(url(world.assessment), form(values={Q1.key: "low"})).status_code == 403
    assert not Answer.objects.filter(question_key=Q1.key).exists()


def test_a_returned_assessment_is_editable_again(client, world) -> None:
    Assessment.objects.filter(pk=world.assessment.pk).update(status=Assessment.Status.RETURNED)
    client.force_login(world.editor)
    assert client.post(url(world.assessment), form(values={Q1.key: "low"})).status_code == 302


def test_a_note_kept_out_of_the_report_is_saved_and_shown_ticked(client, world) -> None:
    client.force_login(world.editor)
    html = client.get(url(world.assessment)).content.decode()
    assert "Keep this note out of the report" in fieldset(html, Q1.key)
    assert not re.search(rf'name="{re.escape(Q1.key)}__keep_out"[^>]*checked', html)
    data = form(
        values={Q1.key: "moderate", Q2.key: "low"},
        notes={Q1.key: "Names the community concerned.", Q2.key: "Public survey."},
        kept_out=(Q1.key,),
    )
    assert client.post(url(world.assessment), data).status_code == 302
    kept = dict(world.assessment.answers.values_list("question_key", "keep_out_of_report"))
    assert kept == {Q1.key: True, Q2.key: False}
    html = client.get(url(world.assessment)).content.decode()
    assert re.search(rf'name="{re.escape(Q1.key)}__keep_out"[^>]*checked', html)
    assert not re.search(rf'name="{re.escape(Q2.key)}__keep_out"[^>]*checked', html)
    event = world.assessment.events.get(kind=AssessmentEvent.Kind.ANSWERS_SAVED)
    assert event.detail["changes"][0] == {
        "question": Q1.key,
        "old": "",
        "new": "moderate",
        "note_changed": True,
        "keep_out_of_report": True,
    }
    # Unticked (a browser then sends nothing for the box): the note is back in the report.
    data = form(
        revision=2, values={Q1.key: "moderate"}, notes={Q1.key: "Names the community concerned."}
    )
    assert client.post(url(world.assessment), data).status_code == 302
    assert not Answer.objects.get(question_key=Q1.key).keep_out_of_report


def test_a_viewer_sees_which_note_is_kept_out(client, world) -> None:
    services.save_answers(
        assessment=world.assessment,
        section_key=SECTION.key,
        responses={
            Q1.key: Response("high", "Sensitive detail", keep_out_of_report=True),
            Q2.key: Response("low", "Public detail"),
        },
        user=world.editor,
        expected_revision=0,
    )
    client.force_login(world.viewer)
    html = client.get(url(world.assessment)).content.decode()
    assert "Sensitive detail" in fieldset(html, Q1.key)
    assert "Kept out of the report." in fieldset(html, Q1.key)
    assert "Kept out of the report." not in fieldset(html, Q2.key)


def test_the_summary_has_no_keep_out_box_and_cannot_be_kept_out(client, world) -> None:
    client.force_login(world.editor)
    # Every other note has one, text answers included.
    text = next(q for q in INSTRUMENT.questions if q.kind == "text" and q.key != SUMMARY.key)
    html = client.get(url(world.assessment, text.section_key)).content.decode()
    assert "Keep this note out of the report" in fieldset(html, text.key)
    html = client.get(url(world.assessment, SUMMARY.section_key)).content.decode()
    assert f"{SUMMARY.key}__note" in html
    assert f"{SUMMARY.key}__keep_out" not in html
    assert "Keep this note out of the report" not in fieldset(html, SUMMARY.key)
    # A forged box is ignored: the summary is the report's first word.
    data = form(notes={SUMMARY.key: "Our judgement."}, kept_out=(SUMMARY.key,))
    assert client.post(url(world.assessment, SUMMARY.section_key), data).status_code == 302
    answer = Answer.objects.get(question_key=SUMMARY.key)
    assert (answer.note, answer.keep_out_of_report) == ("Our judgement.", False)


def test_not_a_priority_needs_its_reason_in_the_note(client, world) -> None:
    client.force_login(world.editor)
    page = url(world.assessment, MEASURE.section_key)
    note = f"{MEASURE.key}__note"
    assert "Not a priority here" in fieldset(client.get(page).content.decode(), MEASURE.key)
    response = client.post(
        page, form(values={MEASURE.key: "not_priority"}, notes={MEASURE.key: "  "})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert error_at(html, note) == NOT_PRIORITY_REFUSED
    assert error_at(html, MEASURE.key) == ""
    assert f'href="#q-{MEASURE.key}"' in html
    assert not Answer.objects.exists()
    # An autosave is refused alike.
    response = client.post(page, form(values={MEASURE.key: "not_priority"}), HTTP_HX_REQUEST="true")
    assert 'data-state="invalid"' in response.content.decode()
    assert not Answer.objects.exists()
    reason = "Handled by the regional body under a treaty of 2019."
    data = form(values={MEASURE.key: "not_priority"}, notes={MEASURE.key: reason})
    assert client.post(page, data).status_code == 302
    answer = Answer.objects.get(question_key=MEASURE.key)
    assert (answer.value, answer.note) == ("not_priority", reason)


def test_a_summary_over_300_words_is_refused_with_the_count_and_kept(client, world) -> None:
    client.force_login(world.editor)
    page = url(world.assessment, SUMMARY.section_key)
    typed = " ".join(f"word{n}" for n in range(301))
    response = client.post(page, form(notes={SUMMARY.key: typed}))
    html = response.content.decode()
    assert response.status_code == 200
    assert error_at(html, f"{SUMMARY.key}__note") == "Keep it to 300 words: this has 301."
    assert typed in html
    assert not Answer.objects.exists()
    exactly = " ".join(f"word{n}" for n in range(300))
    assert client.post(page, form(notes={SUMMARY.key: exactly})).status_code == 302
    assert Answer.objects.get(question_key=SUMMARY.key).note == exactly


def test_in_chinese_each_character_counts_as_a_word(client, world) -> None:
    client.force_login(world.editor)
    page = url(world.assessment, SUMMARY.section_key)
    typed = "国家" * 150 + "评估"  # no spaces: 302 characters
    response = client.post(page, form(notes={SUMMARY.key: typed}))
    assert error_at(response.content.decode(), f"{SUMMARY.key}__note") == (
        "Keep it to 300 words: this has 302."
    )
    within = "国家" * 140 + " UN Framework of Analysis"  # 280 characters and 4 words
    assert client.post(page, form(notes={SUMMARY.key: within})).status_code == 302


def test_the_summary_section_shows_its_prompts_and_limit(client, world) -> None:
    client.force_login(world.editor)
    html = client.get(url(world.assessment, SUMMARY.section_key)).content.decode()
    shown = fieldset(html, SUMMARY.key)
    assert SUMMARY.prompts
    for prompt in SUMMARY.prompts:
        assert f"<li>{escape(prompt)}</li>" in shown
    assert "At most 300 words." in shown


def test_each_citation_shows_the_summarys_phrase_and_the_basis(client, world) -> None:
    client.force_login(world.editor)
    html = client.get(url(world.assessment)).content.decode()
    shown = [q for q in SECTION.questions if q.support]
    assert shown
    for question in shown:
        part = fieldset(html, question.key)
        for number, phrase in question.support:
            assert re.search(rf"¶\xa0{number}</a>\s*<q>{re.escape(escape(phrase))}</q>", part), (
                question.key,
                number,
            )
        assert escape(question.provenance) in part
    stated = next(q for q in SECTION.questions if q.basis == "stated" and not q.other_source)
    assert "· Stated in the summary" in " ".join(fieldset(html, stated.key).split())


def _dependent_question():
    for question in INSTRUMENT.questions:
        if (
            question.show_if
            and question.section_key != INSTRUMENT.question(question.show_if.question).section_key
        ):
            return question
    return next(q for q in INSTRUMENT.questions if q.show_if)


def test_skip_logic_hides_a_question_until_its_condition_holds(client, world) -> None:
    dependent = _dependent_question()
    controller = INSTRUMENT.question(dependent.show_if.question)
    hiding = next(v for v in controller.choice_values if v not in dependent.show_if.values)
    showing = dependent.show_if.values[0]
    client.force_login(world.editor)
    page = url(world.assessment, dependent.section_key)

    def fieldset() -> str:
        html = client.get(page).content.decode()
        start = html.index(f'id="q-{dependent.key}"')
        return html[start : html.index(">", start)]

    def answer(value: str) -> None:
        services.save_answers(
            assessment=world.assessment,
            section_key=controller.section_key,
            responses={controller.key: Response(value, "")},
            user=world.editor,
            expected_revision=world.assessment.revision,
        )

    answer(hiding)
    assert "hidden" in fieldset()
    answer(showing)
    assert "hidden" not in fieldset()


@pytest.mark.parametrize("answered", [0, 1, "all"])
def test_section_get_and_post_use_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries, answered
) -> None:
    questions = [q for q in INSTRUMENT.questions if q.kind != "text"]
    count = len(questions) if answered == "all" else answered
    for question in questions[:count]:
        Answer.objects.create(
            assessment=world.assessment, question_key=question.key, value=question.choice_values[0]
        )
    client.force_login(world.editor)
    # Signing in lands on the dashboard: the session's first request reads the person's time
    # zone once (assessments.middleware.TimeZoneMiddleware).
    client.get("/")
    with django_assert_max_num_queries(8):
        client.get(url(world.assessment))
    data = form(
        revision=0,
        values={q.key: q.choice_values[-1] for q in SECTION.questions if q.kind != "text"},
        notes={q.key: "changed" for q in SECTION.questions},
    )
    # Of these, three queue the report's render ahead of time (the renders' rows, the new
    # one, the next cycle's assessment): a constant.
    with django_assert_max_num_queries(15):
        response = client.post(url(world.assessment), data)
    assert response.status_code == 302


def _second_editor(world):
    return MembershipFactory(country=world.arcadia, user=UserFactory(username="deputy")).user


def test_the_last_section_saves_then_opens_the_review_and_submit_page(client, world) -> None:
    last = INSTRUMENT.sections[-1]
    client.force_login(world.editor)
    html = client.get(url(world.assessment, last.key)).content.decode()
    assert 'name="save_review"' in html and 'name="save_continue"' not in html
    data = {**form(), "save_review": ""}
    response = client.post(url(world.assessment, last.key), data)
    assert response["Location"] == "/assessments/XA/2026/submit/"


def test_a_page_has_its_own_writer_id_and_each_question_its_loaded_digest(client, world) -> None:
    services.save_answers(
        assessment=world.assessment,
        section_key=SECTION.key,
        responses={Q1.key: Response("high", "Saved before")},
        user=world.editor,
        expected_revision=0,
    )
    client.force_login(world.editor)
    first = client.get(url(world.assessment)).content.decode()
    second = client.get(url(world.assessment)).content.decode()
    writer = re.compile(r'name="writer" value="([0-9a-f]{32})"')
    assert writer.search(first).group(1) != writer.search(second).group(1)
    digest = Response("high", "Saved before").digest
    assert f'name="{Q1.key}__loaded" id="loaded-{Q1.key}" value="{digest}"' in first
    assert f'name="{Q2.key}__loaded" id="loaded-{Q2.key}" value="{Response().digest}"' in first


def test_notes_count_their_characters_and_answers_can_be_cleared(client, world) -> None:
    services.save_answers(
        assessment=world.assessment,
        section_key=SECTION.key,
        responses={Q1.key: Response("high", "Twelve chars")},
        user=world.editor,
        expected_revision=0,
    )
    client.force_login(world.editor)
    html = fieldset(client.get(url(world.assessment)).content.decode(), Q1.key)
    assert "12 of 5000 characters" in html
    assert f'data-clear-answer="{Q1.key}"' in html
    assert 'dir="auto"' in html
    # Cleared: the answer is saved as none, the note kept.
    client.post(
        url(world.assessment), form(revision=2, values={Q1.key: ""}, notes={Q1.key: "Twelve chars"})
    )
    answer = Answer.objects.get(question_key=Q1.key)
    assert (answer.value, answer.note) == ("", "Twelve chars")


def test_a_page_kept_for_its_revision_follows_every_change_and_each_readers_rights(
    client, world
) -> None:
    """A fresh page's questions are kept for the assessment's revision (presenters.kept_as):
    after a save, a comment or a reply, the page shows it; a reader who may not edit never
    gets the editor's kept form; each page load still has a writer id of its own."""
    client.force_login(world.editor)
    first = client.get(url(world.assessment)).content.decode()
    assert 'value="high"' in fieldset(first, Q1.key) and "checked" not in fieldset(first, Q1.key)
    services.save_answers(
        assessment=world.assessment,
        section_key=SECTION.key,
        responses={Q1.key: Response("high", "Seen in the census tables")},
        user=_second_editor(world),
        expected_revision=0,
    )
    saved = client.get(url(world.assessment)).content.decode()
    assert re.search(r'value="high"[^>]*checked', fieldset(saved, Q1.key))
    assert "Seen in the census tables" in fieldset(saved, Q1.key)
    comment = services.add_comment(
        assessment=world.assessment,
        user=world.reviewer,
        question_key=Q1.key,
        text="Which census?",
    )
    commented = client.get(url(world.assessment)).content.decode()
    assert "Which census?" in fieldset(commented, Q1.key)
    services.reply_to_comment(comment=comment, user=world.editor, reply="2020", resolved=True)
    replied = client.get(url(world.assessment)).content.decode()
    assert "2020" in fieldset(replied, Q1.key) and "Resolved" in fieldset(replied, Q1.key)
    writers = re.findall(r'name="writer" value="([0-9a-f]{32})"', commented + replied)
    assert len(set(writers)) == 2
    # Each reader's own time zone, as their browser gives it.
    when = Answer.objects.get(question_key=Q1.key).updated_at
    client.cookies["r2p_tz"] = "America/Lima"
    lima = client.get(url(world.assessment)).content.decode()
    assert shown_in("America/Lima", when) in fieldset(lima, Q1.key)
    assert shown_in("UTC", when) in fieldset(replied, Q1.key)
    client.force_login(world.viewer)
    read_only = client.get(url(world.assessment)).content.decode()
    assert f'name="{Q1.key}"' not in read_only
    assert "Seen in the census tables" in fieldset(read_only, Q1.key)
