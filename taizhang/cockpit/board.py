"""The cockpit's figures: every number from stats.service and taizhang/figures, each with the
project list behind it (a link to the list with the matching filter, whose totals row is the
number).

The filter bar (period, key list, unit, township) is the project list's own form and filter
(ledger/filters.py), so the cockpit and the list it links to select the same projects. The
board is cached in pieces per division (``build``): a write recomputes its division's piece
on the next request, never a stale figure.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from taizhang.accounts.choices import DivisionLevel
from taizhang.accounts.models import Division, OfficeSettings, Organization
from taizhang.core.money import wan_to_yi
from taizhang.core.periods import Period
from taizhang.figures import rates
from taizhang.figures.per_project import behind_schedule
from taizhang.figures.series import year_to_date_by_month
from taizhang.ledger import lamps
from taizhang.ledger.choices import Batch, Stage
from taizhang.ledger.filters import ProjectFilterForm
from taizhang.ledger.models import Project
from taizhang.stats.cache import ScopeVersions, by_division, cached, whole_version
from taizhang.stats.sections import ShownSection, shown_for
from taizhang.stats.service import GroupedStats, LedgerStats, compute_grouped, sum_of

#: The filter bar's fields (the list form's names), besides the period.
BAR_FIELDS = ("list", "unit", "township")


@dataclass
class Board:
    """What the cockpit shows."""

    period: Period
    stats: LedgerStats
    by_unit: GroupedStats
    by_township: GroupedStats
    curve: list[tuple[Period, Decimal]]
    behind: int
    threshold: Decimal
    # The township groups the list's township filter selects exactly (level township).
    townships: set[int]


@dataclass
class Piece:
    """The board's figures of the projects placed in one division (plain values, cached)."""

    stats: LedgerStats
    units: dict[Any, LedgerStats]
    curve: list[Decimal]
    behind: int


def bar_query(form: ProjectFilterForm) -> dict[str, list[str]]:
    """The filter bar's valid choices as query parameters (what every link carries)."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    query: dict[str, list[str]] = {}
    if data.get("list"):
        query["list"] = list(data["list"])
    for name in ("unit", "township"):
        if data.get(name):
            query[name] = [str(o.pk) for o in data[name]]
    return query


def _piece(projects: QuerySet[Project], period: Period, basis: str,
           threshold: Decimal) -> Piece:
    units = compute_grouped(projects, period, "unit", start_rate_basis=basis, names=False)
    return Piece(stats=units.total, units=units.groups,
                 curve=[amount for _month, amount in year_to_date_by_month(projects, period)],
                 behind=behind_schedule(projects, period, threshold).count())


def _whole(filtered: QuerySet[Project], period: Period, basis: str,
           threshold: Decimal) -> dict[int | None, Piece]:
    """Without pieces (no division to key by, no working cache): one piece of everything."""
    return {None: _piece(filtered, period, basis, threshold)}


def build(filtered: QuerySet[Project], period: Period, office: OfficeSettings,
          versions: ScopeVersions | None) -> Board:
    """The board of ``filtered`` (scoped and filtered as the list does) at ``period``.

    Made of one piece per division of the viewer's scope (stats/cache.py ``by_division``),
    each cached under its division's version: after a report is approved in one township the
    next request recomputes that township's piece (and the few projects placed in the
    divisions above it), not the county's. The pieces are exact counts and sums, so the
    board is their sum; the township groups are the pieces themselves (a project's township
    is the division it is placed in)."""
    threshold = rates.behind_threshold(office)
    basis = office.start_rate_basis

    def make(divisions: list[int]) -> dict[int, Piece]:
        return {pk: _piece(filtered.filter(division=pk), period, basis, threshold)
                for pk in divisions}

    if versions is None:
        return _assemble(_whole(filtered, period, basis, threshold), filtered, period, basis,
                         threshold, whole=True)

    def assembled() -> Board:
        pieces = by_division(filtered, _per_division(versions), "cockpit-piece",
                             [str(period), basis, str(threshold)], cast(Any, make))
        if pieces is None:
            return _assemble(_whole(filtered, period, basis, threshold), filtered, period,
                             basis, threshold, whole=True)
        return _assemble(pieces, filtered, period, basis, threshold, whole=False)

    # The board put together is cached too, under every version of the scope: a request
    # after no write reads one entry instead of merging the pieces again.
    return cached(filtered, "cockpit", assembled, [str(period), basis, str(threshold)],
                  data_version=whole_version(versions))


def _per_division(versions: ScopeVersions) -> ScopeVersions:
    """The scope's versions by division, not by slice: the board's pieces are a division's
    projects (a township's bar), worked out in one statement each; a piece moves when any
    of its division's slices does."""
    tokens: dict[int, list[str]] = {}
    for (pk, _part), token in sorted(versions.divisions.items()):
        tokens.setdefault(pk, []).append(token)
    by_pk = {pk: hashlib.sha256("|".join(found).encode()).hexdigest()
             for pk, found in tokens.items()}
    return ScopeVersions(versions.shared, cast(Any, by_pk))  # keys: divisions, not slices


def _assemble(pieces: dict[Any, Piece], filtered: QuerySet[Project], period: Period,
              basis: str, threshold: Decimal, *, whole: bool) -> Board:
    """The board from its pieces: exact sums of counts and amounts."""
    if whole:
        towns = compute_grouped(filtered, period, "township", start_rate_basis=basis).groups
    else:
        towns = {pk: piece.stats for pk, piece in pieces.items() if piece.stats.total.projects}
    stats = sum_of([piece.stats for piece in pieces.values()], period, basis)
    units: dict[Any, list[LedgerStats]] = {}
    for piece in pieces.values():
        for key, part in piece.units.items():
            units.setdefault(key, []).append(part)
    unit_groups = {key: sum_of(parts, period, basis) for key, parts in units.items()}
    # One query for the townships' names and levels, one for the units' names.
    places = {pk: (name, level) for pk, name, level in Division.objects.filter(
        pk__in=list(towns)).values_list("pk", "name", "level")}
    unit_names = dict(Organization.objects.filter(
        pk__in=[k for k in unit_groups if k]).values_list("pk", "name"))
    months = [Period(period.year, m) for m in range(1, period.month + 1)]
    curve = [(month, sum((piece.curve[i] for piece in pieces.values()), Decimal(0)))
             for i, month in enumerate(months)]
    return Board(
        period=period, stats=stats,
        by_unit=GroupedStats("unit", stats, unit_groups, unit_names),
        by_township=GroupedStats("township", stats, towns,
                                 {pk: name for pk, (name, _level) in places.items()}),
        curve=curve, behind=sum(piece.behind for piece in pieces.values()),
        threshold=threshold,
        # The list's township filter takes a division and everything below it: only a
        # township's own group is exactly that list.
        townships={pk for pk, (_name, level) in places.items()
                   if level == DivisionLevel.TOWNSHIP},
    )


def factor_sections(viewer: Any, period: Period) -> list[ShownSection]:
    """The production factors (要素保障) at ``period``: the statistics sections other apps
    show (financing, land, attraction, policies; core/registry.py `stats_section`), none
    when no app registers one.

    A section counts the whole deployment (its ``compute`` takes the period only, no scope),
    so it cannot follow the viewer's projects nor the filter bar: it is shown only to a
    cockpit reader whose division holds the whole deployment (stats/sections.py
    ``holds_everything``), or the superuser, and the page says the bar does not narrow it.
    The cockpit's readers (leaders, the office, viewers: access.py) all watch the division's
    figures, and the sections' lines are counts and amounts naming no project nor firm.
    Not cached: one query to place the viewer, then each section's own."""
    return shown_for(viewer.division, period, everything=viewer.is_superuser)


def list_url(period: Period, bar: dict[str, list[str]], **extra: str | list[str]) -> str:
    """The project list of the bar's filter at ``period``, narrowed by ``extra``."""
    query: dict[str, Any] = {"period": str(period), **bar}
    for name, value in extra.items():
        query[name] = value
    return f"{reverse('ledger:project-list')}?{urlencode(query, doseq=True)}"


def lamp_tiles(filtered: QuerySet[Project], period: Period, bar: dict[str, list[str]],
               viewer: Any, versions: ScopeVersions | None) -> list[dict[str, Any]]:
    """The lamps of ``filtered`` at ``period`` by colour (红/黄/绿/未评估), each linking to the
    list of the bar's filter narrowed to that colour, whose row count it is.

    Cached under the scope's versions and the period's evaluations (``lamps.version_of``,
    moved by evaluating again and by publishing), and by whether the viewer reads drafts:
    never stale. Counted afresh, it is one statement with a lookup per project (0.1 s of a
    100,000-project county), which every cockpit request would pay."""
    def make() -> dict[str, int]:
        return lamps.counts(filtered, period, viewer)

    if versions is None:
        found = make()
    else:
        found = cached(filtered, "lamp-tiles", make,
                       [str(period), "published" if lamps.published_only(viewer) else "all"],
                       data_version=lamps.with_evaluations(whole_version(versions), period))
    return [{"color": color, "label": label, "projects": found[color],
             "url": list_url(period, bar, lamp=color)}
            for color, label in lamps.color_choices()]


def _rate(stats: LedgerStats) -> str | None:
    rate = stats.completion_rate
    return None if rate is None else str((rate * 100).quantize(Decimal("0.1")))


def _groups(grouped: GroupedStats, period: Period, bar: dict[str, list[str]],
            field: str, linkable: set[Any]) -> list[dict[str, Any]]:
    """The groups ranked by completion rate (no plan last), each with its list link."""
    rows = []
    for key, stats in grouped.groups.items():
        if stats.total.projects == 0:
            continue
        if key in linkable:
            url = list_url(period, bar, **{field: str(key)})
        else:
            url = None  # no filter selects exactly this group (no unit; not a township)
        rows.append({
            "key": key, "name": grouped.names.get(key, ""), "projects": stats.total.projects,
            "annual_plan": str(stats.total.annual_plan),
            "ytd": str(stats.total.ytd_completed), "rate": _rate(stats),
            "points": None if stats.points_vs_time is None else str(stats.points_vs_time),
            "url": url,
        })
    rows.sort(key=lambda r: (r["rate"] is None, -Decimal(r["rate"] or 0), r["name"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def present(board: Board, bar: dict[str, list[str]], choice_ids: dict[str, list[int]],
            labels: dict[str, str]) -> dict[str, Any]:
    """The template's and the charts' data: numbers as strings, each with its link.
    ``choice_ids``: what the list's unit and township filters accept (``choice_ids_of``)."""
    period, stats = board.period, board.stats
    total = stats.total
    everything = list_url(period, bar)
    units = set(choice_ids.get("unit", []))
    towns = board.townships & set(choice_ids.get("township", []))
    plan_total = total.annual_plan
    curve = [{"period": str(p), "ytd": str(amount),
              "plan": str((plan_total * p.month / 12).quantize(Decimal("0.01"))),
              "url": list_url(p, bar)} for p, amount in board.curve]
    batches = [{"key": b.value, "name": str(b.label), "projects": stats.batches[b].projects,
                "annual_plan": str(stats.batches[b].annual_plan),
                "ytd": str(stats.batches[b].ytd_completed),
                "url": list_url(period, bar, batch=b.value)} for b in Batch]
    stages = [{"key": s.value, "name": str(s.label), "projects": stats.by_stage[s].projects,
               "ytd": str(stats.by_stage[s].ytd_completed),
               "url": list_url(period, bar, stage=s.value)}
              for s in Stage if s != Stage.CANCELLED and stats.by_stage[s].projects]
    return {
        "headline": {
            "projects": total.projects,
            "planned_total_yi": str(wan_to_yi(total.planned_total)),
            "annual_plan_yi": str(wan_to_yi(total.annual_plan)),
            "ytd_yi": str(wan_to_yi(total.ytd_completed)),
            "rate": stats.completion_rate, "time_progress": stats.time_progress,
            "points": stats.points_vs_time, "behind": board.behind,
            "threshold": board.threshold,
            "url": everything, "behind_url": list_url(period, bar, behind="on"),
        },
        "chart": {
            "labels": labels,
            "time_progress": str((stats.time_progress * 100).quantize(Decimal("0.1"))),
            "threshold": str(board.threshold),
            "curve": curve,
            "batches": batches,
            "stages": stages,
            "units": _groups(board.by_unit, period, bar, "unit", units),
            "townships": _groups(board.by_township, period, bar, "township", towns),
        },
    }
