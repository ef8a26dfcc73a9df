"""A new reviewer sets up their second factor in the browser, signs out, signs in with the
next time step's code (the one already used is refused), and uses a recovery code once."""

from __future__ import annotations

import time
from base64 import b32encode

from django.contrib.auth.models import Group
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from assessments.access import REVIEWERS_GROUP
from tests.factories import PASSWORD, UserFactory

QUEUE = "/admin/assessments/assessment/"


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/?next={QUEUE}")
    page.locator("#id_username").fill("newreviewer")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").first.click()


def test_a_reviewer_sets_up_the_second_factor_and_signs_in_with_it(visitor, demo) -> None:
    reviewer = UserFactory(
        username="newreviewer", first_name="Nadia", last_name="Rahman", is_staff=True
    )
    reviewer.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    person = visitor()
    page = person.page
    sign_in(page, person.base_url)

    # Required for the secretariat: the set-up page comes before anything else.
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    expect(page.locator(".second-factor-qr svg")).to_be_visible()
    person.check("second factor set-up", screenshot="f-second-factor-set-up")
    key = page.locator("#second-factor-key").inner_text()
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    assert "".join(key.split()) == b32encode(device.bin_key).decode()
    set_up_with = code_for(device)
    page.get_by_role("textbox", name="Code").fill(set_up_with)
    page.get_by_role("button", name="Turn it on").click()
    expect(page.get_by_text("Two-factor authentication is on.")).to_be_visible()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    person.check("recovery codes", screenshot="f-recovery-codes")
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.locator("#result_list")).to_be_visible()

    # Signed out and in again: the code the set-up used is refused (the very code, not the
    # current step's, which differs once the clock has crossed a step); the next step's works.
    sign_out(page)
    sign_in(page, person.base_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.get_by_role("textbox", name="Code").fill(set_up_with)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code was not accepted")).to_be_visible()
    person.check("code refused", screenshot="f-code-refused")
    time.sleep(1.5)  # after a wrong code, the next try waits (django-otp's throttling)
    page.get_by_role("textbox", name="Code").fill(code_for(device, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#result_list")).to_be_visible()

    # A recovery code signs in once.
    for attempt in ("first", "again"):
        sign_out(page)
        sign_in(page, person.base_url)
        page.get_by_role("textbox", name="Code").fill(codes[0])
        page.get_by_role("button", name="Continue").click()
        if attempt == "first":
            expect(page.locator("#result_list")).to_be_visible()
            expect(
                page.get_by_text("You signed in with a recovery code; 9 are left.")
            ).to_be_visible()
        else:
            expect(page.get_by_text("That code was not accepted")).to_be_visible()
    person.assert_no_errors()
