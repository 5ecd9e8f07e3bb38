"""The dispatch pages: recording a meeting with its problems, the steps on a problem's page,
the minutes as a Word document that opens, the filters, the unit's and the leader's pages."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import docx
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.dispatch.choices import ProblemStatus as S
from taizhang.dispatch.models import Meeting, Problem
from taizhang.dispatch.tests.helpers import meeting_with_problems
from taizhang.ledger.services.reports import save_report, submit_report

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_office_records_a_meeting_with_problems(world):
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client(world.office).post(reverse("dispatch:meeting-new"), {
        "kind": "on_site", "date": timezone.localdate().isoformat(),
        "chair": world.carol.person.pk, "place": "项目现场", "units": [world.unit.pk],
        "p-TOTAL_FORMS": "5", "p-INITIAL_FORMS": "0",
        "p-0-project": world.alice_project.name, "p-0-category": "land",
        "p-0-description": "用地预审", "p-0-responsible_unit": world.unit.pk, "p-0-deadline": due,
        "p-1-project": world.bob_project.name, "p-1-category": "utilities",
        "p-1-description": "施工用电", "p-1-responsible_unit": world.unit.pk, "p-1-deadline": due,
    })
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.problems.count() == 2


def test_a_half_filled_row_and_an_unknown_project_are_named(world):
    response = client(world.office).post(reverse("dispatch:meeting-new"), {
        "kind": "on_site", "date": "2022-07-05", "chair": world.carol.person.pk,
        "p-TOTAL_FORMS": "5", "p-INITIAL_FORMS": "0",
        "p-0-project": "没有这个项目", "p-1-project": world.alice_project.name})
    assert response.status_code == 200
    assert not Meeting.objects.exists()
    html = response.content.decode()
    assert "没有这个项目" in html
    assert 'class="field has-error' in html


def test_more_rows_than_the_form_shows_are_refused_without_building_them(world):
    response = client(world.office).post(reverse("dispatch:meeting-new"), {
        "kind": "on_site", "date": "2022-07-05", "chair": world.carol.person.pk,
        "p-TOTAL_FORMS": "999999999999", "p-INITIAL_FORMS": "0",
        "p-0-project": world.alice_project.name, "p-0-category": "land",
        "p-0-description": "用地预审", "p-0-responsible_unit": world.unit.pk,
        "p-0-deadline": "2022-08-01"})
    assert response.status_code == 200
    assert not Meeting.objects.exists()
    assert len(response.context["rows"].forms) == 5  # the rows shown, not a thousand more
    assert "请最多提交 5 个表单" in response.content.decode()


def test_the_minutes_open_as_a_word_document(world):
    meeting = meeting_with_problems(world)
    response = client(world.office).get(reverse("dispatch:minutes", args=[meeting.pk]))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "会议纪要" in text and "主持：王建国" in text and "会议议定事项" in text
    assert "1. 燕山钢铁冷轧板带升级改造：用地预审未完成" in text
    assert "责任单位：迁安市发改局；完成时限：2022年7月20日" in text


def test_the_unit_accepts_and_proposes_and_the_office_confirms_on_the_page(world):
    problem = meeting_with_problems(world, day=timezone.localdate(),
                                    deadline=timezone.localdate()).problems.first()
    url = reverse("dispatch:problem", args=[problem.pk])
    dave = client(world.dave)
    assert 'value="accept"' in dave.get(url).content.decode()
    assert dave.post(url, {"step": "accept", "version": problem.version}).status_code == 302
    problem.refresh_from_db()
    response = dave.post(url, {"step": "propose", "text": "", "version": problem.version})
    assert response.status_code == 200  # the resolution is required: said next to the field
    assert Problem.objects.get(pk=problem.pk).status == S.IN_PROGRESS
    dave.post(url, {"step": "propose", "text": "已接电", "version": problem.version})
    problem.refresh_from_db()
    assert dave.post(url, {"step": "confirm", "version": problem.version}).status_code == 403
    client(world.office).post(url, {"step": "confirm", "version": problem.version})
    assert Problem.objects.get(pk=problem.pk).status == S.RESOLVED


def test_a_stale_page_is_refused(world):
    problem = meeting_with_problems(world, day=timezone.localdate(),
                                    deadline=timezone.localdate()).problems.first()
    url = reverse("dispatch:problem", args=[problem.pk])
    response = client(world.dave).post(url, {"step": "accept", "version": problem.version + 1})
    assert response.status_code == 200
    assert Problem.objects.get(pk=problem.pk).status == S.OPEN


def test_the_list_filters_and_its_queries_are_bounded(world, django_assert_max_num_queries):
    for _i in range(3):
        meeting_with_problems(world)
    office = client(world.office)
    with django_assert_max_num_queries(8):
        response = office.get(reverse("dispatch:problems"))
    assert response.content.decode().count('id="problem-') == 6
    html = office.get(reverse("dispatch:problems") + "?category=land&overdue=on").content.decode()
    assert html.count('id="problem-') == 3
    assert office.get(reverse("dispatch:problems") + "?status=resolved").content.decode().count(
        'id="problem-') == 0


def test_the_office_turns_an_owners_problems_into_one(world):
    report = save_report(world.alice_project, Period(2022, 6), actor=world.alice, data={
        "completed": Decimal("100.00"), "image_progress": "桩基", "problems": "施工用水未接通",
        "next_steps": ""}, expected_version=UNCHECKED)
    report = submit_report(report, actor=world.alice, expected_version=UNCHECKED)
    url = reverse("dispatch:from-report", args=[report.pk])
    office = client(world.office)
    assert "施工用水未接通" in office.get(url).content.decode()
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = office.post(url, {"category": "utilities", "description": "施工用水未接通",
                                 "responsible_unit": world.unit.pk, "deadline": due})
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert (problem.report_id, problem.project_id) == (report.pk, world.alice_project.pk)
    assert f'href="{url}"' in office.get(reverse("ledger:review-queue")).content.decode()


def test_the_unit_and_the_leader_see_their_pages(world):
    meeting_with_problems(world, day=timezone.localdate(),
                          deadline=timezone.localdate() + timedelta(days=3))
    unit = client(world.dave).get(reverse("dispatch:unit")).content.decode()
    assert unit.count('id="problem-') == 2
    leader = client(world.carol).get(reverse("dispatch:leader")).content.decode()
    assert leader.count('id="problem-') == 1  # only the project Carol leads
    assert world.alice_project.name in leader
    assert client(world.alice).get(reverse("dispatch:leader")).status_code == 403


def test_the_leader_sees_the_published_lamps_in_bounded_queries(
        world, django_assert_max_num_queries):
    from taizhang.warnings.services import evaluate_period, publish_evaluation

    for _i in range(3):
        meeting_with_problems(world, day=timezone.localdate(),
                              deadline=timezone.localdate() + timedelta(days=3))
    period = Period.of(timezone.localdate()).previous()
    evaluation = evaluate_period(world.county, period, actor=world.office)
    publish_evaluation(evaluation, actor=world.office, expected_version=evaluation.version)
    carol, dave = client(world.carol), client(world.dave)
    with django_assert_max_num_queries(12):  # as many for 2 problems as for 6 (measured)
        html = carol.get(reverse("dispatch:leader")).content.decode()
    assert 'class="badge lamp lamp-' in html
    assert html.count('id="problem-') == 3
    with django_assert_max_num_queries(8):
        assert dave.get(reverse("dispatch:unit")).content.decode().count('id="problem-') == 6
