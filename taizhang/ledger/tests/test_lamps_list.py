"""Lamps (红黄绿灯) in the project list, the project page and the exported sheet: the filter
by colour, the sort, the column with its explanation, the pinned query count, and who sees
which lamp. Lamps are made by the warnings' evaluation (lamp_world.py)."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from taizhang.jobs.models import Job
from taizhang.ledger import lamps
from taizhang.ledger.filters import ProjectFilter
from taizhang.ledger.models import Project
from taizhang.ledger.tests.lamp_world import JULY, evaluate, light, published
from taizhang.ledger.tests.test_views import (
    LIST_PAGE_QUERIES,
    LIST_PAGE_QUERIES_CACHED,
    _count_queries,
    _more_projects,
)
from taizhang.warnings.choices import ConsequenceKind
from taizhang.warnings.models import Lamp

LIST = "ledger:project-list"


def _list(client, user, **params):
    client.force_login(user)
    response = client.get(reverse(LIST), {"period": "2022-07", **params})
    assert response.status_code == 200
    return response


def _stored(project, period=JULY):
    return Lamp.objects.get(project=project, year=period.year, month=period.month)


def _names(response):
    return [p.name for p in response.context["page"].object_list]


def test_the_filter_selects_each_colour_and_the_not_evaluated(world):
    lit = light(world)
    every = Project.objects.all()

    def chosen(*colors):
        return set(ProjectFilter(lamps=list(colors)).apply(every, 2022, period=JULY))

    assert chosen("red") == {lit.red}
    assert chosen("yellow") == {lit.yellow}
    assert chosen("green") == {lit.green}
    assert chosen("none") == {lit.unevaluated}
    assert chosen("red", "yellow") == {lit.red, lit.yellow}
    assert chosen("green", "none") == {lit.green, lit.unevaluated}
    # Without a period there is no lamp to filter on (like 滞后): the filter is not applied.
    assert set(ProjectFilter(lamps=["red"]).apply(every, 2022)) == set(every)
    # Another month was not evaluated: every project is 未评估 there.
    june = ProjectFilter(lamps=["none"]).apply(every, 2022, period=JULY.previous())
    assert set(june) == set(every)


def test_the_list_filters_by_lamp_and_totals_only_those(client, world):
    lit = light(world)
    response = _list(client, world.office, lamp="red")
    assert _names(response) == [lit.red.name]
    assert response.context["stats"].total.projects == 1
    both = _list(client, world.office, lamp=["red", "yellow"])
    assert set(_names(both)) == {lit.red.name, lit.yellow.name}
    assert both.context["stats"].total.projects == 2
    assert _list(client, world.office, lamp="none").context["stats"].total.projects == 1


def test_the_lamp_filter_left_at_all_is_not_an_error_and_junk_is_named(client, world):
    light(world)
    response = _list(client, world.office, lamp="")
    assert not response.context["form"].errors
    assert response.context["stats"].total.projects == 4
    client.cookies["django_language"] = "en"
    junk = _list(client, world.office, lamp="purple")
    assert junk.context["stats"].total.projects == 4  # ignored, and said so
    assert "were ignored: Lamp" in junk.content.decode()


def test_the_list_sorts_by_lamp_worst_first_not_evaluated_last(client, world):
    lit = light(world)
    worst = _names(_list(client, world.office, sort="-lamp"))
    assert worst == [lit.red.name, lit.yellow.name, lit.green.name, lit.unevaluated.name]
    best = _names(_list(client, world.office, sort="lamp"))
    assert best == [lit.green.name, lit.yellow.name, lit.red.name, lit.unevaluated.name]


def test_the_column_shows_the_dot_the_word_and_the_explanation(client, world):
    lit = light(world)
    text = _list(client, world.office, lamp="red").content.decode()
    cell = re.search(r'<td data-cell="lamp">(.*?)</td>', text, re.S).group(1)
    assert 'class="badge lamp lamp-red"' in cell and 'data-lamp="red"' in cell
    stored = _stored(lit.red)
    assert stored.explanation and f'title="{stored.explanation}"' in cell
    assert "红灯" in cell  # the word, not the colour alone
    none = _list(client, world.office, lamp="none").content.decode()
    assert 'data-lamp="none"' in none and "未评估" in none


def test_lamps_keep_the_list_query_count_and_stay_flat(client, world):
    """The page's lamps with their reasons come in the rows' own statement, the colour
    filter and the sort are subqueries of statements the page runs anyway: the pinned count
    stays. A list filtered by lamp caches its totals whole, keyed also by the period's
    evaluations (evaluating moves no data version): one query more to read them, and the
    statistics' one when they are not cached."""
    light(world, publish=False)
    client.force_login(world.office)
    url = reverse(LIST)
    plain = {"period": "2022-07", "unit": world.unit.pk}
    by_lamp = {**plain, "lamp": ["red", "yellow", "green"], "sort": "-lamp"}

    def pairs():
        return (
            (_count_queries(client, url, plain), _count_queries(client, url, plain)),
            (_count_queries(client, url, by_lamp), _count_queries(client, url, by_lamp)),
        )

    small = pairs()
    _more_projects(world, 30)
    evaluate(world)  # the 30 new ones have lamps too
    assert (
        pairs()
        == small
        == (
            (LIST_PAGE_QUERIES, LIST_PAGE_QUERIES_CACHED),
            (LIST_PAGE_QUERIES_CACHED + 2, LIST_PAGE_QUERIES_CACHED + 1),
        )
    )


def test_a_re_evaluation_shows_at_once_in_the_filtered_totals(client, world):
    lit = light(world, publish=False)
    assert _list(client, world.office, lamp="none").context["stats"].total.projects == 1
    evaluate(world)  # the draft again: the new project has its lamp now
    after = _list(client, world.office, lamp="none")
    assert after.context["stats"].total.projects == 0
    assert lit.unevaluated.name not in _names(_list(client, world.office, lamp="none"))


def test_owners_see_only_their_projects_lamps_and_only_published(client, world):
    lit = light(world, publish=False)
    # A draft is the office's work: alice (owner) sees her project as not evaluated.
    response = _list(client, world.alice, lamp="green")
    assert _names(response) == []
    assert 'data-lamp="green"' not in _list(client, world.alice).content.decode()
    published(world, lit.evaluation)
    assert _names(_list(client, world.alice, lamp="green")) == [lit.green.name]
    # bob's red project is not alice's: no colour reaches her through the filter or a count.
    assert _names(_list(client, world.alice, lamp="red")) == []
    assert _names(_list(client, world.bob, lamp="red")) == [lit.red.name]


@pytest.mark.parametrize("who", ["office", "alice"])
def test_the_project_page_shows_its_lamp_history_and_consequences(client, world, who):
    from taizhang.warnings.services import record_consequence

    lit = light(world)
    stored = _stored(lit.red)
    record_consequence(
        stored,
        kind="talk",
        date=JULY.last_day,
        held_by="王建国",
        outcome="限期整改",
        actor=world.office,
    )
    user = world.bob if who == "alice" else world.office
    client.force_login(user)
    text = client.get(
        reverse("ledger:project-detail", args=[lit.red.pk]), {"period": "2022-07"}
    ).content.decode()
    now = re.search(r"<p data-lamp-now>(.*?)</p>", text, re.S).group(1)
    assert 'data-lamp="red"' in now and stored.explanation in now
    assert '<tr data-period="2022-07">' in text
    assert f"{ConsequenceKind.TALK.label} · 王建国 · 限期整改" in text
    # Without a period, the newest evaluated month's lamp (the list's default month, June,
    # was not evaluated).
    default = client.get(reverse("ledger:project-detail", args=[lit.red.pk]))
    assert default.context["lamp_period"] == JULY and default.context["lamp_now"] == stored
    # Not a project of alice's: no page, so no lamp.
    client.force_login(world.alice)
    assert client.get(reverse("ledger:project-detail", args=[lit.red.pk])).status_code == 404


def test_the_history_says_when_it_turned_red_and_back(world):
    from taizhang.ledger.tests.lamp_world import approved

    lit = light(world)
    august = JULY.next()
    approved(world, lit.red, "9000.00", august)  # 11000 / 20000 = 55 %, time 66.7 %: yellow
    evaluate(world, august, publish=True)
    rows = lamps.history(lit.red, world.office)
    assert [(lamp.period, lamp.color, lamp.change) for lamp in rows] == [
        (JULY, "red", ""),
        (august, "yellow", "better"),
    ]


def _sheet(data):
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    header = {ws.cell(4, c).value or ws.cell(3, c).value: c for c in range(1, ws.max_column + 1)}
    rows = {}
    for r in range(5, ws.max_row + 1):
        name = ws.cell(r, header["项目名称"]).value
        if ws.cell(r, 1).value != "合计":
            rows[name] = (ws.cell(r, header["灯色"]).value, ws.cell(r, header["亮灯原因"]).value)
    return rows


def test_the_export_has_the_lamp_and_its_explanation(client, world):
    lit = light(world)
    client.force_login(world.office)
    response = client.get(reverse("ledger:export"), {"period": "2022-07"})
    rows = _sheet(response.content)
    assert rows[lit.red.name] == ("红灯", _stored(lit.red).explanation)
    assert rows[lit.yellow.name] == ("黄灯", _stored(lit.yellow).explanation)
    assert rows[lit.green.name][0] == "绿灯"
    assert rows[lit.unevaluated.name] == ("未评估", None)
    # Filtered by colour, as the list.
    red_only = _sheet(
        client.get(reverse("ledger:export"), {"period": "2022-07", "lamp": "red"}).content
    )
    assert list(red_only) == [lit.red.name]


def test_the_export_job_writes_the_lamps_for_its_owner_only(world, settings, tmp_path):
    from taizhang.jobs.progress import jobs_dir
    from taizhang.jobs.services import start_job
    from taizhang.jobs.tasks import execute
    from taizhang.ledger.jobs import EXPORT

    settings.MEDIA_ROOT = tmp_path
    lit = light(world)
    job = start_job(
        EXPORT, actor=world.bob, params={"query": "lamp=red&lamp=yellow", "period": "2022-07"}
    )
    execute(str(job.pk))
    job = Job.objects.get(pk=job.pk)
    assert job.result_file, job.error
    rows = _sheet((jobs_dir() / job.result_file).read_bytes())
    assert set(rows) == {lit.red.name, lit.yellow.name}
    assert rows[lit.red.name][0] == "红灯" and rows[lit.red.name][1]


@pytest.mark.parametrize("who", ["office", "alice", "bob", "carol", "dave", "victor", "eve"])
def test_every_persona_sees_the_lamps_of_its_own_projects_only(client, world, who):
    """The four colours split exactly the persona's own list: no project outside its scope
    comes in through a colour, and each row shows the colour it was filtered by."""
    light(world)
    user = getattr(world, who)
    own = set(Project.objects.restrict(user, "view").values_list("name", flat=True))
    seen = []
    for color in ("red", "yellow", "green", "none"):
        response = _list(client, user, lamp=color)
        rows = response.context["page"].object_list
        assert all((p.lamp.color if p.lamp else "none") == color for p in rows), (who, color)
        seen += [p.name for p in rows]
    assert sorted(seen) == sorted(own), who
