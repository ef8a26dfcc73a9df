"""Every URL the app serves, for every kind of user, GET and POST: the expected status, and
never another country's answers in the response.

The patterns come from the resolver, so a new URL without an entry here fails the test.
Arguments are filled with Arcadia's objects; `other` is Borealis's editor, for whom
Arcadia's assessment must not exist (404). Django's own admin screens are covered by one
rule: nobody but staff gets past the admin login.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments import services
from assessments.evidence_files import check_file
from assessments.instrument import CURRENT_VERSION, get_instrument
from assessments.scoring import Response
from tests.factories import UserFactory, write_summary

ROLES = ("anonymous", "other", "viewer", "editor", "reviewer")
# Beyond the table's columns, each URL is also tried by a reviewer whose session has not
# entered its second factor, and by a staff user who holds one permission (to view
# assessments) and is no reviewer: their expectations follow from the table (expected()).
EXTRA_ROLES = ("reviewer_unverified", "staff")
SECOND_FACTOR = "/accounts/second-factor/"
ARCADIA_SECRET = "ARCADIA-SECRET-NOTE"
BOREALIS_SECRET = "BOREALIS-SECRET-NOTE"
SECTION = get_instrument(CURRENT_VERSION).sections[0]
QUESTION = next(q for q in SECTION.questions if q.kind == "risk")
# A link R2P Assess suggests (the risk lists the measure among those that reduce it).
LINK = {
    "risk": "risk.singling_out",
    "measure": "measure.early_warning",
    "link": "risk.singling_out measure.early_warning",  # as the restore button names it
}

ACTION = {"what": "Train judges", "lead": "Judicial academy", "status": "planned"}

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def expect(**by_role: tuple[int | str, int | str]) -> dict[str, tuple[int | str, int | str]]:
    """(GET, POST) per role; a string is a redirect target's start."""
    missing = set(ROLES) - set(by_role)
    assert not missing, missing
    return by_role


def member_view(get: int, post: int, *, viewer: tuple[int, int] | None = None):
    """An assessment page: anonymous to login, another country 404, members. The matrix's
    assessment is a draft, which the secretariat never sees: reviewers get a 404 too (what
    they see once it is submitted: test_reviewers_read_every_page_of_a_submission)."""
    return expect(
        anonymous=(LOGIN, LOGIN),
        other=(404, 404 if post != 405 else 405),
        viewer=viewer or (get, post),
        editor=(get, post),
        reviewer=(404, 404 if post != 405 else 405),
    )


ADMIN_ONLY = expect(
    anonymous=(ADMIN_LOGIN, ADMIN_LOGIN),
    other=(ADMIN_LOGIN, ADMIN_LOGIN),
    viewer=(ADMIN_LOGIN, ADMIN_LOGIN),
    editor=(ADMIN_LOGIN, ADMIN_LOGIN),
    reviewer=("any", "any"),
)


def same(get: int | str, post: int | str):
    return expect(**{role: (get, post) for role in ROLES})


def signed_in(get: int | str, post: int | str):
    return same(get, post) | {"anonymous": (LOGIN, LOGIN)}


MATRIX = {
    "home": same(200, 405),
    "healthz": same(200, 405),
    # A POST without Arcadia's editor rights (or without a country) is refused.
    "assessments:start": signed_in(405, 403),
    "assessments:overview": member_view(200, 405),
    "assessments:section": member_view(200, 200, viewer=(200, 403)),
    # The summary is written (see `objects`): the editor's POST submits.
    # The editor's POST submits it, so the reviewer (checked last) finds it submitted: they
    # see it, and may not submit it.
    "assessments:submit": member_view(200, 302, viewer=(403, 403)) | {"reviewer": (403, 403)},
    # Writes of the country's editors only, while editable: reviewers never edit.
    "assessments:marking": expect(
        anonymous=(LOGIN, LOGIN),
        other=(405, 404),
        viewer=(405, 403),
        editor=(405, 302),
        reviewer=(405, 404),
    ),
    "assessments:dismiss_link": member_view(200, 302, viewer=(403, 403)),
    "assessments:restore_link": expect(
        anonymous=(LOGIN, LOGIN),
        other=(405, 404),
        viewer=(405, 403),
        editor=(405, 302),
        reviewer=(405, 404),
    ),
    "assessments:history": member_view(200, 405),
    # Who viewed it: the country's editors (and the secretariat, once submitted).
    "assessments:reads": member_view(200, 405, viewer=(403, 405)),
    "assessments:results": member_view(200, 405),
    # Not rendered yet: "being prepared" (202); a POST asks again after a failed render.
    "assessments:report": member_view(202, 302),
    # The whole assessment as files: its editors, and the secretariat once submitted; the
    # country's viewers read it in the app and the PDF.
    **{
        f"assessments:{name}": member_view(200, 405, viewer=(403, 405))
        for name in ("export_json", "export_xlsx", "evidence_zip")
    },
    # The reviewer's dashboard list as CSV: the secretariat's alone.
    "review_csv": expect(
        anonymous=(LOGIN, LOGIN),
        other=(403, 405),
        viewer=(403, 405),
        editor=(403, 405),
        reviewer=(200, 405),
    ),
    "questionnaire_current": signed_in(200, 405),
    "questionnaire": signed_in(200, 405),
    "assessments:comment": member_view(200, 302, viewer=(200, 403)),
    # The action plan: members read it, editors add, change and confirm actions; reviewers
    # comment on them (once submitted: the matrix's draft is not theirs to see).
    "assessments:plan": member_view(200, 405),
    "assessments:action_new": member_view(200, 302, viewer=(403, 403)),
    "assessments:action_detail": member_view(200, 302, viewer=(200, 403)),
    "assessments:action_confirm": expect(
        anonymous=(LOGIN, LOGIN),
        other=(405, 404),
        viewer=(405, 403),
        editor=(405, 302),
        reviewer=(405, 404),
    ),
    "assessments:action_comment": expect(
        anonymous=(LOGIN, LOGIN),
        other=(405, 404),
        viewer=(405, 403),
        editor=(405, 403),
        reviewer=(405, 404),
    ),
    # A question's evidence: members read it, editors add sources and judge the answer; a
    # source's file is downloaded by members, and removed by editors.
    "assessments:evidence": member_view(200, 302, viewer=(200, 403)),
    "assessments:source_file": member_view(200, 405),
    "assessments:remove_source": expect(
        anonymous=(LOGIN, LOGIN),
        other=(405, 404),
        viewer=(405, 403),
        editor=(405, 302),
        reviewer=(405, 404),
    ),
    "login": same(200, 200),
    "logout": same(405, 302),
    "password_change": signed_in(200, 200),
    # The second factor: entering it (nothing to enter without one: on to the next page),
    # setting it up, new recovery codes and turning it off (only once entered, and only
    # where nothing requires it: so for nobody here).
    "second_factor_verify": signed_in(302, 302),
    "second_factor_enrol": signed_in(200, 200),
    "second_factor_recovery_codes": signed_in(405, 403) | {"reviewer": (405, 200)},
    "second_factor_remove": signed_in(405, 403),
    "password_change_done": signed_in(200, 405),
    "password_reset": same(200, 200),
    "password_reset_done": same(200, 405),
    # A made-up token: the page says the link is invalid, whoever asks.
    "password_reset_confirm": same(200, 200),
    "invitation_confirm": same(200, 200),
    "password_reset_complete": same(200, 405),
    "set_language": same(302, 302),
    # The admin signs in through the app's own pages: password, then the second factor.
    "admin:login": same(LOGIN, LOGIN),
    # Logging out of the admin asks for a POST; whoever is not staff is sent to its index.
    "admin:logout": same("/admin/", "/admin/") | {"reviewer": (405, 302)},
    # The reviewer's decisions: POST, back to the review page with a message; accepting is
    # confirmed on a page of its own first.
    # A draft is not the secretariat's to review: its review screens do not exist for them.
    **{
        f"admin:assessments_review_{action}": ADMIN_ONLY | {"reviewer": (405, 404)}
        for action in ("comment", "return")
    },
    "admin:assessments_review_accept": ADMIN_ONLY | {"reviewer": (404, 404)},
    # The matrix's assessment is a draft: there is no submission to withdraw.
    "assessments:withdraw": member_view(403, 403),
    "account_settings": signed_in(200, 302),
    # A POST with no action re-renders the list: the queue offers no bulk actions.
    "admin:assessments_assessment_changelist": ADMIN_ONLY | {"reviewer": (200, 200)},
    "admin:assessments_assessment_change": ADMIN_ONLY | {"reviewer": (404, 404)},
    "admin:assessments_assessment_add": ADMIN_ONLY | {"reviewer": (403, 403)},
    "admin:assessments_assessment_delete": ADMIN_ONLY | {"reviewer": (403, 403)},
    "admin:assessments_assessmentevent_add": ADMIN_ONLY | {"reviewer": (403, 403)},
    "admin:assessments_assessmentevent_delete": ADMIN_ONLY | {"reviewer": (403, 403)},
    "admin:assessments_country_invite": ADMIN_ONLY | {"reviewer": (403, 403)},
    # Importing an assessment is for superusers (a reviewer is none).
    "admin:assessments_assessment_import": ADMIN_ONLY | {"reviewer": (403, 403)},
}


# What a browser sends to these URLs (GET query, POST data); the others get none.
REQUESTS = {
    "assessments:marking": ({}, {"marking": "confidential"}),
    "assessments:dismiss_link": (LINK, {**LINK, "reason": "No early-warning system here."}),
    "assessments:restore_link": ({}, LINK),
    "assessments:evidence": (
        {},
        {"judge": "1", "judgement-revision": "0", "judgement-confidence": "high"},
    ),
    "assessments:action_new": ({}, ACTION),
    "assessments:action_detail": ({}, lambda objects: {**ACTION, "revision": objects["action"]}),
    "assessments:action_comment": ({}, {"text": "Who funds this?"}),
}


def url_patterns(patterns=None, prefix: str = "", namespace: str = ""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


PATTERNS = sorted(dict(url_patterns()).items())


def expectations(name: str):
    if name in MATRIX:
        return MATRIX[name]
    if name.startswith("admin:"):
        return ADMIN_ONLY
    return None


def test_every_url_pattern_has_an_entry() -> None:
    missing = [name for name, _ in PATTERNS if expectations(name) is None]
    assert not missing, f"URL patterns without an access-matrix entry: {missing}"
    stale = set(MATRIX) - {name for name, _ in PATTERNS}
    assert not stale, f"Matrix entries for URLs that no longer exist: {stale}"


@pytest.fixture
def objects(world):
    for assessment, secret in (
        (world.assessment, ARCADIA_SECRET),
        (world.other_assessment, BOREALIS_SECRET),
    ):
        services.save_answers(
            assessment=assessment,
            section_key=SECTION.key,
            responses={QUESTION.key: Response("high", secret)},
            user=world.editor if assessment == world.assessment else world.other_editor,
            expected_revision=0,
        )
    # Submitting needs the summary; restoring needs a link marked not relevant.
    write_summary(world.assessment)
    services.dismiss_link(
        assessment=world.assessment,
        risk_key=LINK["risk"],
        measure_key=LINK["measure"],
        reason="Covered elsewhere.",
        user=world.editor,
    )
    comment = services.add_comment(
        assessment=world.assessment, user=world.reviewer, question_key=QUESTION.key, text="Why?"
    )
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
    upload = SimpleUploadedFile("census.pdf", pdf)
    source = services.add_source(
        assessment=world.assessment,
        question_key=QUESTION.key,
        title="Census",
        issuer="Statistics Office",
        kind="government",
        issued=None,
        url="",
        upload=upload,
        checked=check_file(upload),
        user=world.editor,
    )
    action = services.add_action(
        assessment=world.assessment,
        plan=services.Plan(
            what="Train judges",
            lead="Judicial academy",
            due=None,
            status="planned",
            reason="",
            indicator="",
            questions=[QUESTION.key],
        ),
        user=world.editor,
    )
    event = world.assessment.events.first()
    membership = world.arcadia.memberships.first()
    return {
        "code": "XA",
        "cycle": "2026",
        "section_key": SECTION.key,
        "question_key": QUESTION.key,
        "action": action.revision,
        "pk": {
            "assessments:comment": comment.pk,
            "assessments:source_file": source.pk,
            "assessments:action_detail": action.pk,
            "assessments:action_confirm": action.pk,
            "assessments:action_comment": action.pk,
            "assessments:remove_source": source.pk,
            "admin:assessments_country_invite": world.arcadia.pk,
        },
        "object_id": {
            "assessment": world.assessment.pk,
            "country": world.arcadia.pk,
            "membership": membership.pk,
            "assessmentevent": event.pk,
            "reviewcomment": comment.pk,
        },
        "uidb64": "MQ",
        "token": "set-password",
        "default_pk": world.assessment.pk,
    }


# Patterns the converters below cannot fill (regular expressions, the admin's own helpers).
CONCRETE = {
    "admin:None": "admin/no-such-page/",
    "admin:app_list": "admin/assessments/",
    "admin:auth_user_password_change": "admin/auth/user/1/password/",
    "admin:view_on_site": "admin/r/1/1/",
    "questionnaire": f"questionnaire/{CURRENT_VERSION}.pdf",
}


def fill(name: str, pattern: str, objects) -> str:
    path = CONCRETE.get(name, pattern)
    for converter, key in (
        ("<str:code>", "code"),
        ("<int:cycle>", "cycle"),
        ("<str:section_key>", "section_key"),
        ("<str:question_key>", "question_key"),
        ("<uidb64>", "uidb64"),
        ("<token>", "token"),
    ):
        path = path.replace(converter, str(objects[key]))
    if "<int:pk>" in path:
        path = path.replace("<int:pk>", str(objects["pk"].get(name, objects["default_pk"])))
    if "<path:object_id>" in path:
        model = name.split("_")[1] if name.startswith("admin:assessments_") else ""
        path = path.replace("<path:object_id>", str(objects["object_id"].get(model, 1)))
    for leftover in ("<", "^", "$"):
        if leftover in path:
            return ""
    return "/" + path


# What a session without its second factor may still open (SecondFactorMiddleware). Written
# out again, not imported: exempting another page must be a decision made here too.
SECOND_FACTOR_EXEMPT = {
    "second_factor_verify",
    "second_factor_enrol",
    "logout",
    "set_language",
    "healthz",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation_confirm",
}


def expected(name: str, role: str) -> tuple[int | str, int | str]:
    table = expectations(name)
    if role in table:
        return table[role]
    if role == "reviewer_unverified":
        if name == "second_factor_verify":  # where the code is asked for
            return (200, 200)
        if name == "second_factor_enrol":  # one with a factor enters it before replacing it
            return (SECOND_FACTOR, SECOND_FACTOR)
        return table["viewer"] if name in SECOND_FACTOR_EXEMPT else (SECOND_FACTOR, SECOND_FACTOR)
    if name.startswith("second_factor_"):  # staff, signed in with theirs like a reviewer
        return table["reviewer"]
    # Staff who is no reviewer: in the app, another country's outsider; in the admin, never
    # an error (what it shows is held to the leak check below).
    return ("any", "any") if name.startswith("admin:") else table["other"]


def user_for(role: str, world):
    if role == "reviewer_unverified":
        return world.reviewer
    if role == "staff":
        staff = UserFactory(username="clerk", is_staff=True)
        staff.user_permissions.add(Permission.objects.get(codename="view_assessment"))
        return staff
    return {
        "other": world.other_editor,
        "viewer": world.viewer,
        "editor": world.editor,
        "reviewer": world.reviewer,
    }.get(role)


def sign_in(client, role: str, user) -> None:
    """As people sign in; the unverified reviewer with their password only (their session
    has not entered the code of the authenticator they have)."""
    if role == "reviewer_unverified":
        TOTPDevice.objects.get_or_create(user=user, name="phone", defaults={"confirmed": True})
        Client.force_login.__wrapped_original__(client, user)
    else:
        client.force_login(user)


def check(response, expected: int | str) -> bool:
    if expected == "any":
        return response.status_code < 500
    if isinstance(expected, str):
        return response.status_code == 302 and response["Location"].startswith(expected)
    return response.status_code == expected


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_access(client, world, objects, name: str, pattern: str) -> None:
    url = fill(name, pattern, objects)
    if not url:
        pytest.skip(f"{pattern} takes arguments this matrix does not fill")
    failures = []
    query, data = REQUESTS.get(name, ({}, {}))
    if callable(data):  # what the page as loaded holds (a revision)
        data = data(objects)
    for role in ROLES + EXTRA_ROLES:
        get_expected, post_expected = expected(name, role)
        for method, wanted, sent in (("get", get_expected, query), ("post", post_expected, data)):
            client.logout()
            user = user_for(role, world)
            if user is not None:
                sign_in(client, role, user)
            response = getattr(client, method)(url, sent)
            body = b"".join(response) if response.streaming else response.content
            if not check(response, wanted):
                where = response.get("Location", "")
                failures.append(
                    f"{role} {method.upper()} {url}: {response.status_code} {where}"
                    f" (expected {wanted})"
                )
            # A country's members see their own; the secretariat, once verified, every one.
            foreign = {
                "other": {ARCADIA_SECRET},
                "reviewer": set(),
            }.get(role, {BOREALIS_SECRET})
            if role in ("reviewer_unverified", "staff"):
                foreign = {ARCADIA_SECRET, BOREALIS_SECRET}
            leaked = [s for s in foreign if s.encode() in body]
            if leaked:
                failures.append(f"{role} {method.upper()} {url} shows {leaked}")
    assert not failures, "\n".join(failures)


# What the secretariat reads of a submitted assessment (GET): every page of it.
SUBMITTED_READS = {
    "assessments:overview": 200,
    "assessments:section": 200,
    "assessments:history": 200,
    "assessments:results": 200,
    "assessments:report": 202,  # being prepared
    "assessments:comment": 200,
    "admin:assessments_assessment_change": 200,
    "admin:assessments_review_accept": 200,
    "assessments:reads": 200,
    "assessments:export_json": 200,
    "assessments:export_xlsx": 200,
    "assessments:evidence_zip": 200,
}


@pytest.mark.parametrize("status", ["submitted", "returned", "accepted", "draft"])
def test_reviewers_read_every_page_of_a_submission_and_none_of_a_draft(
    client, world, objects, status
) -> None:
    """Drafts stay national: a draft — one never submitted, or withdrawn back to draft — is
    the State's own work; from its first submission on, the secretariat reads all of it."""
    from assessments.models import Assessment

    Assessment.objects.filter(pk=world.assessment.pk).update(status=status)
    client.force_login(world.reviewer)
    failures = []
    for name, pattern in PATTERNS:
        if name not in SUBMITTED_READS:
            continue
        url = fill(name, pattern, objects)
        expected = 404 if status == "draft" else SUBMITTED_READS[name]
        response = client.get(url)
        if response.status_code != expected:
            failures.append(f"{status}: GET {url}: {response.status_code} (expected {expected})")
    queue = client.get("/admin/assessments/assessment/").content.decode()
    listed = f"/admin/assessments/assessment/{world.assessment.pk}/change/" in queue
    if listed == (status == "draft"):
        failures.append(f"{status}: the review queue {'lists' if listed else 'omits'} it")
    home = client.get("/").content.decode()
    if ("/assessments/XA/2026/" in home) == (status == "draft"):
        failures.append(f"{status}: the reviewer's dashboard is wrong about it")
    assert not failures, "\n".join(failures)
