"""Countries in the admin: their regional group, which the reviewer's dashboard filters by."""

from __future__ import annotations

import pytest

from assessments.models import Country
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_admin_sets_a_countrys_regional_group(client, world) -> None:
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = f"/admin/assessments/country/{world.arcadia.pk}/change/"
    html = client.get(url).content.decode()
    assert '<option value="african">African States</option>' in html
    assert "Western European and other States" in html
    response = client.post(
        url,
        {
            "name": "Arcadia",
            "code": "XA",
            "region": Country.Region.LATIN_AMERICAN_CARIBBEAN,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    world.arcadia.refresh_from_db()
    assert world.arcadia.region == "latin_american_caribbean"
    listing = client.get("/admin/assessments/country/?region=latin_american_caribbean")
    assert "Latin American and Caribbean States" in listing.content.decode()
    assert "Borealis" not in listing.content.decode()


def test_a_region_not_offered_is_refused(client, world) -> None:
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = f"/admin/assessments/country/{world.arcadia.pk}/change/"
    data = {"name": "Arcadia", "code": "XA", "region": "atlantis"}
    data |= {"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}
    assert client.post(url, data).status_code == 200
    world.arcadia.refresh_from_db()
    assert world.arcadia.region == ""
