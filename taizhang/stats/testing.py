"""For tests: a statistics section with a view, registered for the test's duration (as an app
above the ledger would register one: core/registry.py `stats_section`), then removed; and the
real apps' sections hidden while a test looks at the mechanism alone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils.translation import gettext_lazy as _

from taizhang.core.periods import Period
from taizhang.core.registry import SectionView, registry

NAME = "test_factors"


def compute(period: Period) -> dict[str, Any]:
    """A financing-like section: a count and an amount in 万元 (as text, as JSON carries it)."""
    return {"period": str(period), "needs": 18, "intention_amount_wan": "12345.60"}


def lines(data: dict[str, Any]) -> list[tuple[Any, str]]:
    # "Projects" is translated already (项目): the bulletin's line is Chinese whoever asks.
    return [(_("Projects"), str(data["needs"])),
            ("意向金额（万元）", data["intention_amount_wan"]),
            ("统计期", data["period"])]


@contextmanager
def hidden_sections() -> Iterator[None]:
    """The views of the sections the installed apps register (financing, land, …) hidden
    for the test's duration: a test of the mechanism sees only what it registers."""
    saved = dict(registry.section_views)
    registry.section_views.clear()
    try:
        yield
    finally:
        registry.section_views.clear()
        registry.section_views.update(saved)


@contextmanager
def viewed_section(title: str = "银企对接测试", name: str = NAME, weight: int = 100,
                   ) -> Iterator[SectionView]:
    view = SectionView(title=title, lines=lines, weight=weight)
    registry.stats_section(name, compute, view=view)
    try:
        yield view
    finally:
        registry.stats_sections.pop(name, None)
        registry.section_views.pop(name, None)
