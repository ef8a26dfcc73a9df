from __future__ import annotations

import os
import stat

from django.apps import AppConfig
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        # Registers the system check that validates the instrument files.
        from assessments import checks  # noqa: F401

        connection_created.connect(private_sqlite_file)


def private_sqlite_file(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """An SQLite database is a file of every country's answers: readable by the app's own
    user only (SQLite gives its -wal and -shm files the same mode)."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if name != ":memory:" and not name.startswith("file:") and os.path.isfile(name):
        os.chmod(name, stat.S_IRUSR | stat.S_IWUSR)
