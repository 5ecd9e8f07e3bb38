"""A meeting's attendees and the responsible person of its problems, the edit page (audited,
with its version check), and its tasks (交办事项): shown to the unit, marked done, in the
minutes."""

from __future__ import annotations

import io
from datetime import timedelta

import docx
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from taizhang.accounts.models import Person
from taizhang.core.audit.models import AuditEvent
from taizhang.core.context import acting
from taizhang.core.services import UNCHECKED, ConcurrentEdit, ServiceError
from taizhang.dispatch import services
from taizhang.dispatch.models import Meeting, Problem, Task
from taizhang.dispatch.tests.helpers import meeting_with_problems, other_unit_user

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def engineer(world):
    return Person.objects.create(name="李振华", title="科长", phone="13912345678",
                                 organization=world.unit)


def _new(world, engineer, **extra):
    today = timezone.localdate()
    due = (today + timedelta(days=10)).isoformat()
    return client(world.office).post(reverse("dispatch:meeting-new"), {
        "kind": "centralized", "date": today.isoformat(), "chair": world.carol.person.pk,
        "attendees": [engineer.pk], "projects": world.bob_project.name,
        "p-TOTAL_FORMS": "5", "p-INITIAL_FORMS": "0",
        "p-0-project": world.alice_project.name, "p-0-category": "land",
        "p-0-description": "用地预审", "p-0-responsible_unit": world.unit.pk,
        "p-0-responsible_person": engineer.pk, "p-0-deadline": due,
        "t-TOTAL_FORMS": "3", "t-INITIAL_FORMS": "0",
        "t-0-description": "牵头制定园区供水方案", "t-0-responsible_unit": world.unit.pk,
        "t-0-deadline": due, **extra})


def test_the_meeting_form_takes_attendees_a_responsible_person_and_tasks(world, engineer):
    response = _new(world, engineer)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get()
    assert list(meeting.attendees.all()) == [engineer]
    assert set(meeting.projects.all()) == {world.alice_project, world.bob_project}
    assert Problem.objects.get().responsible_person == engineer
    task = Task.objects.get()
    assert (task.meeting, task.responsible_unit, task.status) == (meeting, world.unit, "open")
    page = client(world.office).get(reverse("dispatch:meeting", args=[meeting.pk]))
    html = page.content.decode()
    assert "李振华" in html and "牵头制定园区供水方案" in html
    minutes = client(world.office).get(reverse("dispatch:minutes", args=[meeting.pk]))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(minutes.content)).paragraphs)
    assert "交办事项" in text and "1. 牵头制定园区供水方案" in text and "李振华" in text


@pytest.mark.parametrize("bad", [["999999999999999999999"], ["x"], ["0"]])
def test_bad_attendee_ids_are_a_form_error(world, engineer, bad):
    response = _new(world, engineer, attendees=bad)
    assert response.status_code == 200
    assert not Meeting.objects.exists()
    assert 'class="field has-error wide"' in response.content.decode()


def test_a_person_of_another_unit_or_a_bad_id_is_refused(world, engineer):
    stranger = Person.objects.create(name="赵外人", organization=None)
    for value in (stranger.pk, "99999999999999999999", "x"):
        response = _new(world, engineer, **{"p-0-responsible_person": value})
        assert response.status_code == 200 and not Meeting.objects.exists(), value
    other = other_unit_user(world).organization
    elsewhere = Person.objects.create(name="钱他人", organization=other)
    spec = services.ProblemSpec(world.alice_project, "land", "x", world.unit,
                                timezone.localdate(), elsewhere)
    with pytest.raises(ServiceError) as refused:
        services.raise_problem(spec, actor=world.office)
    assert refused.value.field == "responsible_person"


def test_the_responsible_person_is_shown_to_those_who_work_the_problem(world, engineer):
    _new(world, engineer)
    url = reverse("dispatch:problem", args=[Problem.objects.get().pk])
    for user, sees in ((world.office, True), (world.dave, True), (world.carol, True),
                       (world.alice, False)):
        html = client(user).get(url).content.decode()
        assert ("13912345678" in html) == sees, user.username


def test_the_office_edits_a_meeting_and_a_stale_form_is_refused(world, engineer):
    meeting = meeting_with_problems(world, day=timezone.localdate(),
                                    deadline=timezone.localdate() + timedelta(days=9))
    url = reverse("dispatch:meeting-edit", args=[meeting.pk])
    office = client(world.office)
    page = office.get(url).content.decode()
    assert 'name="version"' in page and "项目现场" in page
    assert f'value="{meeting.date.isoformat()}"' in page  # what a date input can show
    data = {"date": meeting.date.isoformat(), "chair": world.carol.person.pk,
            "place": "市政府第二会议室", "attendees": [engineer.pk], "minutes": "改",
            "projects": "", "version": meeting.version, "t-TOTAL_FORMS": "3",
            "t-INITIAL_FORMS": "0", "t-0-description": "补充会议材料",
            "t-0-responsible_unit": world.unit.pk,
            "t-0-deadline": (timezone.localdate() + timedelta(days=3)).isoformat()}
    assert office.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.place, meeting.version) == ("市政府第二会议室", 2)
    assert list(meeting.attendees.all()) == [engineer]
    # the problems' projects stay the meeting's
    assert {world.alice_project, world.bob_project} <= set(meeting.projects.all())
    assert meeting.tasks.count() == 1
    event = AuditEvent.objects.get(action="meeting.edited")
    assert event.changes["place"] == ["项目现场", "市政府第二会议室"]
    # the same form again: stale
    response = office.post(url, {**data, "place": "别处"})
    assert response.status_code == 200
    assert str(ConcurrentEdit()) in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.place == "市政府第二会议室" and meeting.tasks.count() == 1
    # no version: refused too
    assert office.post(url, {**data, "version": ""}).status_code == 200
    # past a problem's deadline: refused on the date
    late = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = office.post(url, {**data, "date": late, "version": meeting.version})
    assert response.status_code == 200
    assert Meeting.objects.get(pk=meeting.pk).date == timezone.localdate()


def test_editing_is_the_offices(world):
    meeting = meeting_with_problems(world)
    for user in (world.dave, world.carol, world.alice):
        response = client(user).get(reverse("dispatch:meeting-edit", args=[meeting.pk]))
        assert response.status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        services.edit_meeting(meeting, actor=world.dave, expected_version=meeting.version,
                              date=meeting.date, chair=meeting.chair)
    with pytest.raises(ConcurrentEdit):
        services.edit_meeting(meeting, actor=world.office, expected_version=meeting.version + 5,
                              date=meeting.date, chair=meeting.chair)


def test_the_unit_sees_its_tasks_and_marks_one_done(world):
    today = timezone.localdate()
    meeting = services.record_meeting(
        actor=world.office, division=world.county, kind="centralized", date=today,
        chair=world.carol.person,
        tasks=[services.TaskSpec("编制专项方案", world.unit, today + timedelta(days=5))])
    task = meeting.tasks.get()
    ursula = other_unit_user(world)
    assert "编制专项方案" not in client(ursula).get(reverse("dispatch:unit")).content.decode()
    done = reverse("dispatch:task-done", args=[task.pk])
    assert client(ursula).post(done, {"version": task.version}).status_code == 404
    for stranger in (ursula, world.alice, world.carol):  # the service refuses them too
        with pytest.raises(PermissionDenied):
            services.complete_task(task, actor=stranger, expected_version=task.version)
    dave = client(world.dave)
    assert "编制专项方案" in dave.get(reverse("dispatch:unit")).content.decode()
    assert dave.get(done).status_code == 405
    assert dave.post(done, {"version": task.version}).status_code == 302
    task.refresh_from_db()
    assert (task.status, task.done_on) == ("done", today)
    assert AuditEvent.objects.filter(action="task.done").count() == 1
    # again: refused with a message, nothing changes
    assert dave.post(done, {"version": task.version}).status_code == 302
    assert AuditEvent.objects.filter(action="task.done").count() == 1
    with pytest.raises(ServiceError):
        services.complete_task(task, actor=world.office, expected_version=UNCHECKED)


def test_a_task_needs_its_unit_and_a_deadline_not_before_the_meeting(world):
    today = timezone.localdate()
    with pytest.raises(ServiceError) as refused:
        services.record_meeting(
            actor=world.office, division=world.county, kind="centralized", date=today,
            chair=world.carol.person,
            tasks=[services.TaskSpec("x", world.unit, today - timedelta(days=1))])
    assert refused.value.field == "deadline"
    response = client(world.office).post(reverse("dispatch:meeting-new"), {
        "kind": "centralized", "date": today.isoformat(), "chair": world.carol.person.pk,
        "p-TOTAL_FORMS": "0", "p-INITIAL_FORMS": "0", "t-TOTAL_FORMS": "3",
        "t-INITIAL_FORMS": "0", "t-0-description": "只写了事项"})
    assert response.status_code == 200 and not Meeting.objects.exists()
    with acting("command"):
        meeting = services.record_meeting(
            actor=None, division=world.county, kind="centralized", date=today,
            chair=world.carol.person, tasks=[services.TaskSpec("y", world.unit, today)])
        services.complete_task(meeting.tasks.get(), actor=None, expected_version=UNCHECKED)


def test_only_the_office_records_a_meeting_even_without_projects(world):
    """The service checks the division itself: a meeting with no project named is still the
    office's (every test user is placed in the county)."""
    today = timezone.localdate()
    for stranger in (world.alice, world.carol, world.dave, world.victor, world.eve, None):
        with acting("web"), pytest.raises(PermissionDenied):  # None: nobody, from the web
            services.record_meeting(actor=stranger, division=world.county, kind="centralized",
                                    date=today, chair=world.carol.person)
    assert not Meeting.objects.exists()
    meeting = services.record_meeting(actor=world.office, division=world.county,
                                      kind="centralized", date=today, chair=world.carol.person)
    assert Meeting.objects.get() == meeting
