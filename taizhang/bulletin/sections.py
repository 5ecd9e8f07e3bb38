"""The sections other apps give the bulletin: the lamps (warnings, 红黄绿灯), the ranking
(assessment, 考核排名), dispatch (调度和问题) and the production factors (要素保障: the
statistics sections apps above the ledger register with a view, read through the registry,
stats/sections.py), each read through its app's own API, never recomputed here.

A period whose lamps were never evaluated has no lamp section (``lamps`` stays None and the
document says so); its ledger rows carry no lamp. A year without meetings or problems has no
dispatch section. Without a viewed statistics section, or for a division that does not hold
the whole deployment (a section's figures are the deployment's: stats/sections.py), there is
no production factors section. The document is Chinese (document.py), so the lamps' reasons,
dispatch's kinds and categories and the sections' lines are taken in Chinese whatever the
language of whoever asked.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation

from taizhang.accounts.models import Division
from taizhang.assessment.choices import Level, Mark
from taizhang.assessment.results import ranking_for
from taizhang.bulletin.content import (
    Content,
    CountLine,
    DispatchSummary,
    FactorLine,
    FactorSection,
    LampLine,
    RankLine,
)
from taizhang.core.periods import Period
from taizhang.dispatch import figures as dispatch
from taizhang.dispatch.choices import MeetingKind, ProblemCategory
from taizhang.dispatch.models import Meeting, Problem
from taizhang.ledger.models import Project
from taizhang.stats.sections import shown_for
from taizhang.warnings.lamps import lamps_for

MARK_WORDS: dict[str, str] = {Mark.REWARD: "奖励", Mark.SUMMON: "约谈"}
SHOWN = ("red", "yellow")


def add_lamps(content: Content, projects: QuerySet[Project], period: Period) -> None:
    lamps = (lamps_for(projects, period).select_related("project__responsible_unit")
             .order_by("project__responsible_unit__name", "project__name", "project_id"))
    by_project = {}
    with translation.override(settings.LANGUAGE_CODE):
        for lamp in lamps.iterator(chunk_size=2000):
            by_project[lamp.project_id] = (lamp.color, lamp.explanation if lamp.color in SHOWN
                                           else "")
    if not by_project:
        return
    for line in content.ledger:
        line.lamp, line.lamp_reason = by_project.get(line.id, ("", ""))
    content.lamps = [LampLine(p.name, p.unit, p.lamp, p.lamp_reason)
                     for p in content.ledger if p.lamp in SHOWN]


def add_rankings(content: Content, division: Division, period: Period) -> None:
    rankings = {}
    for level in (Level.UNIT, Level.TOWNSHIP):
        ranking = ranking_for(division, period, level)
        rankings[str(level)] = [RankLine(r.rank, r.name, r.total, MARK_WORDS.get(r.mark, ""))
                                for r in ranking.rows]
    if any(rankings.values()):
        content.rankings = rankings


def add_dispatch(content: Content, division: Division, projects: QuerySet[Project],
                 period: Period) -> None:
    """The division's meetings and the problems of the bulletin's projects."""
    meetings = dispatch.meetings_by_kind(
        period, Meeting.objects.filter(division.subtree_q("division__")))
    problems = Problem.objects.filter(project__in=projects)
    counts = dispatch.problem_counts(period, problems)
    if not any(meetings.values()) and not any(counts.values()):
        return
    with translation.override(settings.LANGUAGE_CODE):
        content.dispatch = DispatchSummary(
            meetings=[CountLine(kind, str(MeetingKind(kind).label), n)
                      for kind, n in meetings.items()],
            raised=counts["raised"], resolved=counts["resolved"], open=counts["open"],
            overdue=counts["overdue"],
            by_category=[CountLine(row["category"], str(ProblemCategory(row["category"]).label),
                                   row["solved"])
                         for row in dispatch.solved_by(period, "category", problems)],
            by_unit=[CountLine(row["responsible_unit__name"], row["responsible_unit__name"],
                               row["solved"])
                     for row in dispatch.solved_by(period, "unit", problems)])


def add_factors(content: Content, division: Division, period: Period) -> None:
    """The viewed statistics sections at the period, in Chinese, the numbers of
    `taizhang stats --period … --json`."""
    with translation.override(settings.LANGUAGE_CODE):
        found = shown_for(division, period)
    if found:
        content.factors = [
            FactorSection(s.name, s.title, [FactorLine(label, value) for label, value in s.lines])
            for s in found]


def add(division: Division):  # type: ignore[no-untyped-def]
    """What ``content.build`` calls once the figures are in: the lamps, the ranking,
    dispatch, the production factors."""
    def extras(content: Content, projects: QuerySet[Project], period: Period) -> None:
        add_lamps(content, projects, period)
        add_rankings(content, division, period)
        add_dispatch(content, division, projects, period)
        add_factors(content, division, period)
    return extras
