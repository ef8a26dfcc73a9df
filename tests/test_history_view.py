from __future__ import annotations

from assessments import services
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.scoring import Response

INSTRUMENT = get_instrument(CURRENT_VERSION)
URL = "/assessments/XA/2026/history/"


def test_it_shows_who_changed_what_from_what(client, world) -> None:
    question = next(q for q in INSTRUMENT.questions if q.kind == "risk")
    for value in ("low", "high"):
        services.save_answers(
            assessment=world.assessment,
            section_key=question.section_key,
            responses={question.key: Response(value, f"note {value}")},
            user=world.editor,
            expected_revision=0,
        )
    services.submit(assessment=world.assessment, user=world.editor)
    client.force_login(world.viewer)
    html = client.get(URL).content.decode()
    assert "Submitted for review" in html
    assert question.text in html
    assert '<span class="text-decoration-line-through">Low</span> → <strong>High</strong>' in html
    assert "note edited" in html
    assert "focal" in html
    # The note itself is not in the record.
    assert "note high" not in html


def test_other_country_is_not_found(client, world) -> None:
    client.force_login(world.other_editor)
    assert client.get(URL).status_code == 404


def test_anonymous_is_sent_to_login(client, world) -> None:
    assert client.get(URL)["Location"].startswith("/accounts/login/")
