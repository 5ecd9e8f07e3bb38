"""Superusers edit accounts in the admin; every save and delete is recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from taizhang.accounts.choices import Role
from taizhang.accounts.models import OfficeSettings, Organization, Person, User
from taizhang.accounts.security.passwords import mark_password_as_chosen
from taizhang.core.audit.models import AuditEvent


@pytest.fixture
def admin_client(client, world):
    root = User.objects.create_superuser("root", password="pw-root")
    mark_password_as_chosen(root)
    root.save(update_fields=["password_changed_at"])
    client.force_login(root)
    client.root = root
    return client


def _user_form(user: User, **overrides):
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "is_active": "on", "role": user.role,
        "person": user.person_id or "", "organization": user.organization_id or "",
        "division": user.division_id or "", "last_login_0": "", "last_login_1": "",
        "date_joined_0": "2022-01-01", "date_joined_1": "00:00:00",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_changing_a_users_role_is_recorded_with_before_and_after(admin_client, world):
    url = reverse("admin:accounts_user_change", args=[world.victor.pk])
    response = admin_client.post(url, _user_form(world.victor, role=Role.OFFICE_ADMIN))
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.for_object(world.victor).get(action="user.updated")
    assert event.actor == admin_client.root
    assert event.changes["role"] == [Role.VIEWER, Role.OFFICE_ADMIN]
    assert "password" not in event.changes


def test_password_change_is_recorded_without_the_hash(admin_client, world):
    url = reverse("admin:auth_user_password_change", args=[world.alice.pk])
    response = admin_client.post(url, {"password1": "N3w-long-pass!", "password2":
                                       "N3w-long-pass!", "usable_password": "true"})
    assert response.status_code == 302
    event = AuditEvent.objects.for_object(world.alice).get(action="user.password_changed")
    assert event.changes == {"password": ["***", "***"]}
    assert "md5" not in str(AuditEvent.objects.values_list("changes", flat=True)[::1])


def test_organization_person_settings_create_change_delete(admin_client, world):
    url = reverse("admin:accounts_organization_add")
    response = admin_client.post(url, {"kind": "enterprise", "name": "新材料公司",
                                       "credit_code": "", "division": ""})
    assert response.status_code == 302
    org = Organization.objects.get(name="新材料公司")
    created = AuditEvent.objects.for_object(org).get(action="organization.created")
    assert created.changes["name"] == [None, "新材料公司"]

    settings_obj = OfficeSettings.objects.get(division=world.county)
    url = reverse("admin:accounts_officesettings_change", args=[settings_obj.pk])
    response = admin_client.post(url, {"division": world.county.pk, "reporting_period":
                                       "2022-08", "start_rate_basis": "planned",
                                       "report_deadline_day": "5", "behind_points": 10})
    assert response.status_code == 302
    changed = AuditEvent.objects.for_object(settings_obj).get(action="officesettings.updated")
    assert changed.changes["reporting_period"] == ["2022-07", "2022-08"]

    person = Person.objects.create(name="李四")
    url = reverse("admin:accounts_person_delete", args=[person.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    deleted = AuditEvent.objects.get(action="person.deleted", object_id=str(person.pk))
    assert deleted.changes["name"] == ["李四", None]


def test_group_permissions_are_recorded(admin_client, world):
    from django.contrib.auth.models import Group

    url = reverse("admin:auth_group_add")
    assert admin_client.post(url, {"name": "inspectors"}).status_code == 302
    group = Group.objects.get(name="inspectors")
    assert AuditEvent.objects.for_object(group).filter(action="group.created").exists()


def test_service_refuses_an_actor_without_the_permission(world):
    from django.core.exceptions import PermissionDenied

    from taizhang.accounts.services import save_account_object

    person = Person(name="王五")
    with pytest.raises(PermissionDenied):
        save_account_object(person, actor=world.office)
    assert not Person.objects.filter(name="王五").exists()


def test_admin_history_button_opens_the_audit_history(admin_client, world):
    url = reverse("admin:accounts_user_history", args=[world.alice.pk])
    response = admin_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("audit:history", args=["user", world.alice.pk])
    url = reverse("admin:ledger_project_history", args=[world.alice_project.pk])
    assert admin_client.get(url)["Location"] == reverse(
        "audit:history", args=["project", world.alice_project.pk])
