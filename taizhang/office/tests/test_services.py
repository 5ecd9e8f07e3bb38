"""The office's services: who may do what, the audit trail, stale forms, clear refusals."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from taizhang.accounts.choices import DivisionLevel, OrganizationKind, Role
from taizhang.accounts.models import Division, OfficeSettings, Organization, Person, User
from taizhang.accounts.security import totp
from taizhang.accounts.security.passwords import must_change_password
from taizhang.core.audit.models import AuditEvent
from taizhang.core.codes import uscc_check_char
from taizhang.core.periods import Period
from taizhang.core.services import ConcurrentEdit, MissingVersion, ServiceError
from taizhang.ledger.models import KeyList
from taizhang.ledger.services.keylists import create_list
from taizhang.office import services

NOT_OFFICE = ("alice", "bob", "carol", "dave", "victor", "eve")


def valid_uscc(body: str = "91130283MA0000000") -> str:
    return body + uscc_check_char(body)


@pytest.fixture
def far(world):
    """Another county with its own office administrator and enterprise."""
    far_county = Division.objects.create(code="130284", name="滦州市", level=DivisionLevel.COUNTY,
                                         parent=world.county.parent)
    office2 = User.objects.create_user("office2", password="pw", role=Role.OFFICE_ADMIN,
                                       division=far_county)
    org = Organization.objects.create(kind=OrganizationKind.ENTERPRISE, name="远郊物流有限公司",
                                      division=far_county)
    return far_county, office2, org


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def new_owner(world, **extra):
    values = dict(username="newowner", last_name="张", first_name="三", email="",
                  role=Role.OWNER, organization=world.alice_org, division=world.county,
                  person=None)
    values.update(extra)
    return services.create_user(world.office, **values)


# --- settings ---------------------------------------------------------------------------------

def test_office_sets_the_period_and_deadline_audited(world):
    settings = OfficeSettings.objects.get(division=world.county)
    services.update_settings(world.office, reporting_period="2022-08", report_deadline_day=5,
                             expected_version=settings.version)
    settings.refresh_from_db()
    assert (settings.reporting_period, settings.report_deadline_day) == ("2022-08", 5)
    assert OfficeSettings.for_division(world.town).report_due_date().isoformat() == "2022-09-05"
    [event] = events("officesettings.updated")
    assert event.changes["reporting_period"] == ["2022-07", "2022-08"]
    assert event.changes["report_deadline_day"] == [10, 5]


def test_a_stale_settings_form_is_refused(world):
    settings = OfficeSettings.objects.get(division=world.county)
    opened_at = settings.version
    services.update_settings(world.office, reporting_period="2022-08", report_deadline_day=7,
                             expected_version=opened_at)
    with pytest.raises(ConcurrentEdit):
        services.update_settings(world.office, reporting_period="2022-09",
                                 report_deadline_day=7, expected_version=opened_at)
    with pytest.raises(MissingVersion):
        services.open_next_month(world.office, expected_version=None)
    assert OfficeSettings.objects.get(division=world.county).reporting_period == "2022-08"


@pytest.mark.parametrize(("period", "day", "field"), [
    ("2022-13", 5, "reporting_period"), ("August", 5, "reporting_period"),
    ("2022-08", 0, "report_deadline_day"), ("2022-08", 29, "report_deadline_day"),
])
def test_bad_settings_name_the_field(world, period, day, field):
    with pytest.raises(ServiceError) as caught:
        services.update_settings(world.office, reporting_period=period, report_deadline_day=day,
                                 expected_version=0)
    assert caught.value.field == field


def test_opening_the_next_month_moves_one_month_audited(world):
    settings = OfficeSettings.objects.get(division=world.county)
    services.open_next_month(world.office, expected_version=settings.version)
    assert OfficeSettings.for_division(world.town).current_reporting_period() == Period(2022, 8)
    [event] = events("officesettings.month_opened")
    assert event.changes == {"reporting_period": ["2022-07", "2022-08"]}
    assert event.actor_id == world.office.pk


def test_a_township_office_gets_its_own_settings_the_county_keeps_its(world):
    township_admin = User.objects.create_user("townadmin", role=Role.OFFICE_ADMIN,
                                              division=world.town)
    services.open_next_month(township_admin, expected_version=0)
    assert OfficeSettings.for_division(world.town).reporting_period == "2022-08"
    assert OfficeSettings.for_division(world.other_town).reporting_period == "2022-07"
    assert events("officesettings.created")


@pytest.mark.parametrize("who", NOT_OFFICE)
def test_nobody_but_an_office_changes_settings(world, who):
    with pytest.raises(PermissionDenied):
        services.update_settings(getattr(world, who), reporting_period="2022-09",
                                 report_deadline_day=5, expected_version=0)
    with pytest.raises(PermissionDenied):
        services.open_next_month(getattr(world, who), expected_version=0)
    assert OfficeSettings.objects.get(division=world.county).reporting_period == "2022-07"


def test_an_office_not_placed_in_a_division_does_nothing(world):
    stray = User.objects.create_user("stray", role=Role.OFFICE_ADMIN)
    with pytest.raises(PermissionDenied):
        services.open_next_month(stray, expected_version=0)
    with pytest.raises(PermissionDenied):
        services.manageable_users(stray)
    with pytest.raises(PermissionDenied):
        services.create_user(stray, username="x", role=Role.OWNER,
                             organization=world.alice_org, division=world.county)


# --- accounts ---------------------------------------------------------------------------------

def test_office_creates_an_owner_with_a_one_time_password(world):
    user, password = new_owner(world)
    user.refresh_from_db()
    assert user.check_password(password) and must_change_password(user)
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert user.organization == world.alice_org and user.division == world.county
    [event] = events("user.created")
    assert event.changes["role"] == [None, Role.OWNER]
    assert password not in str(event.changes) and "password" not in event.changes
    assert not user.totp_secret  # only office administrators enrol a second factor


def test_a_new_office_admin_enrols_a_second_factor(world):
    user, _ = new_owner(world, username="admin2", role=Role.OFFICE_ADMIN, organization=None)
    user.refresh_from_db()
    assert user.totp_secret and not user.totp_confirmed
    code = totp.code_at(user.totp_secret, totp.current_step())
    assert services.confirm_second_factor(world.office, user, code)
    user.refresh_from_db()
    assert user.totp_confirmed


@pytest.mark.parametrize("who", NOT_OFFICE)
def test_nobody_but_an_office_creates_accounts(world, who):
    with pytest.raises(PermissionDenied):
        services.create_user(getattr(world, who), username="x", role=Role.OWNER,
                             organization=world.alice_org, division=world.county)
    assert not User.objects.filter(username="x").exists()


def test_another_countys_office_cannot_place_or_touch_our_accounts(world, far):
    far_county, office2, far_org = far
    with pytest.raises(PermissionDenied):  # our division
        services.create_user(office2, username="x", role=Role.OWNER, organization=far_org,
                             division=world.county)
    with pytest.raises(PermissionDenied):  # an organization placed in another county
        services.create_user(world.office, username="x", role=Role.OWNER,
                             organization=far_org, division=world.county)
    with pytest.raises(PermissionDenied):
        services.update_user(office2, world.alice, expected_version=world.alice.version,
                             role=Role.VIEWER)
    with pytest.raises(PermissionDenied):
        services.set_active(office2, world.alice, False, expected_version=world.alice.version)
    with pytest.raises(PermissionDenied):
        services.reset_password(office2, world.alice)
    assert not services.manageable_users(office2).filter(pk=world.alice.pk).exists()
    world.alice.refresh_from_db()
    assert world.alice.is_active and world.alice.role == Role.OWNER


def test_an_office_cannot_touch_a_superuser_or_raise_its_own_role(world, admin_user):
    admin_user.division = world.county
    admin_user.save()
    assert not services.manageable_users(world.office).filter(pk=admin_user.pk).exists()
    with pytest.raises(PermissionDenied):
        services.set_active(world.office, admin_user, False, expected_version=0)
    with pytest.raises(ServiceError) as caught:
        services.update_user(world.office, world.office, expected_version=world.office.version,
                             division=world.county.parent)
    assert caught.value.field == "role"
    with pytest.raises(ServiceError):
        services.set_active(world.office, world.office, False,
                            expected_version=world.office.version)
    with pytest.raises(PermissionDenied):  # a division above its own
        services.update_user(world.office, world.alice, expected_version=world.alice.version,
                             division=world.county.parent)


def test_an_edit_from_a_stale_form_is_refused(world):
    opened_at = world.alice.version
    services.update_user(world.office, world.alice, expected_version=opened_at,
                         last_name="李", first_name="爱丽丝")
    with pytest.raises(ConcurrentEdit):
        services.update_user(world.office, world.alice, expected_version=opened_at,
                             role=Role.VIEWER)
    world.alice.refresh_from_db()
    assert world.alice.role == Role.OWNER and world.alice.first_name == "爱丽丝"
    [event] = events("user.updated")
    assert event.changes == {"first_name": ["", "爱丽丝"], "last_name": ["", "李"]}


def test_a_login_does_not_make_the_edit_form_stale(world, client):
    opened_at = world.alice.version
    client.post("/login/", {"username": "alice", "password": "pw-alice"})
    services.update_user(world.office, world.alice, expected_version=opened_at,
                         role=Role.VIEWER, organization=None)
    assert User.objects.get(pk=world.alice.pk).role == Role.VIEWER


def test_deactivation_instead_of_deletion(world, client):
    services.set_active(world.office, world.alice, False, expected_version=world.alice.version)
    assert User.objects.filter(pk=world.alice.pk, is_active=False).exists()
    assert events("user.deactivated")
    assert not client.login(username="alice", password="pw-alice")
    services.set_active(world.office, world.alice, True,
                        expected_version=User.objects.get(pk=world.alice.pk).version)
    assert events("user.reactivated")


def test_a_taken_username_and_a_missing_organization_name_their_fields(world):
    with pytest.raises(ServiceError) as caught:
        new_owner(world, username="ALICE")
    assert caught.value.field == "username"
    with pytest.raises(ServiceError) as caught:
        new_owner(world, organization=None)
    assert caught.value.field == "organization"
    with pytest.raises(ServiceError) as caught:
        new_owner(world, role=Role.LEADER, organization=None)
    assert caught.value.field == "person"


def test_an_over_long_account_name_is_refused_naming_the_field(world):
    # SQLite does not enforce varchar lengths: the service must, on both databases.
    with pytest.raises(ServiceError) as caught:
        new_owner(world, last_name="张" * 300)
    assert caught.value.field == "last_name"
    assert "150" in str(caught.value) and "300" in str(caught.value)
    assert not User.objects.filter(username="newowner").exists()
    assert not events("user.created")
    alice = User.objects.get(pk=world.alice.pk)
    with pytest.raises(ServiceError) as caught:
        services.update_user(world.office, alice, expected_version=alice.version,
                             first_name="三" * 151)
    assert caught.value.field == "first_name"
    assert User.objects.get(pk=alice.pk).first_name == alice.first_name
    assert not events("user.updated")


def test_a_reset_password_must_be_changed(world):
    password = services.reset_password(world.office, world.alice)
    alice = User.objects.get(pk=world.alice.pk)
    assert alice.check_password(password) and must_change_password(alice)
    assert events("user.password_changed")[0].changes == {"password": ["***", "***"]}


# --- organizations, people, key lists ---------------------------------------------------------

def test_office_creates_an_enterprise_with_a_checked_credit_code(world):
    org = services.save_organization(world.office, None, kind=OrganizationKind.ENTERPRISE,
                                     name="迁安新能源有限公司", credit_code=valid_uscc().lower(),
                                     division=world.town, expected_version=0)
    assert org.credit_code == valid_uscc()
    assert events("organization.created")[0].changes["credit_code"] == [None, valid_uscc()]


@pytest.mark.parametrize("code", ["91130283MA00000000", "123", ""])
def test_a_bad_or_missing_credit_code_names_the_field(world, code):
    with pytest.raises(ServiceError) as caught:
        services.save_organization(world.office, None, kind=OrganizationKind.ENTERPRISE,
                                   name="某公司", credit_code=code, division=world.county,
                                   expected_version=0)
    assert caught.value.field == "credit_code"
    assert not Organization.objects.filter(name="某公司").exists()


def test_organization_edits_are_scoped_and_versioned(world, far):
    far_county, office2, far_org = far
    with pytest.raises(PermissionDenied):
        services.save_organization(world.office, far_org, kind=far_org.kind, name="改名",
                                   credit_code=None, division=world.county, expected_version=0)
    with pytest.raises(PermissionDenied):
        services.save_organization(office2, None, kind=OrganizationKind.BANK, name="某银行",
                                   credit_code=None, division=world.county, expected_version=0)
    bank = services.save_organization(world.office, None, kind=OrganizationKind.BANK,
                                      name="迁安农商行", credit_code=None, division=world.county,
                                      expected_version=0)
    services.save_organization(world.office, bank, kind=bank.kind, name="迁安农商银行",
                               credit_code=None, division=world.county, expected_version=0)
    with pytest.raises(ConcurrentEdit):
        services.save_organization(world.office, bank, kind=bank.kind, name="又改",
                                   credit_code=None, division=world.county, expected_version=0)
    assert Organization.objects.get(pk=bank.pk).name == "迁安农商银行"
    assert events("organization.updated")[0].changes["name"] == ["迁安农商行", "迁安农商银行"]


def test_office_keeps_its_leaders(world, far):
    far_county, office2, far_org = far
    government = services.save_organization(
        world.office, None, kind=OrganizationKind.DEPARTMENT, name="迁安市人民政府",
        credit_code=None, division=world.county, expected_version=0)
    person = services.save_person(world.office, None, name="李明", title="副市长",
                                  organization=government, phone="", expected_version=0)
    services.save_person(world.office, person, name="李明", title="市长",
                         organization=government, phone="", expected_version=0)
    assert Person.objects.get(pk=person.pk).title == "市长"
    assert events("person.updated")[0].changes["title"] == ["副市长", "市长"]
    with pytest.raises(PermissionDenied):
        services.save_person(office2, person, name="x", title="", organization=far_org,
                             phone="", expected_version=1)
    with pytest.raises(PermissionDenied):
        services.save_person(world.office, None, name="x", title="", organization=far_org,
                             phone="", expected_version=0)
    with pytest.raises(ConcurrentEdit):
        services.save_person(world.office, person, name="x", title="", organization=government,
                             phone="", expected_version=0)


def test_over_long_organization_and_person_texts_are_refused_naming_the_field(world):
    with pytest.raises(ServiceError) as caught:
        services.save_organization(world.office, None, kind=OrganizationKind.BANK,
                                   name="行" * 129, credit_code=None, division=world.county,
                                   expected_version=0)
    assert caught.value.field == "name" and "128" in str(caught.value)
    assert not Organization.objects.filter(name="行" * 129).exists()
    government = services.save_organization(
        world.office, None, kind=OrganizationKind.DEPARTMENT, name="迁安市人民政府",
        credit_code=None, division=world.county, expected_version=0)
    for field, limit in (("name", 64), ("title", 64), ("phone", 32)):
        values = {"name": "李明", "title": "", "phone": "", field: "1" * (limit + 1)}
        with pytest.raises(ServiceError) as caught:
            services.save_person(world.office, None, organization=government,
                                 expected_version=0, **values)
        assert caught.value.field == field and str(limit) in str(caught.value)
    assert not Person.objects.filter(organization=government).exists()
    person = services.save_person(world.office, None, name="李明", title="副市长",
                                  organization=government, phone="", expected_version=0)
    with pytest.raises(ServiceError) as caught:
        services.save_person(world.office, person, name="李明", title="长" * 65,
                             organization=government, phone="", expected_version=person.version)
    assert caught.value.field == "title"
    assert Person.objects.get(pk=person.pk).title == "副市长"
    assert not events("person.updated")


@pytest.mark.parametrize("who", NOT_OFFICE)
def test_nobody_but_an_office_keeps_organizations_people_and_lists(world, who):
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.save_organization(actor, None, kind=OrganizationKind.BANK, name="某银行",
                                   credit_code=None, division=world.county, expected_version=0)
    with pytest.raises(PermissionDenied):
        services.save_person(actor, None, name="x", title="", organization=world.unit,
                             phone="", expected_version=0)
    with pytest.raises(PermissionDenied):
        create_list("county", "key", 2023, actor=actor)
    assert not KeyList.objects.filter(year=2023).exists()


def test_office_creates_the_key_lists_of_a_year(world):
    key_list = create_list("county", "key", 2023, actor=world.office, name="2023年迁安市重点项目")
    assert str(key_list) == "2023年迁安市重点项目"
    assert events("keylist.created")[0].changes["year"] == [None, 2023]
    with pytest.raises(ServiceError) as caught:
        create_list("county", "key", 2023, actor=world.office)
    assert caught.value.field == "kind"


def test_a_save_in_the_django_admin_makes_an_open_office_form_stale(world, admin_user):
    from taizhang.accounts.services import save_account_object, stored_state

    opened_at = world.alice.version
    alice = User.objects.get(pk=world.alice.pk)
    before = stored_state(alice)
    alice.email = "alice@example.com"
    save_account_object(alice, actor=admin_user, before=before)
    with pytest.raises(ConcurrentEdit):
        services.update_user(world.office, world.alice, expected_version=opened_at,
                             role=Role.VIEWER, organization=None)
    assert User.objects.get(pk=world.alice.pk).role == Role.OWNER


def test_the_deadline_accessor_without_own_settings(world):
    assert OfficeSettings.for_division(world.town).report_due_date(Period(2022, 12)) \
        .isoformat() == "2023-01-10"
    assert OfficeSettings.for_division(None).report_deadline_day == 10
