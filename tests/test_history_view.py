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
