from __future__ import annotations

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.scoring import Response
from tests.factories import MembershipFactory, UserFactory, write_summary

INSTRUMENT = get_instrument(CURRENT_VERSION)
URL = "/assessments/XA/2026/history/"
QUESTION = next(q for q in INSTRUMENT.questions if q.kind == "risk")


def save(assessment, user, value: str) -> None:
    services.save_answers(
        assessment=assessment,
        section_key=QUESTION.section_key,
        responses={QUESTION.key: Response(value, f"note {value}")},
        user=user,
        expected_revision=10**6,
    )


def test_it_shows_who_changed_what_from_what(client, world) -> None:
    deputy = MembershipFactory(country=world.arcadia, user=UserFactory(username="deputy")).user
    save(world.assessment, world.editor, "low")
    save(world.assessment, deputy, "high")
    write_summary(world.assessment)
    services.submit(assessment=world.assessment, user=world.editor)
    client.force_login(world.viewer)
    html = client.get(URL).content.decode()
    assert "Submitted for review" in html
    assert QUESTION.text in html
    assert '<span class="text-decoration-line-through">Low</span> → <strong>High</strong>' in html
    assert "note edited" in html
    assert "focal" in html
    assert "deputy" in html
    # The note itself is not in the record.
    assert "note high" not in html


def test_one_persons_run_of_autosaves_is_one_entry(client, world) -> None:
    for value in ("low", "moderate", "high"):
        save(world.assessment, world.editor, value)
    client.force_login(world.editor)
    html = client.get(URL).content.decode()
    assert html.count("Answers saved") == 1
    assert (
        '<span class="text-decoration-line-through">no answer</span> → <strong>High</strong>'
        in html
    )


def test_it_shows_the_marking_the_links_and_notes_kept_out(client, world) -> None:
    services.save_answers(
        assessment=world.assessment,
        section_key=QUESTION.section_key,
        responses={QUESTION.key: Response("low", "A sensitive note", keep_out_of_report=True)},
        user=world.editor,
        expected_revision=0,
    )
    services.set_marking(assessment=world.assessment, marking="confidential", user=world.editor)
    link = {"risk_key": "risk.singling_out", "measure_key": "measure.early_warning"}
    reason = "A reason that stays on the results page."
    services.dismiss_link(assessment=world.assessment, reason=reason, user=world.editor, **link)
    services.restore_link(assessment=world.assessment, user=world.editor, **link)
    client.force_login(world.viewer)
    html = " ".join(client.get(URL).content.decode().split())
    assert "(note kept out of the report)" in html
    assert "Security marking chosen" in html
    assert '<p class="small mb-1">Confidential</p>' in html
    titles = (
        f"{INSTRUMENT.question(link['risk_key']).title} → "
        f"{INSTRUMENT.question(link['measure_key']).title}"
    )
    assert "Suggested link marked not relevant" in html
    assert "Suggested link restored" in html
    assert html.count(titles) == 2
    # Like the notes, the record keeps what happened, not what was written.
    assert "A sensitive note" not in html
    assert reason not in html
    # Taken back into the report: said so.
    services.save_answers(
        assessment=world.assessment,
        section_key=QUESTION.section_key,
        responses={QUESTION.key: Response("low", "A sensitive note")},
        user=world.editor,
        expected_revision=10**6,
    )
    assert "(note back in the report)" in client.get(URL).content.decode()


def test_other_country_is_not_found(client, world) -> None:
    client.force_login(world.other_editor)
    assert client.get(URL).status_code == 404


def test_anonymous_is_sent_to_login(client, world) -> None:
    assert client.get(URL)["Location"].startswith("/accounts/login/")


# Sections with a question to answer, in turn: saves to the next section never merge.
SECTIONS = [s for s in INSTRUMENT.sections if any(q.kind == "risk" for q in s.questions)][:1] + [
    s for s in INSTRUMENT.sections if any(q.kind == "measure" for q in s.questions)
][:1]
ENTRY = '<li class="border-start border-3 ps-3 pb-3">'


def save_to(assessment, user, section, value: int) -> None:
    question = next(q for q in section.questions if q.kind in ("risk", "measure"))
    services.save_answers(
        assessment=assessment,
        section_key=section.key,
        responses={question.key: Response(question.choice_values[value], "")},
        user=user,
        expected_revision=10**6,
    )


def single_entries(assessment, user, count: int, *, start: int = 0) -> None:
    """`count` saves that each change their answer, to the two sections in turn (a call that
    goes on from an earlier one starts where it ended)."""
    for n in range(start, start + count):
        save_to(assessment, user, SECTIONS[n % 2], n // 2 % 2)


def test_the_history_is_shown_fifty_entries_a_page(client, world) -> None:
    single_entries(world.assessment, world.editor, 120)
    client.force_login(world.viewer)
    first = client.get(URL).content.decode()
    assert first.count(ENTRY) == 50
    assert "Page 1 of 3" in first
    assert '<nav aria-label="Pages of the history">' in first
    assert 'rel="next" href="?page=2"' in first
    last = client.get(f"{URL}?page=3").content.decode()
    assert last.count(ENTRY) == 20
    assert "Page 3 of 3" in last
    for page in ("0", "-1", "x", "99"):
        assert client.get(f"{URL}?page={page}").status_code == 200


def test_a_run_of_autosaves_is_one_entry_never_split_between_pages(client, world) -> None:
    """Oldest first: 10 single entries, a run of 5 saves, then 49 single entries, so that the
    run is the 50th entry, its events the 50th to 54th newest."""
    deputy = MembershipFactory(country=world.arcadia, user=UserFactory(username="deputy")).user
    single_entries(world.assessment, world.editor, 10)
    for value in (1, 2, 3, 1, 2):
        save_to(world.assessment, deputy, SECTIONS[0], value)
    single_entries(world.assessment, world.editor, 49, start=10)
    client.force_login(world.viewer)
    first = client.get(URL).content.decode()
    assert first.count(ENTRY) == 50
    last_entry = first[first.rindex(ENTRY) :]
    assert "deputy" in last_entry
    assert "Page 1 of 2" in first
    second = client.get(f"{URL}?page=2").content.decode()
    assert second.count(ENTRY) == 10
    assert "deputy" not in second  # the run's older saves stay in its one entry
