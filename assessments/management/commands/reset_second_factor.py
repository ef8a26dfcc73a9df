"""Forget a person's authenticator and recovery codes, when their phone and codes are lost:
they set up a new one at their next sign-in (where one is required) or when they choose."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments import services


class Command(BaseCommand):
    help = "Remove a person's second factor (authenticator app and recovery codes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The person's username.")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        services.remove_second_factor(user=user)
        self.stdout.write(
            f"{username}'s second factor is removed: they set up a new one when they next sign in."
        )
