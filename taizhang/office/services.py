"""The office administers itself: every write of the office's pages, checked and audited.

An office administrator acts within its division and below (`accounts.scope`): it manages
the accounts placed there, the organizations placed there and their people, its own
division's settings, and the key lists of a year. It never makes a superuser or an account
of the Django admin, never reaches another county, and cannot change its own role or scope.
Accounts are deactivated, never deleted (the audit trail names them). Edits carry the
version the form was opened at (`core.services.save_versioned`): a stale form is refused.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from taizhang.accounts.choices import OrganizationKind, Role
from taizhang.accounts.identity import ensure_username_free, login_key
from taizhang.accounts.models import Division, OfficeSettings, Organization, Person, User
from taizhang.accounts.scope import acts_for_office, acts_for_office_of, office_accounts_q
from taizhang.accounts.security import second_factor
from taizhang.accounts.services import audit_snapshot
from taizhang.core.audit.service import diff, record
from taizhang.core.codes import is_valid_uscc
from taizhang.core.limits import first_too_long
from taizhang.core.periods import Period, PeriodError
from taizhang.core.services import ServiceError, check_version, save_versioned
from taizhang.ledger.models.scope import usable_organization_q

# Kinds of organization an office keeps (its own office is set up once, by `setup-office`).
MANAGED_KINDS = (OrganizationKind.ENTERPRISE, OrganizationKind.DEPARTMENT,
                 OrganizationKind.TOWNSHIP, OrganizationKind.BANK)
# Roles that act for an organization, and the one that acts for a person (ledger scope).
ORGANIZATION_ROLES = (Role.OWNER, Role.UNIT_STAFF, Role.BANK)
USER_FIELDS = ("username", "last_name", "first_name", "email", "role", "organization",
               "division", "person")
ORGANIZATION_FIELDS = ("kind", "name", "credit_code", "division")
PERSON_FIELDS = ("name", "title", "organization", "phone")
SETTINGS_FIELDS = ("reporting_period", "report_deadline_day", "behind_points")
# No 0/O, 1/l/I: read aloud or copied from paper without mistakes. Mixed classes and a
# symbol, so it passes the password policy (three of four kinds of character).
_PASSWORD_ALPHABETS = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789")


def _check_lengths(model: type[Any], values: dict[str, Any]) -> None:
    """Text over its column's limit (core/limits.py), before anything is written: SQLite
    would store it whole, PostgreSQL would fail with a 500."""
    over = first_too_long(model, values)
    if over:
        raise ServiceError(over[1], field=over[0])


def require_office(actor: Any) -> None:
    """An active office administrator placed in a division, or a superuser."""
    if not acts_for_office(actor):
        raise PermissionDenied


def _subtree(actor: Any, prefix: str) -> Q:
    return Q() if actor.is_superuser else actor.division.subtree_q(prefix)


def _in_scope(actor: Any, division: Division | None) -> bool:
    return acts_for_office_of(actor, division)


# --- reading: what an office manages ---------------------------------------------------------

def manageable_users(actor: Any) -> QuerySet[User]:
    """Accounts placed in the office's division and below; never a superuser's (they keep
    the Django admin), unless the actor is one."""
    require_office(actor)
    users = User.objects.filter(office_accounts_q(actor))
    return users if actor.is_superuser else users.exclude(is_superuser=True)


def manageable_organizations(actor: Any) -> QuerySet[Organization]:
    """Organizations placed in the office's division and below (unplaced reference data is
    the superuser's, in the Django admin)."""
    require_office(actor)
    return Organization.objects.filter(_subtree(actor, "division__"))


def manageable_people(actor: Any) -> QuerySet[Person]:
    """People of the organizations the office manages."""
    require_office(actor)
    return Person.objects.filter(_subtree(actor, "organization__division__"))


def pickable_organizations(actor: Any) -> QuerySet[Organization]:
    """Organizations an account of the office may act for: those a project may name."""
    require_office(actor)
    return Organization.objects.filter(usable_organization_q(actor))


def pickable_divisions(actor: Any) -> QuerySet[Division]:
    require_office(actor)
    return Division.objects.filter(_subtree(actor, ""))


# --- office settings: the reporting month and the deadline ------------------------------------

def settings_of(actor: Any) -> OfficeSettings:
    """The settings the office's division follows: its own row, or (unsaved, inherited from
    the nearest division above) the values a first save gives it."""
    require_office(actor)
    if actor.division is None:  # a superuser: the Django admin keeps every division's
        raise PermissionDenied
    found = OfficeSettings.for_division(actor.division)
    if found.pk is not None and found.division_id != actor.division_id:
        return OfficeSettings(division=actor.division, reporting_period=found.reporting_period,
                              report_deadline_day=found.report_deadline_day,
                              behind_points=found.behind_points,
                              leaders_see_all=found.leaders_see_all,
                              units_see_all=found.units_see_all,
                              start_rate_basis=found.start_rate_basis)
    return found


def _parse_period(text: str) -> Period:
    try:
        return Period.parse(text.strip())
    except (PeriodError, AttributeError):
        raise ServiceError(_("Give the month as YYYY-MM, e.g. 2022-08."),
                           field="reporting_period") from None


def _deadline_day(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 28:
        raise ServiceError(_("The deadline day is a day of the month from 1 to 28."),
                           field="report_deadline_day")
    return value


def _behind_points(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ServiceError(_("The behind-schedule line is a number of points from 0 to 100."),
                           field="behind_points")
    return value


def _save_settings(actor: Any, settings: OfficeSettings, expected_version: Any,
                   action: str) -> OfficeSettings:
    if settings.pk is None:  # the division's first own row
        check_version(expected_version, None)
        settings.save()
        record("officesettings.created", settings, actor=actor,
               changes={name: [None, value] for name, value in audit_snapshot(settings).items()
                        if value not in (None, "")})
        if action == "officesettings.created":
            return settings
        before = {}
    else:
        before = audit_snapshot(OfficeSettings.objects.get(pk=settings.pk))
        save_versioned(settings, expected_version, SETTINGS_FIELDS)
    changes = diff(before, audit_snapshot(settings)) if before else {
        "reporting_period": [None, settings.reporting_period]}
    if changes:
        record(action, settings, actor=actor, changes=changes)
    return settings


@transaction.atomic
def update_settings(actor: Any, *, reporting_period: str, report_deadline_day: Any,
                    expected_version: Any, behind_points: Any = None) -> OfficeSettings:
    """Set the month owners report now, the day of the next month it is due and (when
    given) the 滞后 line: points below time progress."""
    settings = settings_of(actor)
    settings.reporting_period = str(_parse_period(reporting_period))
    settings.report_deadline_day = _deadline_day(report_deadline_day)
    if behind_points is not None:
        settings.behind_points = _behind_points(behind_points)
    action = "officesettings.updated" if settings.pk else "officesettings.created"
    return _save_settings(actor, settings, expected_version, action)


@transaction.atomic
def open_next_month(actor: Any, *, expected_version: Any) -> OfficeSettings:
    """Move the reporting period forward one month (after the office confirmed it)."""
    settings = settings_of(actor)
    settings.reporting_period = str(settings.current_reporting_period().next())
    return _save_settings(actor, settings, expected_version, "officesettings.month_opened")


# --- accounts ----------------------------------------------------------------------------------

def one_time_password(length: int = 12) -> str:
    """A random password for the new account's first login (it must be changed there)."""
    chars = [secrets.choice(alphabet) for alphabet in _PASSWORD_ALPHABETS]
    every = "".join(_PASSWORD_ALPHABETS) + "-+#"
    chars += [secrets.choice(every) for _ in range(length - len(chars) - 1)] + ["-"]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _check_account(actor: Any, values: dict[str, Any]) -> None:
    """Role and placement: inside the office's reach, with what the role acts for."""
    _check_lengths(User, values)
    role = values.get("role")
    if role not in Role.values:
        raise ServiceError(_("Choose a role."), field="role")
    division = values.get("division")
    if division is None:
        raise ServiceError(_("Choose the division the account works in."), field="division")
    if not _in_scope(actor, division):
        raise PermissionDenied
    organization = values.get("organization")
    if organization is not None and not pickable_organizations(actor).filter(
            pk=organization.pk).exists():
        raise PermissionDenied
    if role in ORGANIZATION_ROLES and organization is None:
        raise ServiceError(_("This role acts for an organization: choose it."),
                           field="organization")
    person = values.get("person")
    if person is not None and not _person_pickable(actor, person):
        raise PermissionDenied
    if role == Role.LEADER and person is None:
        raise ServiceError(_("A leader's account is the account of a person: choose them."),
                           field="person")
    username = values.get("username") or ""
    if not username.strip():
        raise ServiceError(_("Give a username."), field="username")
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages), field="username") from exc


def _person_pickable(actor: Any, person: Person) -> bool:
    return manageable_people(actor).filter(pk=person.pk).exists() or (
        person.organization_id is None or pickable_organizations(actor).filter(
            pk=person.organization_id).exists())


def _username_free(username: str, exclude_pk: int | None) -> None:
    try:
        ensure_username_free(username, exclude_pk=exclude_pk)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages), field="username") from exc


@transaction.atomic
def create_user(actor: Any, **values: Any) -> tuple[User, str]:
    """A new account with a one-time password it must change at the first login.

    Never staff or superuser. A new office administrator gets a second-factor secret to
    enrol on the spot (`confirm_second_factor`). Returns the account and the password, which
    is shown once and stored nowhere.
    """
    require_office(actor)
    values = {name: values.get(name) for name in USER_FIELDS}
    values["username"] = User.normalize_username((values["username"] or "").strip())
    _check_account(actor, values)
    _username_free(values["username"], None)
    user = User(**{k: (v if v is not None or k in ("organization", "division", "person")
                       else "") for k, v in values.items()},
                is_staff=False, is_superuser=False, is_active=True)
    password = one_time_password()
    user.set_password(password)  # set by someone else: password_changed_at stays empty
    user.save()
    record("user.created", user, actor=actor,
           changes={name: [None, value] for name, value in audit_snapshot(user).items()
                    if value not in (None, "", False, 0)})
    if user.role == Role.OFFICE_ADMIN:
        second_factor.start_enrolment(user)
    return user, password


def _managed(actor: Any, user: User) -> User:
    if not manageable_users(actor).filter(pk=user.pk).exists():
        raise PermissionDenied
    return user


@transaction.atomic
def update_user(actor: Any, user: User, *, expected_version: Any, **values: Any) -> User:
    """Change an account's name, role and placement; one's own role and scope stay."""
    require_office(actor)
    _managed(actor, user)
    values = {name: values.get(name, getattr(user, name)) for name in USER_FIELDS}
    values["username"] = User.normalize_username((values["username"] or "").strip())
    own = user.pk == actor.pk
    if own and (values["role"] != user.role or values["division"] != user.division
                or values["organization"] != user.organization):
        raise ServiceError(_("You cannot change your own role, organization or division; "
                             "another office administrator above you can."), field="role")
    _check_account(actor, values)
    _username_free(values["username"], user.pk)
    before = audit_snapshot(user)
    for name, value in values.items():
        setattr(user, name, value if value is not None or name in (
            "organization", "division", "person") else "")
    user.username_key = login_key(user.username)
    save_versioned(user, expected_version, [*USER_FIELDS, "username_key"])
    changes = diff(before, audit_snapshot(user))
    if changes:
        record("user.updated", user, actor=actor, changes=changes)
    return user


@transaction.atomic
def set_active(actor: Any, user: User, active: bool, *, expected_version: Any) -> User:
    """Deactivate (or reactivate) an account: it can no longer log in; its history stays."""
    require_office(actor)
    _managed(actor, user)
    if user.pk == actor.pk:
        raise ServiceError(_("You cannot deactivate your own account."))
    if user.is_active == active:
        check_version(expected_version, user.version)
        return user
    user.is_active = active
    save_versioned(user, expected_version, ["is_active"])
    record("user.reactivated" if active else "user.deactivated", user, actor=actor,
           changes={"is_active": [not active, active]})
    return user


@transaction.atomic
def reset_password(actor: Any, user: User) -> str:
    """A new one-time password (the old one stops working); changed at the next login."""
    require_office(actor)
    _managed(actor, user)
    if user.pk == actor.pk:
        raise ServiceError(_("Change your own password on the password page."))
    password = one_time_password()
    user.set_password(password)
    user.save(update_fields=["password", "password_changed_at"])
    record("user.password_changed", user, actor=actor, changes={"password": ["***", "***"]})
    return password


@transaction.atomic
def confirm_second_factor(actor: Any, user: User, code: str) -> bool:
    """The new office administrator scans the secret and gives the app's first code."""
    require_office(actor)
    _managed(actor, user)
    return second_factor.confirm_enrolment(user, code)


# --- organizations and people -------------------------------------------------------------------

def _clean_credit_code(kind: str, raw: str | None) -> str | None:
    code = (raw or "").strip().upper() or None
    if code is None:
        if kind == OrganizationKind.ENTERPRISE:
            raise ServiceError(_("An enterprise needs its unified social credit code."),
                               field="credit_code")
        return None
    if not is_valid_uscc(code):
        raise ServiceError(
            _("%(value)s is not a valid unified social credit code (18 characters with a "
              "correct check character).") % {"value": code}, field="credit_code")
    return code


@transaction.atomic
def save_organization(actor: Any, organization: Organization | None, *, kind: str, name: str,
                      credit_code: str | None, division: Division | None,
                      expected_version: Any) -> Organization:
    """Create (organization None) or change an enterprise, department, township or bank."""
    require_office(actor)
    if organization is not None and not manageable_organizations(actor).filter(
            pk=organization.pk).exists():
        raise PermissionDenied
    if kind not in MANAGED_KINDS:
        raise ServiceError(_("Choose the kind of organization."), field="kind")
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the organization's name."), field="name")
    _check_lengths(Organization, {"name": name, "credit_code": (credit_code or "").strip()})
    code = _clean_credit_code(kind, credit_code)
    if division is None:
        raise ServiceError(_("Choose the division the organization belongs to."),
                           field="division")
    if not _in_scope(actor, division):
        raise PermissionDenied
    others = Organization.objects.all()
    if organization is not None:
        others = others.exclude(pk=organization.pk)
    if others.filter(kind=kind, name=name).exists():
        raise ServiceError(_("An organization of this kind with this name exists already."),
                           field="name")
    if code and others.filter(credit_code=code).exists():
        raise ServiceError(_("Another organization has this credit code already."),
                           field="credit_code")
    if organization is None:
        check_version(expected_version, None)
        organization = Organization.objects.create(kind=kind, name=name, credit_code=code,
                                                   division=division)
        record("organization.created", organization, actor=actor,
               changes={k: [None, v] for k, v in audit_snapshot(organization).items()
                        if v not in (None, "", 0)})
        return organization
    before = audit_snapshot(organization)
    organization.kind, organization.name = kind, name
    organization.credit_code, organization.division = code, division
    save_versioned(organization, expected_version, ORGANIZATION_FIELDS)
    changes = diff(before, audit_snapshot(organization))
    if changes:
        record("organization.updated", organization, actor=actor, changes=changes)
    return organization


@transaction.atomic
def save_person(actor: Any, person: Person | None, *, name: str, title: str,
                organization: Organization | None, phone: str,
                expected_version: Any) -> Person:
    """Create (person None) or change a person (a leader with their title)."""
    require_office(actor)
    if person is not None and not manageable_people(actor).filter(pk=person.pk).exists():
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the person's name."), field="name")
    if organization is None:
        raise ServiceError(_("Choose the organization the person works for."),
                           field="organization")
    if not manageable_organizations(actor).filter(pk=organization.pk).exists():
        raise PermissionDenied
    values = {"name": name, "title": (title or "").strip(), "organization": organization,
              "phone": (phone or "").strip()}
    _check_lengths(Person, values)
    if person is None:
        check_version(expected_version, None)
        person = Person.objects.create(**values)
        record("person.created", person, actor=actor,
               changes={k: [None, v] for k, v in audit_snapshot(person).items()
                        if v not in (None, "", 0)})
        return person
    before = audit_snapshot(person)
    for key, value in values.items():
        setattr(person, key, value)
    save_versioned(person, expected_version, PERSON_FIELDS)
    changes = diff(before, audit_snapshot(person))
    if changes:
        record("person.updated", person, actor=actor, changes=changes)
    return person
