"""A world for the permission matrix: the shared personas plus a second county.

Every project carries unique marker texts (its name, its report's progress text, its plan's
target, its photo's caption) so a test can tell whether anything of it reached a response.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_upload(name: str = "site.png") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@dataclass
class Matrix:
    world: Any
    users: dict[str, Any]
    projects: dict[str, Any]  # "A" (Alice's), "B" (Bob's), "F" (far county)
    draft: dict[str, Any]  # July 2022 draft report per project
    submitted: dict[str, Any]  # June 2022 submitted report per project
    photo: dict[str, Any]  # a photo on each July draft
    membership: dict[str, Any]  # an application to the county key list per project
    markers: dict[str, list[str]] = field(default_factory=dict)


@pytest.fixture
def matrix(world, settings, tmp_path) -> Matrix:
    from django.contrib.auth.models import Group

    from taizhang.accounts.choices import DivisionLevel, OrganizationKind, Role
    from taizhang.accounts.models import Division, OfficeSettings, Organization, User
    from taizhang.accounts.security.passwords import mark_password_as_chosen
    from taizhang.core.periods import Period
    from taizhang.ledger.choices import Stage
    from taizhang.ledger.models import Project
    from taizhang.ledger.services.keylists import apply_for_list, get_or_create_list
    from taizhang.ledger.services.plans import set_annual_plan
    from taizhang.ledger.services.projects import change_stage, create_project
    from taizhang.ledger.services.reports import add_photo, save_report, submit_report

    settings.MEDIA_ROOT = tmp_path
    Group.objects.create(name="inspectors")
    far_county = Division.objects.create(
        code="130284", name="滦州市", level=DivisionLevel.COUNTY, parent=world.county.parent
    )
    far_town = Division.objects.create(
        code="130284100", name="滦城镇", level=DivisionLevel.TOWNSHIP, parent=far_county
    )
    OfficeSettings.objects.create(division=far_county, reporting_period="2022-07")
    far_org = Organization.objects.create(kind=OrganizationKind.ENTERPRISE, name="远郊物流有限公司")
    world.office.is_staff = True  # office admins use the Django admin too
    world.office.save(update_fields=["is_staff"])
    users = {
        "office": world.office, "alice": world.alice, "bob": world.bob, "carol": world.carol,
        "dave": world.dave, "victor": world.victor, "eve": world.eve,
        "office2": User.objects.create_user(
            "office2", password="pw", role=Role.OFFICE_ADMIN, division=far_county, is_staff=True),
        "super": User.objects.create_superuser("root", password="pw"),
        # An office account nobody placed in a division yet: it must reach nothing.
        "stray": User.objects.create_user(
            "stray", password="pw", role=Role.OFFICE_ADMIN, is_staff=True),
    }
    for key in ("office2", "super", "stray"):
        # Known test passwords count as chosen: no forced change before every page.
        mark_password_as_chosen(users[key])
        users[key].save(update_fields=["password_changed_at"])
    far = create_project(
        actor=users["office2"], name="滦州远郊物流园区", owner=far_org, division=far_town,
        planned_total=Decimal("30000.00"), industry="G",
    )
    set_annual_plan(far, 2022, actor=users["office2"], planned_investment=Decimal("9000.00"))
    change_stage(far, Stage.UNDER_CONSTRUCTION, actor=users["office2"],
                 effective_date=date(2022, 2, 1))
    far.refresh_from_db()
    # A sub-project of Alice's in the far county: Alice's page must not list it for anyone
    # who cannot see it (a parent does not widen the scope).
    Project.objects.filter(pk=far.pk).update(parent=world.alice_project)
    far.refresh_from_db()
    projects = {"A": world.alice_project, "B": world.bob_project, "F": far}
    reporters = {"A": world.alice, "B": world.bob, "F": users["office2"]}
    offices = {"A": world.office, "B": world.office, "F": users["office2"]}
    key_lists = {"A": get_or_create_list("county", "key", 2022, actor=world.office)}
    key_lists["B"] = key_lists["F"] = key_lists["A"]
    draft, submitted, photo, membership = {}, {}, {}, {}
    markers: dict[str, list[str]] = {}
    for key, project in projects.items():
        actor = reporters[key]
        set_annual_plan(project, 2023, actor=offices[key], planned_investment=Decimal("1.00"),
                        image_target=f"TARGET-{key}-主体封顶")
        june = save_report(project, Period(2022, 6), actor=actor, data={
            "completed": Decimal("100.00"), "image_progress": f"JUNE-{key}-桩基完成",
            "problems": f"PROBLEM-{key}-用地", "next_steps": "",
        })
        submitted[key] = submit_report(june, actor=actor)
        draft[key] = save_report(project, Period(2022, 7), actor=actor, data={
            "completed": Decimal("200.00"), "image_progress": f"JULY-{key}-主体施工",
            "problems": "", "next_steps": f"NEXT-{key}-竣工",
        })
        photo[key] = add_photo(draft[key], png_upload(), actor=actor, caption=f"CAPTION-{key}")
        membership[key] = apply_for_list(project, key_lists[key], actor=offices[key],
                                         applied_on=date(2022, 1, 4))
        markers[key] = [project.name, f"JUNE-{key}-桩基完成", f"PROBLEM-{key}-用地",
                        f"JULY-{key}-主体施工", f"NEXT-{key}-竣工", f"TARGET-{key}-主体封顶",
                        f"CAPTION-{key}", photo[key].token]
    return Matrix(world=world, users=users, projects=projects, draft=draft,
                  submitted=submitted, photo=photo, membership=membership, markers=markers)


# What each persona may do, written out by hand (never derived from the code under test):
# the project keys each persona may view, report on, and change/review.
VIEW = {
    "office": {"A", "B"}, "office2": {"F"}, "super": {"A", "B", "F"}, "alice": {"A"},
    "bob": {"B"}, "carol": {"A"}, "dave": {"A"}, "victor": {"A", "B"}, "eve": set(),
    "stray": set(),
}
REPORT = {
    "office": {"A", "B"}, "office2": {"F"}, "super": {"A", "B", "F"}, "alice": {"A"},
    "bob": {"B"}, "carol": set(), "dave": set(), "victor": set(), "eve": set(), "stray": set(),
}
CHANGE = {
    "office": {"A", "B"}, "office2": {"F"}, "super": {"A", "B", "F"}, "alice": set(),
    "bob": set(), "carol": set(), "dave": set(), "victor": set(), "eve": set(), "stray": set(),
}
OFFICE = {"office", "office2", "super", "stray"}  # role office admin (or superuser)
STAFF = {"office", "office2", "super", "stray"}  # may enter the Django admin at all
PERSONAS = sorted(VIEW)

# Accounts (by persona) each persona may read about: its own, and for an office admin those
# placed in its division and below (the superuser: all). Used for users' history and the
# locked-accounts page.
COUNTY_A = {"office", "alice", "bob", "carol", "dave", "victor", "eve"}
ACCOUNTS = {
    "office": COUNTY_A, "office2": {"office2"}, "super": set(PERSONAS), "stray": set(),
}
PASSWORDS = {who: "pw" if who in ("office2", "super", "stray") else f"pw-{who}"
             for who in PERSONAS}
