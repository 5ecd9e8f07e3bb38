"""`taizhang generate`: a synthetic ledger that is deterministic, consistent and counts right.

One ledger is generated for the module inside a transaction rolled back at the end; each test
runs in a savepoint on top of it. Determinism is checked by generating twice from the same
database state, each time rolled back.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from taizhang.accounts.models import Division, Organization, Person
from taizhang.core.audit.models import AuditEvent
from taizhang.core.codes import PROJECT_CODE_RE, is_valid_uscc
from taizhang.core.periods import Period
from taizhang.ledger.choices import STAGE_TRANSITIONS, MembershipStatus, ReportStatus, Stage
from taizhang.ledger.models import (
    AnnualPlan,
    KeyListMembership,
    MonthlyReport,
    Project,
    StageChange,
)
from taizhang.scenarios.synthetic.generator import Options, generate
from taizhang.scenarios.synthetic.projects import NameBook
from taizhang.stats.service import compute

pytestmark = pytest.mark.django_db
N, M, SEED = 240, 24, 5
END = Period(2022, 7)
FIRST = Period(2020, 8)
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def ledger(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        result = generate(Options(projects=N, months=M, seed=SEED, end=END))
        yield result
        transaction.set_rollback(True)


def digest() -> str:
    """Everything generated, without database ids."""
    h = hashlib.sha256()
    for row in Project.objects.order_by("id").values_list(
        "code", "name", "planned_total", "completed_before", "stage", "actual_start",
        "actual_completion", "planned_start", "planned_completion", "owner__name",
        "owner__credit_code", "division__code", "leader__name", "responsible_unit__name",
        "contact_name", "fund_enterprise", "industry", "nature", "project_type",
    ):
        h.update(repr(row).encode())
    for model, fields in (
        (StageChange, ("from_stage", "to_stage", "effective_date", "reason")),
        (AnnualPlan, ("year", "planned_investment", "planned_new_start")),
        (KeyListMembership, ("key_list__level", "key_list__kind", "key_list__year", "status",
                             "applied_on", "decided_on")),
        (MonthlyReport, ("period", "completed", "image_progress", "submitted_at")),
    ):
        for row in model.objects.order_by("project_id", "id").values_list("project__name",
                                                                            *fields):
            h.update(repr(row).encode())
    return h.hexdigest()


def generated_digest(**kwargs) -> str:
    with transaction.atomic():
        generate(Options(**kwargs))
        value = digest()
        transaction.set_rollback(True)
    return value


# --- determinism ---------------------------------------------------------------------------
def test_same_seed_same_ledger_and_other_seed_another(ledger):
    first = generated_digest(projects=120, months=6, seed=42)
    again = generated_digest(projects=120, months=6, seed=42)
    other = generated_digest(projects=120, months=6, seed=43)
    assert first == again
    assert other != first


def test_counts_match_the_database(ledger):
    c = ledger.counts
    assert c["projects"] == Project.objects.count() == N
    assert c["monthly reports"] == MonthlyReport.objects.count() > N
    assert c["annual plans"] == AnnualPlan.objects.count()
    assert c["stage changes"] == StageChange.objects.count()
    assert c["key-list memberships"] == KeyListMembership.objects.count()
    assert ledger.first == FIRST


# --- places, units, people -----------------------------------------------------------------
def test_divisions_and_units(ledger):
    county = Division.objects.get(code="130283")
    assert county.parent.code == "130200" and county.parent.parent.code == "130000"
    assert county.children.count() >= 20
    assert Project.objects.exclude(division__parent=county).count() == 0
    enterprises = Organization.objects.filter(kind="enterprise").count()
    assert N / 3 <= enterprises <= N / 3 + 10  # plus the state-owned platforms
    assert Person.objects.filter(organization=None).count() == N // 20


def test_every_credit_code_is_valid_and_unique(ledger):
    codes = list(Organization.objects.exclude(credit_code=None)
                 .values_list("credit_code", flat=True))
    assert len(codes) > N / 3
    assert all(is_valid_uscc(code) for code in codes)
    assert len(set(codes)) == len(codes)


def test_a_second_run_reuses_places_and_units_and_adds_no_duplicates(ledger):
    divisions, units = Division.objects.count(), Organization.objects.exclude(
        kind="enterprise").count()
    result = generate(Options(projects=30, months=3, seed=SEED, end=END))
    assert result.counts["divisions"] == 0
    assert Division.objects.count() == divisions
    assert Organization.objects.exclude(kind="enterprise").count() == units
    codes = list(Project.objects.exclude(code=None).values_list("code", flat=True))
    assert len(set(codes)) == len(codes)


# --- projects ------------------------------------------------------------------------------
def test_every_stage_appears(ledger):
    assert set(Project.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert Project.objects.filter(stage=Stage.UNDER_CONSTRUCTION).count() > N / 3


def test_codes_are_unique_and_shaped(ledger):
    codes = list(Project.objects.exclude(code=None).values_list("code", flat=True))
    assert len(codes) > N * 0.9
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert PROJECT_CODE_RE.match(code), code
        assert code[5:11] == "130283"
        assert code[15:17] in ("01", "02", "03")


def test_money_has_two_places_and_plausible_totals(ledger):
    totals = list(Project.objects.values_list("planned_total", flat=True))
    assert all(Decimal(500) <= t <= Decimal(500_000) for t in totals)
    assert all(t == t.quantize(CENT) for t in totals)
    assert len(set(totals)) > N / 2
    # log-normal: the median well below the mean, both in the tens of millions of yuan
    ordered = sorted(totals)
    median, mean = ordered[len(ordered) // 2], sum(totals) / len(totals)
    assert Decimal(2_000) < median < mean < Decimal(100_000)
    for p in Project.objects.all():
        parts = [v for v in p.funding_split().values() if v is not None]
        assert not parts or sum(parts) == p.planned_total
        p.full_clean(exclude=["owner", "division", "leader", "responsible_unit"])


def test_dates_agree_with_stages(ledger):
    last_day = END.last_day
    for p in Project.objects.all():
        if p.stage in (Stage.PLANNING, Stage.PRELIMINARY, Stage.CANCELLED):
            assert p.actual_start is None, p.stage
        if p.stage == Stage.UNDER_CONSTRUCTION:
            assert p.actual_start is not None and p.actual_completion is None
        if p.stage == Stage.COMPLETED:
            assert p.actual_start is not None and p.actual_completion is not None
            assert p.actual_start < p.actual_completion <= last_day
        if p.actual_start is not None:
            assert p.actual_start <= last_day
        assert p.planned_start <= p.planned_completion


def test_stage_changes_lead_to_the_stage_on_the_dates(ledger):
    moves = defaultdict(list)
    for change in StageChange.objects.order_by("project_id", "effective_date", "id"):
        moves[change.project_id].append(change)
    for p in Project.objects.all():
        history = moves.get(p.pk, [])
        if p.stage == Stage.PLANNING:
            assert history == []
            continue
        assert history, p.stage
        stage = Stage.PLANNING
        for change in history:
            assert change.from_stage == stage
            assert change.to_stage in STAGE_TRANSITIONS[stage]
            assert change.effective_date <= END.last_day
            if change.to_stage in (Stage.ON_HOLD, Stage.CANCELLED):
                assert change.reason
            stage = change.to_stage
        assert stage == p.stage
        by_stage = {c.to_stage: c.effective_date for c in history}
        assert by_stage.get(Stage.UNDER_CONSTRUCTION) == p.actual_start
        assert by_stage.get(Stage.COMPLETED) == p.actual_completion


# --- plans, lists, reports -----------------------------------------------------------------
def test_plans_cover_the_window_years(ledger):
    years = set(AnnualPlan.objects.values_list("year", flat=True))
    assert years == {2020, 2021, 2022}
    assert AnnualPlan.objects.filter(year=2022).count() > N / 2
    for plan in AnnualPlan.objects.all():
        assert Decimal(0) <= plan.planned_investment == plan.planned_investment.quantize(CENT)
    assert AnnualPlan.objects.filter(year=2022, planned_new_start=True).exists()


def test_key_lists(ledger):
    members = KeyListMembership.objects.select_related("key_list")
    for year in (2020, 2021, 2022):
        county = members.filter(key_list__level="county", key_list__kind="key",
                                key_list__year=year)
        approved = county.filter(status=MembershipStatus.APPROVED).count()
        assert approved > county.count() * 0.8
    county_2022 = members.filter(key_list__level="county", key_list__year=2022,
                                 status=MembershipStatus.APPROVED).count()
    for level in ("province", "prefecture"):
        listed = members.filter(key_list__level=level, key_list__kind="key",
                                key_list__year=2022, status=MembershipStatus.APPROVED).count()
        assert 0 < listed < county_2022 * 0.2, level
    assert members.filter(key_list__kind="prestage", key_list__year=2022).exists()
    for m in members.exclude(decided_on=None):
        assert m.applied_on <= m.decided_on <= END.last_day
    assert not members.filter(status=MembershipStatus.APPLIED).exclude(decided_on=None).exists()


def test_reports_are_approved_months_with_two_place_amounts(ledger):
    reports = MonthlyReport.objects.all()
    assert not reports.exclude(status=ReportStatus.APPROVED).exists()
    periods = set()
    for r in reports:
        assert r.period.day == 1
        assert FIRST.first_day <= r.period <= END.first_day
        assert r.completed >= 0 and r.completed == r.completed.quantize(CENT)
        assert r.completed.as_tuple().exponent == -2
        assert r.submitted_at is not None and r.reviewed_at >= r.submitted_at
        periods.add(r.period)
    assert len(periods) == M


def test_reports_only_while_building_and_never_beyond_the_total(ledger):
    done = defaultdict(Decimal)
    span = defaultdict(list)
    for project_id, period, amount in MonthlyReport.objects.values_list(
            "project_id", "period", "completed"):
        done[project_id] += amount
        span[project_id].append(period)
    for p in Project.objects.all():
        if p.actual_start is None:
            assert p.pk not in span and p.completed_before == 0
            continue
        if p.actual_start >= FIRST.first_day:
            assert p.completed_before == 0
        for period in span.get(p.pk, []):
            assert period >= p.actual_start.replace(day=1)
            if p.actual_completion:
                assert period <= p.actual_completion
        assert p.completed_before + done[p.pk] <= p.planned_total
    started_before = Project.objects.filter(actual_start__lt=FIRST.first_day)
    assert started_before.filter(completed_before__gt=0).count() > started_before.count() * 0.9


@pytest.mark.parametrize("period", [Period(2022, 7), Period(2022, 3), Period(2021, 12)])
def test_statistics_add_up_to_the_generated_reports(ledger, period):
    # Every generated project, the cancelled ones too (compute leaves them out by default).
    stats = compute(Project.objects.all(), period, include_cancelled=True)
    year_rows = MonthlyReport.objects.filter(period__year=period.year,
                                             period__lte=period.first_day)
    ytd = sum(year_rows.values_list("completed", flat=True), Decimal(0))
    month = sum(year_rows.filter(period=period.first_day).values_list("completed", flat=True),
                Decimal(0))
    plans = sum(AnnualPlan.objects.filter(year=period.year)
                .values_list("planned_investment", flat=True), Decimal(0))
    assert ytd > 0
    assert stats.total.ytd_completed == ytd
    assert stats.total.month_completed == month
    assert stats.total.annual_plan == plans
    assert stats.total.projects == N
    # a plausible year: about the time progress (winter months are slow)
    progress = period.time_progress
    assert progress * Decimal("0.3") < ytd / plans < progress * 2


def test_the_run_is_audited_on_the_county(ledger):
    event = AuditEvent.objects.get(action="scenario.generated")
    county = Division.objects.get(code="130283")
    assert (event.object_type, event.object_id) == ("accounts.division", str(county.pk))
    assert event.source == "command"
    assert event.changes["parameters"] == {
        "projects": N, "months": M, "seed": SEED, "division_code": "130283",
        "first": "2020-08", "end": "2022-07",
    }
    assert event.changes["rows"]["monthly reports"] == ledger.counts["monthly reports"]


# --- the command ---------------------------------------------------------------------------
def test_command_with_another_county_and_a_start_month(ledger):
    out = StringIO()
    call_command("generate", projects=40, months=3, seed=9, division_code="370281",
                 start="2021-11", stdout=out)
    text = out.getvalue()
    assert "Generated 40 projects" in text and "2021-11…2022-01" in text
    county = Division.objects.get(code="370281")
    assert county.level == "county" and county.parent.code == "370200"
    assert county.parent.parent.name == "山东省"
    assert county.children.count() == 21
    projects = Project.objects.filter(division__parent=county)
    assert projects.count() == 40
    periods = set(MonthlyReport.objects.filter(project__in=projects)
                  .values_list("period", flat=True))
    assert periods <= {date(2021, 11, 1), date(2021, 12, 1), date(2022, 1, 1)}
    assert all(code[5:11] == "370281" for code in projects.exclude(code=None)
               .values_list("code", flat=True))


@pytest.mark.parametrize("args, message", [
    ({"division_code": "130200"}, "county-level"),
    ({"end": "2099-01"}, "cannot end after"),
    ({"months": 0}, "--months"),
    ({"end": "2022-13"}, "period"),
])
def test_command_refuses_bad_parameters(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate", projects=10, stdout=StringIO(), **args)


def test_project_names_never_repeat(ledger):
    names = list(Project.objects.values_list("name", flat=True))
    assert len(set(names)) == len(names)


def test_the_name_book_never_gives_a_name_twice():
    book = NameBook()
    given = [book.unique("迁安物流园") for _ in range(12)]
    given += [book.unique("迁安物流园（二期）"), book.unique("迁安物流园（7）")]
    given += [book.unique("迁安物流园") for _ in range(3)]
    assert len(set(given)) == len(given) == 17
    assert given[:3] == ["迁安物流园", "迁安物流园（二期）", "迁安物流园（三期）"]
