"""Benchmark `cockpit`: the leaders' cockpit (驾驶舱) of the whole county under load, against
the Django admin's project changelist under the same conditions (list_page.py's load).

    python -m benchmarks.cockpit --db sqlite --size 20 --side ours|django-admin

Same server, same office user, same 100,000-project ledger, same concurrency as list_page:
requests per second of the cockpit (every headline figure, the monthly curve, the batches,
stages and the ranking by unit and by township) against the changelist's.
"""

from __future__ import annotations

from benchmarks import common
from benchmarks.list_page import measure

SIDES = ["ours", "django-admin"]
URLS = {
    "ours": "/cockpit/?period=2022-07",
    "django-admin": "/admin/ledger/project/",
}


def main() -> None:
    args = common.arguments(SIDES, 20)
    common.emit(**measure(args, URLS[args.side]))


if __name__ == "__main__":
    main()
