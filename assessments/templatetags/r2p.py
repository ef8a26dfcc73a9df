"""Filters for what every page shows the same way: people by name, times in the reader's
time zone (activated by r2p_assess.middleware) in their language's own format, page links."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page
from django.utils import formats, timezone

register = template.Library()


@register.filter
def person(user: AbstractBaseUser | None) -> str:
    """A person's name as they gave it; their username only when they gave none."""
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()


@register.filter
def when(moment: datetime | None) -> str:
    """A date and time, e.g. "29 November 2026, 14:02" (as the language writes it)."""
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@register.filter
def day(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


@register.filter
def clock(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return formats.time_format(timezone.localtime(moment), "TIME_FORMAT")


@register.filter
def page_numbers(page: Page) -> list[int | str]:
    """The numbers of the pages to link to around `page`, with an ellipsis for those left out
    (Paginator.ELLIPSIS)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
