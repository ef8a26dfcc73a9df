"""The admin's import page: for superusers only; an import made there is in the admin's log,
and a refusal is shown on the page with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Assessment
from tests.export_support import export, fill
from tests.factories import UserFactory

IMPORT_URL = "/admin/assessments/assessment/import/"


@pytest.fixture
def exported(world, tmp_path):
    fill(world.assessment, world.editor, world.reviewer)
    return export(tmp_path)


@pytest.fixture
def superuser(world):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_a_superuser_imports_from_the_admin_and_the_log_records_it(client, superuser, exported):
    json_path, zip_path = exported
    client.force_login(superuser)
    queue = client.get("/admin/assessments/assessment/").content.decode()
    assert IMPORT_URL in queue
    response = client.post(
        IMPORT_URL, {"export": upload(json_path), "evidence": upload(zip_path), "code": "QM"}
    )
    assert response.status_code == 302
    copy_ = Assessment.objects.get(country__code="QM", cycle=2026)
    entry = LogEntry.objects.get()
    assert entry.user == superuser and entry.object_id == str(copy_.pk)
    assert "Imported QM 2026" in entry.change_message
    page = client.get(response["Location"]).content.decode()
    assert "Imported QM 2026 (Arcadia (QM))." in page


def test_the_admin_page_shows_a_refusal_and_writes_nothing(client, superuser, exported):
    json_path, _zip = exported
    client.force_login(superuser)
    response = client.post(IMPORT_URL, {"export": upload(json_path)})
    assert response.status_code == 200
    assert "1 source is a file, which the JSON does not hold" in response.content.decode()
    response = client.post(
        IMPORT_URL, {"export": SimpleUploadedFile("x.json", b"[]"), "code": "lower"}
    )
    assert "Use two capital letters" in response.content.decode()
    assert Assessment.objects.count() == 2


def test_only_superusers_may_import(client, world, exported):
    json_path, _zip = exported
    client.force_login(world.reviewer)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"export": upload(json_path)}).status_code == 403
    queue = client.get("/admin/assessments/assessment/").content.decode()
    assert IMPORT_URL not in queue
    assert Assessment.objects.count() == 2
