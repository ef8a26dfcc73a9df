"""The settings production refuses, decided in one place: settings.py stops start-up with
them (naming the variable), and a deploy system check (assessments/checks.py) refuses them
in whatever settings are live. A pure function of the values: no Django import."""

from __future__ import annotations

from collections.abc import Iterable

PRINTING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_CHARACTERS = 5


def unsafe_production_settings(
    *,
    email_backend: str,
    database_engine: str,
    allow_sqlite: bool,
    allowed_hosts: Iterable[str],
    secret_key: str,
) -> list[tuple[str, str]]:
    """(variable, why) for each setting a production deployment must not run with."""
    problems = []
    if email_backend in PRINTING_BACKENDS:
        problems.append(
            (
                "EMAIL_HOST",
                "is not set, so emails — password-reset and invitation links included — would "
                "be printed to the server's log instead of sent: set it to the mail server",
            )
        )
    if database_engine == "django.db.backends.sqlite3" and not allow_sqlite:
        problems.append(
            (
                "DATABASE_URL",
                "points at SQLite, which one machine's disk holds: use PostgreSQL, or set "
                "DJANGO_ALLOW_SQLITE=1 to run on SQLite on purpose",
            )
        )
    if "*" in allowed_hosts:
        problems.append(
            ("DJANGO_ALLOWED_HOSTS", "must name the site's hosts, not '*' (any Host header)")
        )
    if len(secret_key) < SECRET_KEY_MIN_LENGTH or len(set(secret_key)) < SECRET_KEY_MIN_CHARACTERS:
        problems.append(
            (
                "DJANGO_SECRET_KEY",
                f"must be at least {SECRET_KEY_MIN_LENGTH} random characters (e.g. python -c "
                '"import secrets; print(secrets.token_urlsafe(50))")',
            )
        )
    return problems
