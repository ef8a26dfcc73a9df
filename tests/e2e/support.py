"""What every browser test does on the pages it visits: log in, screenshot, run axe, and fail on
a JavaScript error, a refused script (the CSP) or an unexpected "leave this page?" prompt."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Dialog, Page, expect

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE / "screenshots"
AXE_SOURCE = (HERE / "axe" / "axe.min.js").read_text(encoding="utf-8")
FAILING_IMPACTS = ("serious", "critical")

# Evaluated rather than added as a <script> tag: page.evaluate is not subject to the page's
# CSP (script-src 'self'), so the app's own policy stays in force while the tests run.
# Each node says whether it is in a part of the page that our own templates make: the whole
# of the app's pages, and what carries data-r2p-own in the admin's (Django's stock admin is
# held to serious and critical only).
RUN_AXE = """async () => {
    const results = await window.axe.run(document, {
        resultTypes: ["violations"],
    });
    const admin = location.pathname.startsWith("/admin/");
    const ours = (target) => {
        const element = document.querySelector(target.join(" "));
        return !admin || Boolean(element && element.closest("[data-r2p-own]"));
    };
    return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((node) => node.target.join(" ")),
        ours: v.nodes.some((node) => ours(node.target)),
    }));
}"""

AUTOSAVED = """(since) =>
    document.getElementById("save-status")?.dataset.state === "saved" &&
    performance.getEntriesByType("resource").some(
        (entry) => entry.initiatorType === "xmlhttprequest" && entry.startTime >= since
    )"""

# The browser reports a response with an error status this way: the 409 of a conflict, the
# 401 of an autosave after the session ended, the 403 of one whose CSRF token was rotated. It
# is the app answering as designed, not a script failing.
EXPECTED_STATUS = re.compile(
    r"Failed to load resource: the server responded with a status of (409|401|403)"
)


def format_violations(where: str, violations: list[dict]) -> str:
    lines = [f"axe: {len(violations)} violation(s) on {where}:"]
    for violation in violations:
        targets = ", ".join(violation["targets"][:5])
        more = len(violation["targets"]) - 5
        if more > 0:
            targets += f" (and {more} more)"
        lines.append(f"  - {violation['id']} [{violation['impact']}]: {violation['help']}")
        lines.append(f"      {targets}")
    return "\n".join(lines)


@dataclass
class Visitor:
    """One person in their own browser context."""

    page: Page
    base_url: str
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.on("dialog", self._dialog)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error" or EXPECTED_STATUS.search(message.text):
            return
        source = message.location.get("url", "")
        self.errors.append(f"console error: {message.text} ({source})")

    def _dialog(self, dialog: Dialog) -> None:
        # Accepted so that the test goes on, but recorded: every dialog is unexpected here.
        self.errors.append(f"{dialog.type} dialog: {dialog.message!r}")
        dialog.accept()

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def goto(self, path: str) -> None:
        response = self.page.goto(self.url(path))
        assert response is not None and response.ok, f"GET {path}: {response and response.status}"

    def login(self, username: str, password: str, *, next_path: str = "") -> None:
        self.goto("/accounts/login/" + (f"?next={next_path}" if next_path else ""))
        self.check("login", screenshot=f"login-{username}")
        self.page.locator("#id_username").fill(username)
        self.page.locator("#id_password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        expect(self.page.get_by_role("button", name="Log out")).to_be_visible()
        if "/accounts/second-factor/" in self.page.url:
            # Journeys that are not about the second factor have it done for them (the one
            # that is: test_second_factor.py).
            self.verify_session()
            self.goto(next_path or "/")

    def verify_session(self) -> None:
        """Mark this browser's session as verified with the user's authenticator, as entering
        its code would."""
        from django.contrib.sessions.backends.db import SessionStore
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        cookie = next(c for c in self.page.context.cookies() if c["name"] == "sessionid")
        session = SessionStore(session_key=cookie["value"])
        user_id = session["_auth_user_id"]
        device = TOTPDevice.objects.get(user_id=user_id, confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    def clock(self) -> float:
        """The page's clock (performance.now()), to wait for what happens after this moment."""
        return self.page.evaluate("() => performance.now()")

    def wait_for_autosave(self, since: float) -> None:
        """Wait until an autosave sent after `since` has come back and the status says "Saved"
        (an earlier autosave's "Saved" does not count: it may not hold the latest edits)."""
        self.page.wait_for_function(AUTOSAVED, arg=since)

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png")

    def check(self, where: str, *, screenshot: str = "") -> None:
        """Screenshot the page, run axe on it and fail on any violation in what our templates
        make (any serious or critical one anywhere), or on anything that went wrong in the
        page so far."""
        self.page.wait_for_load_state("load")
        if screenshot:
            self.screenshot(screenshot)
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(AXE_SOURCE)
        violations = [
            v for v in self.page.evaluate(RUN_AXE) if v["ours"] or v["impact"] in FAILING_IMPACTS
        ]
        assert not violations, format_violations(f"{where} ({self.page.url})", violations)
        self.assert_no_errors()

    def assert_no_errors(self) -> None:
        errors, self.errors[:] = list(self.errors), []
        assert not errors, f"on {self.page.url}:\n" + "\n".join(errors)
