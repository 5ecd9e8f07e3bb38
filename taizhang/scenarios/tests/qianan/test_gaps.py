"""The demo's gaps the checks are there to find: a few projects lacking a person in charge or
a deadline (有人管、有方案、有时限), and July's lamps lit by late procedure nodes (the lamps are
evaluated after the procedures load)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time

from taizhang.accounts.models import User
from taizhang.ledger.models import Project
from taizhang.scenarios.qianan.loader import NO_DEADLINE, NO_LEADER, responsibility_gaps
from taizhang.scenarios.qianan.plan import build_plan
from taizhang.warnings.models import Lamp

pytestmark = pytest.mark.django_db


def test_the_responsibility_check_finds_the_demos_gaps(client):
    out = StringIO()
    call_command("stats", "--period", "2022-07", "--json", stdout=out)
    assert json.loads(out.getvalue())["responsibility"] == {
        "lacking_person": NO_LEADER, "lacking_plan": 0, "lacking_deadline": NO_DEADLINE,
        "any": NO_LEADER + NO_DEADLINE}
    no_leader, no_deadline = responsibility_gaps(build_plan())
    assert set(Project.objects.filter(leader=None).values_list("name", flat=True)) == no_leader
    assert set(Project.objects.filter(planned_completion=None)
               .values_list("name", flat=True)) == no_deadline
    client.force_login(User.objects.get(username="office"))
    with freeze_time("2022-08-20"):  # the page checks the current year's plans
        page = client.get(reverse("procedures:responsibility")).content.decode()
    assert all(name in page for name in no_leader | no_deadline)


def test_some_july_lamps_are_lit_by_late_procedures():
    july = Lamp.objects.filter(evaluation__year=2022, evaluation__month=7)
    reasons = [r for lamp in july for r in lamp.reasons if r["rule"] == "procedure_overdue"]
    # as of July's last day, nodes planned before it and not done are late: red
    assert any(r["color"] == "red" and r["values"]["late"] > 0 for r in reasons)
    assert {r["values"]["day"] for r in reasons} == {"2022-07-31"}
