"""Every write of the assessment: the scheme of a year, deductions, publishing a ranking.

The actor is an office administrator placed in a division (`acts_for_office`); it acts for
its own division. Each function checks that, checks the rule, writes in one transaction and
records an audit event. The scheme is edited whole, against the version its form was opened
at (a stale form is refused). A published result is never written again: a deduction for a
published month is refused, and editing the scheme changes only rankings computed later.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from taizhang.accounts.choices import DivisionLevel
from taizhang.accounts.models import Division, Organization
from taizhang.accounts.scope import acts_for_office
from taizhang.assessment.choices import DeductionKind, Level
from taizhang.assessment.indicators import RULES
from taizhang.assessment.models import Deduction, Indicator, Result, Scheme
from taizhang.assessment.results import compute, rows_to_json, subjects_projects
from taizhang.assessment.schemes import defaults
from taizhang.core.audit.service import diff, record
from taizhang.core.periods import Period, PeriodError
from taizhang.core.services import ServiceError, check_version, refuse_unbegun, save_versioned

MAX_COUNT = 50
MAX_WEIGHT = Decimal(1000)


def office_division(actor: Any) -> Division:
    """The division the actor's office assesses: its own (a superuser, placed nowhere, has
    none here: it keeps every division's in the Django admin)."""
    if not acts_for_office(actor) or actor.division is None:
        raise PermissionDenied
    division: Division = actor.division
    return division


def parse_month(text: Any, field: str = "month") -> Period:
    try:
        return Period.parse(str(text))
    except PeriodError:
        raise ServiceError(_("Give the month as YYYY-MM, e.g. 2022-07."), field=field) from None


def parse_level(text: Any) -> str:
    if text not in Level.values:
        raise ServiceError(_("Choose units or townships."), field="level")
    return str(text)


# --- the scheme of a year -----------------------------------------------------------------------

def _snapshot(scheme: Scheme, indicators: list[Indicator]) -> dict[str, Any]:
    values: dict[str, Any] = {"name": scheme.name, "reward_count": scheme.reward_count,
                              "summon_count": scheme.summon_count}
    for i in indicators:
        values[f"{i.code}.name"] = i.name
        values[f"{i.code}.weight"] = str(i.weight)
        values[f"{i.code}.enabled"] = i.enabled
        values[f"{i.code}.params"] = i.params
    return values


def _count(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise ServiceError(_("Give a whole number from 0 to %(max)s.") % {"max": MAX_COUNT},
                           field=field)
    return value


def _weight(value: Any, field: str) -> Decimal:
    try:
        weight = Decimal(str(value))
    except (InvalidOperation, ValueError):
        weight = Decimal(-1)
    if not weight.is_finite() or not 0 <= weight <= MAX_WEIGHT or weight != round(weight, 2):
        raise ServiceError(_("Points are a number from 0 to %(max)s with at most two decimals.")
                           % {"max": MAX_WEIGHT}, field=field)
    return weight


def _create_scheme(division: Division, year: int) -> tuple[Scheme, list[Indicator]]:
    spec = defaults(year)
    scheme = Scheme.objects.create(division=division, year=year, name=spec.name,
                                   reward_count=spec.reward_count,
                                   summon_count=spec.summon_count, version=1)
    indicators = [Indicator.objects.create(scheme=scheme, code=i.code, name=i.name,
                                           weight=i.weight, params=i.params, order=i.order)
                  for i in spec.indicators]
    return scheme, indicators


@transaction.atomic
def save_scheme(actor: Any, year: int, *, name: str, reward_count: Any, summon_count: Any,
                indicators: dict[str, dict[str, Any]], expected_version: Any) -> Scheme:
    """Save the year's scheme (made from the defaults on its first save): its name, how many
    are rewarded and summoned, and each indicator's name, points, parameters and whether it
    counts. ``indicators``: code → {"name", "weight", "enabled", "params": {name: text}}."""
    division = office_division(actor)
    scheme = (Scheme.objects.select_for_update()
              .filter(division=division, year=year).first())
    created = scheme is None
    if scheme is None:
        check_version(expected_version, None)
        scheme, rows = _create_scheme(division, year)
        before: dict[str, Any] = {}
    else:
        check_version(expected_version, scheme.version)
        rows = list(scheme.indicators.order_by("order", "id"))
        before = _snapshot(scheme, rows)
        known = {i.code for i in rows}
        # A rule registered after the scheme was saved joins it, not counted until enabled.
        rows += [Indicator.objects.create(scheme=scheme, code=i.code, name=i.name,
                                          weight=i.weight, params=i.params, order=i.order,
                                          enabled=False)
                 for i in defaults(year).indicators if i.code not in known]
    name = (name or "").strip()
    if not name or len(name) > 128:
        raise ServiceError(_("Give the scheme a name (at most 128 characters)."), field="name")
    scheme.name = name
    scheme.reward_count = _count(reward_count, "reward_count")
    scheme.summon_count = _count(summon_count, "summon_count")
    by_code = {i.code: i for i in rows}
    for code, values in indicators.items():
        found, rule = by_code.get(code), RULES.get(code)
        if found is None or rule is None:
            raise ServiceError(_("Unknown indicator: %(code)s.") % {"code": code})
        label = (values.get("name") or "").strip()
        if not label or len(label) > 128:
            raise ServiceError(_("Give the indicator a name."), field=f"{code}-name")
        found.name = label
        found.weight = _weight(values.get("weight"), f"{code}-weight")
        found.enabled = bool(values.get("enabled"))
        found.params = rule.clean(values.get("params") or {})
    for i in rows:
        i.save(update_fields=["name", "weight", "enabled", "params"])
    if created:
        scheme.save(update_fields=["name", "reward_count", "summon_count"])
    else:
        save_versioned(scheme, expected_version, ["name", "reward_count", "summon_count"])
    changes = diff(before, _snapshot(scheme, rows))
    record("assessment.scheme_created" if created else "assessment.scheme_saved", scheme,
           actor=actor, changes=changes)
    return scheme


# --- deductions --------------------------------------------------------------------------------

def unit_choices(actor: Any) -> QuerySet[Organization]:
    """Responsible units of the office's projects: who a unit deduction may name."""
    division = office_division(actor)
    return Organization.objects.filter(
        pk__in=subjects_projects(division).values("responsible_unit_id")).order_by("name")


def township_choices(actor: Any) -> QuerySet[Division]:
    division = office_division(actor)
    return (Division.objects.filter(division.subtree_q(), level=DivisionLevel.TOWNSHIP)
            .exclude(pk=division.pk).order_by("code"))


def _refuse_published(division: Division, period: Period, level: str) -> None:
    if Result.objects.filter(division=division, month=str(period), level=level).exists():
        raise ServiceError(_("The ranking of %(month)s is published: it no longer changes.")
                           % {"month": period}, field="month")


@transaction.atomic
def add_deduction(actor: Any, *, month: Any, level: Any, subject_id: Any, kind: Any,
                  points: Any, reason: str) -> Deduction:
    """A deduction against a unit or township for a month (e.g. 通报批评)."""
    division = office_division(actor)
    period, level = parse_month(month), parse_level(level)
    refuse_unbegun(period, field="month")
    digits = str(subject_id).isdigit()
    unit = unit_choices(actor).filter(pk=subject_id).first() if (
        digits and level == Level.UNIT) else None
    township = township_choices(actor).filter(pk=subject_id).first() if (
        digits and level == Level.TOWNSHIP) else None
    subject = unit or township
    if subject is None:
        raise ServiceError(_("Choose a unit or township of your division."), field="subject")
    if kind not in DeductionKind.values:
        raise ServiceError(_("Choose the kind of deduction."), field="kind")
    amount = _weight(points, "points")
    if amount <= 0:
        raise ServiceError(_("Deduct more than 0 points."), field="points")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why the points are deducted."), field="reason")
    _refuse_published(division, period, level)
    deduction = Deduction.objects.create(
        division=division, month=str(period), level=level, kind=kind, points=amount,
        reason=reason, created_by=actor,
        unit=unit, township=township)
    record("assessment.deduction_added", deduction, actor=actor, changes={
        "month": [None, deduction.month], "level": [None, level],
        "assessed": [None, str(subject)], "kind": [None, kind],
        "points": [None, str(amount)], "reason": [None, reason]})
    return deduction


@transaction.atomic
def withdraw_deduction(actor: Any, deduction_id: int, *, reason: str = "") -> None:
    """Remove a deduction entered by mistake (its month not published yet)."""
    division = office_division(actor)
    deduction = (Deduction.objects.restrict(actor, "change").select_for_update()
                 .filter(pk=deduction_id, division=division).first())
    if deduction is None:
        raise ServiceError(_("That deduction does not exist or is not your office's."))
    _refuse_published(division, parse_month(deduction.month), deduction.level)
    record("assessment.deduction_withdrawn", deduction, actor=actor, reason=reason, changes={
        "assessed": [str(deduction.subject), None], "points": [str(deduction.points), None],
        "reason": [deduction.reason, None]})
    deduction.delete()


# --- publishing -------------------------------------------------------------------------------

@transaction.atomic
def publish(actor: Any, *, month: Any, level: Any) -> Result:
    """Freeze the ranking of a month and level as computed now."""
    division = office_division(actor)
    period, level = parse_month(month), parse_level(level)
    refuse_unbegun(period, field="month")
    _refuse_published(division, period, level)
    if not Scheme.objects.filter(division=division, year=period.year).exists():
        # The year's first use that counts: the defaults become the office's scheme, so the
        # rest of the year is not scored by whatever defaults a later release ships.
        scheme, rows = _create_scheme(division, period.year)
        record("assessment.scheme_created", scheme, actor=actor,
               changes=diff({}, _snapshot(scheme, rows)))
    ranking = compute(division, period, level)
    if not ranking.rows:
        raise ServiceError(_("There is nobody to rank for %(month)s.") % {"month": period})
    try:
        with transaction.atomic():
            result = Result.objects.create(
                division=division, month=str(period), level=level,
                scheme_name=ranking.scheme_name, scheme_version=ranking.scheme_version,
                rows=rows_to_json(ranking), published_by=actor)
    except IntegrityError:  # published by someone else a moment ago
        raise ServiceError(_("The ranking of %(month)s is published: it no longer changes.")
                           % {"month": period}) from None
    record("assessment.published", result, actor=actor, changes={
        "month": [None, str(period)], "level": [None, level],
        "ranked": [None, len(ranking.rows)],
        "scored_by": [None, f"{ranking.scheme_name} v{ranking.scheme_version}"]})
    return result
