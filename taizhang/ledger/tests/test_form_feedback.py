"""The office's forms on the project page (issue 10 §8): a form sent with mistakes comes back
as typed with each error beside its field, nothing saved; dates and years default to the
month being reported, not the machine's date."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.ledger.models import AnnualPlan, KeyListMembership, Project

pytestmark = pytest.mark.django_db


def _office(world) -> Client:
    client = Client()
    client.force_login(world.office)
    client.cookies["django_language"] = "en"
    return client


def _error_after(html: str, name: str) -> str:
    """The error shown right after the input (or select) called `name`."""
    found = re.search(rf'<(?:input|select)[^>]*name="{name}"[^>]*>(?:.*?</select>)?\s*'
                      r'(?:</label>)?\s*<span class="error" role="alert">([^<]+)</span>',
                      html, re.S)
    assert found, f"no error beside {name}"
    return found[1]


def test_a_plan_with_a_wrong_amount_comes_back_as_typed(world):
    project = world.alice_project
    events = AuditEvent.objects.count()
    response = _office(world).post(
        reverse("ledger:project-plan", args=[project.pk]),
        {"year": "2023", "planned_investment": "-1", "image_target": "主体封顶",
         "planned_new_start": "on", "versions": "plans:"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in html
    assert re.search(r'name="year" value="2023"', html)
    assert re.search(r'name="planned_investment"[^>]*value="-1"', html)
    assert re.search(r'name="image_target"[^>]*value="主体封顶"', html)
    assert re.search(r'name="planned_new_start" class="checkbox" checked', html)
    assert _error_after(html, "planned_investment") == "The amount cannot be negative."
    assert not AnnualPlan.objects.filter(project=project, year=2023).exists()
    assert AuditEvent.objects.count() == events


def test_a_stage_change_with_a_wrong_date_keeps_its_reason(world):
    project = Project.objects.get(pk=world.alice_project.pk)
    response = _office(world).post(
        reverse("ledger:project-stage", args=[project.pk]),
        {"to_stage": "on_hold", "effective_date": "2022-13-45", "reason": "资金未到位",
         "version": project.version})
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'name="reason"[^>]*value="资金未到位"', html)
    assert re.search(r'<option value="on_hold" selected>', html)
    assert re.search(r'name="effective_date" value="2022-13-45"', html)
    assert _error_after(html, "effective_date")
    assert Project.objects.get(pk=project.pk).stage == project.stage


def test_a_list_application_with_a_wrong_year_keeps_its_date(world):
    response = _office(world).post(
        reverse("ledger:project-list-apply", args=[world.alice_project.pk]),
        {"key_list": "province-prestage", "year": "20x2", "applied_on": "2022-06-03"})
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'name="applied_on" value="2022-06-03"', html)
    assert _error_after(html, "year")
    assert not KeyListMembership.objects.filter(project=world.alice_project).exists()


def test_a_list_decision_with_a_wrong_date_is_shown_on_its_membership(world):
    client = _office(world)
    client.post(reverse("ledger:project-list-apply", args=[world.alice_project.pk]),
                {"key_list": "province-prestage", "year": "2022", "applied_on": "2022-06-03"})
    membership = KeyListMembership.objects.get(project=world.alice_project)
    response = client.post(reverse("ledger:membership-decide", args=[membership.pk]),
                           {"decision": "approved", "decided_on": "yesterday"})
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'name="decided_on" value="yesterday"', html)
    assert _error_after(html, "decided_on")
    membership.refresh_from_db()
    assert membership.status == "applied"


def test_a_form_with_mistakes_shows_only_the_viewers_project(world):
    # The page drawn again is the one the office may change; an owner still gets a 404.
    owner = Client()
    owner.force_login(world.alice)
    response = owner.post(reverse("ledger:project-plan", args=[world.alice_project.pk]),
                          {"year": "2023", "planned_investment": "-1"})
    assert response.status_code == 404


def test_dates_and_years_default_to_the_reporting_month(world):
    # The office reports July 2022 (conftest); the machine's date is years later.
    html = _office(world).get(
        reverse("ledger:project-detail", args=[world.alice_project.pk])).content.decode()
    assert re.search(r'name="effective_date" value="2022-07-31"', html)
    assert re.search(r'name="applied_on" value="2022-07-31"', html)
    assert len(re.findall(r'name="year" value="2022"', html)) == 2  # plan and key list
    assert f'value="{timezone.localdate():%Y-%m-%d}"' not in html


@pytest.mark.parametrize(("day", "expected"), [
    (date(2022, 7, 14), date(2022, 7, 14)),   # inside the month: that day
    (date(2022, 9, 5), date(2022, 7, 31)),    # after it (the usual case): its last day
    (date(2022, 6, 30), date(2022, 7, 1)),    # before it: its first day
    (date(2024, 2, 29), date(2022, 7, 31)),
])
def test_a_day_is_clamped_into_the_reporting_month(day, expected):
    assert Period(2022, 7).clamp(day) == expected
