"""Load the Qian'an 2022 demo: the article's city, its 284 key projects and their figures.

Places, units, people and accounts are plain rows; projects, stages, plans, key lists and
monthly reports go through the ledger's service functions, so every one has its audit trail.
The whole load is one transaction; loading twice changes nothing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import ProtectedError, Q, RestrictedError

from taizhang.accounts.models import Division, OfficeSettings, Organization, Person, User
from taizhang.accounts.security.passwords import mark_password_as_chosen
from taizhang.core.audit.models import AuditEvent
from taizhang.core.audit.retention import delete_events
from taizhang.core.context import acting
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.choices import MembershipStatus
from taizhang.ledger.models import KeyList, MonthlyReport, Project, ReportPhoto
from taizhang.ledger.services.keylists import (
    apply_for_list,
    decide_membership,
    enlist,
    get_or_create_list,
)
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.projects import change_stage, create_project
from taizhang.ledger.services.reports import approve_report, save_report, submit_report
from taizhang.scenarios.common.fitting import wan
from taizhang.scenarios.qianan import data as D
from taizhang.scenarios.qianan.plan import Plan, ProjectSpec, build_plan
from taizhang.scenarios.qianan.reports import report_data, sent_and_reviewed

PENDING_APPLIED_ON = date(2022, 6, 15)


@dataclass
class LoadResult:
    loaded: bool  # False: it was there already and nothing changed
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    users: list[tuple[str, str, str, str]] = field(default_factory=list)


def is_loaded() -> bool:
    return (Division.objects.filter(code=D.COUNTY[0]).exists()
            and User.objects.filter(username="office").exists())


def demo_user_table() -> list[tuple[str, str, str, str]]:
    """(role, username, password, what to try) for the printed table."""
    rows = [(role, username, D.PASSWORD, hint) for username, role, hint in D.DEMO_USERS]
    rows += [("owner", name, D.PASSWORD, "已提交 2022-08 月报，等待审核")
             for name in D.EXTRA_OWNER_USERS]
    return rows


def load(*, log: Callable[[str], None] | None = None) -> LoadResult:
    """Load the scenario unless it is there already."""
    if is_loaded():
        return LoadResult(loaded=False, users=demo_user_table())
    started = time.perf_counter()
    with acting("scenario"), transaction.atomic():
        timings = _Loader(build_plan(), log or (lambda _msg: None)).run()
    return LoadResult(loaded=True, seconds=time.perf_counter() - started, timings=timings,
                      users=demo_user_table())


class _Loader:
    def __init__(self, plan: Plan, log: Callable[[str], None]) -> None:
        self.plan = plan
        self.log = log
        self.rng = random.Random(D.SEED + 1)  # report texts and timestamps
        self.timings: dict[str, float] = {}

    def step(self, name: str, fn: Callable[[], None]) -> None:
        started = time.perf_counter()
        fn()
        self.timings[name] = time.perf_counter() - started
        self.log(f"  {name}: {self.timings[name]:.1f} s")

    def run(self) -> dict[str, float]:
        self.step("divisions, organizations, people", self.rows)
        self.step("users", self.users)
        self.step("projects", self.projects)
        self.step("stages", self.stages)
        self.step("annual plans", self.plans)
        self.step("key lists", self.lists)
        self.step("monthly reports", self.reports)
        return self.timings

    # --- plain rows ----------------------------------------------------------------------
    def rows(self) -> None:
        province, _ = Division.objects.get_or_create(
            code=D.PROVINCE[0], defaults={"name": D.PROVINCE[1], "level": "province"})
        prefecture, _ = Division.objects.get_or_create(
            code=D.PREFECTURE[0],
            defaults={"name": D.PREFECTURE[1], "level": "prefecture", "parent": province})
        county, _ = Division.objects.get_or_create(
            code=D.COUNTY[0],
            defaults={"name": D.COUNTY[1], "level": "county", "parent": prefecture})
        self.county = county
        # Owners are reporting August; the ledger and the bulletin show July.
        OfficeSettings.objects.get_or_create(division=county,
                                             defaults={"reporting_period": "2022-08"})
        self.divisions = {D.COUNTY[1]: county}
        for code, name in D.TOWNSHIPS:
            self.divisions[name], _ = Division.objects.get_or_create(
                code=code, defaults={"name": name, "level": "township", "parent": county})
        Organization.objects.bulk_create([
            Organization(kind=o.kind, name=o.name, credit_code=o.credit_code,
                         division=self.divisions[o.township or D.COUNTY[1]])
            for o in self.plan.orgs
        ])
        names = [o.name for o in self.plan.orgs]
        self.orgs = {o.name: o for o in Organization.objects.filter(name__in=names)}
        specs = list(self.plan.leaders)
        seen: set[int] = set()
        for p in self.plan.projects:
            if p.contact is not None and id(p.contact) not in seen:
                seen.add(id(p.contact))
                specs.append(p.contact)
        Person.objects.bulk_create([
            Person(name=s.name, title=s.title, phone=s.phone,
                   organization=self.orgs[s.org] if s.org else None)
            for s in specs
        ])
        self.people = {p.name: p for p in Person.objects.filter(name__in=[s.name for s in specs])}

    def users(self) -> None:
        self.accounts: dict[str, User] = {}
        for username, spec in self.plan.users.items():
            role, org, person = spec["role"], spec.get("org"), spec.get("person")
            assert role is not None
            user = User(
                username=username, role=role, division=self.county,
                first_name=spec.get("first") or "", last_name=spec.get("last") or "",
                organization=self.orgs[org] if org else None,
                person=self.people[person] if person else None,
                is_staff=username == "office",
            )
            user.set_password(D.PASSWORD)
            mark_password_as_chosen(user)  # the published demo password: no forced change
            user.save()
            self.accounts[username] = user
        self.office = self.accounts["office"]
        self.owner_user = {u.organization.name: u for u in self.accounts.values()
                           if u.role == "owner" and u.organization}

    # --- through the services ------------------------------------------------------------
    def projects(self) -> None:
        self.project: dict[str, Project] = {}
        for p in self.plan.projects:
            funding: dict[str, Any] = {name: wan(v) for name, v in p.funding.items()}
            assert p.contact is not None
            self.project[p.name] = create_project(
                actor=self.office, code=p.code, name=p.name, owner=self.orgs[p.owner],
                nature=p.nature, industry=p.industry, project_type=p.ptype,
                division=self.divisions[p.township], address=p.address, latitude=p.lat,
                longitude=p.lon, scale_content=p.scale, planned_total=wan(p.total),
                completed_before=wan(p.opening), planned_start=p.planned_start,
                planned_completion=p.planned_completion, leader=self.people[p.leader],
                responsible_unit=self.orgs[p.unit], contact_name=p.contact.name,
                contact_phone=p.contact.phone, **funding,
            )

    def stages(self) -> None:
        for p in self.plan.projects:
            project = self.project[p.name]
            for stage, day, reason in p.moves:
                change_stage(project, stage, actor=self.office, effective_date=day,
                             reason=reason, expected_version=UNCHECKED)

    def plans(self) -> None:
        for p in self.plan.projects:
            set_annual_plan(self.project[p.name], D.YEAR, actor=self.office,
                            planned_investment=wan(p.plan), image_target=p.image_target,
                            planned_new_start=p.planned_new_start, expected_version=UNCHECKED)

    def lists(self) -> None:
        lists: dict[tuple[str, str], KeyList] = {}
        for (level, kind), (name, _applied, _decided) in D.LISTS.items():
            key_list = get_or_create_list(level, kind, D.YEAR, actor=self.office)
            if key_list.name != name:
                key_list.name = name
                key_list.save(update_fields=["name"])
            lists[level, kind] = key_list
        for p in self.plan.projects:
            project = self.project[p.name]
            for level, kind, status in p.lists:
                _name, applied, decided = D.LISTS[level, kind]
                key_list = lists[level, kind]
                if status == MembershipStatus.APPROVED:
                    assert decided is not None
                    enlist(project, key_list, actor=self.office, applied_on=applied,
                           decided_on=decided)
                elif status == MembershipStatus.APPLIED:  # still waiting for a decision
                    apply_for_list(project, key_list, actor=self.office,
                                   applied_on=applied if decided is None else PENDING_APPLIED_ON)
                else:
                    membership = apply_for_list(project, key_list, actor=self.office,
                                                applied_on=applied)
                    assert decided is not None
                    decide_membership(membership, status, actor=self.office, decided_on=decided)

    def reports(self) -> None:
        stamps: list[tuple[int, Any, Any]] = []
        for p in self.plan.projects:
            project = self.project[p.name]
            reporter = self.owner_user.get(p.owner, self.office)
            done = p.opening
            for month, cents in sorted(p.monthly.items()):
                report = self._report(p, project, reporter, month, cents, done)
                report = approve_report(report, actor=self.office, expected_version=UNCHECKED)
                sent, reviewed = sent_and_reviewed(D.YEAR, month, self.rng)
                stamps.append((report.pk, sent, reviewed))
                done += cents
            if p.august:
                report = self._report(p, project, reporter, 8, p.august, done)
                stamps.append((report.pk, sent_and_reviewed(D.YEAR, 8, self.rng)[0], None))
        # The services stamp "now"; a 2022 demo reads better with 2022 dates on its reports.
        reports = MonthlyReport.objects.in_bulk([pk for pk, _s, _r in stamps])
        for pk, sent, reviewed in stamps:
            reports[pk].submitted_at = sent
            reports[pk].reviewed_at = reviewed
        MonthlyReport.objects.bulk_update(reports.values(), ["submitted_at", "reviewed_at"],
                                          batch_size=500)

    def _report(self, p: ProjectSpec, project: Project, reporter: User, month: int,
                cents: int, done: int) -> MonthlyReport:
        data = report_data(p, month, cents, done, self.rng)
        report = save_report(project, Period(D.YEAR, month), actor=reporter, data=data,
                             expected_version=UNCHECKED)
        return submit_report(report, actor=reporter, expected_version=UNCHECKED)


# --- reset -------------------------------------------------------------------------------
def reset(*, log: Callable[[str], None] | None = None) -> dict[str, int]:
    """Delete what the scenario created (and anything hanging off it), in one transaction.

    Raises ProtectedError if rows outside the scenario still point at its rows.
    """
    log = log or (lambda _msg: None)
    plan = build_plan()
    counts: dict[str, int] = {}
    with transaction.atomic():
        users = User.objects.filter(username__in=list(plan.users))
        orgs = Organization.objects.filter(name__in=[o.name for o in plan.orgs])
        leader_q = Q(organization=None, name__in=[p.name for p in plan.leaders])
        people = Person.objects.filter(Q(organization__in=orgs) | leader_q)
        projects = Project.objects.filter(
            Q(owner__in=orgs) | Q(responsible_unit__in=orgs) | Q(leader__in=people))
        photos = list(ReportPhoto.objects.filter(report__project__in=projects)
                      .values_list("image", flat=True))
        # A demo reset (DEBUG/dev only) removes the events by the scenario's accounts, which
        # protect the accounts; it goes through the one purge path and is itself recorded.
        counts["audit events"] = delete_events(
            AuditEvent.objects.filter(actor__in=users), actor=None,
            reason="load-scenario --reset", details={"scenario": "qianan-2022"})
        counts["projects"] = projects.delete()[1].get("ledger.Project", 0)
        KeyList.objects.filter(year=D.YEAR, memberships__isnull=True).delete()
        counts["users"] = users.delete()[1].get("accounts.User", 0)
        counts["people"] = people.delete()[1].get("accounts.Person", 0)
        counts["organizations"] = orgs.delete()[1].get("accounts.Organization", 0)
        codes = [c for c, _n in D.TOWNSHIPS] + [D.COUNTY[0], D.PREFECTURE[0], D.PROVINCE[0]]
        removed = 0
        for code in codes:
            try:
                with transaction.atomic():
                    removed += Division.objects.filter(code=code).delete()[0]
            except (ProtectedError, RestrictedError):
                log(f"  kept division {code}: rows outside the scenario still use it")
        counts["divisions"] = removed
        if photos:
            transaction.on_commit(lambda: _delete_files(photos))
    return counts


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
