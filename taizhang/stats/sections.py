"""The statistics sections of apps above the ledger (core/registry.py `stats_section`) as the
bulletin and the cockpit show them: each viewed section's title and readable lines, computed
from the very dict `taizhang stats --json` prints, so the three agree.

A section's ``compute(period)`` takes no scope: like `taizhang stats`, it counts the whole
deployment (financing, land, attraction, policies). Its figures are therefore shown only for a
division that holds the whole deployment (``holds_everything``): the deployment's county
office, or the superuser. A township's bulletin or cockpit, or a county's where the deployment
holds another county, gets none, rather than figures that are not its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import get_language

from taizhang.accounts.models import Division
from taizhang.core.audit.service import last_write
from taizhang.core.periods import Period
from taizhang.core.registry import registry
from taizhang.stats.cache import cached_deployment


@dataclass(frozen=True)
class ShownSection:
    """A viewed section at a period: its name, heading and (label, value) lines, as text in
    the language active when it was made."""

    name: str
    title: str
    lines: list[tuple[str, str]]


def any_viewed() -> bool:
    return bool(registry.section_views)


def holds_everything(division: Division | None) -> bool:
    """Whether ``division`` holds the whole deployment: every division is in it or above it
    (a county under its province and prefecture), and no office sits above it (a township's
    county office). The sections' figures are then its own. One query."""
    if division is None or not division.path:
        return False
    above = division.lineage_codes()[:-1]
    elsewhere = ~division.subtree_q() & (~Q(code__in=above) | Q(settings__isnull=False))
    return not Division.objects.filter(elsewhere).exists()


def shown(period: Period) -> list[ShownSection]:
    """Every viewed section at ``period``, lightest first (no query when none is viewed).

    From the cache until the next write of any app (`core.audit.service.last_write`: one
    query instead of the sections' own, about eight, on every cockpit request), in the
    active language."""
    if not any_viewed():
        return []

    def make() -> list[ShownSection]:
        found = []
        for name, view in registry.viewed_sections():
            data = registry.stats_sections[name](period)
            found.append(ShownSection(name, str(view.title), [
                (str(label), str(value)) for label, value in view.lines(data)]))
        return found

    return cached_deployment("sections", make, [str(period), get_language()],
                             data_version=last_write())


def shown_for(division: Division | None, period: Period, *, everything: bool = False,
              ) -> list[ShownSection]:
    """The viewed sections for a reader of ``division`` (``everything``: the superuser, whose
    scope is the whole deployment): none unless it holds the whole deployment."""
    if not any_viewed():
        return []
    if not everything and not holds_everything(division):
        return []
    return shown(period)
