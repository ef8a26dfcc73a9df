"""Messages Django's admin shows on the review pages that its own Chinese catalog leaves in
English (Django 5.2). Listed here only so that `make messages` puts them in this project's
catalogs, which Django reads before its own."""

from __future__ import annotations

from django.utils.translation import gettext_noop

ADMIN_MESSAGES = (
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Model name"),
)
