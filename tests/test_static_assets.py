"""Nothing is loaded from another host: users are on filtered networks, and a CDN sees who asks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.templatetags.static import static
from django.test import Client

TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html"))
STYLESHEETS = sorted((Path(settings.BASE_DIR) / "static" / "css").rglob("*.css"))

# An asset is what a page loads by itself: scripts, stylesheets, images, frames, CSS url()/@import.
# Links a user chooses to follow (<a href>) are not assets.
REMOTE_ASSET = re.compile(
    r"""<(?:script|img|iframe|source|audio|video|embed|link)\b[^>]*\b(?:src|href|srcset)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//"""
    r"""|@import\s+["']?\s*(?:https?:)?//""",
    re.IGNORECASE,
)


@pytest.mark.parametrize("path", TEMPLATES + STYLESHEETS, ids=lambda p: p.name)
def test_no_template_or_stylesheet_references_another_host(path: Path) -> None:
    match = REMOTE_ASSET.search(path.read_text(encoding="utf-8"))
    assert match is None, f"{path} loads an asset from another host: {match.group(0)}"


def test_the_detector_catches_what_it_should() -> None:
    assert REMOTE_ASSET.search('<script src="https://cdn.example.org/x.js"></script>')
    assert REMOTE_ASSET.search("<link rel=stylesheet href=//cdn.example.org/x.css>")
    assert REMOTE_ASSET.search("body { background: url('http://example.org/a.png') }")
    assert not REMOTE_ASSET.search('<a href="https://www.un.org/">UN</a>')


@pytest.mark.django_db
def test_rendered_pages_load_only_local_assets() -> None:
    for url in ["/", "/accounts/login/", "/accounts/password_reset/"]:
        html = Client().get(url).content.decode()
        assert not REMOTE_ASSET.search(html), url
        assert static("vendor/bootstrap-5.3.9/css/bootstrap.min.css") in html


def test_vendored_assets_are_present_with_their_licences() -> None:
    vendor = Path(settings.BASE_DIR) / "static" / "vendor"
    for path in [
        "bootstrap-5.3.9/css/bootstrap.min.css",
        "bootstrap-5.3.9/js/bootstrap.bundle.min.js",
        "bootstrap-5.3.9/LICENSE",
        "htmx-2.0.11/htmx.min.js",
        "htmx-2.0.11/LICENSE",
    ]:
        assert (vendor / path).is_file(), path


PHYSICAL = re.compile(
    r"(?:margin|padding|border)-(?:left|right)\b|\b(?:float|text-align|clear):\s*(?:left|right)\b"
    r"|^\s*(?:left|right):",
    re.MULTILINE,
)


@pytest.mark.parametrize("name", ["app.css", "review.css"])
def test_screen_stylesheets_use_logical_properties_so_that_arabic_mirrors(name: str) -> None:
    # Start and end, not left and right: a right-to-left page (Arabic) mirrors by itself.
    css = (Path(settings.BASE_DIR) / "static" / "css" / name).read_text(encoding="utf-8")
    assert PHYSICAL.search(css) is None, PHYSICAL.search(css)
