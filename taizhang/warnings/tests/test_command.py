"""`taizhang lamps --period YYYY-MM [--division CODE] [--publish]`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from taizhang.core.audit.models import AuditEvent
from taizhang.warnings.models import Evaluation, Lamp
from taizhang.warnings.tests.helpers import approved

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    with translation.override("en"):
        call_command("lamps", *args, stdout=out)
    return out.getvalue()


def test_the_command_evaluates_and_publishes_a_month(world):
    approved(world, world.bob_project, "3998.00")
    assert "red lamp" in _run("--period", "2022-06", "--division", "130283")
    assert not Evaluation.objects.get().published
    assert "published" in _run("--period", "2022-06", "--publish")  # the only office
    assert Evaluation.objects.get().published and Lamp.objects.count() == 2
    assert AuditEvent.objects.filter(action="warning.published", source="command").exists()
    with pytest.raises(CommandError, match="published"):
        _run("--period", "2022-06")


@pytest.mark.parametrize(("args", "message"), [
    (("--period", "2022-13"), "YYYY-MM"),
    (("--period", "2022-06", "--division", "999999"), "999999"),
])
def test_the_command_refuses_bad_input_in_one_line(world, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)
