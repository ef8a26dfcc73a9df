"""What every page's template needs beyond Django's own."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import get_language_info

from assessments.middleware import suggested_language


def language_suggestion(request: HttpRequest) -> dict[str, object]:
    """On a first visit, the browser's language, offered (never chosen for the person)."""
    language = suggested_language(request)
    return {"suggested_language": get_language_info(language) if language else None}
