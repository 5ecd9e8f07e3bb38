from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED, ConcurrentEdit, ServiceError
from taizhang.ledger.choices import ReportStatus
from taizhang.ledger.services.reports import (
    approve_report,
    reopen_report,
    return_report,
    save_report,
    submit_report,
)

JULY = Period(2022, 7)


def _data(amount="1200.50", **extra):
    return {"completed": Decimal(amount), "image_progress": "主体结构施工", **extra}


def test_owner_submits_and_office_approves(world):
    report = save_report(world.alice_project, JULY, actor=world.alice, data=_data(),
                         expected_version=UNCHECKED)
    report = submit_report(report, actor=world.alice, expected_version=UNCHECKED)
    assert report.status == ReportStatus.SUBMITTED
    report = approve_report(report, actor=world.office, expected_version=UNCHECKED)
    assert report.status == ReportStatus.APPROVED
    actions = list(AuditEvent.objects.for_object(report).values_list("action", flat=True))
    assert set(actions) == {"report.created", "report.submitted", "report.approved"}


def test_it_refuses_another_owners_project(world):
    with pytest.raises(PermissionDenied):
        save_report(world.bob_project, JULY, actor=world.alice, data=_data(),
                    expected_version=UNCHECKED)


def test_owner_cannot_approve_own_report(world):
    report = submit_report(
        save_report(world.alice_project, JULY, actor=world.alice, data=_data(),
                    expected_version=UNCHECKED), actor=world.alice,
                           expected_version=UNCHECKED
    )
    with pytest.raises(PermissionDenied):
        approve_report(report, actor=world.alice, expected_version=UNCHECKED)


def test_approved_report_is_locked_until_reopened(world):
    report = save_report(world.alice_project, JULY, actor=world.alice, data=_data(),
                         expected_version=UNCHECKED)
    report = approve_report(submit_report(report, actor=world.alice,
                                          expected_version=UNCHECKED), actor=world.office,
                            expected_version=UNCHECKED)
    with pytest.raises(ServiceError):
        save_report(world.alice_project, JULY, actor=world.alice, data=_data("1.00"),
                    expected_version=UNCHECKED)
    with pytest.raises(ServiceError):
        reopen_report(report, actor=world.office, reason="  ", expected_version=UNCHECKED)
    report = reopen_report(report, actor=world.office, reason="数据有误",
                           expected_version=UNCHECKED)
    saved = save_report(world.alice_project, JULY, actor=world.alice, data=_data("1.00"),
                        expected_version=UNCHECKED)
    assert saved.completed == Decimal("1.00")
    assert AuditEvent.objects.filter(action="report.reopened", reason="数据有误").exists()


def test_return_needs_a_reason(world):
    report = submit_report(
        save_report(world.alice_project, JULY, actor=world.alice, data=_data(),
                    expected_version=UNCHECKED), actor=world.alice,
                           expected_version=UNCHECKED
    )
    with pytest.raises(ServiceError):
        return_report(report, actor=world.office, reason="", expected_version=UNCHECKED)
    report = return_report(report, actor=world.office, reason="照片不清晰",
                           expected_version=UNCHECKED)
    assert report.status == ReportStatus.RETURNED
    assert report.return_reason == "照片不清晰"


def test_stale_version_is_refused_and_nothing_overwritten(world):
    report = save_report(world.alice_project, JULY, actor=world.alice, data=_data("10.00"),
                         expected_version=UNCHECKED)
    stale = report.version
    save_report(world.alice_project, JULY, actor=world.alice, data=_data("20.00"),
                expected_version=stale)
    with pytest.raises(ConcurrentEdit):
        save_report(world.alice_project, JULY, actor=world.alice, data=_data("30.00"),
                    expected_version=stale)
    report.refresh_from_db()
    assert report.completed == Decimal("20.00")


@pytest.mark.parametrize("amount", ["-1.00"])
def test_negative_amount_is_rejected(world, amount):
    with pytest.raises(ServiceError) as exc:
        save_report(world.alice_project, JULY, actor=world.alice, data=_data(amount),
                    expected_version=UNCHECKED)
    assert exc.value.field == "completed"


def test_behind_schedule_needs_a_reason(world):
    with pytest.raises(ServiceError) as exc:
        save_report(world.alice_project, JULY, actor=world.alice,
                    data=_data(behind_schedule=True, behind_reason=""), expected_version=UNCHECKED)
    assert exc.value.field == "behind_reason"


def test_owners_report_only_within_the_open_year(world):
    for period in (Period(2021, 12), Period(2022, 8)):
        with pytest.raises(ServiceError) as exc:
            save_report(world.alice_project, period, actor=world.alice, data=_data(),
                        expected_version=UNCHECKED)
        assert exc.value.field == "period"
    save_report(world.alice_project, Period(2022, 1), actor=world.alice, data=_data(),
                expected_version=UNCHECKED)
    # The office corrects history: no window for it.
    save_report(world.alice_project, Period(2021, 12), actor=world.office, data=_data(),
                expected_version=UNCHECKED)


def test_the_month_being_reported_comes_from_the_office(client, world):
    client.force_login(world.alice)
    assert str(client.get("/ledger/reports/").context["period"]) == "2022-07"
    client.force_login(world.office)
    assert str(client.get("/ledger/projects/").context["period"]) == "2022-06"


def test_the_report_list_opens_on_the_reporting_month_with_counts(client, world):
    """The office has July open: the office's 月报 list opens on it and counts each status
    over every project reported for."""
    submit_report(save_report(world.alice_project, JULY, actor=world.alice, data=_data(),
                              expected_version=UNCHECKED),
                  actor=world.alice, expected_version=UNCHECKED)
    client.force_login(world.office)
    response = client.get("/ledger/reports/")
    assert response.context["period"] == JULY
    counts = {status: n for status, _label, n in response.context["counts"]}
    assert counts == {"draft": 0, "submitted": 1, "approved": 0, "returned": 0}
    assert response.context["not_started"] == 1
    assert 'data-count="submitted"' in response.content.decode()
    client.force_login(world.bob)  # an owner counts only its own
    response = client.get("/ledger/reports/")
    assert {s: n for s, _l, n in response.context["counts"]}["submitted"] == 0
    assert response.context["not_started"] == 1
