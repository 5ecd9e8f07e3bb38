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
from datetime import date, datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone

from taizhang.accounts.models import Division, OfficeSettings, Organization, Person, User
from taizhang.accounts.security.passwords import mark_password_as_chosen
from taizhang.core.audit.models import AuditEvent
from taizhang.core.audit.retention import delete_events
from taizhang.core.context import acting
from taizhang.core.dbstats import refresh_planner_statistics
from taizhang.core.figures import announced_once
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
from taizhang.ledger.services.reports import (
    add_photo,
    approve_report,
    return_report,
    save_report,
    submit_report,
)
from taizhang.notices.models import Dispatch, Notification
from taizhang.scenarios.common.fitting import wan
from taizhang.scenarios.qianan import attraction, financing, land, policies, procedures
from taizhang.scenarios.qianan import data as D
from taizhang.scenarios.qianan.dispatch import (
    load_dispatch,
    reset_dispatch,
    unattributed_events_q,
)
from taizhang.scenarios.qianan.plan import Plan, ProjectSpec, build_plan
from taizhang.scenarios.qianan.reports import TZ, report_data, sent_and_reviewed, site_photo
from taizhang.warnings.models import Consequence, Evaluation, WarningRule
from taizhang.warnings.services import evaluate_period, publish_evaluation

PENDING_APPLIED_ON = date(2022, 6, 15)
NO_LEADER, NO_DEADLINE = 3, 2  # the responsibility check's gaps (`responsibility_gaps`)


@dataclass
class LoadResult:
    loaded: bool  # False: it was there already and nothing changed
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    users: list[tuple[str, str, str, str]] = field(default_factory=list)


def responsibility_gaps(plan: Plan) -> tuple[set[str], set[str]]:
    """有人管、有方案、有时限: the few projects the responsibility check finds in the demo, as a
    real ledger has them: NO_LEADER 谋划 projects not yet given a leader (包联领导), and
    NO_DEADLINE projects under construction whose completion date is not set (they have no
    nodes either). Chosen by name; no figure of the demo moves (the leader and the planned
    completion count in none, and every project keeps its annual plan)."""
    def first(kind: str, n: int) -> set[str]:
        names = sorted(p.name for p in plan.projects if p.kind == kind and p.name != D.YANYANG)
        return set(names[:n])
    return first("planning", NO_LEADER), first("continuing", NO_DEADLINE)


def is_loaded() -> bool:
    return (Division.objects.filter(code=D.COUNTY[0]).exists()
            and User.objects.filter(username="office").exists())


def demo_user_table() -> list[tuple[str, str, str, str]]:
    """(role, username, password, what to try) for the printed table."""
    rows = [(role, username, D.PASSWORD, hint) for username, role, hint in D.DEMO_USERS]
    rows += [("owner", name, D.PASSWORD, "已提交 2022-08 月报：待审核、已通过或被退回（见通知）")
             for name in D.EXTRA_OWNER_USERS]
    return rows


def load(*, log: Callable[[str], None] | None = None) -> LoadResult:
    """Load the scenario unless it is there already."""
    if is_loaded():
        return LoadResult(loaded=False, users=demo_user_table())
    started = time.perf_counter()
    # Thousands of audited writes in one transaction: the data versions move once, at the end.
    with acting("scenario"), transaction.atomic(), announced_once():
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
        # The next step's statements (and, after the last, the first pages) plan on the rows
        # this one wrote, not on tables the planner took for empty (core/dbstats.py).
        refresh_planner_statistics()
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
        self.step("dispatch meetings and problems", self.dispatch)
        self.step("2022-08 in progress", self.august)
        # Procedures before the lamps: July's `procedure_overdue` rule reads their deadlines
        # (as the dispatch's `problems_overdue` reads the problems above).
        self.step("procedures", lambda: procedures.load(self.county, self.plan.projects,
                                                        self.project, self.office))
        self.step("investment attraction", self.attraction)
        self.step("financing", lambda: financing.load(self.county, self.office, self.project))
        self.step("land", lambda: land.load(self.county, self.plan.projects, self.project,
                                            self.office))
        self.step("policies", self.load_policies)
        self.step("2022-07 lamps", self.lamps)
        return self.timings

    def load_policies(self) -> None:
        policies.load(self.county, self.office, self.owner_user)

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
        no_leader, no_deadline = responsibility_gaps(self.plan)
        for p in self.plan.projects:
            funding: dict[str, Any] = {name: wan(v) for name, v in p.funding.items()}
            assert p.contact is not None
            self.project[p.name] = create_project(
                actor=self.office, code=p.code, name=p.name, owner=self.orgs[p.owner],
                nature=p.nature, industry=p.industry, project_type=p.ptype,
                division=self.divisions[p.township], address=p.address, latitude=p.lat,
                longitude=p.lon, scale_content=p.scale, planned_total=wan(p.total),
                completed_before=wan(p.opening), planned_start=p.planned_start,
                planned_completion=None if p.name in no_deadline else p.planned_completion,
                leader=None if p.name in no_leader else self.people[p.leader],
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
        self._stamp(stamps)

    def _stamp(self, stamps: list[tuple[int, Any, Any]]) -> None:
        """The services stamp "now"; a 2022 demo reads better with 2022 dates on its reports,
        and its punctuality is measured on them (sent against the month's deadline)."""
        reports = MonthlyReport.objects.in_bulk([pk for pk, _s, _r in stamps])
        for pk, sent, reviewed in stamps:
            reports[pk].submitted_at = reports[pk].first_submitted_at = sent
            reports[pk].reviewed_at = reviewed
        MonthlyReport.objects.bulk_update(
            reports.values(), ["submitted_at", "first_submitted_at", "reviewed_at"],
            batch_size=500)

    def attraction(self) -> None:
        attraction.load(self.county, self.office)

    def dispatch(self) -> None:
        projects = [self.project[p.name] for p in self.plan.projects
                    if p.kind in ("new", "continuing")]
        load_dispatch(self.county, self.office, projects, self.people)

    def august(self) -> None:
        """The reporting month in progress (2022-08, due by 2022-09-10): of the reports sent
        above, a few approved and one returned; a few more owners sent theirs, some after the
        deadline, and two were returned; two drafts are still open; most are still due (the
        `owner` login's three projects among them)."""
        # The months before were approved long ago: their notices have been read.
        Notification.objects.filter(recipient__in=list(self.accounts.values()),
                                    read_at__isnull=True).update(read_at=timezone.now())
        rng = random.Random(D.SEED + 8)  # its own stream: the other months stay as they were
        month = Period(D.YEAR, 8)
        sent_in = [p for p in self.plan.projects if p.august]
        others = [p for p in self.plan.projects
                  if not p.august and p.kind in ("new", "continuing") and 7 in p.monthly
                  and p.owner != D.YANYANG_OWNER]
        extra = rng.sample(sorted(others, key=lambda p: p.name), min(9, len(others)))
        reports = {r.project_id: r for r in MonthlyReport.objects.filter(
            # only August's are still submitted: every earlier month was approved
            project__in=[self.project[p.name] for p in sent_in], status="submitted")}
        stamps: list[tuple[int, Any, Any]] = []

        def day(d: int) -> Any:
            return datetime(2022, 9, d, rng.randint(8, 17), rng.randint(0, 59), tzinfo=TZ)

        def sent(report: MonthlyReport, late: bool) -> MonthlyReport:
            stamps.append((report.pk, day(rng.randint(11, 14) if late else rng.randint(2, 9)),
                           None))
            return report

        for index, p in enumerate(sorted(sent_in, key=lambda p: p.name)):
            report = reports[self.project[p.name].pk]
            if index < 3:
                report = approve_report(report, actor=self.office, expected_version=UNCHECKED)
                stamps.append((report.pk, day(rng.randint(2, 5)), day(rng.randint(6, 9))))
            elif index == 3:
                report = return_report(report, actor=self.office, reason=D.RETURN_REASONS[0],
                                       expected_version=UNCHECKED)
                stamps.append((report.pk, day(rng.randint(2, 5)), day(rng.randint(6, 9))))
        for index, p in enumerate(extra):
            project = self.project[p.name]
            reporter = self.owner_user.get(p.owner, self.office)
            done = p.opening + sum(p.monthly.values())
            # August's figure moves from July's like a real month (its own stream: the
            # scenario's other draws stay as they were).
            amount = round(p.monthly[7] * random.Random(f"{D.SEED}-{p.name}-8").uniform(0.8, 1.25))
            data = report_data(p, 8, amount, done, rng)
            report = save_report(project, month, actor=reporter, data=data,
                                 expected_version=UNCHECKED)
            if index != 4:  # one owner forgot the photos: the queue warns of it
                self._photo(report, reporter, random.Random(f"{D.SEED}-{p.name}"))
            if index >= 7:
                continue  # a draft: started, not submitted (still missing)
            report = sent(submit_report(report, actor=reporter, expected_version=UNCHECKED),
                          late=index in (0, 2, 5))
            if index in (1, 5):
                return_report(report, actor=self.office, reason=D.RETURN_REASONS[index % 2 + 1],
                              expected_version=UNCHECKED)
        self._stamp(stamps)
        # Reviewed ones keep the review time the scenario gave them.
        MonthlyReport.objects.filter(pk__in=[pk for pk, _s, r in stamps if r is None],
                                     status="returned").update(reviewed_at=day(13))

    def lamps(self) -> None:
        """July's red-yellow-green lamps, evaluated after its deadline and published, as the
        office did before the bulletin (taizhang/warnings, the default rules)."""
        evaluation = evaluate_period(self.county, Period(D.YEAR, 7), actor=self.office,
                                     now=datetime(D.YEAR, 8, 15, 9, tzinfo=TZ))
        publish_evaluation(evaluation, actor=self.office, expected_version=evaluation.version)

    def _report(self, p: ProjectSpec, project: Project, reporter: User, month: int,
                cents: int, done: int) -> MonthlyReport:
        data = report_data(p, month, cents, done, self.rng)
        report = save_report(project, Period(D.YEAR, month), actor=reporter, data=data,
                             expected_version=UNCHECKED)
        if month == 8:  # the month under review shows its site photos in the queue
            self._photo(report, reporter, random.Random(f"{D.SEED}-{p.name}"))
        return submit_report(report, actor=reporter, expected_version=UNCHECKED)

    def _photo(self, report: MonthlyReport, reporter: User, rng: random.Random) -> None:
        add_photo(report, site_photo(f"site-{report.project_id}", rng), actor=reporter,
                  caption="施工现场")  # data of the demo, as an owner would write it


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
            AuditEvent.objects.filter(Q(actor__in=users) | unattributed_events_q(D.COUNTY[0])),
            actor=None,
            reason="load-scenario --reset", details={"scenario": "qianan-2022"})
        # The lamps' evaluations and rules of the county (a consequence protects its lamp).
        county = Division.objects.filter(code=D.COUNTY[0])
        Consequence.objects.filter(lamp__project__in=projects).delete()
        Evaluation.objects.filter(division__in=county).delete()
        WarningRule.objects.filter(division__in=county).delete()
        counts["dispatch"] = reset_dispatch(D.COUNTY[0])
        counts["attraction leads"] = attraction.reset(D.COUNTY[0])
        financing.reset(D.COUNTY[0])  # its rows protect the projects and organizations
        land.reset(D.COUNTY[0])  # its quota, allocations and consolidation records
        counts["projects"] = projects.delete()[1].get("ledger.Project", 0)
        procedures.reset(D.COUNTY[0])  # its campaign and the office's own checklist item
        policies.reset(D.COUNTY[0])  # its catalogue and matching runs
        KeyList.objects.filter(year=D.YEAR, memberships__isnull=True).delete()
        Dispatch.objects.filter(sent_by__in=users).delete()  # reminders they sent
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
