"""Divisions, organizations, people and the users who act for them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.accounts import identity, scope
from taizhang.accounts.choices import DivisionLevel, OrganizationKind, Role
from taizhang.core.codes import validate_division_code, validate_uscc
from taizhang.core.periods import Period, PeriodError


class Division(models.Model):
    """A GB/T 2260 administrative division.

    "This division and everything below" is asked here only: `subtree_q` (in SQL) and
    `contains` (in Python). `path` ("130000/130200/130283/", codes from the top, each closed
    by "/") makes it one index scan; the closing "/" keeps 130283 from reaching 130283118
    placed beside it. Nothing outside this class asks `path` who is below whom.
    """

    code = models.CharField(
        _("division code"), max_length=12, unique=True, validators=[validate_division_code]
    )
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        prefix = self.parent.path if self.parent is not None else ""
        old_path = self.path
        self.path = f"{prefix}{self.code}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Moved or recoded: everything below follows, or scoping would go wrong.
            for child in Division.objects.filter(parent=self):
                child.save()

    def subtree_q(self, prefix: str = "") -> models.Q:
        """Q over objects reaching a division through `prefix` (e.g. "division__" for projects
        and users, "" for divisions) that lie in this division or anywhere below it."""
        if not self.path:  # unsaved: an empty prefix would match every division
            raise ValueError("an unsaved division has no subtree")
        return models.Q(**{f"{prefix}path__startswith": self.path})

    def subtree_in_q(self, prefix: str = "") -> models.Q:
        """`subtree_q` as membership: the object's division is one of the subtree's ids (a
        list the database makes once). For statements over a whole subtree: joining every
        project to its division made SQLite walk projects division by division, and their
        per-project subqueries read reports in that scattered order (0.58 s against 0.34 s
        at 100,000 projects)."""
        ids = Division.objects.filter(self.subtree_q()).values("id")
        return models.Q(**{f"{prefix}in" if prefix else "pk__in": ids})

    def contains(self, other: Division | None) -> bool:
        """Whether `other` is this division or lies anywhere below it."""
        return bool(self.path) and other is not None and other.path.startswith(self.path)

    def lineage_codes(self) -> list[str]:
        """The codes from the top of the tree down to this division (itself last)."""
        return [code for code in self.path.split("/") if code]


class Organization(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=OrganizationKind.choices)
    name = models.CharField(_("name"), max_length=128)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, null=True, blank=True, unique=True,
        validators=[validate_uscc],
    )
    division = models.ForeignKey(
        Division, verbose_name=_("division"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="organizations",
    )
    # Optimistic locking of the office's edit form (core/services.py save_versioned).
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organization_kind_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    name = models.CharField(_("name"), max_length=64)
    title = models.CharField(_("title"), max_length=64, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="people",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name


class UserManager(DjangoUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        """Authentication, createsuperuser and natural keys find the account by its identity."""
        return self.get(username_key=identity.login_key(username or ""))

    def for_login(self, username: str) -> User | None:
        """The account a typed username stands for, whatever its case or letter width."""
        return self.filter(username_key=identity.login_key(username)).first()


class User(AbstractUser):
    # The identity of `username` (accounts/identity.py): unique, so two spellings of one name
    # can never be two accounts, whatever path created them.
    # Longer than `username`: case folding may lengthen a name (ß → ss).
    username_key = models.CharField(max_length=identity.KEY_MAX_LENGTH, unique=True,
                                    editable=False)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    division = models.ForeignKey(
        Division, verbose_name=_("division scope"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
        help_text=_("The office's division: the user sees this division and everything below."),
    )
    # Login security (accounts/security/): see docs/security.md.
    password_changed_at = models.DateTimeField(
        _("password changed by the user at"), null=True, blank=True, editable=False,
        help_text=_("Empty: the password was set by someone else and must be changed at login."),
    )
    failed_logins = models.PositiveIntegerField(
        _("failed logins in a row"), default=0, editable=False
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True, editable=False)
    totp_secret = models.CharField(
        _("second factor secret"), max_length=64, blank=True, editable=False
    )
    totp_confirmed = models.BooleanField(_("second factor enabled"), default=False,
                                         editable=False)
    totp_last_step = models.BigIntegerField(default=0, editable=False)
    # Moved by the office's edits of the account (role, scope, active), not by logins,
    # lockouts or password changes: those must not make an open edit form stale.
    version = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @classmethod
    def normalize_username(cls, username: Any) -> Any:
        return identity.normalize_username(username) if isinstance(username, str) else username

    def clean(self) -> None:
        super().clean()
        if self.username:  # empty: the form has already refused it
            identity.ensure_username_free(self.username, exclude_pk=self.pk)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.username_key = identity.login_key(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_key"}
        super().save(*args, **kwargs)

    def set_password(self, raw_password: str | None) -> None:
        # A password set by anyone but the user (admin, office, import) must be changed at the
        # next login; `security.passwords.change_own_password` records the user's own change.
        super().set_password(raw_password)
        self.password_changed_at = None

    def check_password(self, raw_password: str) -> bool:
        # Django may re-hash the password on a successful check (a stronger hasher): that is
        # not a new password, so it must not force a change.
        changed_at = self.password_changed_at
        matches = super().check_password(raw_password)
        self.password_changed_at = changed_at
        return matches

    @property
    def display_name(self) -> str:
        """Chinese order, family name first, no space: 刘晓燕."""
        if self.person_id:
            return self.person.name  # type: ignore[union-attr]
        return f"{self.last_name}{self.first_name}".strip() or self.username

    @property
    def is_office(self) -> bool:
        """The office's role (or a superuser), placed or not: may open the office's pages.
        Whether the account acts for an office is `acts_for_office`."""
        return self.is_superuser or self.role == Role.OFFICE_ADMIN

    @property
    def acts_for_office(self) -> bool:
        """`accounts.scope.acts_for_office`, for code below accounts (core), which may not
        import it."""
        return scope.acts_for_office(self)


DEFAULT_DEADLINE_DAY = 10


class OfficeSettings(models.Model):
    """Choices an office makes for its division (and everything below).

    Other apps read the reporting month and the deadline through `for_division(division)`
    (the nearest settings up the tree), then `current_reporting_period()` and
    `report_due_date(period)` (the day) or `report_deadline(period)` (the first late instant);
    the office changes them on /office/settings/
    (office/services.py: `update_settings`, `open_next_month`).
    """

    class StartRateBasis(models.TextChoices):
        PLANNED = "planned", _("Planned new starts")
        ALL = "all", _("All key projects")

    division = models.OneToOneField(
        Division, verbose_name=_("division"), on_delete=models.CASCADE, related_name="settings"
    )
    leaders_see_all = models.BooleanField(
        _("leaders may see all projects (read-only)"), default=False
    )
    units_see_all = models.BooleanField(
        _("responsible units may see all projects (read-only)"), default=False
    )
    reporting_period = models.CharField(
        _("reporting period (YYYY-MM)"), max_length=7, blank=True,
        validators=[RegexValidator(r"^20\d{2}-(0[1-9]|1[0-2])$")],
        help_text=_("The month owners are reporting now; the ledger shows the month before. "
                    "Empty: last calendar month."),
    )
    start_rate_basis = models.CharField(
        _("start rate denominator"), max_length=16, choices=StartRateBasis.choices,
        default=StartRateBasis.PLANNED,
    )
    report_deadline_day = models.PositiveSmallIntegerField(
        _("report deadline day"), default=DEFAULT_DEADLINE_DAY,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Reports of a month are due by this day of the next month (1–28)."),
    )
    # 滞后: more than this many points below time progress (figures/rates.py reads it).
    behind_points = models.PositiveSmallIntegerField(
        _("behind schedule: points below time progress"), default=10,
        validators=[MaxValueValidator(100)],
        help_text=_("A project is behind schedule (滞后) when its completion rate is more than "
                    "this many percentage points below time progress."),
    )
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("office settings")
        verbose_name_plural = _("office settings")

    def __str__(self) -> str:
        return str(self.division)

    def current_reporting_period(self) -> Period:
        """The month being reported now."""
        if self.reporting_period:
            try:
                return Period.parse(self.reporting_period)
            except PeriodError:
                pass  # written around the form's validation: fall back, never break pages
        return Period.of(timezone.localdate()).previous()

    def report_due_date(self, period: Period | None = None) -> date:
        """The day reports of `period` (default: the reporting period) are due: the deadline
        day of the month after it."""
        period = period or self.current_reporting_period()
        day = self.report_deadline_day or DEFAULT_DEADLINE_DAY
        return period.next().first_day.replace(day=min(max(day, 1), 28))

    def report_deadline(self, period: Period) -> datetime:
        """The first instant a report of `period` is late: the end of its due date, in local
        time (a report submitted at 23:59:59 that day is on time)."""
        due = self.report_due_date(period) + timedelta(days=1)
        return timezone.make_aware(datetime.combine(due, time.min))

    @classmethod
    def for_division(cls, division: Division | None) -> OfficeSettings:
        """The settings of the nearest division up the tree that has any, else defaults."""
        if division is None:
            return cls()
        codes = division.lineage_codes()
        found = {
            s.division.code: s
            for s in cls.objects.select_related("division").filter(division__code__in=codes)
        }
        for code in reversed(codes):
            if code in found:
                return found[code]
        return cls(division=division)


class LoginFailure(models.Model):
    """One failed login: the lockout counts these per username and per client address.

    Kept in the database so every application host sees the same counts.
    """

    # The identity tried (accounts/identity.py), so every spelling counts against one account.
    username = models.CharField(_("username tried"), max_length=identity.KEY_MAX_LENGTH,
                                db_index=False)
    address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)
    cleared = models.BooleanField(_("cleared"), default=False)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["username", "at"], name="loginfailure_username_at"),
            models.Index(fields=["address", "at"], name="loginfailure_address_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} @ {self.address or '?'}"
