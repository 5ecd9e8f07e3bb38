"""Benchmark `policy_match`: 10,000 enterprises against a catalogue of 1,000 policies.

    python -m benchmarks.policy_match --size 10000 --side ours|nested-loop

The data are made in memory from a fixed seed (no database: what is measured is the match
itself, not reading the facts): firms with one or two industries, townships and stages, a
planned investment, a key-list level, a size and tags; policies with each criterion set with
some probability (sets, minimum investment, key level), so a firm qualifies for a few dozen.

`ours` is ``policies.matching.Index``: the catalogue indexed (a bitset per criterion value),
then every firm matched; `nested-loop` is every firm against every policy with the same rule
(``matching.qualifies``). Each side returns firm → policy ids; the nested-loop process also
checks the index's answer is the same (``same_numbers``). `ours`: one warm-up call, then the
median of 3; `nested-loop` (about a minute a call): one call, no warm-up.
"""

from __future__ import annotations

import random
import statistics
from decimal import Decimal
from typing import Any

from benchmarks import common

SIDES = ["ours", "nested-loop"]
SIZE = 10_000
POLICIES = 1_000
CALLS = 3
SECTIONS = "ABCDEFGHIJKLMNOPQRS"
STAGES = ["planning", "preliminary", "under_construction", "completed", "on_hold"]
SIZES = ["large", "medium", "small", "micro"]
TAGS = ["高新技术企业", "专精特新", "外贸企业", "科技型中小企业", "瞪羚企业", "上市后备"]
TOWNS = list(range(1, 21))


def _some(rng: random.Random, values: list[Any], most: int) -> frozenset[Any]:
    return frozenset(rng.sample(values, rng.randint(1, most)))


def data(size: int, seed: int = 13) -> tuple[list[Any], list[Any]]:
    from taizhang.policies.matching import Criteria, Facts

    rng = random.Random(seed)
    weights = [3 if s == "C" else 1 for s in SECTIONS]
    firms = [Facts(
        enterprise_id=i + 1,
        industries=frozenset(rng.choices(SECTIONS, weights, k=rng.randint(1, 2))),
        townships=_some(rng, TOWNS, 2), stages=_some(rng, STAGES, 2),
        investment=Decimal(rng.randrange(10_000, 50_000_000)) / 100,
        key_level=rng.choices([0, 1, 2, 3], [70, 15, 10, 5])[0],
        sizes=frozenset({rng.choice(SIZES)}),
        tags=frozenset(t for t in TAGS if rng.random() < 0.15)) for i in range(size)]
    catalogue = [Criteria(
        policy_id=i + 1,
        industries=_some(rng, list(SECTIONS), 3) if rng.random() < 0.7 else frozenset(),
        sizes=_some(rng, SIZES, 2) if rng.random() < 0.4 else frozenset(),
        townships=_some(rng, TOWNS, 3) if rng.random() < 0.2 else frozenset(),
        stages=_some(rng, STAGES, 2) if rng.random() < 0.4 else frozenset(),
        min_investment=(Decimal(rng.choice([500, 1000, 2000, 5000, 10000, 50000]))
                        if rng.random() < 0.5 else None),
        key_level=rng.choice([1, 2, 3]) if rng.random() < 0.1 else 0,
        tags=_some(rng, TAGS, 2) if rng.random() < 0.25 else frozenset(),
    ) for i in range(POLICIES)]
    return catalogue, firms


def ours(catalogue: list[Any], firms: list[Any]) -> dict[int, list[int]]:
    from taizhang.policies.matching import Index

    return Index(catalogue).match_all(firms)


def nested(catalogue: list[Any], firms: list[Any]) -> dict[int, list[int]]:
    from taizhang.policies.matching import nested_loop

    return nested_loop(catalogue, firms)


def main() -> None:
    args = common.arguments(SIDES, SIZE)
    common.use(args.db, "policy_match")  # Django set up; no query is made
    catalogue, firms = data(args.size)
    if args.side == "ours":
        ours(catalogue, firms)  # warm-up
        times = [common.timed(lambda: ours(catalogue, firms))[0] for _ in range(CALLS)]
        common.emit(seconds=statistics.median(times), calls=times)
        return
    seconds, found = common.timed(lambda: nested(catalogue, firms))
    matches = sum(len(v) for v in found.values())
    common.emit(seconds=seconds, calls=[seconds], matches=matches,
                same_numbers=found == ours(catalogue, firms))


if __name__ == "__main__":
    main()
