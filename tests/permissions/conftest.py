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

from taizhang.core.services import UNCHECKED


def png_upload(name: str = "site.png") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@dataclass
class Matrix:
    world: Any
    users: dict[str, Any]
    projects: dict[str, Any]  # "A" (Alice's), "B" (Bob's), "F" (far county), "G" (Alice's
    # company's project in the far county)
    draft: dict[str, Any]  # July 2022 draft report per project
    submitted: dict[str, Any]  # June 2022 submitted report per project
    photo: dict[str, Any]  # a photo on each July draft
    membership: dict[str, Any]  # an application to the county key list per project
    markers: dict[str, list[str]] = field(default_factory=dict)


@pytest.fixture
def matrix(world, settings, tmp_path) -> Matrix:
    from django.contrib.auth.models import Group

    from taizhang.accounts.choices import DivisionLevel, OrganizationKind, Role
    from taizhang.accounts.models import Division, OfficeSettings, Organization, Person, User
    from taizhang.accounts.security.passwords import mark_password_as_chosen
    from taizhang.core.audit.service import record
    from taizhang.core.periods import Period
    from taizhang.ledger.choices import Stage
    from taizhang.ledger.services.keylists import apply_for_list, get_or_create_list
    from taizhang.ledger.services.plans import set_annual_plan
    from taizhang.ledger.services.projects import change_stage, create_project, update_project
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
    far_org = Organization.objects.create(kind=OrganizationKind.ENTERPRISE, name="远郊物流有限公司",
                                          division=far_county)
    far_government = Organization.objects.create(
        kind=OrganizationKind.DEPARTMENT, name="滦州市人民政府", division=far_county)
    far_leader = Person.objects.create(name="赵远明", title="副市长", organization=far_government,
                                       phone="13900000009")
    # Qian'an's organizations belong to Qian'an (the shared world leaves them unplaced).
    Organization.objects.filter(pk__in=[world.alice_org.pk, world.bob_org.pk, world.unit.pk]
                                ).update(division=world.county)
    world.alice_org.refresh_from_db()
    Person.objects.filter(pk=world.alice_project.leader_id).update(organization=world.unit)
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
    # Real names: who did what is personal data (ledger/privacy.py).
    for key, (last, first) in PEOPLE_NAMES.items():
        User.objects.filter(pk=users[key].pk).update(last_name=last, first_name=first)
        users[key].refresh_from_db()
    far = create_project(
        actor=users["office2"], name="滦州远郊物流园区", owner=far_org, division=far_town,
        planned_total=Decimal("30000.00"), industry="G", leader=far_leader,
    )
    # Alice's company also has a project in the far county (set up by the superuser): it is
    # the far county's, not Alice's nor the Qian'an office's (finding 10).
    twin = create_project(
        actor=users["super"], name="燕山钢铁滦州分厂技改", owner=world.alice_org,
        division=far_town, planned_total=Decimal("7000.00"), industry="C",
    )
    for project in (far, twin):
        set_annual_plan(project, 2022, actor=users["office2"],
                        planned_investment=Decimal("9000.00"), expected_version=UNCHECKED)
        change_stage(project, Stage.UNDER_CONSTRUCTION, actor=users["office2"],
                     effective_date=date(2022, 2, 1), expected_version=UNCHECKED)
        project.refresh_from_db()
    # A sub-project of Alice's in the far county: Alice's page must not list it for anyone
    # who cannot see it (a parent does not widen the scope). The link is in its history
    # (finding 9: the history named the parent to whoever saw the child).
    update_project(far, actor=users["super"], expected_version=far.version,
                   changes={"parent": world.alice_project})
    # The office put Bob's project under Alice's: Bob must not read Alice's project's name.
    bob_project = world.bob_project
    update_project(bob_project, actor=world.office, expected_version=bob_project.version,
                   changes={"parent": world.alice_project})
    # Contacts through the service: their values are in each project's history too.
    for key, project, office in (("A", world.alice_project, world.office),
                                 ("B", bob_project, world.office), ("F", far, users["office2"]),
                                 ("G", twin, users["office2"])):
        update_project(project, actor=office, expected_version=project.version, changes={
            "contact_name": CONTACTS[key][0], "contact_phone": CONTACTS[key][1]})
        project.refresh_from_db()
    projects = {"A": world.alice_project, "B": bob_project, "F": far, "G": twin}
    reporters = {"A": world.alice, "B": world.bob, "F": users["office2"], "G": users["office2"]}
    offices = {"A": world.office, "B": world.office, "F": users["office2"],
               "G": users["office2"]}
    key_lists = {"A": get_or_create_list("county", "key", 2022, actor=world.office)}
    key_lists["B"] = key_lists["F"] = key_lists["G"] = key_lists["A"]
    draft, submitted, photo, membership = {}, {}, {}, {}
    markers: dict[str, list[str]] = {}
    for key, project in projects.items():
        actor = reporters[key]
        set_annual_plan(project, 2023, actor=offices[key], planned_investment=Decimal("1.00"),
                        image_target=f"TARGET-{key}-主体封顶", expected_version=UNCHECKED)
        june = save_report(project, Period(2022, 6), actor=actor, data={
            "completed": Decimal("100.00"), "image_progress": f"JUNE-{key}-桩基完成",
            "problems": f"PROBLEM-{key}-用地", "next_steps": "",
        }, expected_version=UNCHECKED)
        submitted[key] = submit_report(june, actor=actor, expected_version=UNCHECKED)
        draft[key] = save_report(project, Period(2022, 7), actor=actor, data={
            "completed": Decimal("200.00"), "image_progress": f"JULY-{key}-主体施工",
            "problems": "", "next_steps": f"NEXT-{key}-竣工",
        }, expected_version=UNCHECKED)
        photo[key] = add_photo(draft[key], png_upload(), actor=actor, caption=f"CAPTION-{key}")
        membership[key] = apply_for_list(project, key_lists[key], actor=offices[key],
                                         applied_on=date(2022, 1, 4))
        markers[key] = [project.name, f"JUNE-{key}-桩基完成", f"PROBLEM-{key}-用地",
                        f"JULY-{key}-主体施工", f"NEXT-{key}-竣工", f"TARGET-{key}-主体封顶",
                        f"CAPTION-{key}", photo[key].token]
    # Before finding 10 was fixed Alice could report on her company's far project: such an
    # event stays in the trail and must not show her office the far project.
    record("report.updated", draft["G"], actor=world.alice,
           changes={"next_steps": ["", "NEXT-G-竣工"]})
    return Matrix(world=world, users=users, projects=projects, draft=draft,
                  submitted=submitted, photo=photo, membership=membership, markers=markers)


# What each persona may do, written out by hand (never derived from the code under test):
# the project keys each persona may view, report on, and change/review.
VIEW = {
    "office": {"A", "B"}, "office2": {"F", "G"}, "super": {"A", "B", "F", "G"}, "alice": {"A"},
    "bob": {"B"}, "carol": {"A"}, "dave": {"A"}, "victor": {"A", "B"}, "eve": set(),
    "stray": set(),
}
REPORT = {
    "office": {"A", "B"}, "office2": {"F", "G"}, "super": {"A", "B", "F", "G"}, "alice": {"A"},
    "bob": {"B"}, "carol": set(), "dave": set(), "victor": set(), "eve": set(), "stray": set(),
}
CHANGE = {
    "office": {"A", "B"}, "office2": {"F", "G"}, "super": {"A", "B", "F", "G"}, "alice": set(),
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


# --- names a page may say, by hand ------------------------------------------------------------
#
# Organizations, people and townships, each with the personas that may read it: on every page
# (the admin's reference lists of organizations, people and divisions are the one documented
# exception, test_matrix.REFERENCE_PAGES). Nobody else may find it in any response.
EVERYONE_OF_A = {"office", "super", "alice", "carol", "dave", "victor"}
NAMES: dict[str, set[str]] = {
    "燕山钢铁有限公司": EVERYONE_OF_A | {"office2"},  # also owns G, in the far county
    "迁钢新材有限公司": {"office", "super", "bob", "victor"},
    "迁安市发改局": EVERYONE_OF_A,
    "王建国": EVERYONE_OF_A,  # the leader of A
    "迁安镇": EVERYONE_OF_A,
    "夏官营镇": {"office", "super", "bob", "victor"},
    "远郊物流有限公司": {"office2", "super"},
    "滦州市人民政府": {"office2", "super"},
    "赵远明": {"office2", "super"},  # the leader of F
    "滦城镇": {"office2", "super"},
}
# Each project's contact (name, phone): personal data, for the office and those who work on
# the project (ledger/privacy.py), never a viewer or a bank.
CONTACTS = {"A": ("孙联系人", "13800000001"), "B": ("周联系人", "13800000002"),
            "F": ("钱联系人", "13900000003"), "G": ("吴联系人", "13900000004")}
CONTACT = {
    "office": {"A", "B"}, "office2": {"F", "G"}, "super": {"A", "B", "F", "G"},
    "alice": {"A"}, "bob": {"B"}, "carol": {"A"}, "dave": {"A"}, "victor": set(),
    "eve": set(), "stray": set(),
}
# People's real names (family, given); who may read whose name: an office its division's
# people, the superuser all, everyone else only their own (others are shown by role).
PEOPLE_NAMES = {"office": ("刘", "晓燕"), "alice": ("李", "爱丽"), "bob": ("鲍", "文博"),
                "dave": ("戴", "维德"), "victor": ("韦", "克多"), "eve": ("伊", "芙琳"),
                "office2": ("郑", "远方")}
SEES_NAMES_OF = {"office": COUNTY_A, "office2": {"office2"}, "super": set(PEOPLE_NAMES)}


def foreign_texts(who: str) -> list[str]:
    """Every name, contact and person the persona may not read (projects' markers aside)."""
    texts = [name for name, readers in NAMES.items() if who not in readers]
    texts += [part for key, contact in CONTACTS.items() if key not in CONTACT[who]
              for part in contact]
    seen = SEES_NAMES_OF.get(who, {who})
    texts += [last + first for person, (last, first) in PEOPLE_NAMES.items()
              if person not in seen]
    return texts
