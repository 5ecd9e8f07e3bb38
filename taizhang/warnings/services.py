"""Every write of the warnings: rules, evaluations, publication, consequences.

Only the office acts here, within its division and below (`accounts.scope`); the console
command acts as nobody from the machine (`core.context.acting("command")`, actor None), as
the other commands do. Each write is atomic and audited; edits carry the version their form
was opened at (`core.services.save_versioned`).

An evaluation computes every lamp of a division's projects (not cancelled by the period's
end) for a month with the division's rules of the year as they are then, and stores them
with the params used; evaluating again replaces an unpublished evaluation whole. Publishing
freezes it: a published period is never evaluated again, so a rule edited later changes
only the evaluations made afterwards.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.models import Division, OfficeSettings
from taizhang.accounts.scope import acts_for_office_of
from taizhang.core.audit.service import diff, record
from taizhang.core.context import unattended
from taizhang.core.limits import first_too_long
from taizhang.core.periods import Period
from taizhang.core.services import (
    ServiceError,
    check_version,
    refuse_unbegun,
    save_versioned,
)
from taizhang.figures.per_project import counted
from taizhang.ledger.models import Project
from taizhang.warnings.choices import ConsequenceKind, LampColor
from taizhang.warnings.models import Consequence, Evaluation, Lamp, WarningRule
from taizhang.warnings.rules import (
    Context,
    Verdict,
    get_rule,
    python_reasons,
    registered,
    split,
)
from taizhang.warnings.sql import lamp_rows

_BATCH = 2000
CONSEQUENCE_FIELDS = ("kind", "date", "held_by", "outcome")


def may_act(actor: Any, division: Division) -> bool:
    """The office of `division` or above (a superuser); the console command as nobody."""
    if actor is None:
        return unattended(actor)
    return acts_for_office_of(actor, division)


def require_office_of(actor: Any, division: Division) -> None:
    if not may_act(actor, division):
        raise PermissionDenied


def division_projects(division: Division) -> QuerySet[Project]:
    return Project.objects.filter(division.subtree_in_q("division__"))


# --- rules -------------------------------------------------------------------------------------

def _snapshot(rule: WarningRule) -> dict[str, Any]:
    return {"enabled": rule.enabled, "params": rule.params}


def rules_of_year(division: Division, year: int, *, actor: Any) -> list[WarningRule]:
    """The division's rules of `year`, one per registered rule: a rule the year does not
    have yet is created from its defaults (audited), so a new year, or a rule another app
    registered, starts from DOMAIN.md's real rules."""
    require_office_of(actor, division)
    have = {r.code: r for r in WarningRule.objects.filter(division=division, year=year)}
    for code, rule in registered().items():
        if code in have:
            continue
        try:
            with transaction.atomic():
                created = WarningRule.objects.create(division=division, year=year, code=code,
                                                     params=rule.defaults())
                record("warning.rule_created", created, actor=actor,
                       changes={k: [None, v] for k, v in _snapshot(created).items()})
        except IntegrityError:  # created meanwhile by another request: read it
            created = WarningRule.objects.get(division=division, year=year, code=code)
        have[code] = created
    order = list(registered())
    return sorted(have.values(), key=lambda r: (order.index(r.code) if r.code in order
                                                else len(order), r.code))


@transaction.atomic
def update_rule(rule: WarningRule, *, params: dict[str, Any], enabled: bool, actor: Any,
                expected_version: Any) -> WarningRule:
    """New thresholds (checked by the rule: a ServiceError names the field) and on/off.
    Evaluations made before keep the params they used."""
    require_office_of(actor, rule.division)
    found = get_rule(rule.code)
    if found is None:
        raise ServiceError(_("This rule is no longer available."))
    before = _snapshot(WarningRule.objects.get(pk=rule.pk))
    rule.params = found.clean(params)
    rule.enabled = bool(enabled)
    save_versioned(rule, expected_version, ("params", "enabled"))
    changes = diff(before, _snapshot(rule))
    if changes:
        record("warning.rule_updated", rule, actor=actor, changes=changes)
    return rule


def _params_in_force(rules: list[WarningRule]) -> dict[str, dict[str, Any]]:
    """{code: params} of the enabled rules, missing params at their defaults."""
    used = {}
    for rule in rules:
        found = get_rule(rule.code)
        if rule.enabled and found is not None:
            used[rule.code] = {**found.defaults(), **rule.params}
    return used


# --- evaluations -------------------------------------------------------------------------------

def _refuse_overlap(division: Division, period: Period, own: Evaluation | None) -> None:
    """A project has one lamp a month: no evaluation of the period above or below this one."""
    others = Evaluation.objects.filter(year=period.year, month=period.month).select_related(
        "division")
    if own is not None:
        others = others.exclude(pk=own.pk)
    for other in others.filter(division.subtree_q("division__")
                               | Q(division__code__in=division.lineage_codes())):
        raise ServiceError(_("The lamps of %(period)s were already evaluated for %(division)s, "
                             "which covers some of the same projects.") % {
            "period": period, "division": other.division.name})


@transaction.atomic
def evaluate_period(division: Division, period: Period, *, actor: Any,
                    now: datetime | None = None) -> Evaluation:
    """Compute and store the lamps of every project of `division` and below for `period`
    (module docstring). Refused for a published period."""
    require_office_of(actor, division)
    refuse_unbegun(period)
    now = now or timezone.now()
    evaluation = (Evaluation.objects.select_for_update()
                  .filter(division=division, year=period.year, month=period.month).first())
    if evaluation is not None and evaluation.published:
        raise ServiceError(_("The lamps of %(period)s were published on %(date)s and are "
                             "final: a published period is not evaluated again.") % {
            "period": period, "date": timezone.localtime(evaluation.published_at).date()})
    _refuse_overlap(division, period, evaluation)
    params = _params_in_force(rules_of_year(division, period.year, actor=actor))
    user = actor if getattr(actor, "pk", None) else None
    if evaluation is None:
        evaluation = Evaluation.objects.create(division=division, year=period.year,
                                               month=period.month, evaluated_at=now,
                                               evaluated_by=user, rules=params)
    else:
        # A draft's lamps have no consequences (recorded against published lamps only), so
        # they go in one DELETE, without the ORM's collector fetching 100,000 rows first.
        Lamp.objects.filter(evaluation=evaluation)._raw_delete(Lamp.objects.db)
        evaluation.evaluated_at, evaluation.evaluated_by, evaluation.rules = now, user, params
        evaluation.version += 1
        evaluation.save(update_fields=["evaluated_at", "evaluated_by", "rules", "version"])
    projects = counted(division_projects(division), period)
    context = Context(office=OfficeSettings.for_division(division), now=now)
    _store_lamps(evaluation, projects, period, params, context)
    counts = color_counts(evaluation)
    record("warning.evaluated", evaluation, actor=actor, changes={
        "period": [None, str(period)], "rules": [None, params],
        **{color: [None, n] for color, n in counts.items()}})
    return evaluation


_LAMP_COLUMNS = ("evaluation", "project", "year", "month", "color", "rule", "reasons")


def _store_lamps(evaluation: Evaluation, projects: QuerySet[Project], period: Period,
                 params: dict[str, dict[str, Any]], context: Context) -> None:
    """Every project's lamp in one ``INSERT … SELECT`` of the rules judged in SQL
    (`warnings.sql`), then the reasons of the rules judged in Python merged into the few
    lamps they speak of. At 100,000 projects, judging each in Python and inserting the rows
    took several times the statement that computes the progress colour alone."""
    connection = connections[router.db_for_write(Lamp)]
    in_sql, in_python = split(period, params, context)
    statement = lamp_rows(projects, in_sql, connection.vendor)
    quote = connection.ops.quote_name
    column = {field.name: field.column for field in Lamp._meta.concrete_fields}
    names = ", ".join(quote(column[n]) for n in _LAMP_COLUMNS)
    # The reasons' JSON text into the column's type (json on PostgreSQL: core/fields.py).
    reasons = (f"x.reasons::{Lamp._meta.get_field('reasons').db_type(connection)}"
               if connection.vendor == "postgresql" else "x.reasons")
    with connection.cursor() as cursor:
        # Names from the model, the rules' SQL from their code (warnings.sql), values as
        # parameters.
        cursor.execute(
            f"INSERT INTO {quote(Lamp._meta.db_table)} ({names}) "  # noqa: S608
            f"SELECT %s, x.pid, %s, %s, x.color, x.rule, {reasons} FROM ({statement.sql}) x",
            (evaluation.pk, period.year, period.month, *statement.params))
    found = python_reasons(projects, period, in_python, context)
    order = list(params)
    pks = sorted(found)
    for start in range(0, len(pks), _BATCH):
        lamps = list(Lamp.objects.filter(evaluation=evaluation,
                                         project_id__in=pks[start:start + _BATCH])
                     .only("pk", "project_id", "color", "rule", "reasons"))
        for lamp in lamps:
            verdict = Verdict(lamp.color, lamp.rule, list(lamp.reasons))
            for reason in found[lamp.project_id]:
                verdict.add(reason, order)
            lamp.color, lamp.rule, lamp.reasons = verdict.color, verdict.rule, verdict.reasons
        Lamp.objects.bulk_update(lamps, ["color", "rule", "reasons"], batch_size=500)


@transaction.atomic
def publish_evaluation(evaluation: Evaluation, *, actor: Any,
                       expected_version: Any) -> Evaluation:
    """Freeze the evaluation: its lamps are final and readers outside the office see them."""
    require_office_of(actor, evaluation.division)
    locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    check_version(expected_version, locked.version)
    if locked.published:
        raise ServiceError(_("These lamps are already published."))
    locked.published_at = timezone.now()
    locked.published_by = actor if getattr(actor, "pk", None) else None
    save_versioned(locked, expected_version, ("published_at", "published_by"))
    record("warning.published", locked, actor=actor,
           changes={"period": [None, str(locked.period)]})
    return locked


def color_counts(evaluation: Evaluation) -> dict[str, int]:
    """{color: number of lamps} of an evaluation (one grouped query)."""
    counts = dict.fromkeys(LampColor.values, 0)
    for row in evaluation.lamps.order_by().values("color").annotate(n=Count("pk")):
        counts[row["color"]] = row["n"]
    return counts


# --- consequences --------------------------------------------------------------------------------

def _clean_consequence(values: dict[str, Any]) -> dict[str, Any]:
    kind = values.get("kind")
    if kind not in ConsequenceKind.values:
        raise ServiceError(_("Choose a summoned talk or a supervision letter."), field="kind")
    day = values.get("date")
    if not isinstance(day, date):
        raise ServiceError(_("Give the date as YYYY-MM-DD."), field="date")
    held_by = (values.get("held_by") or "").strip()
    if not held_by:
        raise ServiceError(_("Say who held the talk or sent the letter."), field="held_by")
    cleaned = {"kind": kind, "date": day, "held_by": held_by,
               "outcome": (values.get("outcome") or "").strip()}
    over = first_too_long(Consequence, cleaned)
    if over:
        raise ServiceError(over[1], field=over[0])
    return cleaned


def _require_lamp(actor: Any, lamp: Lamp) -> None:
    require_office_of(actor, lamp.evaluation.division)
    if actor is not None and not Lamp.objects.restrict(actor).filter(pk=lamp.pk).exists():
        raise PermissionDenied


def _consequence_snapshot(c: Consequence) -> dict[str, Any]:
    return {"kind": c.kind, "date": c.date.isoformat(), "held_by": c.held_by,
            "outcome": c.outcome}


@transaction.atomic
def record_consequence(lamp: Lamp, *, kind: str, date: Any, held_by: str, outcome: str,
                       actor: Any) -> Consequence:
    """A summoned talk or a supervision letter because of a published yellow or red lamp."""
    _require_lamp(actor, lamp)
    if not lamp.evaluation.published:
        raise ServiceError(_("Consequences are recorded against published lamps: publish the "
                             "lamps of %(period)s first.") % {"period": lamp.period})
    if lamp.color == LampColor.GREEN:
        raise ServiceError(_("A green lamp calls for no talk or letter."))
    values = _clean_consequence({"kind": kind, "date": date, "held_by": held_by,
                                 "outcome": outcome})
    consequence = Consequence.objects.create(
        lamp=lamp, recorded_by=actor if getattr(actor, "pk", None) else None, **values)
    record("warning.consequence_recorded", consequence, actor=actor,
           changes={k: [None, v] for k, v in _consequence_snapshot(consequence).items()})
    return consequence


@transaction.atomic
def update_consequence(consequence: Consequence, *, actor: Any, expected_version: Any,
                       **values: Any) -> Consequence:
    """Correct a consequence or add its outcome; a stale form is refused."""
    _require_lamp(actor, consequence.lamp)
    before = _consequence_snapshot(Consequence.objects.get(pk=consequence.pk))
    for name, value in _clean_consequence(values).items():
        setattr(consequence, name, value)
    save_versioned(consequence, expected_version, CONSEQUENCE_FIELDS)
    changes = diff(before, _consequence_snapshot(consequence))
    if changes:
        record("warning.consequence_updated", consequence, actor=actor, changes=changes)
    return consequence
