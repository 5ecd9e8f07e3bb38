"""Run in a subprocess against a primary and its streaming replica (see test_replica.py).

Writes through the services, waits for the replica to replay them, reads the statistics
through `replica_reads()`, and prints a JSON verdict: which alias each statement went to.
"""

from __future__ import annotations

import json
import os
import time
from datetime import date
from decimal import Decimal

from taizhang.core.services import UNCHECKED

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from taizhang.accounts.choices import DivisionLevel, OrganizationKind, Role  # noqa: E402
from taizhang.accounts.models import Division, Organization, User  # noqa: E402
from taizhang.core.periods import Period  # noqa: E402
from taizhang.core.routers import replica_reads  # noqa: E402
from taizhang.ledger.choices import Stage  # noqa: E402
from taizhang.ledger.models import Project  # noqa: E402
from taizhang.ledger.services.plans import set_annual_plan  # noqa: E402
from taizhang.ledger.services.projects import change_stage, create_project  # noqa: E402
from taizhang.ledger.services.reports import (  # noqa: E402
    approve_report,
    save_report,
    submit_report,
)
from taizhang.stats.service import compute  # noqa: E402


def wait_for_replay(timeout: float = 30) -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.1)
    raise SystemExit("the replica did not catch up")


def main() -> None:
    call_command("migrate", verbosity=0)
    county = Division.objects.create(code="130283", name="迁安市", level=DivisionLevel.COUNTY)
    office = User.objects.create_user("office", role=Role.OFFICE_ADMIN, division=county)
    owner = Organization.objects.create(kind=OrganizationKind.ENTERPRISE, name="燕山钢铁")
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections["replica"]) as replica:
        project = create_project(actor=office, name="冷轧升级", owner=owner, division=county,
                                 planned_total=Decimal("5000.00"))
        set_annual_plan(project, 2022, actor=office, planned_investment=Decimal("1200.00"),
                        expected_version=UNCHECKED)
        change_stage(project, Stage.UNDER_CONSTRUCTION, actor=office,
                     effective_date=date(2022, 3, 1), expected_version=UNCHECKED)
        report = save_report(project, Period(2022, 7), actor=office,
                             data={"completed": Decimal("321.09"), "image_progress": "施工"},
                             expected_version=UNCHECKED)
        approve_report(submit_report(report, actor=office,
                                     expected_version=UNCHECKED), actor=office,
                       expected_version=UNCHECKED)
        wait_for_replay()
        with replica_reads():
            stats = compute(Project.objects.all(), Period(2022, 7))
            # A write inside replica_reads() still goes to the primary.
            Organization.objects.create(kind=OrganizationKind.BANK, name="唐山银行")
    print(json.dumps({
        "ytd": str(stats.total.ytd_completed),
        "projects": stats.total.projects,
        "replica_statements": [q["sql"].split()[0].upper() for q in replica.captured_queries],
        "primary_writes": sum(q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
                              for q in primary.captured_queries),
    }))


if __name__ == "__main__":
    main()
