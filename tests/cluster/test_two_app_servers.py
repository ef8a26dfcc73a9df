"""Two app servers on one database, one worker and object storage: what one server writes, the
other serves; a session is good on both; each reports its health to the load balancer."""

from __future__ import annotations

import json
import secrets
from io import BytesIO

from pypdf import PdfReader

from assessments.forms import note_field_name
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.management.commands.seed_demo import DEFAULT_PASSWORD
from assessments.management.deployment import Visitor, probe

SECTION = get_instrument(CURRENT_VERSION).sections[0]  # of Arcadia 2026, the demo's draft
QUESTION = next(q for q in SECTION.questions if q.kind == "risk" and not q.show_if)
SECTION_URL = f"/assessments/XA/2026/sections/{SECTION.key}/"
REPORT_URL = "/assessments/XA/2026/report.pdf"


def test_a_save_on_one_server_is_in_the_report_the_worker_renders_for_the_other(cluster):
    a, b = cluster.servers
    focal = Visitor()
    focal.sign_in(a, "focal", DEFAULT_PASSWORD)
    note = f"Cluster{secrets.token_hex(4)}"  # one word: the PDF's text keeps it whole
    saved = focal.submit(
        a + SECTION_URL, {QUESTION.key: "high", note_field_name(QUESTION.key): note}
    )
    saved.expect(302, "the save on server A")
    assert note in focal.get(b + SECTION_URL).expect(200, "the section on server B").text
    # The app servers never render: the worker does, after the save, and either server
    # serves what it stored.
    assert focal.get(b + REPORT_URL).status == 202
    report = focal.download_when_ready(b + REPORT_URL).expect(200, "the report from server B")
    assert report.headers["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(report.body)).pages)
    assert "Arcadia" in text
    assert note in text


def test_a_session_begun_on_one_server_is_good_on_the_other_and_ended_on_both(cluster):
    a, b = cluster.servers
    focal = Visitor()
    focal.sign_in(b, "focal", DEFAULT_PASSWORD)
    assert "Arcadia" in focal.get(a + "/").expect(200, "the dashboard on server A").text
    session = focal.cookies["sessionid"]
    # The "Log out" button's form, whose token is the CSRF cookie's secret.
    token = {"csrfmiddlewaretoken": focal.cookies["csrftoken"]}
    focal.post(a + "/accounts/logout/", token).expect(302, "logging out on server A")
    focal.cookies["sessionid"] = session  # as a copy of the cookie kept elsewhere would be
    signed_out = focal.get(b + "/assessments/XA/2026/").expect(302, "the overview on server B")
    assert signed_out.headers["Location"].startswith("/accounts/login/")


def test_each_server_reports_the_database_the_storage_and_the_queue(cluster):
    for server in cluster.servers:
        health = json.loads(probe(server + "/healthz").expect(200, f"{server}/healthz").body)
        assert health["status"] == health["database"] == health["storage"] == "ok"
        assert health["queue"] == "ok"
        assert health["backlog"] >= 0
        assert health["oldest_seconds"] >= 0


# Last: it stops the storage for good.
def test_with_the_storage_down_each_server_answers_503_naming_it(cluster):
    cluster.stop_storage()
    for server in cluster.servers:
        health = json.loads(probe(server + "/healthz").expect(503, f"{server}/healthz").body)
        assert health["status"] == "failing"
        assert health["storage"] == "unavailable"
        assert health["database"] == health["queue"] == "ok"
