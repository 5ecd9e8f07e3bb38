"""A meeting with two problems on the `world`'s projects, and a second unit with its login."""

from __future__ import annotations

from datetime import date

from taizhang.accounts.choices import OrganizationKind, Role
from taizhang.accounts.models import Organization, User
from taizhang.dispatch.choices import MeetingKind
from taizhang.dispatch.services import ProblemSpec, record_meeting

DAY = date(2022, 7, 5)
DEADLINE = date(2022, 7, 20)


def other_unit_user(world) -> User:
    unit = Organization.objects.create(kind=OrganizationKind.DEPARTMENT, name="迁安市自然资源局")
    return User.objects.create(username="ursula", role=Role.UNIT_STAFF, organization=unit,
                               division=world.county)


def meeting_with_problems(world, *, day: date = DAY, deadline: date = DEADLINE):
    specs = [
        ProblemSpec(world.alice_project, "land", "用地预审未完成", world.unit, deadline),
        ProblemSpec(world.bob_project, "utilities", "施工用电未接入", world.unit, deadline),
    ]
    return record_meeting(actor=world.office, division=world.county, kind=MeetingKind.ON_SITE,
                          date=day, chair=world.carol.person, place="项目现场", problems=specs)
