"""The reporting board's numbers: a partition of the expected projects, the same in every
grouping, and each number equal to the count of the list behind it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.figures import reporting
from taizhang.ledger.choices import ReportStatus, Stage
from taizhang.ledger.models import MonthlyReport, Project
from taizhang.ledger.services.projects import change_stage

AUGUST = Period(2022, 8)
DUE = datetime(2022, 9, 10, 16, 0, tzinfo=UTC)  # 2022-09-11 00:00 in Shanghai
PROJECT = st.fixed_dictionaries({
    "stage": st.sampled_from(Stage.values),
    "unit": st.booleans(), "owner": st.sampled_from([None, "alice", "bob"]),
    "other_town": st.booleans(),
    # This month's report: none, or its status and when it was first submitted (minutes
    # from the deadline; None: never submitted, e.g. imported), and another month's.
    "report": st.none() | st.tuples(st.sampled_from(ReportStatus.values),
                                    st.none() | st.integers(-3, 3)),
    "other_month": st.booleans(),
    # The completion date around August's bounds (a project with no history: its stage now
    # is its stage then).
    "completed_on": st.sampled_from([None, date(2022, 7, 31), date(2022, 8, 1),
                                     date(2022, 8, 31), date(2022, 9, 1)]),
})


def _store(world, projects):
    owners = {None: None, "alice": world.alice_org, "bob": world.bob_org}
    made = Project.objects.bulk_create([Project(
        name=f"催报{i}", owner=owners[p["owner"]], stage=p["stage"],
        division=world.other_town if p["other_town"] else world.town,
        responsible_unit=world.unit if p["unit"] else None, planned_total=0,
        actual_completion=p["completed_on"],
    ) for i, p in enumerate(projects)])
    reports = []
    for project, p in zip(made, projects, strict=True):
        if p["report"] is not None:
            status, minutes = p["report"]
            sent = None if minutes is None else DUE + timedelta(minutes=minutes)
            reports.append(MonthlyReport(
                project=project, period=AUGUST.first_day, status=status,
                first_submitted_at=sent, due_at=DUE if sent else None))
        if p["other_month"]:  # another month's report never counts for August
            reports.append(MonthlyReport(project=project, period=date(2022, 7, 1),
                                         status=ReportStatus.APPROVED,
                                         first_submitted_at=DUE + timedelta(days=9), due_at=DUE))
    MonthlyReport.objects.bulk_create(reports)


def _expected_tally(projects) -> dict[str, int]:
    """The same numbers, worked out in Python from the generated data."""
    counts = dict.fromkeys(reporting.MEASURES, 0)
    state = {ReportStatus.SUBMITTED: "submitted", ReportStatus.RETURNED: "returned",
             ReportStatus.APPROVED: "approved"}
    for p in projects:
        if p["stage"] == Stage.CANCELLED:
            continue
        if p["stage"] == Stage.COMPLETED and (p["completed_on"] is None
                                              or p["completed_on"] < AUGUST.first_day):
            continue  # finished before August: nothing to report
        counts["expected"] += 1
        report = p["report"]
        counts[state.get(report[0], "missing") if report else "missing"] += 1
        if report and report[1] is not None and report[1] >= 0:
            counts["late"] += 1
    return counts


_PROPERTY = settings(max_examples=15, deadline=None, database=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])


@seed(20261205)
@_PROPERTY
@given(projects=st.lists(PROJECT, min_size=0, max_size=14))
def test_the_board_is_a_partition_and_every_number_is_its_list(world, projects):
    with transaction.atomic():
        Project.objects.all().delete()
        _store(world, projects)
        everyone = Project.objects.all()
        total = reporting.tally(everyone, AUGUST)
        as_dict = {name: getattr(total, name) for name in reporting.MEASURES}
        assert as_dict == _expected_tally(projects)
        assert total.expected == total.missing + total.submitted + total.returned + total.approved
        for name in reporting.MEASURES:
            behind = reporting.select(everyone, AUGUST, state=name if name != "late" else "",
                                      late=name == "late")
            assert behind.count() == getattr(total, name), name
        for by in reporting.GROUPINGS:
            groups = list(reporting.tally_by(everyone, AUGUST, by))
            for name in reporting.MEASURES:
                assert sum(g[name] for g in groups) == getattr(total, name), (by, name)
            for g in groups:
                for name in reporting.MEASURES:
                    behind = reporting.select(
                        everyone, AUGUST, state=name if name != "late" else "",
                        late=name == "late", group=(by, g["key"]))
                    assert behind.count() == g[name], (by, g["key"], name)
        transaction.set_rollback(True)


def test_lateness_is_decided_at_the_deadline_instant(world):
    project = world.alice_project
    for sent, late in ((DUE - timedelta(seconds=1), False), (DUE, True)):
        MonthlyReport.objects.update_or_create(
            project=project, period=AUGUST.first_day,
            defaults={"status": ReportStatus.SUBMITTED, "first_submitted_at": sent,
                      "due_at": DUE})
        assert reporting.tally(Project.objects.all(), AUGUST).late == int(late)


def _expected_in(months: range, project) -> list[bool]:
    every = Project.objects.filter(pk=project.pk)
    return [reporting.tally(every, Period(2022, m)).expected == 1 for m in months]


def _move(world, project, stage, on, reason=""):
    change_stage(Project.objects.get(pk=project.pk), stage, actor=world.office,
                 effective_date=on, reason=reason, expected_version=UNCHECKED)


def test_a_project_reports_up_to_the_month_it_is_completed_in(world):
    project = world.alice_project  # under construction
    _move(world, project, Stage.COMPLETED, date(2022, 8, 31))  # the month's last day
    assert _expected_in(range(1, 13), project) == [True] * 8 + [False] * 4
    Project.objects.filter(pk=project.pk).update(actual_completion=date(2022, 9, 1))
    assert _expected_in(range(8, 11), project) == [True, True, False]  # the date decides


def test_a_reopened_project_reports_again_from_the_month_it_reopened(world):
    project = world.alice_project  # under construction
    _move(world, project, Stage.COMPLETED, date(2022, 6, 1))
    _move(world, project, Stage.UNDER_CONSTRUCTION, date(2022, 8, 20), reason="二期")
    assert Project.objects.get(pk=project.pk).actual_completion is None  # reopening clears it
    # June: completed in it; July: finished all month; August: reopened in it.
    assert _expected_in(range(5, 10), project) == [True, True, False, True, True]


def test_a_completed_project_without_a_date_or_history_is_not_chased(world):
    # As an imported sheet gives one (竣工投产, no date): finished before any month asked.
    done = Project.objects.create(name="已投产", stage=Stage.COMPLETED, division=world.town,
                                  planned_total=0)
    assert _expected_in(range(1, 3), done) == [False, False]
