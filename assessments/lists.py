"""Lists in running text, punctuated in the reader's language: Arabic and Chinese have their own
comma and semicolon, Chinese its own full stop. Templates use the same messages."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import pgettext


def semicolons(parts: Iterable[str]) -> str:
    return pgettext("between the items of a list", "; ").join(parts)


def commas(parts: Iterable[str]) -> str:
    return pgettext("between the numbers of a list", ", ").join(parts)


def sentence(parts: Iterable[str]) -> str:
    """The parts as one sentence: separated by semicolons, with a full stop."""
    return semicolons(parts) + pgettext("the end of a sentence", ".")
