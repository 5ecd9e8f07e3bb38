"""Issue 12's dispatch loop in a browser, on a phone and a desktop, in Chinese and English:
the office records an on-site dispatch with an attendee and two problems (one with its
responsible person) and assigns them, then edits the meeting (its place, one more attendee, a
task); the unit accepts both problems and resolves one, which the office confirms, and marks
the task done; the other problem passes its deadline (the daily tick run as of two days later)
and escalates; the leader sees both; the minutes open."""

from __future__ import annotations

import io
from datetime import timedelta

import docx
import pytest
from django.utils import timezone

from taizhang.accounts.models import Person
from taizhang.core.context import acting
from taizhang.dispatch.models import Meeting, Problem, Task
from taizhang.dispatch.services import tick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(journey, selector: str) -> None:
    with journey.page.expect_navigation():
        journey.page.click(selector)
    journey.check(owner_page=True)


def test_an_on_site_dispatch_is_worked_to_the_end(journey, world):
    page = journey.page
    today = timezone.localdate()
    name = world.alice_project.name
    engineer = Person.objects.create(name="李振华", title="科长", phone="13912345678",
                                     organization=world.unit)
    clerk = Person.objects.create(name="周文静", organization=world.unit)
    journey.allow_text(name, world.unit.name, "王建国", "项目现场", "用地预审未完成",
                       "施工用电未接入", "预审已批复", "李振华", "周文静", "市政府第二会议室",
                       "编制园区供电方案", "13912345678", "科长")
    journey.login("office", "pw-office")
    journey.goto("/dispatch/meetings/new/")
    journey.check(owner_page=True)
    page.select_option("select[name=kind]", "on_site")
    page.fill("input[name=date]", today.isoformat())
    page.select_option("select[name=chair]", str(world.carol.person_id))
    page.fill("input[name=place]", "项目现场")
    page.select_option("select[name=attendees]", [str(engineer.pk)])
    for row, text in ((0, "用地预审未完成"), (1, "施工用电未接入")):
        page.fill(f"input[name=p-{row}-project]", name)
        page.select_option(f"select[name=p-{row}-category]", "land" if row == 0 else "utilities")
        page.select_option(f"select[name=p-{row}-responsible_unit]", str(world.unit.pk))
        page.fill(f"input[name=p-{row}-deadline]", (today + timedelta(days=1)).isoformat())
        page.fill(f"input[name=p-{row}-description]", text)
    page.select_option("select[name=p-0-responsible_person]", str(engineer.pk))
    submit(journey, "#meeting-form button[type=submit].primary")
    assert page.locator("tr[id^=problem-]").count() == 2
    assert "李振华" in page.inner_text("#attendees")

    # The office corrects the record: another place, one more attendee, a task.
    submit(journey, "#edit-meeting")
    page.fill("input[name=place]", "市政府第二会议室")
    page.select_option("select[name=attendees]", [str(engineer.pk), str(clerk.pk)])
    page.fill("input[name=t-0-description]", "编制园区供电方案")
    page.select_option("select[name=t-0-responsible_unit]", str(world.unit.pk))
    page.fill("input[name=t-0-deadline]", (today + timedelta(days=5)).isoformat())
    submit(journey, "#meeting-form button[type=submit].primary")
    assert "周文静" in page.inner_text("#attendees")
    assert "市政府第二会议室" in page.inner_text("#meeting")
    assert page.locator("#tasks tr[id^=task-]").count() == 1
    meeting = Meeting.objects.get()
    assert (meeting.version, meeting.attendees.count()) == (2, 2)
    with page.expect_download() as download:
        page.click("#minutes")
    minutes = docx.Document(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(p.text for p in minutes.paragraphs)
    assert "会议议定事项" in text and "交办事项" in text and "编制园区供电方案" in text
    first, second = Problem.objects.order_by("pk")

    journey.logout()
    journey.login("dave", "pw-dave")
    journey.goto("/dispatch/unit/")
    journey.check(owner_page=True)
    submit(journey, "#unit-tasks button[name=done]")  # the task: done
    assert Task.objects.get().status == "done"
    journey.goto(f"/dispatch/problems/{first.pk}/")
    assert "13912345678" in page.inner_text("#problem")  # its unit reads its person
    for problem in (first, second):
        journey.goto(f"/dispatch/problems/{problem.pk}/")
        submit(journey, "button[value=accept]")
    journey.goto(f"/dispatch/problems/{first.pk}/")
    page.fill("textarea[name=text]", "预审已批复")
    submit(journey, "button[value=propose]")

    journey.logout()
    journey.login("office", "pw-office")
    journey.goto(f"/dispatch/problems/{first.pk}/")
    submit(journey, "button[value=confirm]")
    with acting("command"):  # the daily tick, two days on: the second is overdue
        assert tick(today=today + timedelta(days=2)).escalated == 1
    journey.goto(f"/dispatch/problems/{second.pk}/")
    journey.check(owner_page=True)
    assert page.locator("#supervision").count() == 1
    journey.goto("/dispatch/problems/?overdue=on")
    journey.check(owner_page=True)

    journey.logout()
    journey.login("carol", "pw-carol")
    journey.goto("/dispatch/leader/")
    journey.check(owner_page=True)
    statuses = page.locator("#leader-problems tr[id^=problem-] .badge").all_inner_texts()
    assert len(statuses) == 2
    journey.shot("dispatch-leader")
