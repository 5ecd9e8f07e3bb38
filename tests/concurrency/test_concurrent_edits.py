"""Two people editing the same record: the second save is refused and nothing is overwritten.

The interleaved tests (both open the form, then both save) run on every database. The
simultaneous ones fire two real requests at the same moment from two threads, each with its
own database connection; they need a server database (PostgreSQL) — SQLite's in-memory test
database is one shared connection, so they are defined only there.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from taizhang.accounts.security.passwords import mark_password_as_chosen
from taizhang.core.services import ConcurrentEdit
from taizhang.ledger.choices import Stage
from taizhang.ledger.models import MonthlyReport, Project
from taizhang.ledger.services.projects import EDITABLE_FIELDS

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _refusal(response: Any) -> bool:
    """The page says someone else saved first (in the language the page was rendered in)."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        message = escape(str(ConcurrentEdit()))
    return message in response.content.decode()


def _report_url(world: Any, period: str) -> str:
    return reverse("ledger:report-form", args=[world.alice_project.pk, period])


def _report_data(version: int, completed: str) -> dict[str, Any]:
    return {"completed": completed, "image_progress": f"进度{completed}", "version": version}


def _opened_version(client: Client, url: str) -> int:
    """The hidden version the form was rendered with (0: no report yet)."""
    response = client.get(url)
    assert response.status_code == 200
    return int(response.context["form"]["version"].value() or 0)


def test_second_save_of_a_report_form_is_refused(world):
    alice, office = _client(world.alice), _client(world.office)
    url = _report_url(world, "2022-07")
    alice.post(url, _report_data(0, "100"))  # the draft both will edit
    seen_by_alice, seen_by_office = _opened_version(alice, url), _opened_version(office, url)
    assert alice.post(url, _report_data(seen_by_alice, "111")).status_code == 302
    response = office.post(url, _report_data(seen_by_office, "999"))
    assert response.status_code == 200 and _refusal(response)
    report = MonthlyReport.objects.get(project=world.alice_project, period="2022-07-01")
    assert report.completed == Decimal("111")
    assert response.context["form"]["completed"].value() == "999"  # their typing is kept


def test_two_first_saves_of_a_new_report_keep_the_first(world):
    alice, office = _client(world.alice), _client(world.office)
    url = _report_url(world, "2022-05")
    assert _opened_version(alice, url) == 0 and _opened_version(office, url) == 0
    assert alice.post(url, _report_data(0, "50")).status_code == 302
    response = office.post(url, _report_data(0, "70"))
    assert response.status_code == 200 and _refusal(response)
    assert MonthlyReport.objects.get(project=world.alice_project,
                                     period="2022-05-01").completed == Decimal("50")


def _admin_project_data(project: Project, **changes: Any) -> dict[str, Any]:
    data = {k: v for k, v in model_to_dict(project, fields=EDITABLE_FIELDS).items()
            if v is not None}
    plans = list(project.plans.order_by("pk"))
    data.update({
        "seen_version": project.version, "plans-TOTAL_FORMS": len(plans),
        "plans-INITIAL_FORMS": len(plans), "plans-MIN_NUM_FORMS": 0, "plans-MAX_NUM_FORMS": 1000,
        **{f"plans-{i}-id": plan.pk for i, plan in enumerate(plans)},
        **{f"plans-{i}-project": project.pk for i in range(len(plans))},
        **changes,
    })
    return data


def _root(world: Any) -> Any:
    """A superuser whose known password counts as chosen (no forced change first)."""
    root = type(world.office).objects.create_superuser("root", password="pw")
    mark_password_as_chosen(root)
    root.save(update_fields=["password_changed_at"])
    return root


def test_second_save_of_the_project_card_is_refused(world):
    world.office.is_staff = True
    world.office.save()
    office, root = _client(world.office), _client(_root(world))
    project = Project.objects.get(pk=world.alice_project.pk)
    url = reverse("admin:ledger_project_change", args=[project.pk])
    opened_by_office = _admin_project_data(project, address="东一路")
    opened_by_root = _admin_project_data(project, address="西二路")
    assert office.post(url, opened_by_office).status_code == 302
    assert Project.objects.get(pk=project.pk).address == "东一路"
    response = root.post(url, opened_by_root, follow=True)
    assert any(str(m) == str(ConcurrentEdit()) for m in response.context["messages"])
    assert Project.objects.get(pk=project.pk).address == "东一路"


def test_second_stage_change_from_a_stale_page_is_refused(world):
    office, root = _client(world.office), _client(_root(world))
    project = Project.objects.get(pk=world.alice_project.pk)
    url = reverse("ledger:project-stage", args=[project.pk])
    stale = {"effective_date": "2022-08-01", "reason": "原因", "version": project.version}
    office.post(url, {**stale, "to_stage": Stage.ON_HOLD})
    response = root.post(url, {**stale, "to_stage": Stage.CANCELLED}, follow=True)
    assert any(str(m) == str(ConcurrentEdit()) for m in response.context["messages"])
    assert Project.objects.get(pk=project.pk).stage == Stage.ON_HOLD


# ------------------------------------------------------------------ truly simultaneous

def _simultaneously(*calls: Any) -> list[Any]:
    """Run the calls in threads released together; each thread has its own connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Any) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # reported by the assertion below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


if ON_POSTGRES:

    @pytest.mark.django_db(transaction=True)
    @pytest.mark.parametrize("round_", range(3))
    def test_simultaneous_saves_of_a_report_one_wins(world, round_):
        alice, office = _client(world.alice), _client(world.office)
        url = _report_url(world, "2022-07")
        alice.post(url, _report_data(0, "100"))
        version = _opened_version(alice, url)
        responses = _simultaneously(
            lambda: alice.post(url, _report_data(version, "111")),
            lambda: office.post(url, _report_data(version, "222")),
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [200, 302], responses
        winner = "111" if responses[0].status_code == 302 else "222"
        loser = responses[1] if winner == "111" else responses[0]
        assert _refusal(loser)
        report = MonthlyReport.objects.get(project=world.alice_project, period="2022-07-01")
        assert report.completed == Decimal(winner) and report.version == version + 1

    @pytest.mark.django_db(transaction=True)
    @pytest.mark.parametrize("round_", range(3))
    def test_simultaneous_first_saves_of_a_new_report_one_wins(world, round_):
        alice, office = _client(world.alice), _client(world.office)
        url = _report_url(world, "2022-05")
        responses = _simultaneously(
            lambda: alice.post(url, _report_data(0, "50")),
            lambda: office.post(url, _report_data(0, "70")),
        )
        assert sorted(r.status_code for r in responses) == [200, 302], responses
        winner = "50" if responses[0].status_code == 302 else "70"
        assert _refusal(responses[1] if winner == "50" else responses[0])
        reports = MonthlyReport.objects.filter(project=world.alice_project, period="2022-05-01")
        assert [r.completed for r in reports] == [Decimal(winner)]
