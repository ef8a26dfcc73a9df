from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from tests.tasks import run_tasks

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def user():
    return get_user_model().objects.create_user(
        "focal", email="focal@example.org", password=PASSWORD
    )


def login(client, password: str):
    return client.post("/accounts/login/", {"username": "focal", "password": password})


def test_login_page_is_styled_like_the_app(client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#main"' in html
    assert 'id="main"' in html
    assert "Forgotten your password?" in html


def test_it_logs_in_and_lands_on_the_home_page(client, user) -> None:
    response = login(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "Log out" in client.get("/").content.decode()


def test_a_wrong_password_re_renders_the_form_with_the_username_kept(client, user) -> None:
    response = login(client, "wrong")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="focal"' in html
    assert "correct username and password" in html


def test_it_locks_an_account_after_five_failures(client, user) -> None:
    for _ in range(4):
        assert login(client, "wrong").status_code == 200
    locked = login(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed login attempts" in locked.content.decode()
    # Even the right password is refused while the lock holds.
    assert login(client, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_logout_refuses_get(client, user) -> None:
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session


def test_logout_by_post(client, user) -> None:
    client.force_login(user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_one_time_link(client, user) -> None:
    response = client.post("/accounts/password_reset/", {"email": "focal@example.org"})
    assert response.status_code == 302
    run_tasks()
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_password_change_needs_login(client) -> None:
    response = client.get("/accounts/password_change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_admin_signs_in_through_the_apps_own_pages(client) -> None:
    """Password, then the second factor: never the admin's own login form."""
    response = client.get("/admin/login/?next=/admin/assessments/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fassessments%2F"


def test_an_overlong_username_is_refused_at_the_field(client, user) -> None:
    # Found by the hostile-input tests on PostgreSQL: it used to reach django-axes' record of
    # failed logins, whose username column is 255 characters, and fail there with a 500.
    response = client.post("/accounts/login/", {"username": "u" * 300, "password": "x"})
    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters (it has 300)." in response.content.decode()


def test_a_reset_link_is_built_from_the_site_url_not_the_host_header(client, world, settings):
    from django.core import mail

    settings.SITE_URL = "https://r2p.example.org"
    settings.ALLOWED_HOSTS = ["attacker.example", "testserver"]
    world.editor.email = "focal@example.org"
    world.editor.save()
    client.post(
        "/accounts/password_reset/", {"email": "focal@example.org"}, HTTP_HOST="attacker.example"
    )
    run_tasks()
    [message] = mail.outbox
    assert "https://r2p.example.org/accounts/reset/" in message.body
    assert "attacker.example" not in message.body
