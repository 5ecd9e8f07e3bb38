"""The office's page for an enterprise's size and tags: saved through the service (audited,
versioned) and used by the matching; another county's office and the owners kept out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from taizhang.accounts.choices import DivisionLevel, Role
from taizhang.accounts.models import Division, User
from taizhang.accounts.security.passwords import mark_password_as_chosen
from taizhang.core.audit.models import AuditEvent
from taizhang.policies import services
from taizhang.policies.models import EnterpriseProfile, Push

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(world) -> str:
    return reverse("policies:profile", args=[world.alice_org.pk])


def test_the_office_saves_size_and_tags_and_the_matching_uses_them(world):
    policy = services.save_policy(world.county, actor=world.office, expected_version=0,
                                  title="小微企业贷款贴息", issuer="迁安市财政局", level="county",
                                  benefit="贴息50%", sizes=["small"], tags=["专精特新"])
    matches = reverse("policies:matches", args=[policy.pk])
    client = _client(world.office)
    page = client.get(matches).content.decode()
    assert "燕山钢铁有限公司" not in page and _url(world) not in page
    response = client.post(_url(world), {"version": "0", "size": "small",
                                         "tags": " 专精特新、高新技术企业，专精特新 ",
                                         "next": matches})
    assert response.status_code == 302 and response["Location"] == matches
    profile = EnterpriseProfile.objects.get(organization=world.alice_org)
    assert profile.size == "small" and profile.tags == ["专精特新", "高新技术企业"]
    assert AuditEvent.objects.filter(action="policy.profile_saved").exists()
    page = client.get(matches).content.decode()
    assert "燕山钢铁有限公司" in page and f"{_url(world)}?next=" in page
    services.run_matching(world.county, actor=world.office)
    assert set(Push.objects.filter(policy=policy).values_list("enterprise_id", flat=True)) == {
        world.alice_org.pk}
    shown = client.get(_url(world)).content.decode()
    assert "专精特新, 高新技术企业" in shown
    # A stale form (version 0 again) is refused, not saved over; a foreign `next` is ignored.
    stale = client.post(_url(world), {"version": "0", "size": "micro", "tags": ""})
    assert stale.status_code == 200
    assert EnterpriseProfile.objects.get(organization=world.alice_org).size == "small"
    again = client.post(_url(world), {"version": str(profile.version), "size": "", "tags": "",
                                      "next": "https://evil.example/"})
    assert again.status_code == 302 and again["Location"] == _url(world)
    assert EnterpriseProfile.objects.get(organization=world.alice_org).size == ""


def test_a_bad_size_is_a_form_error(world):
    response = _client(world.office).post(_url(world), {"version": "0", "size": "giant",
                                                        "tags": ""})
    assert response.status_code == 200
    assert "size" in response.context["form"].errors
    assert not EnterpriseProfile.objects.exists()


def test_another_countys_office_and_the_owners_are_kept_out(world):
    far = Division.objects.create(code="130281", name="遵化市", level=DivisionLevel.COUNTY,
                                  parent=world.county.parent)
    far_office = User(username="far_office", role=Role.OFFICE_ADMIN, division=far)
    far_office.set_password("pw-far-office")
    mark_password_as_chosen(far_office)
    far_office.save()
    assert _client(far_office).get(_url(world)).status_code == 404
    assert _client(far_office).post(_url(world), {"version": "0", "size": "small"}
                                    ).status_code == 404
    for owner in (world.alice, world.bob):
        assert _client(owner).get(_url(world)).status_code in (403, 404)
        _client(owner).post(_url(world), {"version": "0", "size": "small"})
    assert not EnterpriseProfile.objects.exists()
    assert _client(world.office).get(reverse("policies:profile", args=[999999])
                                     ).status_code == 404
