"""The web pages: scoping through every path, bad input, and pinned query counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED
from taizhang.ledger.choices import ReportStatus
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.projects import create_project
from taizhang.ledger.services.reports import approve_report, save_report, submit_report

JULY = Period(2022, 7)


def _login(client, user):
    client.force_login(user)
    return client


def _approved(world, project, amount, period=JULY):
    report = save_report(project, period, actor=world.office,
                         data={"completed": Decimal(amount), "image_progress": "施工中"},
                         expected_version=UNCHECKED)
    return approve_report(submit_report(report, actor=world.office,
                                        expected_version=UNCHECKED), actor=world.office,
                          expected_version=UNCHECKED)


def test_list_shows_only_own_projects_to_an_owner(client, world):
    response = _login(client, world.alice).get(reverse("ledger:project-list"))
    assert response.status_code == 200
    names = [p.name for p in response.context["page"]]
    assert names == [world.alice_project.name]
    assert world.bob_org.name not in response.content.decode()  # not even in a dropdown


@pytest.mark.parametrize("who,status", [
    ("alice", 404), ("carol", 404), ("dave", 404), ("eve", 404), ("bob", 200), ("office", 200),
    ("victor", 200),
])
def test_guessed_project_id_is_404_outside_scope(client, world, who, status):
    url = reverse("ledger:project-detail", args=[world.bob_project.pk])
    assert _login(client, getattr(world, who)).get(url).status_code == status


def test_owner_cannot_open_another_owners_report_form(client, world):
    url = reverse("ledger:report-form", args=[world.bob_project.pk, "2022-07"])
    assert _login(client, world.alice).post(url, {"completed": "1", "image_progress": "x",
                                                   "submit": "1"}).status_code == 404


def test_owner_cannot_review(client, world):
    report = submit_report(save_report(world.alice_project, JULY, actor=world.alice,
                                       data={"completed": Decimal("5"), "image_progress": "x"},
                                       expected_version=UNCHECKED),
                           actor=world.alice, expected_version=UNCHECKED)
    url = reverse("ledger:review-action", args=[report.pk, "approve"])
    assert _login(client, world.alice).post(url).status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert _login(client, world.alice).get(reverse("ledger:review-queue")).status_code == 403


def test_report_form_rejects_bad_amount_with_a_message(client, world):
    url = reverse("ledger:report-form", args=[world.alice_project.pk, "2022-07"])
    response = _login(client, world.alice).post(
        url, {"completed": "abc", "image_progress": "施工中", "save": "1"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["completed"]
    assert not world.alice_project.reports.exists()


def test_stale_report_form_is_refused(client, world):
    url = reverse("ledger:report-form", args=[world.alice_project.pk, "2022-07"])
    _login(client, world.alice)
    client.post(url, {"completed": "10", "image_progress": "a", "save": "1", "version": "0"})
    report = world.alice_project.reports.get()
    stale = report.version
    client.post(url, {"completed": "20", "image_progress": "b", "save": "1", "version": stale})
    response = client.post(url, {"completed": "30", "image_progress": "c", "save": "1",
                                 "version": stale})
    assert "nothing was overwritten" in str(response.context["form"].non_field_errors()) or \
        response.context["form"].non_field_errors()
    report.refresh_from_db()
    assert report.completed == Decimal("20.00")


def test_bad_period_and_filter_values_do_not_break_the_list(client, world):
    response = _login(client, world.office).get(
        reverse("ledger:project-list"), {"period": "2022-13", "stage": "nonsense", "unit": "x"}
    )
    assert response.status_code == 200


def test_list_totals_come_from_the_stats_service(client, world):
    _approved(world, world.alice_project, "100.00")
    _approved(world, world.bob_project, "250.50")
    response = _login(client, world.office).get(reverse("ledger:project-list"),
                                                {"period": "2022-07"})
    stats = response.context["stats"]
    assert stats.total.ytd_completed == Decimal("350.50")
    assert "350.50" in response.content.decode()
    response = client.get(reverse("ledger:project-list"),
                          {"period": "2022-07", "owner": world.bob_org.pk})
    assert response.context["stats"].total.ytd_completed == Decimal("250.50")


def _more_projects(world, n):
    for i in range(n):
        project = create_project(
            actor=world.office, name=f"扩建项目{i}", owner=world.bob_org, division=world.town,
            planned_total=Decimal("1000.00"), responsible_unit=world.unit,
        )
        set_annual_plan(project, 2022, actor=world.office, planned_investment=Decimal("100"),
                        expected_version=UNCHECKED)


def _count_queries(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# Session, user, user's division, office settings, data versions (the shared one, and those
# of the scope's divisions: 2), the filter lists' ids and the statistics (one statement for
# the divisions not cached; these two only when not cached), page ids, the unit filter's
# validation, filter choices (3), page rows with figures. The paginator takes its count from
# the statistics: no COUNT query. (Before the cache: 14, with the statistics in 3 queries.)
LIST_PAGE_QUERIES = 14
LIST_PAGE_QUERIES_CACHED = LIST_PAGE_QUERIES - 2


def test_list_page_query_count_is_pinned_and_flat(client, world):
    _login(client, world.office)
    url = reverse("ledger:project-list")
    params = {"stage": "under_construction", "unit": world.unit.pk}
    small = _count_queries(client, url, params), _count_queries(client, url, params)
    _more_projects(world, 30)  # also a new data version: the statistics are computed again
    params = {"unit": world.unit.pk}
    large = _count_queries(client, url, params), _count_queries(client, url, params)
    assert small == large == (LIST_PAGE_QUERIES, LIST_PAGE_QUERIES_CACHED)


def test_export_is_scoped_to_the_owner(client, world):
    response = _login(client, world.alice).get(reverse("ledger:export"), {"period": "2022-07"})
    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert world.alice_project.name in text
    assert world.bob_project.name not in text


def test_stage_date_in_future_is_refused(world):
    from taizhang.core.services import ServiceError
    from taizhang.ledger.choices import Stage
    from taizhang.ledger.services.projects import change_stage

    with pytest.raises(ServiceError):
        change_stage(world.alice_project, Stage.COMPLETED, actor=world.office,
                     effective_date=date(2999, 1, 1), expected_version=UNCHECKED)


def test_parent_project_page_rolls_up_its_sub_projects(client, world):
    program = create_project(actor=world.office, name="钢铁产业升级计划", owner=world.bob_org,
                             division=world.town, planned_total=Decimal("0.00"))
    from taizhang.ledger.services.projects import update_project

    for child in (world.alice_project, world.bob_project):
        child.refresh_from_db()
        update_project(child, actor=world.office, expected_version=child.version,
                       changes={"parent": program})
    _approved(world, world.alice_project, "10.00")
    response = _login(client, world.office).get(
        reverse("ledger:project-detail", args=[program.pk]), {"period": "2022-07"}
    )
    rollup = response.context["rollup"]
    assert rollup.total.projects == 2
    assert rollup.total.planned_total == Decimal("130000.00")
    assert rollup.total.ytd_completed == Decimal("10.00")


def test_office_admin_can_use_the_django_admin(client, world):
    world.office.is_staff = True
    world.office.save()
    response = _login(client, world.office).get("/admin/ledger/project/")
    assert response.status_code == 200
    assert world.alice_project.name in response.content.decode()
    world.alice.is_staff = True
    world.alice.save()
    assert _login(client, world.alice).get("/admin/ledger/project/").status_code == 403


def test_office_changes_stage_and_plan_from_the_project_page(client, world):
    project = create_project(actor=world.office, name="前期项目", owner=world.bob_org,
                             division=world.town, planned_total=Decimal("500.00"))
    _login(client, world.office)
    url = reverse("ledger:project-stage", args=[project.pk])
    response = client.post(url, {"to_stage": "on_hold", "effective_date": "2022-05-01",
                                 "reason": "", "version": project.version}, follow=True)
    assert "reason" in response.content.decode().lower() or response.context["messages"]
    project.refresh_from_db()
    assert project.stage == "planning"
    client.post(url, {"to_stage": "preliminary", "effective_date": "2022-05-01",
                      "version": project.version})
    project.refresh_from_db()
    assert project.stage == "preliminary"
    client.post(reverse("ledger:project-plan", args=[project.pk]),
                {"year": 2022, "planned_investment": "120.50", "planned_new_start": "on",
                 "versions": "plans:"})
    plan = project.plans.get(year=2022)
    assert plan.planned_investment == Decimal("120.50") and plan.planned_new_start
    response = client.post(reverse("ledger:project-plan", args=[project.pk]),
                           {"year": 2022, "planned_investment": "-1"})
    assert response.status_code == 200  # the page again, as typed (test_form_feedback.py)
    plan.refresh_from_db()
    assert plan.planned_investment == Decimal("120.50")


def test_owner_cannot_change_stage_or_plan(client, world):
    _login(client, world.alice)
    project = world.alice_project
    project.refresh_from_db()
    assert client.post(reverse("ledger:project-stage", args=[project.pk]),
                       {"to_stage": "completed", "effective_date": "2022-05-01",
                        "version": project.version}).status_code == 404
    assert client.post(reverse("ledger:project-plan", args=[project.pk]),
                       {"year": 2022, "planned_investment": "1"}).status_code == 404
    project.refresh_from_db()
    assert project.stage == "under_construction"


def test_two_first_saves_of_the_same_report_do_not_overwrite(client, world):
    url = reverse("ledger:report-form", args=[world.alice_project.pk, "2022-07"])
    _login(client, world.alice)
    first = {"completed": "111.11", "image_progress": "A", "save": "1", "version": "0"}
    second = {"completed": "222.22", "image_progress": "B", "save": "1", "version": "0"}
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert world.alice_project.reports.get().completed == Decimal("111.11")


@pytest.mark.parametrize("typed,stored", [
    ("1,234.56", "1234.56"), ("１２３４．５", "1234.50"), (" 12 ", "12.00"),
])
def test_report_amounts_are_read_like_the_importer_reads_them(client, world, typed, stored):
    url = reverse("ledger:report-form", args=[world.alice_project.pk, "2022-07"])
    _login(client, world.alice).post(url, {"completed": typed, "image_progress": "x",
                                           "save": "1", "version": "0"})
    assert world.alice_project.reports.get().completed == Decimal(stored)


@pytest.mark.parametrize("typed", ["99999999999999.99", "1.234", "-1", "1e3", "abc", "NaN"])
def test_report_amounts_out_of_bounds_are_refused(client, world, typed):
    url = reverse("ledger:report-form", args=[world.alice_project.pk, "2022-07"])
    response = _login(client, world.alice).post(
        url, {"completed": typed, "image_progress": "x", "save": "1", "version": "0"})
    assert response.status_code == 200
    assert response.context["form"].errors["completed"]
    assert not world.alice_project.reports.exists()


@pytest.mark.parametrize("params", [
    {"unit": "99999999999999999999999"}, {"owner": "-1"}, {"township": "abc"},
    {"leader": "1e5"}, {"period": "1900-01"}, {"period": "2200-12"}, {"page": "-1"},
    {"sort": "evil"}, {"q": "x" * 500},
])
def test_junk_query_strings_never_break_the_list_or_the_export(client, world, params):
    _login(client, world.office)
    assert client.get(reverse("ledger:project-list"), params).status_code == 200
    assert client.get(reverse("ledger:export"), params).status_code == 200


def test_valid_filters_survive_an_invalid_one(client, world):
    response = _login(client, world.office).get(
        reverse("ledger:project-list"), {"stage": "nonsense", "owner": world.bob_org.pk}
    )
    assert [p.name for p in response.context["page"]] == [world.bob_project.name]
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize("period", ["1900-01", "2200-12", "2022-00"])
def test_out_of_range_report_periods_are_404(client, world, period):
    _login(client, world.alice)
    assert client.get(reverse("ledger:my-reports"), {"period": period}).status_code == 404
    url = f"/ledger/projects/{world.alice_project.pk}/reports/{period}/"
    assert client.get(url).status_code == 404


def test_review_redirects_only_to_this_site(client, world):
    report = submit_report(save_report(world.alice_project, JULY, actor=world.alice,
                                       data={"completed": Decimal("5"), "image_progress": "x"},
                                       expected_version=UNCHECKED),
                           actor=world.alice, expected_version=UNCHECKED)
    url = reverse("ledger:review-action", args=[report.pk, "approve"])
    response = _login(client, world.office).post(url, {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:review-queue")


def test_error_pages_are_friendly_and_translated(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("ledger:review-queue"))
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    response = client.get("/ledger/projects/999999/")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]


def test_office_reopens_an_approved_report_from_the_project_page(client, world):
    report = _approved(world, world.alice_project, "10.00")
    _login(client, world.office)
    page = client.get(reverse("ledger:project-detail", args=[world.alice_project.pk]))
    action = reverse("ledger:review-action", args=[report.pk, "reopen"])
    assert action in page.content.decode()
    # The form carries the version the page showed (a stale page must not reopen).
    assert f'name="version" value="{report.version}"' in page.content.decode()
    client.post(action, {"reason": "数字填错", "next": page.request["PATH_INFO"],
                         "version": report.version})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.return_reason == "数字填错"


def test_owner_removes_a_photo_from_a_draft_only(client, world, settings, tmp_path):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from taizhang.ledger.services.reports import add_photo

    settings.MEDIA_ROOT = tmp_path
    buffer = BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PNG")
    report = save_report(world.alice_project, JULY, actor=world.alice,
                         data={"completed": Decimal("1"), "image_progress": "x"},
                         expected_version=UNCHECKED)
    photo = add_photo(report, SimpleUploadedFile("a.png", buffer.getvalue()), actor=world.alice)
    _login(client, world.bob)
    assert client.post(reverse("ledger:photo-delete", args=[photo.token])).status_code == 404
    _login(client, world.alice)
    client.post(reverse("ledger:photo-delete", args=[photo.token]))
    assert not report.photos.exists()


def test_roll_up_shows_only_what_the_viewer_may_see(client, world):
    from taizhang.ledger.services.projects import update_project

    program = create_project(actor=world.office, name="迁钢新材扩能计划", owner=world.bob_org,
                             division=world.town, planned_total=Decimal("0.00"))
    for child in (world.alice_project, world.bob_project):
        child.refresh_from_db()
        update_project(child, actor=world.office, expected_version=child.version,
                       changes={"parent": program})
    _approved(world, world.alice_project, "123.45")
    # The programme is Bob's organization's; one of its sub-projects is Alice's.
    response = _login(client, world.bob).get(reverse("ledger:project-detail", args=[program.pk]),
                                             {"period": "2022-07"})
    assert response.status_code == 200
    assert world.alice_project.name not in response.content.decode()
    assert response.context["rollup"].total.projects == 1
    assert response.context["rollup"].total.ytd_completed == Decimal("0")
    response = _login(client, world.office).get(
        reverse("ledger:project-detail", args=[program.pk]), {"period": "2022-07"})
    assert response.context["rollup"].total.ytd_completed == Decimal("123.45")


def test_parent_cycles_are_refused(world):
    from taizhang.core.services import ServiceError
    from taizhang.ledger.services.projects import update_project

    a, b = world.alice_project, world.bob_project
    a.refresh_from_db()
    update_project(a, actor=world.office, expected_version=a.version, changes={"parent": b})
    b.refresh_from_db()
    with pytest.raises(ServiceError) as exc:
        update_project(b, actor=world.office, expected_version=b.version, changes={"parent": a})
    assert exc.value.field == "parent"


def test_an_account_without_a_division_sees_nothing(client, world):
    from taizhang.accounts.models import User

    newcomer = User.objects.create_user("newcomer")  # a viewer, not yet placed anywhere
    response = _login(client, newcomer).get(reverse("ledger:project-list"))
    assert response.context["stats"].total.projects == 0


def test_office_admin_cannot_manage_users_in_the_admin(client, world):
    world.office.is_staff = True
    world.office.save()
    _login(client, world.office)
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get(f"/admin/accounts/user/{world.office.pk}/change/").status_code == 403
    assert client.get("/admin/ledger/keylist/add/").status_code == 403


def test_admin_refuses_a_stale_project_form(client, world):
    world.office.is_staff = True
    world.office.save()
    _login(client, world.office)
    project = world.alice_project
    url = f"/admin/ledger/project/{project.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update({"plans-TOTAL_FORMS": "0", "plans-INITIAL_FORMS": "0",
                 "plans-MIN_NUM_FORMS": "0", "plans-MAX_NUM_FORMS": "1000"})
    project.refresh_from_db()
    from taizhang.ledger.services.projects import update_project

    update_project(project, actor=world.office, expected_version=project.version,
                   changes={"planned_total": Decimal("60000.00")})  # someone else saves first
    data["name"] = "改名"
    client.post(url, data)
    project.refresh_from_db()
    assert project.planned_total == Decimal("60000.00")
    assert project.name != "改名"
    assert client.get("/admin/autocomplete/", {"app_label": "ledger", "model_name": "project",
                                               "field_name": "owner"}).status_code == 200


def test_owner_is_found_by_typing_part_of_its_name(client, world):
    response = _login(client, world.office).get(reverse("ledger:project-list"),
                                                {"owner_name": "迁钢"})
    assert [p.name for p in response.context["page"]] == [world.bob_project.name]


@pytest.mark.parametrize("sort,first", [("-ytd", "bob"), ("ytd", "alice"), ("-total", "bob"),
                                        ("name", "alice"), ("-seq", "bob"), ("seq", "alice")])
def test_sorting_by_fields_and_by_figures(client, world, sort, first):
    _approved(world, world.alice_project, "10.00")
    _approved(world, world.bob_project, "20.00")
    response = _login(client, world.office).get(reverse("ledger:project-list"),
                                                {"sort": sort, "period": "2022-07"})
    rows = list(response.context["page"])
    assert rows[0].name == getattr(world, f"{first}_project").name
    assert rows[0].ytd_completed in (Decimal("10.00"), Decimal("20.00"))


def test_office_applies_for_a_list_and_decides(client, world):
    from taizhang.ledger.filters import ProjectFilter
    from taizhang.ledger.models import KeyListMembership, Project

    _login(client, world.office)
    url = reverse("ledger:project-list-apply", args=[world.alice_project.pk])
    client.post(url, {"key_list": "province-prestage", "year": 2022, "applied_on": "2022-01-10"})
    membership = KeyListMembership.objects.get(project=world.alice_project)
    assert membership.status == "applied"
    on_list = ProjectFilter(key_lists=["province-prestage"]).apply(Project.objects.all(), 2022)
    assert not on_list.exists()  # an application is not a membership yet
    decide = reverse("ledger:membership-decide", args=[membership.pk])
    client.post(decide, {"decision": "approved", "decided_on": "2022-01-05"})  # before applying
    membership.refresh_from_db()
    assert membership.status == "applied"
    client.post(decide, {"decision": "approved", "decided_on": "2022-03-01"})
    membership.refresh_from_db()
    assert membership.status == "approved"
    assert list(on_list) == [world.alice_project]
    _login(client, world.alice)
    assert client.post(url, {"key_list": "province", "year": 2022,
                             "applied_on": "2022-01-10"}).status_code == 404
