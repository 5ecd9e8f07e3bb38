"""A county starts from scratch: its divisions, office, office settings and first administrator.

`taizhang setup-office` calls `setup_office`. Every row is written through
`services.save_account_object`, so each one has its audit event (source "command", no actor
user: the system did it on the operator's command). Rows that exist are kept as they are,
which makes a second run change nothing; an existing account is never changed (its password
least of all).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from taizhang.accounts import gbt2260
from taizhang.accounts.choices import DivisionLevel, OrganizationKind, Role
from taizhang.accounts.identity import login_key
from taizhang.accounts.models import Division, OfficeSettings, Organization, User
from taizhang.accounts.scope import acts_for_office
from taizhang.accounts.services import save_account_object
from taizhang.core.context import acting

REASON = "setup-office"


class SetupError(Exception):
    """The setup cannot be done as asked; the message tells the operator why."""


class SystemActor:
    """The installation itself, acting on an operator's console command.

    It passes the services' permission check; the audit trail records no user for it (it has
    no primary key), and the source "command" says where it came from.
    """

    pk = None
    is_authenticated = True
    is_active = True

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return True

    def __str__(self) -> str:
        return "system"


@dataclass
class SetupResult:
    division: Division
    office: Organization
    admin: User
    created: list[str] = field(default_factory=list)  # "division 130283 迁安市", …
    differences: list[str] = field(default_factory=list)  # existing rows kept unlike the table


def default_office_name(county_name: str) -> str:
    """Data, not interface text: the office's name as the county writes it (迁安市重点项目办)."""
    return f"{county_name}重点项目办"


def setup_office(code: str, admin_username: str, password: str | Callable[[], str], *,
                 townships: bool = True, office_name: str = "") -> SetupResult:
    """Create what is missing of the county `code`'s chain, office and administrator.

    `password` (or a function asking for it, called only if the account is new) is checked
    against the password validators. The new administrator must change it at the first login:
    the operator who typed it is not necessarily the person who will use the account.
    Raises gbt2260.DivisionCodeError or SetupError before anything is written.
    """
    found = gbt2260.office_chain(code)
    username = _clean_username(admin_username)
    existing = User.objects.filter(username_key=login_key(username)).first()
    if existing is not None:
        _check_existing_admin(existing, found.division)
        raw_password = None
    else:
        raw_password = password() if callable(password) else password
        _check_password(raw_password, username)
    actor = SystemActor()
    with acting("command"), transaction.atomic():
        result = _Setup(actor)
        parent = None
        for entry in found.chain:
            parent = result.division(entry, parent)
        assert parent is not None
        county = parent
        if townships:
            for entry in found.townships:
                result.division(entry, county)
        office = result.office(county, office_name)
        result.settings(county)
        admin = existing or result.admin(username, raw_password or "", county, office)
        return SetupResult(county, office, admin, result.created, result.differences)


def _clean_username(raw: str) -> str:
    username = User.normalize_username(raw.strip())
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError as exc:
        raise SetupError(" ".join(exc.messages)) from exc
    if not username:
        raise SetupError(_("Give the administrator's username."))
    return username


def _check_existing_admin(user: User, county: gbt2260.Entry) -> None:
    division = user.division
    if not (acts_for_office(user) and user.role == Role.OFFICE_ADMIN
            and division is not None and division.code == county.code):
        raise SetupError(
            _("The account %(name)s already exists and is not an active office administrator "
              "of %(county)s; it is left unchanged. Choose another username.")
            % {"name": user.username, "county": county.name})


def _check_password(password: str, username: str) -> None:
    if not password:
        raise SetupError(_("The password is empty."))
    try:
        password_validation.validate_password(password, User(username=username))
    except ValidationError as exc:
        raise SetupError(" ".join(exc.messages)) from exc


def _level(level: str) -> str:
    return str(DivisionLevel(level).label) if level in DivisionLevel.values else level


class _Setup:
    def __init__(self, actor: SystemActor) -> None:
        self.actor = actor
        self.created: list[str] = []
        self.differences: list[str] = []

    def _save(self, obj: Any, what: str) -> Any:
        save_account_object(obj, actor=self.actor, reason=REASON)
        self.created.append(what)
        return obj

    def division(self, entry: gbt2260.Entry, parent: Division | None) -> Division:
        division = Division.objects.filter(code=entry.code).first()
        if division is None:
            return self._save(Division(code=entry.code, name=entry.name, level=entry.level,
                                       parent=parent),
                              _("division %(code)s %(name)s")
                              % {"code": entry.code, "name": entry.name})
        if (division.name, division.level, division.parent_id) != (
                entry.name, entry.level, parent.pk if parent else None):
            self.differences.append(
                _("division %(code)s is kept as %(name)s (%(level)s); the table says "
                  "%(table_name)s (%(table_level)s)")
                % {"code": entry.code, "name": division.name,
                   "level": _level(division.level), "table_name": entry.name,
                   "table_level": _level(entry.level)})
        return division

    def office(self, county: Division, name: str) -> Organization:
        office = (Organization.objects.filter(kind=OrganizationKind.OFFICE, division=county)
                  .order_by("pk").first())
        if office is not None:
            return office
        name = name.strip() or default_office_name(county.name)
        taken = Organization.objects.filter(kind=OrganizationKind.OFFICE, name=name).first()
        if taken is not None:
            raise SetupError(
                _("An office named %(name)s already exists in another division; give "
                  "--office-name.") % {"name": name})
        return self._save(Organization(kind=OrganizationKind.OFFICE, name=name,
                                       division=county),
                          _("office %(name)s") % {"name": name})

    def settings(self, county: Division) -> OfficeSettings:
        settings = OfficeSettings.objects.filter(division=county).first()
        if settings is not None:
            return settings
        return self._save(OfficeSettings(division=county),
                          _("office settings of %(division)s") % {"division": county.name})

    def admin(self, username: str, password: str, county: Division,
              office: Organization) -> User:
        user = User(username=username, role=Role.OFFICE_ADMIN, division=county,
                    organization=office, is_staff=True)
        user.set_password(password)  # set by the operator: changed at the first login
        return self._save(user, _("office administrator %(name)s") % {"name": username})


def division_for_command(code: str | None) -> Division:
    """A console command's division: the one of `code`, or the deployment's only office's
    when no code is given (CommandError otherwise)."""
    from django.core.management.base import CommandError

    if code:
        found = Division.objects.filter(code=code).first()
        if found is None:
            raise CommandError(_("Unknown division code %(code)s.") % {"code": code})
        return found
    offices = list(OfficeSettings.objects.select_related("division")[:2])
    if len(offices) != 1:
        raise CommandError(_("Give the office's division with --division CODE."))
    return offices[0].division
