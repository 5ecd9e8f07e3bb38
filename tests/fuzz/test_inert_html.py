"""Markup typed into any text field is shown as text on every page, never run."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.html import escape
from hypothesis import given

from taizhang.accounts.models import Organization, Person
from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.models import MonthlyReport, Project
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.projects import update_project
from taizhang.ledger.services.reports import save_report, submit_report

from .strategies import DB, MARKUP, hostile_text

MARK = "ZQX"
SCRIPT = "<script>alert('x')</script>"
IMG = "\"><img src=x onerror=alert(1)>"


def _pages(world) -> list[tuple[object, str]]:
    a = world.alice_project.pk
    return [
        (world.office, reverse("ledger:project-list")),
        (world.office, reverse("ledger:project-list") + f"?q={SCRIPT}"),
        (world.office, reverse("ledger:project-detail", args=[a])),
        (world.office, reverse("ledger:review-queue")),
        (world.alice, reverse("ledger:my-reports") + "?period=2022-06"),
        (world.alice, reverse("ledger:report-form", args=[a, "2022-07"])),
        (world.office, reverse("admin:ledger_project_changelist")),
        (world.office, reverse("admin:ledger_project_change", args=[a])),
        (world.office, reverse("admin:core_auditevent_changelist")),
    ]


def _poison(world, payload: str) -> None:
    """Every free-text field of a project, its names, plan and reports get `payload`."""
    payload = MARK + payload
    Organization.objects.filter(pk=world.alice_org.pk).update(name=f"燕山{payload}"[:200])
    Organization.objects.filter(pk=world.unit.pk).update(name=f"发改{payload}"[:200])
    Person.objects.filter(pk=world.alice_project.leader_id).update(name=f"王{payload}"[:50])
    project = Project.objects.get(pk=world.alice_project.pk)
    update_project(project, actor=world.office, expected_version=UNCHECKED, changes={
        "name": f"项目{payload}"[:200], "address": payload[:200], "scale_content": payload,
        "contact_name": payload[:50], "contact_phone": payload[:30],
    })
    set_annual_plan(project, 2022, actor=world.office, planned_investment=Decimal("1"),
                    image_target=payload[:200], expected_version=UNCHECKED)
    MonthlyReport.objects.filter(project=project).delete()  # a clean slate for each payload
    june = save_report(project, Period(2022, 6), actor=world.alice, data={
        "completed": Decimal("1"), "image_progress": payload, "problems": payload,
        "next_steps": payload, "behind_schedule": True, "behind_reason": payload or "x"},
                       expected_version=UNCHECKED)
    submit_report(june, actor=world.alice, expected_version=UNCHECKED)
    save_report(project, Period(2022, 7), actor=world.alice, data={
        "completed": Decimal("1"), "image_progress": payload, "problems": payload,
        "next_steps": payload}, expected_version=UNCHECKED)


def _check_pages(world, client, payload: str) -> None:
    """Every page renders; if escaping changes the text, its raw form appears nowhere."""
    marked = MARK + payload  # stored with a prefix no template contains
    for user, url in _pages(world):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        if escape(marked) != marked:
            assert marked not in response.content.decode(), f"{url} shows {payload!r} raw"


def test_the_classic_payloads_are_escaped_everywhere(world, client):
    world.office.is_staff = True
    world.office.save()
    for payload in (SCRIPT, IMG, *MARKUP):
        _poison(world, payload)
        _check_pages(world, client, payload)
    body = client.get(reverse("ledger:project-detail", args=[world.alice_project.pk])).content
    assert b"<script>alert" not in body and b"onerror=alert(1)>" not in body


@DB
@given(payload=hostile_text)
def test_random_text_never_breaks_a_page(world, client, payload):
    world.office.is_staff = True
    world.office.save()
    try:
        _poison(world, payload)
    except Exception as exc:  # a rule refused it (model validation): a message, not a crash
        assert type(exc).__name__ == "ServiceError", repr(exc)
        return
    _check_pages(world, client, payload)


def test_hostile_report_form_posts_are_refused_or_stored_inert(world, client):
    client.force_login(world.alice)
    url = reverse("ledger:report-form", args=[world.alice_project.pk, "2022-07"])
    for completed in ("NaN", "-1", "1e9", "=1+1", SCRIPT, "9" * 30):
        response = client.post(url, {"completed": completed, "image_progress": SCRIPT,
                                     "version": 0})
        assert response.status_code == 200
        assert response.context["form"].errors["completed"]
        assert SCRIPT not in response.content.decode()
    response = client.post(url, {"completed": "1", "image_progress": SCRIPT, "version": 0})
    assert response.status_code == 302
    assert SCRIPT not in client.get(url).content.decode()
