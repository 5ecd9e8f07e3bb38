"""Every plausibility rule at and around its threshold, then the same read from the database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED, ServiceError
from taizhang.figures import plausibility as rules
from taizhang.figures.plausibility import ReportFacts, check_report, check_reports, warnings_for
from taizhang.ledger.choices import ReportStatus, Stage
from taizhang.ledger.models import MonthlyReport, ReportPhoto
from taizhang.ledger.services.projects import change_stage, create_project
from taizhang.ledger.services.reports import (
    approve_report,
    save_report,
    submit_report,
)

AUG = Period(2022, 8)
CENT = Decimal("0.01")


def facts(**changes) -> ReportFacts:
    """A plain under-construction report that fires nothing; each test moves one figure."""
    base = ReportFacts(
        figure=Decimal("100.00"), period=AUG, stage=Stage.UNDER_CONSTRUCTION,
        actual_completion=None, planned_total=Decimal("10000.00"),
        done_before=Decimal("2000.00"), ytd_before=Decimal("700.00"),
        annual_plan=Decimal("1200.00"), photos=1, history={},
    )
    return replace(base, **changes)


def codes(f: ReportFacts) -> list[str]:
    return [w.code for w in warnings_for(f)]


def test_a_plain_report_is_clean():
    assert codes(facts()) == []


# --- above what is left of the planned total ------------------------------------------------
@pytest.mark.parametrize("figure, fires", [
    (Decimal("7999.99"), False), (Decimal("8000.00"), False), (Decimal("8000.01"), True),
])
def test_over_remaining_at_the_line(figure, fires):
    f = facts(figure=figure, annual_plan=None)  # 10000 planned − 2000 done = 8000 left
    assert ("over_remaining" in codes(f)) is fires


def test_over_remaining_says_why():
    [w] = [w for w in warnings_for(facts(figure=Decimal("8000.01"), annual_plan=None))
           if w.code == "over_remaining"]
    assert "8,000.01" in w.message and "10,000.00" in w.message and "8,000.00" in w.message


def test_over_remaining_needs_a_planned_total():
    assert "over_remaining" not in codes(facts(planned_total=Decimal(0), done_before=Decimal(0),
                                               figure=Decimal("5.00")))


# --- year to date far above the annual plan -------------------------------------------------
@pytest.mark.parametrize("figure, fires", [
    (Decimal("1099.99"), False), (Decimal("1100.00"), False), (Decimal("1100.01"), True),
])
def test_ytd_over_plan_at_the_line(figure, fires):
    # 700 before + figure against 1.5 × 1200 = 1800.
    assert ("ytd_over_plan" in codes(facts(figure=figure))) is fires


def test_ytd_over_plan_needs_a_plan():
    assert "ytd_over_plan" not in codes(facts(figure=Decimal("5000"), annual_plan=None))
    assert "ytd_over_plan" not in codes(facts(figure=Decimal("5000"), annual_plan=Decimal(0)))


# --- spike against the project's own months -------------------------------------------------
def _months(*amounts: str) -> dict[date, Decimal]:
    period, out = AUG, {}
    for amount in amounts:
        period = period.previous()
        out[period.first_day] = Decimal(amount)
    return out


@pytest.mark.parametrize("figure, fires", [
    (Decimal("499.99"), False), (Decimal("500.00"), False), (Decimal("500.01"), True),
])
def test_spike_at_the_line(figure, fires):
    # Average 100 over three months: the line is 5 × 100.
    f = facts(figure=figure, history=_months("50", "100", "150"), annual_plan=None)
    assert ("spike" in codes(f)) is fires


def test_spike_needs_enough_months_and_a_positive_average():
    assert "spike" not in codes(facts(figure=Decimal("9999"), history=_months("1", "1"),
                                      annual_plan=None))
    assert "spike" in codes(facts(figure=Decimal("9999"), history=_months("1", "1", "1"),
                                  annual_plan=None))
    assert "spike" not in codes(facts(figure=Decimal("9999"), history=_months("0", "0", "0"),
                                      annual_plan=None))


# --- the same figure several months running -------------------------------------------------
def test_repeated_at_the_line():
    same = Decimal("100.00")
    assert "repeated" in codes(facts(figure=same, history=_months("100", "100")))
    # Two months running is not yet a pattern; a gap or a cent breaks it.
    assert "repeated" not in codes(facts(figure=same, history=_months("100")))
    assert "repeated" not in codes(facts(figure=same, history=_months("100", "100.01")))
    gap = _months("100", "55", "100")
    del gap[AUG.previous().previous().first_day]
    assert "repeated" not in codes(facts(figure=same, history=gap))
    # Nothing done three months running is no mistake.
    assert "repeated" not in codes(facts(figure=Decimal(0), history=_months("0", "0")))


# --- large investment at the planning or preliminary stage ----------------------------------
@pytest.mark.parametrize("stage", [Stage.PLANNING, Stage.PRELIMINARY])
@pytest.mark.parametrize("figure, fires", [
    (Decimal("999.99"), False), (Decimal("1000.00"), False), (Decimal("1000.01"), True),
])
def test_early_stage_at_the_line(stage, figure, fires):
    f = facts(stage=stage, figure=figure, photos=0)  # 10 % of 10000
    assert ("early_stage" in codes(f)) is fires


def test_early_stage_is_only_for_early_stages():
    assert "early_stage" not in codes(facts(figure=Decimal("5000"), annual_plan=None))


# --- a finished project still reporting ------------------------------------------------------
def test_finished_at_the_line():
    done = replace(facts(), stage=Stage.COMPLETED)
    # Completed during the month itself: its last month's spending is expected.
    assert "finished" not in codes(replace(done, actual_completion=date(2022, 8, 1)))
    assert "finished" in codes(replace(done, actual_completion=date(2022, 7, 31)))
    assert "finished" in codes(replace(done, actual_completion=None))
    assert "finished" not in codes(replace(done, actual_completion=None, figure=Decimal(0)))
    [w] = warnings_for(replace(done, actual_completion=date(2022, 7, 31)))
    assert "2022-07-31" in w.message


# --- no photos on a project under construction ----------------------------------------------
def test_no_photos_at_the_line():
    assert "no_photos" in codes(facts(photos=0))
    assert "no_photos" not in codes(facts(photos=1))
    assert "no_photos" not in codes(facts(photos=0, stage=Stage.PRELIMINARY))


def test_every_kind_has_a_label_and_a_message():
    for code in rules.KINDS:
        w = rules.PlausibilityWarning(code, {
            "figure": "1", "planned": "1", "done": "1", "left": "1", "ytd": "1", "factor": "1",
            "plan": "1", "n": 3, "average": "1", "share": "10", "stage": "s",
            "completed_on": "2022-01-01"})
        assert w.label and w.message


# --- read from the database -----------------------------------------------------------------
def _approved(project, period, amount, office):
    report = save_report(project, period, actor=office, expected_version=UNCHECKED,
                         data={"completed": Decimal(amount), "image_progress": "施工"})
    report = submit_report(report, actor=office, expected_version=UNCHECKED)
    return approve_report(report, actor=office, expected_version=UNCHECKED)


def _draft(project, period, amount, actor):
    return save_report(project, period, actor=actor, expected_version=UNCHECKED,
                       data={"completed": Decimal(amount), "image_progress": "施工"})


def test_facts_read_from_the_database(world):
    project = world.alice_project  # planned 50000, plan 2022 12000, under construction
    project.completed_before = Decimal("1000.00")
    project.save(update_fields=["completed_before"])
    _approved(project, Period(2021, 12), "300.00", world.office)
    for month in (5, 6, 7):
        _approved(project, Period(2022, month), "100.00", world.office)
    august = _draft(project, AUG, "100.00", world.office)
    f = rules.facts_of(list(MonthlyReport.objects.filter(pk=august.pk)
                            .select_related("project")))[august.pk]
    assert f.done_before == Decimal("1600.00")
    assert f.ytd_before == Decimal("300.00")
    assert f.annual_plan == Decimal("12000.00")
    assert f.photos == 0
    assert f.history == {Period(2021, 12).first_day: Decimal("300.00"),
                         Period(2022, 5).first_day: Decimal("100.00"),
                         Period(2022, 6).first_day: Decimal("100.00"),
                         Period(2022, 7).first_day: Decimal("100.00")}
    assert [w.code for w in check_report(august)] == ["repeated", "no_photos"]


def test_a_page_of_reports_is_checked_in_two_queries(world, django_assert_num_queries):
    reports = [_draft(world.alice_project, Period(2022, m), "10", world.office)
               for m in (6, 7, 8)]
    reports.append(_draft(world.bob_project, AUG, "10", world.office))
    page = list(MonthlyReport.objects.select_related("project").filter(
        pk__in=[r.pk for r in reports]))
    with django_assert_num_queries(2):
        found = check_reports(page)
    assert set(found) == {r.pk for r in reports}


@pytest.fixture
def prestage(world):
    """The issue's case: a 前期 project of 9,950 万元 with a plan of the year."""
    from taizhang.ledger.services.plans import set_annual_plan

    project = create_project(
        actor=world.office, name="迁安前期示范项目", owner=world.alice_org, division=world.town,
        planned_total=Decimal("9950.00"), industry="C",
    )
    set_annual_plan(project, 2022, actor=world.office, planned_investment=Decimal("3000.00"),
                    expected_version=UNCHECKED)
    change_stage(project, Stage.PRELIMINARY, actor=world.office,
                 effective_date=date(2022, 2, 1), expected_version=UNCHECKED)
    project.refresh_from_db()
    return project


def test_the_999999_case_is_flagged_with_its_reasons(world, prestage):
    report = _draft(prestage, Period(2022, 7), "999999.00", world.alice)
    found = {w.code: w.message for w in check_report(report)}
    assert set(found) == {"over_remaining", "ytd_over_plan", "early_stage"}
    assert "999,999.00" in found["over_remaining"] and "9,950.00" in found["over_remaining"]
    assert "9,950.00" in found["early_stage"] and "10%" in found["early_stage"]
    # The owner at the form cannot submit it without a note …
    with pytest.raises(ServiceError) as refused:
        submit_report(report, actor=world.alice, expected_version=UNCHECKED, note="  ")
    assert refused.value.field == "warning_note"
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    # … and with one, the warnings and the note are kept on the report and in the trail.
    report = submit_report(report, actor=world.alice, expected_version=UNCHECKED,
                           note="含土地出让金，已与项目办确认")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.warning_codes == ",over_remaining,ytd_over_plan,early_stage,"
    assert report.warning_note == "含土地出让金，已与项目办确认"
    event = AuditEvent.objects.for_object(report).get(action="report.submitted")
    assert event.reason == "含土地出让金，已与项目办确认"
    assert event.changes["warnings"][1].count("\n") == 2  # three messages, one a line
    assert "999,999.00" in event.changes["warnings"][1]


def test_a_clean_report_keeps_no_note(world):
    report = _draft(world.alice_project, Period(2022, 7), "100.00", world.alice)
    ReportPhoto.objects.create(report=report, token="a" * 32, extension="jpg",
                               image="reports/x.jpg")
    report = submit_report(report, actor=world.alice, expected_version=UNCHECKED,
                           note="not needed")
    report.refresh_from_db()
    assert (report.warning_codes, report.warning_note) == ("", "")
