"""Integer-cent arithmetic that makes generated figures add up to published totals exactly."""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal

WAN = 100  # cents per 万元


def wan(cents: int) -> Decimal:
    """Cents → a 万元 amount with two places."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def cents(wan_amount: float | int) -> int:
    return round(wan_amount * WAN)


def nice_step(value: int) -> int:
    """The rounding step a ledger clerk would use for an amount of this size (in cents)."""
    if value >= 100_000 * WAN:
        return 100 * WAN
    if value >= 10_000 * WAN:
        return 10 * WAN
    return WAN


def fit(
    raw: Sequence[float],
    target: int,
    *,
    caps: Sequence[int | None] | None = None,
    steps: Sequence[int] | None = None,
) -> list[int]:
    """Scale `raw` (cents) to sum to `target` exactly, each ≤ its cap, rounded to its step.

    Proportional scaling with water-filling at the caps, rounding down to each step, then the
    remainder handed out one step at a time to the items with most room left.
    """
    n = len(raw)
    cap_of: list[int | None] = list(caps) if caps is not None else [None] * n
    step_of: list[int] = list(steps) if steps is not None else [1] * n
    if sum(c if c is not None else target for c in cap_of) < target:
        raise ValueError("the caps do not leave room for the target")
    capped: dict[int, int] = {}
    values = [0.0] * n
    while True:
        free = [i for i in range(n) if i not in capped]
        room = target - sum(capped.values())
        base = sum(raw[i] for i in free)
        if not free or base <= 0:
            break
        scale = room / base
        over = {i: c for i in free if (c := cap_of[i]) is not None and raw[i] * scale > c}
        if not over:
            for i in free:
                values[i] = raw[i] * scale
            break
        capped.update(over)
    for i, cap in capped.items():
        values[i] = cap
    out = []
    for i in range(n):
        step, limit = step_of[i], cap_of[i]
        v = int(values[i]) // step * step
        if limit is not None:
            v = min(v, limit)
        out.append(max(v, 0))
    rest = target - sum(out)
    def room_left(i: int) -> int:
        cap = cap_of[i]
        return cap - out[i] if cap is not None else rest

    order = sorted(range(n), key=lambda i: -(room_left(i) if cap_of[i] is not None else 10**15))
    while rest > 0:
        moved = 0
        for i in order:
            add = min(step_of[i], rest, room_left(i))
            if add > 0:
                out[i] += add
                rest -= add
                moved += add
            if rest == 0:
                break
        if moved == 0:
            raise ValueError("could not place the remainder under the caps")
    while rest < 0:  # only when rounding steps overshoot (they never round up): defensive
        i = max(range(n), key=lambda j: out[j])
        take = min(out[i], -rest)
        out[i] -= take
        rest += take
    return out


def split(
    total: int, weights: Sequence[float], *, cap: int, rng: random.Random
) -> list[int]:
    """Split `total` cents over months with these weights, no month above `cap`."""
    if total > cap * len(weights):
        raise ValueError("the total does not fit under the monthly cap")
    jittered = [w * rng.uniform(0.7, 1.35) for w in weights]
    base = sum(jittered) or 1.0
    parts = [min(int(total * w / base), cap) for w in jittered]
    rest = total - sum(parts)
    while rest > 0:
        for i in sorted(range(len(parts)), key=lambda j: -jittered[j]):
            add = min(rest, cap - parts[i])
            parts[i] += add
            rest -= add
            if rest == 0:
                break
    return parts
