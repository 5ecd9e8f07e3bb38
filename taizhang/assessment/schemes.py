"""A year's scheme as the scoring reads it: the saved one, or the defaults until the office
saves its own or publishes a ranking of the year, which stores them (the registry's rules
with DOMAIN.md's real weights, bands and caps)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from taizhang.accounts.models import Division
from taizhang.assessment.indicators import RULES
from taizhang.assessment.models import Indicator, Scheme

DEFAULT_REWARD = DEFAULT_SUMMON = 3


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    weight: Decimal
    params: dict[str, Any]
    order: int
    enabled: bool = True


@dataclass(frozen=True)
class SchemeSpec:
    year: int
    name: str
    version: int  # 0: not saved yet (the defaults)
    reward_count: int
    summon_count: int
    indicators: tuple[IndicatorSpec, ...]

    def counted(self) -> list[IndicatorSpec]:
        """The enabled indicators whose rule exists, in order."""
        return [i for i in self.indicators if i.enabled and i.code in RULES]


def default_name(year: int) -> str:
    return _("%(year)s key-project assessment") % {"year": year}


def default_indicators() -> list[IndicatorSpec]:
    return [IndicatorSpec(code, str(r.name), r.weight, r.clean(dict(r.defaults)), r.order)
            for code, r in sorted(RULES.items(), key=lambda item: item[1].order)]


def defaults(year: int) -> SchemeSpec:
    return SchemeSpec(year, default_name(year), 0, DEFAULT_REWARD, DEFAULT_SUMMON,
                      tuple(default_indicators()))


def spec_of(scheme: Scheme, indicators: list[Indicator]) -> SchemeSpec:
    return SchemeSpec(scheme.year, scheme.name, scheme.version, scheme.reward_count,
                      scheme.summon_count,
                      tuple(IndicatorSpec(i.code, i.name, i.weight, dict(i.params), i.order,
                                          i.enabled) for i in indicators))


def scheme_spec(division: Division, year: int) -> SchemeSpec:
    """The division's scheme of ``year``, or the defaults (two queries at most)."""
    scheme = Scheme.objects.filter(division=division, year=year).first()
    if scheme is None:
        return defaults(year)
    return spec_of(scheme, list(scheme.indicators.order_by("order", "id")))
