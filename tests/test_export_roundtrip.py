"""Export, import as another country, export again: the same file, bar the country, the
cycle and the export's own time. On the demo data (Arcadia's 2025 and 2026, with an action
plan carried from one to the other), and on assessments Hypothesis makes up: any answers,
notes, judgements, sources (links and files), actions, links marked not relevant, comments
and history, on either questionnaire.

Hypothesis runs a sixth of the profile's examples here (tests/conftest.py): 10 on a
developer's `make test`, 70 in CI.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from assessments import services
from assessments.exports import as_json, assessment_as_dict, write_evidence_zip
from assessments.instrument import available_versions, get_instrument
from assessments.models import (
    Action,
    Answer,
    Assessment,
    AssessmentEvent,
    Country,
    DismissedLink,
    Judgement,
    ReviewComment,
    Source,
)
from tests.export_support import PDF, export


def without_place(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("exported_at", "country", "cycle")}


# The demo -----------------------------------------------------------------------------------


@pytest.fixture
def demo(db, settings):
    settings.PRODUCTION = False
    call_command("seed_demo", stdout=io.StringIO())
    arcadia = {a.cycle: a for a in Assessment.objects.filter(country__code="XA")}
    # seed_demo's plan: three actions in 2025, the two open ones carried into 2026.
    first = arcadia[2025].actions.order_by("id").first()
    ReviewComment.objects.create(
        assessment=arcadia[2025], action=first, text="By when, really?", reply="December."
    )
    return arcadia


def test_the_demo_survives_export_and_import_byte_for_byte(demo, tmp_path: Path):
    paths = {cycle: export(tmp_path, cycle=cycle) for cycle in (2025, 2026)}
    out = io.StringIO()
    call_command(
        "import_assessment", str(paths[2025][0]), "--evidence", str(paths[2025][1]), stdout=out
    )
    assert "XA 2025 is taken here: imported as XC 2025 instead." in out.getvalue()
    call_command(
        "import_assessment",
        str(paths[2026][0]),
        "--evidence",
        str(paths[2026][1]),
        "--code",
        "XC",
        stdout=io.StringIO(),
    )
    for cycle in (2025, 2026):
        original = paths[cycle][0].read_text(encoding="utf-8")
        again = assessment_as_dict(Assessment.objects.get(country__code="XC", cycle=cycle))
        given = json.loads(original)
        assert again["country"] == {**given["country"], "code": "XC", "name": "Arcadia (XC)"}
        again["country"], again["exported_at"] = given["country"], given["exported_at"]
        assert as_json(again) == original, cycle
    carried = Action.objects.filter(assessment__country__code="XC", assessment__cycle=2026)
    assert carried.count() == 2
    for action in carried:
        assert action.carried_from.assessment.cycle == 2025
        assert action.carried_from.assessment.country.code == "XC"
    # The demo's two files, the same bytes.
    for source in Source.objects.filter(assessment__country__code="XC").exclude(file=""):
        with default_storage.open(source.file.name, "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == source.sha256


# Made-up assessments ------------------------------------------------------------------------

EXAMPLES = max(5, hypothesis.settings.default.max_examples // 6)
USERS = [None, "focal", "colleague", "reviewer"]
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=25
)
# What must not be blank (a title, an action, a comment): something before the rest.
words = st.tuples(st.sampled_from(["A", "é", "字", "=", "1"]), texts).map("".join)
moments = st.datetimes(
    min_value=datetime.datetime(2014, 1, 1),
    max_value=datetime.datetime(2099, 1, 1),
    timezones=st.just(datetime.UTC),
)
days = st.none() | st.dates(min_value=datetime.date(2000, 1, 1))
users = st.sampled_from(USERS)


@st.composite
def plans(draw: st.DrawFn, version: str) -> dict[str, Any]:
    """Everything one assessment can hold, on questionnaire `version`."""
    instrument = get_instrument(version)
    keys = [q.key for q in instrument.questions]
    some_keys = st.lists(st.sampled_from(keys), unique=True, max_size=6)
    pairs = [(q.key, m) for q in instrument.questions for m in q.mitigated_by]
    actions = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "what": words,
                    "lead": texts,
                    "due": days,
                    "status": st.sampled_from(Action.Status.values),
                    "reason": texts,
                    "indicator": texts,
                    "questions": some_keys,
                    "to_confirm": st.booleans(),
                    "created_by": users,
                    "carried": st.none() | st.integers(0, 3),
                }
            ),
            max_size=4,
        )
    )
    sources = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "question": st.sampled_from(keys),
                    "title": words,
                    "issuer": texts,
                    "kind": st.sampled_from(Source.Kind.values),
                    "issued": days,
                    "url": st.sampled_from(["", "https://example.org/a", "http://x.example/b?c=1"]),
                    # A file is a small PDF made unique by what follows its header.
                    "file": st.none() | st.binary(max_size=12),
                    "created_by": users,
                }
            ).map(lambda s: s if s["url"] or s["file"] is not None else {**s, "file": b""}),
            max_size=4,
        )
    )
    comments = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "question": st.just("") | st.sampled_from(keys),
                    "action": st.none() | st.integers(0, max(len(actions) - 1, 0)),
                    "text": words,
                    "reply": texts,
                    "resolved": st.booleans(),
                    "author": users,
                    "replied_at": st.none() | moments,
                }
            ),
            max_size=3,
        )
    )
    events = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "kind": st.sampled_from(AssessmentEvent.Kind.values),
                    "detail": st.dictionaries(
                        st.sampled_from(["question", "comment", "source", "action", "new", "x"]),
                        st.none() | st.integers(0, 3) | st.booleans() | texts,
                        max_size=3,
                    ),
                    "user": users,
                    "at": moments,
                }
            ),
            max_size=5,
        )
    )
    answered = draw(some_keys)
    return {
        "status": draw(st.sampled_from(Assessment.Status.values)),
        "marking": draw(st.sampled_from(Assessment.Marking.values)),
        "submitted_at": draw(st.none() | moments),
        "created_at": draw(moments),
        "answers": [
            {
                "question": key,
                "value": draw(st.sampled_from(["", *instrument.question(key).choice_values])),
                "note": draw(texts),
                "keep_out_of_report": draw(st.booleans()),
                "updated_by": draw(users),
                "updated_at": draw(moments),
            }
            for key in answered
        ],
        "judgements": [
            {
                "question_key": key,
                "confidence": draw(st.sampled_from(["", *Judgement.Confidence.values])),
                "contested": draw(st.booleans()),
                "differing_view": draw(texts),
            }
            for key in draw(some_keys)
        ],
        "sources": sources,
        "actions": actions,
        "links": draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3)),
        "comments": comments,
        "events": events,
    }


def build(country: Country, cycle: int, version: str, plan: dict, people: dict, earlier=()):
    """The plan as rows, written as the app's tables hold them."""
    assessment = Assessment.objects.create(
        country=country,
        cycle=cycle,
        instrument_version=version,
        status=plan["status"],
        marking=plan["marking"],
        submitted_at=plan["submitted_at"],
        created_by=people["focal"],
    )
    Assessment.objects.filter(pk=assessment.pk).update(created_at=plan["created_at"])
    for a in plan["answers"]:
        answer = Answer.objects.create(
            assessment=assessment,
            question_key=a["question"],
            value=a["value"],
            note=a["note"],
            keep_out_of_report=a["keep_out_of_report"],
            updated_by=people[a["updated_by"]],
        )
        Answer.objects.filter(pk=answer.pk).update(updated_at=a["updated_at"])
    for j in plan["judgements"]:
        Judgement.objects.create(assessment=assessment, **j)
    sources = []
    for s in plan["sources"]:
        content = PDF + s["file"] if s["file"] is not None else None
        sources.append(
            Source.objects.create(
                assessment=assessment,
                question_key=s["question"],
                title=s["title"],
                issuer=s["issuer"],
                kind=s["kind"],
                issued=s["issued"],
                url=s["url"],
                created_by=people[s["created_by"]],
                **(
                    {
                        "file": default_storage.save("evidence/made-up.pdf", ContentFile(content)),
                        "file_name": f"{s['title'][:40]}.pdf",
                        "content_type": "application/pdf",
                        "size": len(content),
                        "sha256": hashlib.sha256(content).hexdigest(),
                    }
                    if content is not None
                    else {}
                ),
            )
        )
    actions = []
    for a in plan["actions"]:
        origin = a["carried"]
        actions.append(
            Action.objects.create(
                assessment=assessment,
                what=a["what"],
                lead=a["lead"],
                due=a["due"],
                status=a["status"],
                reason=a["reason"],
                indicator=a["indicator"],
                questions=a["questions"],
                to_confirm=a["to_confirm"],
                created_by=people[a["created_by"]],
                carried_from=earlier[origin]
                if origin is not None and origin < len(earlier)
                else None,
            )
        )
    for risk, measure in plan["links"]:
        DismissedLink.objects.create(
            assessment=assessment, risk_key=risk, measure_key=measure, reason="Not here."
        )
    comments = [
        ReviewComment.objects.create(
            assessment=assessment,
            question_key=c["question"],
            action=actions[c["action"]] if c["action"] is not None and actions else None,
            text=c["text"],
            reply=c["reply"],
            resolved=c["resolved"],
            author=people[c["author"]],
            replied_at=c["replied_at"],
        )
        for c in plan["comments"]
    ]
    ids = {"comment": comments, "source": sources, "action": actions}
    for e in plan["events"]:
        # A reference to an item of the assessment is its id, as the services record it.
        detail = {
            key: ids[key][value].pk
            if key in ids
            and isinstance(value, int)
            and not isinstance(value, bool)
            and value < len(ids[key])
            else value
            for key, value in e["detail"].items()
        }
        event = AssessmentEvent.objects.create(
            assessment=assessment, kind=e["kind"], detail=detail, user=people[e["user"]]
        )
        AssessmentEvent.objects.filter(pk=event.pk).update(at=e["at"])
    return assessment, actions


def exported(assessment: Assessment) -> tuple[str, bytes]:
    archive = io.BytesIO()
    write_evidence_zip(assessment, archive)
    return as_json(assessment_as_dict(assessment)), archive.getvalue()


@hypothesis.settings(
    max_examples=EXAMPLES, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    version=st.sampled_from(available_versions()),
    data=st.data(),
)
def test_any_assessment_survives_export_and_import(world, version, data):
    earlier_plan = data.draw(plans(version), label="earlier")
    later_plan = data.draw(plans(version), label="later")
    people = {None: None, "focal": world.editor, "colleague": world.viewer}
    people["reviewer"] = world.reviewer
    with transaction.atomic():
        country = Country.objects.create(code="QQ", name="Hypothetica")
        earlier, plan = build(country, 2024, version, earlier_plan, people)
        later, _actions = build(country, 2025, version, later_plan, people, earlier=plan)
        files = {cycle: exported(a) for cycle, a in ((2024, earlier), (2025, later))}
        first = services.import_assessment(
            raw=files[2024][0], evidence=io.BytesIO(files[2024][1])
        ).assessment
        second = services.import_assessment(
            raw=files[2025][0], evidence=io.BytesIO(files[2025][1]), code=first.country.code
        ).assessment
        # What the examples held (shown by --hypothesis-show-statistics).
        hypothesis.event(
            "files", str(Source.objects.filter(assessment=second).exclude(file="").count())
        )
        hypothesis.event(
            "carried actions linked",
            str(Action.objects.filter(assessment=second, carried_from__isnull=False).count()),
        )
        for cycle, copy_ in ((2024, first), (2025, second)):
            again = assessment_as_dict(Assessment.objects.get(pk=copy_.pk))
            assert without_place(again) == without_place(json.loads(files[cycle][0]))
        transaction.set_rollback(True)
