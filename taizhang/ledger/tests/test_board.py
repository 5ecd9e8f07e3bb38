"""The reporting board (催报): punctuality stamps, reminders, the owner's notices, the pages."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from taizhang.accounts.choices import DivisionLevel, Role
from taizhang.accounts.models import Division, OfficeSettings, User
from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.figures import reporting
from taizhang.ledger.choices import ReportStatus, Stage
from taizhang.ledger.models import MonthlyReport, Project
from taizhang.ledger.services.projects import create_project
from taizhang.ledger.services.reminders import send_reminders
from taizhang.ledger.services.reports import (
    approve_report,
    return_report,
    save_report,
    submit_report,
)
from taizhang.notices.models import Dispatch, Notification

pytestmark = pytest.mark.django_db
JULY = Period(2022, 7)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _draft(world, project, actor=None, period=JULY):
    return save_report(project, period, actor=actor or world.office,
                       data={"completed": Decimal("10.00"), "image_progress": "施工中"},
                       expected_version=UNCHECKED)


def _submitted(world, project, actor=None, period=JULY):
    return submit_report(_draft(world, project, actor, period), actor=actor or world.office,
                         expected_version=UNCHECKED)


# --- punctuality -------------------------------------------------------------------------

@pytest.mark.parametrize(("moment", "late"), [
    ("2022-08-10 23:59:59", False),  # the last second of the deadline day (10th, default)
    ("2022-08-11 00:00:00", True),
])
def test_a_first_submission_is_stamped_against_the_deadline(world, moment, late):
    with freeze_time(datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)):
        report = _submitted(world, world.alice_project, world.alice)
    assert report.first_submitted_at == report.submitted_at
    assert report.due_at == datetime(2022, 8, 11, tzinfo=SHANGHAI)
    assert reporting.tally(Project.objects.all(), JULY).late == int(late)


def test_the_deadline_day_is_the_office_setting_and_a_resubmission_keeps_the_first(world):
    OfficeSettings.objects.filter(division=world.county).update(report_deadline_day=5)
    with freeze_time(datetime(2022, 8, 4, 9, tzinfo=SHANGHAI)):
        report = _submitted(world, world.alice_project, world.alice)
        report = return_report(report, actor=world.office, reason="缺照片",
                               expected_version=UNCHECKED)
    with freeze_time(datetime(2022, 8, 20, 9, tzinfo=SHANGHAI)):
        report = submit_report(report, actor=world.alice, expected_version=UNCHECKED)
    assert report.due_at == datetime(2022, 8, 6, tzinfo=SHANGHAI)
    assert report.first_submitted_at == datetime(2022, 8, 4, 9, tzinfo=SHANGHAI)
    assert report.submitted_at == datetime(2022, 8, 20, 9, tzinfo=SHANGHAI)
    assert reporting.tally(Project.objects.all(), JULY).late == 0


def test_a_cancelled_project_is_not_expected(world):
    Project.objects.filter(pk=world.bob_project.pk).update(stage=Stage.CANCELLED)
    total = reporting.tally(Project.objects.all(), JULY)
    assert (total.expected, total.missing) == (1, 1)


# --- the owner hears of the review --------------------------------------------------------

def test_the_owner_is_told_of_a_return_with_its_reason_and_of_an_approval(world):
    report = _submitted(world, world.alice_project, world.alice)
    return_report(report, actor=world.office, reason="照片缺失", expected_version=UNCHECKED)
    notice = Notification.objects.get(recipient=world.alice)
    assert notice.kind == "report-returned" and "照片缺失" in notice.text
    assert notice.link == reverse("ledger:report-form", args=[world.alice_project.pk, "2022-07"])
    assert not Notification.objects.exclude(recipient=world.alice).exists()  # not bob
    approve_report(submit_report(report, actor=world.alice, expected_version=UNCHECKED),
                   actor=world.office, expected_version=UNCHECKED)
    assert Notification.objects.filter(recipient=world.alice, kind="report-approved").count() == 1


def test_an_owner_account_of_another_county_hears_nothing(world):
    elsewhere = Division.objects.create(code="130281", name="遵化市",
                                        level=DivisionLevel.COUNTY, parent=world.county.parent)
    User.objects.create(username="alice2", role=Role.OWNER, organization=world.alice_org,
                        division=elsewhere)
    report = _submitted(world, world.alice_project, world.alice)
    return_report(report, actor=world.office, reason="照片缺失", expected_version=UNCHECKED)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["alice"]


# --- reminders ----------------------------------------------------------------------------

def test_reminders_reach_the_missing_owners_once_a_day_and_are_audited(world):
    _submitted(world, world.bob_project, world.bob)
    dispatch = send_reminders(world.office, JULY)
    assert (dispatch.organizations, dispatch.recipients, dispatch.skipped) == (1, 1, 0)
    notice = Notification.objects.get(kind="report-reminder")
    assert notice.recipient == world.alice and notice.dispatch == dispatch
    assert notice.params == {"period": "2022-07", "count": 1, "deadline": "2022-08-10"}
    event = AuditEvent.objects.get(action="notices.reminders_sent")
    assert event.actor == world.office and event.object_id == str(dispatch.pk)
    again = send_reminders(world.office, JULY)
    assert (again.recipients, again.skipped) == (0, 1)
    assert Notification.objects.filter(kind="report-reminder").count() == 1
    forced = send_reminders(world.office, JULY, force=True)
    assert forced.recipients == 1
    assert Notification.objects.filter(kind="report-reminder").count() == 2
    with freeze_time("2099-01-01"):  # another day: reminded again
        assert send_reminders(world.office, JULY).recipients == 1


def test_a_draft_is_still_missing_and_reminded(world):
    _draft(world, world.alice_project, world.alice)
    _submitted(world, world.bob_project, world.bob)
    assert send_reminders(world.office, JULY).recipients == 1
    assert Notification.objects.get(kind="report-reminder").recipient == world.alice


def test_reminders_for_one_owner_only(world):
    dispatch = send_reminders(world.office, JULY, owner_ids=[world.bob_org.pk])
    assert dispatch.recipients == 1
    assert Notification.objects.get(kind="report-reminder").recipient == world.bob


def test_email_goes_only_when_a_mail_server_is_configured(
        world, settings, django_capture_on_commit_callbacks):
    world.alice.email = "alice@example.com"
    world.alice.save()
    settings.EMAIL_HOST = ""
    with django_capture_on_commit_callbacks(execute=True):
        dispatch = send_reminders(world.office, JULY)
    assert dispatch.emails == 0 and not mail.outbox
    settings.EMAIL_HOST = "smtp.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        dispatch = send_reminders(world.office, JULY, force=True)
    assert dispatch.emails == 1  # bob has no address
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert "2022-07" in mail.outbox[0].body


def test_reminders_stay_in_the_office_scope(world):
    elsewhere = Division.objects.create(code="130281", name="遵化市",
                                        level=DivisionLevel.COUNTY, parent=world.county.parent)
    far_owner = User.objects.create(username="far", role=Role.OWNER,
                                    organization=world.alice_org, division=elsewhere)
    create_project(actor=User.objects.create(username="office2", role=Role.OFFICE_ADMIN,
                                             division=elsewhere),
                   name="遵化项目", owner=world.alice_org, division=elsewhere,
                   planned_total=Decimal("10.00"))
    send_reminders(world.office, JULY)
    reminded = set(Notification.objects.values_list("recipient__username", flat=True))
    assert reminded == {"alice", "bob"}  # not the owner account placed in the other county
    assert far_owner.pk not in Notification.objects.values_list("recipient", flat=True)


@pytest.mark.parametrize("who", ["alice", "victor", "dave"])
def test_only_an_office_sends_reminders(world, who):
    with pytest.raises(PermissionDenied):
        send_reminders(getattr(world, who), JULY)
    assert not Dispatch.objects.exists() and not Notification.objects.exists()


# --- the pages ----------------------------------------------------------------------------

def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


# Session, user, user's division, the office settings (period, then deadline: 2), the total,
# the groups' count and page, their names, the reminders' history.
BOARD_QUERIES = 10


def test_board_numbers_add_up_and_the_query_count_is_pinned(client, world):
    client.force_login(world.office)
    _submitted(world, world.bob_project, world.bob)
    for by in ("unit", "township", "owner"):
        response, queries = _count(client, reverse("ledger:reporting-board"),
                                   {"period": "2022-07", "by": by})
        assert queries == BOARD_QUERIES, by
        total = response.context["total"]
        assert (total.expected, total.missing, total.submitted) == (2, 1, 1)
        assert sum(row.expected for row, _n, _u in response.context["rows"]) == 2
    for i in range(30):  # more projects and owners: the same number of queries
        create_project(actor=world.office, name=f"扩建{i}", owner=world.bob_org,
                       division=world.town, planned_total=Decimal("1.00"),
                       responsible_unit=world.unit)
    _response, queries = _count(client, reverse("ledger:reporting-board"), {"period": "2022-07"})
    assert queries == BOARD_QUERIES


def test_the_list_behind_a_number_has_that_many_rows(client, world):
    client.force_login(world.office)
    _submitted(world, world.bob_project, world.bob)
    board = client.get(reverse("ledger:reporting-board"), {"period": "2022-07", "by": "owner"})
    for row, _name, urls in board.context["rows"]:
        for state in ("expected", "missing", "submitted", "returned", "approved", "late"):
            response = client.get(urls[state])
            assert response.context["page"].paginator.count == getattr(row, state), state
    missing = client.get(board.context["tiles"][1][3])
    text = missing.content.decode()
    assert world.alice_project.name in text and world.bob_project.name not in text


def test_bad_list_filters_are_said_and_ignored(client, world):
    client.force_login(world.office)
    response = client.get(reverse("ledger:reporting-list"),
                          {"period": "2022-07", "state": "bogus", "by": "x", "key": "y"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2
    assert "已忽略：状态 / 分组" in str(list(response.context["messages"])[0])


@pytest.mark.parametrize("who", ["alice", "carol", "dave", "victor", "eve"])
def test_the_board_is_the_office_s(client, world, who):
    client.force_login(getattr(world, who))
    for name in ("ledger:reporting-board", "ledger:reporting-list"):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("ledger:reporting-remind"),
                       {"period": "2022-07"}).status_code == 403
    assert not Notification.objects.exists()


def test_remind_from_the_board_then_the_owner_sees_it(client, world):
    client.force_login(world.office)
    response = client.post(reverse("ledger:reporting-remind"), {"period": "2022-07"},
                           follow=True)
    assert response.status_code == 200
    assert len(response.context["history"]) == 1
    client.force_login(world.alice)
    centre = client.get(reverse("notices:centre"))
    assert [n.kind for n in centre.context["page"]] == ["report-reminder"]
    bell = client.get(reverse("notices:bell"))
    assert 'data-unread="1"' in bell.content.decode()


def test_a_report_of_another_month_does_not_count(world):
    report = _submitted(world, world.alice_project, world.alice, period=Period(2022, 6))
    assert report.status == ReportStatus.SUBMITTED
    total = reporting.tally(Project.objects.all(), JULY)
    assert (total.missing, total.submitted) == (2, 0)
    assert MonthlyReport.objects.count() == 1


def test_a_rate_is_an_exact_share_rounded_once_half_up_where_shown():
    from taizhang.core.templatetags.money import pct

    # 1 of 16 is 6.25 %: half up gives 6.3 (a float rounded half to even gave 6.2).
    tally = reporting.Tally(expected=16, late=1, submitted=3, approved=4)
    assert tally.late_rate == Decimal("0.0625") and pct(tally.late_rate) == "6.3%"
    assert tally.reported_rate == Decimal("0.4375") and pct(tally.reported_rate) == "43.8%"
    # 12 of 276 is 4.348 %: rounded once, 4.3 (four places first would give 4.4).
    assert pct(reporting.Tally(expected=276, approved=12).approved_rate) == "4.3%"
    assert reporting.Tally(expected=0).late_rate is None


def test_the_board_shows_each_rate_as_a_percentage(client, world):
    client.force_login(world.office)
    _submitted(world, world.bob_project, world.bob)  # 1 of the 2 expected
    text = client.get(reverse("ledger:reporting-board"), {"period": "2022-07"}).content.decode()
    # Missing, submitted, and submitted late (today is long after 2022-08-10).
    assert text.count("<small>50.0%</small>") == 3
    assert "<small>0.0%</small>" in text  # approved, returned
    assert "%%" not in text and "—%" not in text
