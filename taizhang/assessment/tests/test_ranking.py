"""Scores per township and unit, the ranking and its ties, publishing that freezes, the
scheme edited in the web, deductions, scoping and the ranking page's queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from taizhang.accounts.choices import DivisionLevel, Role
from taizhang.accounts.models import Division, OfficeSettings, User
from taizhang.assessment import services
from taizhang.assessment.indicators import RULES
from taizhang.assessment.models import Deduction, Result, Scheme
from taizhang.assessment.results import IndicatorScore, _ranked, compute, ranking_for
from taizhang.assessment.schemes import scheme_spec
from taizhang.assessment.tests.helpers import approved
from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.services import ConcurrentEdit, ServiceError

pytestmark = pytest.mark.django_db
JULY, AUGUST = Period(2022, 7), Period(2022, 8)
D = Decimal


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _row(ranking, key):
    return next(r for r in ranking.rows if r.key == key)


def _score(row, code):
    return next(s for s in row.indicators if s.code == code)


# --- totals ----------------------------------------------------------------------------------

def test_each_township_is_scored_from_its_own_projects_figures(world):
    approved(world, world.alice_project, JULY, "7200.00")  # 60 % of 12000: 1.67 ahead
    approved(world, world.bob_project, JULY, "2000.00")  # 10 % of 20000: 48.33 behind
    ranking = compute(world.county, JULY, "township")
    assert [r.key for r in ranking.rows] == [world.town.pk, world.other_town.pk]
    town, other = _row(ranking, world.town.pk), _row(ranking, world.other_town.pk)
    assert _score(town, "plan_completion").points == D("40.00")
    assert _score(other, "plan_completion").points == D("16.00")  # 40 − 24 whole steps
    assert _score(other, "plan_completion").figures["ytd_completed"] == D("2000.00")
    for row in ranking.rows:
        assert row.total == sum(s.points for s in row.indicators)
        assert row.total.as_tuple().exponent == -2


def test_units_are_the_responsible_units_and_projects_without_one_are_not_ranked(world):
    ranking = compute(world.county, JULY, "unit")
    assert [(r.key, r.name) for r in ranking.rows] == [(world.unit.pk, "迁安市发改局")]


def test_a_deduction_lowers_the_total_and_can_be_withdrawn(world):
    before = _row(compute(world.county, JULY, "township"), world.town.pk).total
    deduction = services.add_deduction(world.office, month="2022-07", level="township",
                                       subject_id=world.town.pk, kind="criticism",
                                       points="2.5", reason="通报批评：月报数据不实")
    row = _row(compute(world.county, JULY, "township"), world.town.pk)
    assert row.total == before - D("2.5")
    assert _score(row, "deductions").figures == {"deductions": 1, "deducted": D("2.50")}
    services.withdraw_deduction(world.office, deduction.pk)
    assert _row(compute(world.county, JULY, "township"), world.town.pk).total == before
    actions = list(AuditEvent.objects.filter(object_type="assessment.deduction")
                   .values_list("action", flat=True).order_by("pk"))
    assert actions == ["assessment.deduction_added", "assessment.deduction_withdrawn"]


@pytest.mark.parametrize(("values", "field"), [
    ({"subject_id": 987654}, "subject"),
    ({"points": "0"}, "points"),
    ({"points": "-1"}, "points"),
    ({"reason": "  "}, "reason"),
    ({"month": "2022-13"}, "month"),
    ({"month": "2099-01"}, "month"),  # a month that has not begun
])
def test_a_bad_deduction_is_refused_naming_the_field(world, values, field):
    data = {"month": "2022-07", "level": "township", "subject_id": world.town.pk,
            "kind": "criticism", "points": "1", "reason": "通报批评", **values}
    with pytest.raises(ServiceError) as refused:
        services.add_deduction(world.office, **data)
    assert refused.value.field == field
    assert not Deduction.objects.exists()


# --- ties ------------------------------------------------------------------------------------

def _rows(*items):
    return [(key, name, D(total), []) for key, name, total in items]


def test_equal_totals_share_a_rank_and_the_next_rank_is_skipped():
    ranked = _ranked(_rows((1, "丙镇", "80"), (2, "甲镇", "90"), (3, "乙镇", "80"),
                           (4, "丁镇", "70")), 0, 0)
    assert [(r.rank, r.key) for r in ranked] == [(1, 2), (2, 1), (2, 3), (4, 4)]


def test_ties_are_listed_by_name_then_key_whatever_order_they_come_in():
    items = [(5, "B镇", "50"), (3, "A镇", "50"), (4, "A镇", "50"), (9, "C镇", "60")]
    for order in (items, list(reversed(items)), items[1:] + items[:1]):
        ranked = _ranked(_rows(*order), 0, 0)
        assert [(r.rank, r.key) for r in ranked] == [(1, 9), (2, 3), (2, 4), (2, 5)]


def test_top_and_bottom_marks_take_every_row_tied_at_the_line():
    ranked = _ranked(_rows((1, "a", "90"), (2, "b", "80"), (3, "c", "80"), (4, "d", "60"),
                           (5, "e", "50"), (6, "f", "50")), 2, 1)
    assert [(r.key, r.mark) for r in ranked] == [
        (1, "reward"), (2, "reward"), (3, "reward"), (4, ""), (5, "summon"), (6, "summon")]


def test_a_row_is_never_both_rewarded_and_summoned():
    ranked = _ranked(_rows((1, "a", "90"), (2, "b", "80")), 3, 3)
    assert [r.mark for r in ranked] == ["reward", "reward"]


def test_the_ranking_page_explains_the_order_of_ties(world):
    client = _client(world.office)
    assert "并列者按名称排序" in client.get("/assessment/?period=2022-07").content.decode()
    client.cookies["django_language"] = "en"
    assert b"Equal totals share a rank" in client.get("/assessment/?period=2022-07").content


# --- publishing freezes; the scheme edited in the web ----------------------------------------

def _scheme_post(world, year, **changes):
    """The scheme form as the page shows it, with `changes` typed over it."""
    page = _client(world.office).get(f"/assessment/scheme/{year}/")
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("on" if v is True else "" if v is False else "" if v is None else v)
            for k, v in data.items()}
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_scheme_edited_in_the_web_reranks_a_new_period_and_leaves_a_published_one(world):
    approved(world, world.alice_project, JULY, "7200.00")
    approved(world, world.bob_project, JULY, "2000.00")
    client = _client(world.office)
    response = client.post("/assessment/publish/", {"period": "2022-07", "level": "township"})
    assert response.status_code == 302
    published = ranking_for(world.county, JULY, "township")
    assert published.published and published.scheme_version == 1  # the defaults, stored

    # The office doubles the plan's weight and stops counting punctual reporting.
    response = client.post("/assessment/scheme/2022/", _scheme_post(
        world, 2022, **{"plan_completion-weight": "80", "punctual_reporting-enabled": ""}))
    assert response.status_code == 302, response.context["form"].errors
    scheme = Scheme.objects.get(division=world.county, year=2022)
    assert scheme.version == 2
    assert scheme.indicators.get(code="plan_completion").weight == D("80.00")

    again = ranking_for(world.county, JULY, "township")
    assert again == published  # frozen: same rows, points, figures and marks
    august = ranking_for(world.county, AUGUST, "township")
    assert not august.published
    town = _row(august, world.town.pk)
    assert _score(town, "plan_completion").max_points == D("80.00")
    assert "punctual_reporting" not in {s.code for s in town.indicators}
    # A later approval changes the ledger; the published month still says what it said.
    approved(world, world.bob_project, Period(2022, 6), "9000.00")
    assert ranking_for(world.county, JULY, "township") == published
    assert compute(world.county, JULY, "township") != published


def test_a_stale_scheme_form_is_refused_and_changes_nothing(world):
    stale = _scheme_post(world, 2022, name="第一版")
    client = _client(world.office)
    assert client.post("/assessment/scheme/2022/", stale).status_code == 302
    response = client.post("/assessment/scheme/2022/", {**stale, "name": "第二版"})
    assert response.status_code == 200
    assert "Someone else saved" in str(response.context["form"].non_field_errors()) or \
        "其他人" in str(response.context["form"].non_field_errors())
    assert Scheme.objects.get().name == "第一版"
    with pytest.raises(ConcurrentEdit):
        services.save_scheme(world.office, 2022, name="x", reward_count=1, summon_count=1,
                             indicators={}, expected_version=0)


def test_a_bad_band_comes_back_beside_its_field(world):
    response = _client(world.office).post("/assessment/scheme/2022/", _scheme_post(
        world, 2022, **{"size_bands-bands": "100000-4"}))
    assert response.status_code == 200
    assert response.context["form"].errors["size_bands-bands"]
    assert not Scheme.objects.exists()


def test_saving_the_scheme_is_audited_with_what_changed(world):
    services.save_scheme(world.office, 2022, name="考核", reward_count=2, summon_count=2,
                         indicators={}, expected_version=0)
    services.save_scheme(world.office, 2022, name="考核", reward_count=2, summon_count=2,
                         indicators={"late_starts": {"name": "开工滞后扣分", "weight": "5",
                                                     "enabled": True,
                                                     "params": {"per_project": "0.5"}}},
                         expected_version=1)
    event = AuditEvent.objects.filter(action="assessment.scheme_saved").get()
    assert event.changes == {"late_starts.name": [str(RULES["late_starts"].name), "开工滞后扣分"],
                             "late_starts.weight": ["10.00", "5"],
                             "late_starts.params": [{"per_project": "1"},
                                                    {"per_project": "0.5"}]}
    assert scheme_spec(world.county, 2022).reward_count == 2


def test_a_published_month_takes_no_deduction_and_is_not_published_twice(world):
    services.publish(world.office, month="2022-07", level="township")
    with pytest.raises(ServiceError):
        services.add_deduction(world.office, month="2022-07", level="township",
                               subject_id=world.town.pk, kind="criticism", points="1",
                               reason="通报批评")
    with pytest.raises(ServiceError):
        services.publish(world.office, month="2022-07", level="township")
    assert Result.objects.count() == 1
    # The other level of the month is its own ranking.
    services.publish(world.office, month="2022-07", level="unit")


# --- scoping ---------------------------------------------------------------------------------

def _far_office(world):
    far = Division.objects.create(code="130284", name="滦州市", level=DivisionLevel.COUNTY,
                                  parent=world.county.parent)
    OfficeSettings.objects.create(division=far, reporting_period="2022-08")
    user = User.objects.create_user("far", password="pw", role=Role.OFFICE_ADMIN, division=far)
    from taizhang.accounts.security.passwords import mark_password_as_chosen

    mark_password_as_chosen(user)
    user.save()
    return user


def test_another_countys_office_sees_none_of_this_countys_assessment(world):
    services.publish(world.office, month="2022-07", level="township")
    services.add_deduction(world.office, month="2022-08", level="township",
                           subject_id=world.town.pk, kind="criticism", points="1",
                           reason="迁安通报批评")
    far = _far_office(world)
    client = _client(far)
    assert "迁安镇".encode() not in client.get("/assessment/?period=2022-07&level=township").content
    assert b"2022-07" not in client.get("/assessment/results/").content
    assert "迁安通报批评".encode() not in client.get("/assessment/deductions/").content
    deduction = Deduction.objects.get()
    client.post(f"/assessment/deductions/{deduction.pk}/withdraw/")
    assert Deduction.objects.filter(pk=deduction.pk).exists()
    assert not Result.objects.restrict(far).exists()


@pytest.mark.parametrize("who", ["alice", "carol", "dave", "victor", "eve"])
def test_owners_and_other_roles_are_refused(world, who):
    client = _client(getattr(world, who))
    for url in ("/assessment/", "/assessment/scheme/2022/", "/assessment/deductions/",
                "/assessment/results/", "/assessment/publish/?period=2022-07&level=unit"):
        assert client.get(url).status_code == 403, url
    assert client.post("/assessment/publish/",
                       {"period": "2022-07", "level": "unit"}).status_code == 403
    assert not Result.objects.exists()


# --- queries -----------------------------------------------------------------------------------

def _more_townships(world, n):
    from taizhang.ledger.services.projects import create_project

    for i in range(n):
        town = Division.objects.create(code=f"1302832{i:02d}", name=f"新镇{i}",
                                       level=DivisionLevel.TOWNSHIP, parent=world.county)
        create_project(actor=world.office, name=f"新镇项目{i}", owner=world.bob_org,
                       division=town, planned_total=D("20000.00"), responsible_unit=world.unit,
                       actual_start=date(2022, 4, 1))


@pytest.mark.parametrize("level", ["township", "unit"])
def test_the_ranking_page_takes_the_same_few_queries_for_any_number_of_subjects(world, level):
    client = _client(world.office)
    url = f"/assessment/?period=2022-07&level={level}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _more_townships(world, 6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few) <= 10, [q["sql"][:120] for q in many.captured_queries]


def test_a_published_ranking_page_reads_one_row(world, django_assert_max_num_queries):
    services.publish(world.office, month="2022-07", level="township")
    client = _client(world.office)
    client.get("/assessment/?period=2022-07&level=township")
    with django_assert_max_num_queries(8):
        page = client.get("/assessment/?period=2022-07&level=township")
    assert page.context["ranking"].published


def test_the_score_object_is_the_public_shape():
    score = IndicatorScore("x", "x", D("1.00"), D("2.00"), {"n": 1})
    assert score.points == D("1.00") and score.figures == {"n": 1}


def test_a_month_that_has_not_begun_is_not_published(world):
    with pytest.raises(ServiceError) as refused:
        services.publish(world.office, month="2099-01", level="township")
    assert refused.value.field == "month"
    assert not Result.objects.exists()
