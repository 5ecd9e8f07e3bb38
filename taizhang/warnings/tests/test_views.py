"""The office's warning pages, in the browser's place: rules, evaluate, publish, lamps, a lamp."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from taizhang.warnings.models import Consequence, Evaluation, Lamp, WarningRule
from taizhang.warnings.tests.helpers import approved, project

pytestmark = pytest.mark.django_db
LATER = datetime(2022, 7, 20, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
LAMPS = reverse("warnings:lamps") + "?period=2022-06"


def _client(user, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def office(world):
    approved(world, world.alice_project, "6000.00")
    approved(world, world.bob_project, "3998.00")  # 30.01 points below: red
    return _client(world.office)


def _evaluate(client):
    with freeze_time(LATER):
        response = client.post(reverse("warnings:evaluate") + "?period=2022-06", {})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Evaluation.objects.get()


def _publish(client, evaluation):
    response = client.post(reverse("warnings:publish") + "?period=2022-06",
                           {"version": evaluation.version})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    return evaluation


def test_the_office_evaluates_checks_and_publishes_a_month(world, office):
    assert "尚未评价" in office.get(LAMPS).content.decode()
    confirm = office.get(reverse("warnings:evaluate") + "?period=2022-06").content.decode()
    assert "确认评价" in confirm
    evaluation = _evaluate(office)
    page = office.get(LAMPS).content.decode()
    # 30.01 points behind: said in hundredths, as "30.0 → red" would cross the red line
    # ("more than 30") the lamp did not.
    assert "慢 30.01 个百分点 → 红灯" in page and world.bob_project.name in page
    red_only = office.get(LAMPS + "&color=red").content.decode()
    assert world.bob_project.name in red_only and world.alice_project.name not in red_only
    confirm = office.get(reverse("warnings:publish") + "?period=2022-06").content.decode()
    assert "红灯 1 个" in confirm
    assert _publish(office, evaluation).published
    with freeze_time(LATER):
        again = office.post(reverse("warnings:evaluate") + "?period=2022-06", {})
    assert again.status_code == 200 and "不再重新评价" in again.content.decode()


def test_the_lamps_page_costs_the_same_for_few_and_many_lamps(world, office):
    _evaluate(office)
    with CaptureQueriesContext(connection) as few:
        assert office.get(LAMPS).status_code == 200
    for n in range(30):
        project(world, f"更多项目{n}", plan="1000.00")
    Evaluation.objects.all().delete()
    _evaluate(office)
    with CaptureQueriesContext(connection) as many:
        assert office.get(LAMPS).status_code == 200
    assert len(many) == len(few) <= 12, [q["sql"] for q in many.captured_queries]


def test_a_threshold_is_edited_on_the_rules_page_and_a_stale_form_refused(world, office):
    page = office.get(reverse("warnings:rules") + "?year=2022").content.decode()
    assert "投资进度" in page
    rule = WarningRule.objects.get(code="progress", year=2022)
    form = {"rule": "progress", "progress-enabled": "on", "progress-basis": "annual_plan",
            "progress-yellow_below": "15", "progress-red_below": "35",
            "progress-version": rule.version}
    assert office.post(reverse("warnings:rules") + "?year=2022", form).status_code == 302
    rule.refresh_from_db()
    assert rule.params["yellow_below"] == "15" and rule.version == 2
    stale = office.post(reverse("warnings:rules") + "?year=2022", form)
    assert stale.status_code == 200 and "其他人" in stale.content.decode()
    wrong = office.post(reverse("warnings:rules") + "?year=2022",
                        form | {"progress-version": 2, "progress-yellow_below": "50"})
    assert wrong.status_code == 200 and "黄灯线" in wrong.content.decode()


def test_a_consequence_is_recorded_on_the_lamps_page(world, office):
    evaluation = _publish(office, _evaluate(office))
    red = Lamp.objects.get(evaluation=evaluation, project=world.bob_project)
    url = reverse("warnings:lamp", args=[red.pk])
    response = office.post(url, {"kind": "talk", "date": "2022-07-25", "held_by": "王副市长",
                                 "outcome": "限期整改"})
    assert response.status_code == 302
    talk = Consequence.objects.get()
    assert "王副市长" in office.get(url).content.decode()
    edit = reverse("warnings:consequence", args=[talk.pk])
    assert office.post(edit, {"kind": "letter", "date": "2022-07-26", "held_by": "项目办",
                              "outcome": "", "version": talk.version}).status_code == 302
    stale = office.post(edit, {"kind": "talk", "date": "2022-07-26", "held_by": "项目办",
                               "outcome": "", "version": talk.version})
    assert stale.status_code == 200 and "其他人" in stale.content.decode()
    bad = office.post(url, {"kind": "talk", "date": "not a day", "held_by": "x"})
    assert bad.status_code == 200 and Consequence.objects.count() == 1


def test_owners_read_their_own_published_lamp_and_nobody_elses(world, office):
    evaluation = _evaluate(office)
    red = Lamp.objects.get(evaluation=evaluation, project=world.bob_project)
    url = reverse("warnings:lamp", args=[red.pk])
    bob, alice = _client(world.bob), _client(world.alice)
    assert bob.get(url).status_code == 404  # not yet published
    _publish(office, evaluation)
    page = bob.get(url)
    assert page.status_code == 200 and "红灯" in page.content.decode()
    assert "record" not in page.content.decode()
    assert bob.post(url, {"kind": "talk", "date": "2022-07-25", "held_by": "x"}).status_code \
        == 403
    assert alice.get(url).status_code == 404
    assert alice.get(reverse("warnings:lamp", args=[999999])).status_code == 404
    assert bob.get(LAMPS).status_code == 403
    talk = Consequence.objects.create(lamp=red, kind="talk", date=LATER.date(), held_by="x")
    assert bob.get(reverse("warnings:consequence", args=[talk.pk])).status_code == 403


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_answers_in_both_languages(world, office, language):
    evaluation = _publish(office, _evaluate(office))
    client = _client(world.office, language)
    red = Lamp.objects.get(evaluation=evaluation, project=world.bob_project)
    for url in (LAMPS, reverse("warnings:rules"), reverse("warnings:lamp", args=[red.pk]),
                reverse("warnings:evaluate") + "?period=2022-07", LAMPS + "&color=green",
                reverse("warnings:lamps") + "?period=bad"):
        assert client.get(url).status_code in (200, 404), url
