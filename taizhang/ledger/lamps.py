"""The lamps (红黄绿灯, taizhang/warnings) where the ledger shows them: the list's filter,
sort and column, the project page and the exported sheet.

The rules and the stored lamps are the warnings app's (`warnings.lamps`); this module only
reads them, as of a period, for projects already scoped and filtered. A project with no lamp
stored for the period is "not evaluated" (未评估): a colour of its own for the filter, sorted
last whichever the direction (as projects without a plan are by their rate).

Who reads which lamps is the warnings' rule (`Lamp.scope_q`): the office its own drafts too,
everyone else only lamps of published evaluations. ``viewer`` None is a command's full read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, JSONField, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.scope import acts_for_office
from taizhang.core.periods import Period
from taizhang.warnings.choices import RANK, LampColor
from taizhang.warnings.lamps import LAMP_COLOR, LAMP_RANK, with_lamp
from taizhang.warnings.models import Evaluation, Lamp

#: The filter's value for projects without a lamp for the period.
NOT_EVALUATED = "none"
#: What the list sorts by (``?sort=lamp``) and filters on.
RANK_FIELD = LAMP_RANK
COLOR_FIELD = LAMP_COLOR
#: The colours a home lists, with their reasons.
WARNED = (LampColor.RED.value, LampColor.YELLOW.value)


def published_only(viewer: Any) -> bool:
    """Whether ``viewer`` reads only published lamps (not the office, not a command)."""
    return viewer is not None and not acts_for_office(viewer)


def color_choices() -> list[tuple[str, Any]]:
    """红 / 黄 / 绿 / 未评估, worst first (the order a reader looks for)."""
    colors = sorted(LampColor, key=lambda c: -RANK[c])
    return [(c.value, c.label) for c in colors] + [(NOT_EVALUATED, _("not evaluated"))]


def label(color: str | None) -> Any:
    """The word beside the dot (never the colour alone: a reader who cannot tell red from
    green reads the word)."""
    if not color or color == NOT_EVALUATED:
        return _("not evaluated")
    return LampColor(color).label


def annotated(projects: QuerySet[Any], period: Period, viewer: Any) -> QuerySet[Any]:
    """``projects`` with ``lamp_color`` and ``lamp_rank`` of ``period`` (SQL, no extra query);
    once only, though the filter and the sort both ask."""
    if COLOR_FIELD in projects.query.annotations:
        return projects
    return with_lamp(projects, period, published_only=published_only(viewer))


def of_colors(
    projects: QuerySet[Any], period: Period, colors: Iterable[str], viewer: Any
) -> QuerySet[Any]:
    """The projects whose lamp of ``period`` is one of ``colors`` (``none``: no lamp)."""
    wanted = set(colors)
    lit = [c for c in wanted if c != NOT_EVALUATED]
    condition = Q(**{f"{COLOR_FIELD}__in": lit}) if lit else Q(pk__in=[])
    if NOT_EVALUATED in wanted:
        condition |= Q(**{f"{COLOR_FIELD}__isnull": True})
    return annotated(projects, period, viewer).filter(condition)


def of_period(period: Period, viewer: Any) -> QuerySet[Lamp]:
    """The stored lamps of ``period`` that ``viewer`` may read, of projects in their scope."""
    return _readable(viewer).filter(year=period.year, month=period.month)


def _readable(viewer: Any) -> QuerySet[Lamp]:
    """Lamps of projects the caller already scoped (`Lamp.scope_q`'s project part), of
    published evaluations only outside the office, as `warnings.lamps.with_lamp` reads them
    (its ``published_only``): no query for the viewer's scope again."""
    found = Lamp.objects.all()
    if published_only(viewer):
        found = found.filter(evaluation__published_at__isnull=False)
    return found


REASONS_FIELD = "lamp_reasons"


def with_reasons(projects: QuerySet[Any], period: Period, viewer: Any) -> QuerySet[Any]:
    """``annotated`` and the lamp's reasons too, so a page's rows carry their lamps with the
    explanation in the rows' own statement (``shown``): no query of their own."""
    own = of_period(period, viewer).filter(project=OuterRef("pk")).order_by()
    return annotated(projects, period, viewer).annotate(
        **{REASONS_FIELD: Subquery(own.values("reasons")[:1], output_field=JSONField())}
    )


def shown(project: Any) -> Lamp | None:
    """The lamp of a row read through ``with_reasons`` (None: not evaluated), explained by
    the warnings' own wording (`Lamp.explanation`)."""
    color = getattr(project, COLOR_FIELD, None)
    if not color:
        return None
    return Lamp(project=project, color=color, reasons=getattr(project, REASONS_FIELD) or [])


def counts(projects: QuerySet[Any], period: Period, viewer: Any) -> dict[str, int]:
    """How many of ``projects`` have each lamp of ``period`` (``none``: not evaluated), worst
    first, in one statement: the numbers the list filtered by ``?lamp=`` totals."""
    found = dict(
        annotated(projects, period, viewer)
        .order_by()
        .values_list(COLOR_FIELD)
        .annotate(n=Count("pk"))
        .values_list(COLOR_FIELD, "n")
    )
    return {
        value: found.get(None if value == NOT_EVALUATED else value, 0)
        for value, _label in color_choices()
    }


def warned(
    projects: QuerySet[Any], period: Period, limit: int, viewer: Any
) -> list[tuple[Any, Lamp | None]]:
    """Up to ``limit`` of ``projects`` with a red or yellow lamp of ``period``, red first,
    each with its lamp (the reason): one query."""
    rows = of_colors(with_reasons(projects, period, viewer), period, WARNED, viewer)
    return [
        (project, shown(project))
        for project in rows.order_by(f"-{RANK_FIELD}", "name", "pk")[:limit]
    ]


def history(project: Any, viewer: Any) -> list[Lamp]:
    """Every stored lamp of ``project`` ``viewer`` may read, month by month, each with
    ``change`` "worse" or "better" than the month before (when it turned red, and back) and
    the consequences recorded against it: two queries."""
    rows = list(
        _readable(viewer)
        .filter(project=project)
        .order_by("year", "month")
        .prefetch_related("consequences")
    )
    before: int | None = None
    for lamp in rows:
        rank = RANK[LampColor(lamp.color)]
        change = (
            "" if before is None or rank == before else ("worse" if rank > before else "better")
        )
        lamp.change = change  # type: ignore[attr-defined]
        before = rank
    return rows


def version_of(period: Period) -> str:
    """What the lamps of ``period`` are as of now: every evaluation of the month and its
    version (moved by evaluating again and by publishing), one query. A figure cached
    under it and the data version is never stale, though evaluating moves no data version."""
    found = Evaluation.objects.filter(year=period.year, month=period.month).order_by("pk")
    return ",".join(f"{pk}.{version}" for pk, version in found.values_list("pk", "version"))


def with_evaluations(data_version: str, period: Period) -> str:
    """``data_version`` and the lamps of ``period`` (``version_of``): what lamp figures are
    cached under, since evaluating or publishing moves no data version."""
    return f"{data_version}/{version_of(period)}"


def shown_period(office: Any, viewer: Any) -> Period:
    """The month the homes show lamps of: the newest evaluated for the office's division
    (published, for a reader outside the office), else the list's default month (the one
    before the month being reported)."""
    evaluations = Evaluation.objects.filter(division=office.division_id)
    if published_only(viewer):
        evaluations = evaluations.filter(published_at__isnull=False)
    latest = evaluations.order_by("-year", "-month").values_list("year", "month").first()
    return Period(*latest) if latest else office.current_reporting_period().previous()


__all__ = [
    "NOT_EVALUATED",
    "WARNED",
    "annotated",
    "color_choices",
    "counts",
    "history",
    "label",
    "of_colors",
    "of_period",
    "published_only",
    "shown",
    "shown_period",
    "warned",
    "with_evaluations",
    "with_reasons",
]
