"""Dispatch in the Qian'an 2022 demo: the article's first seven months, 7 centralized, 10
single-project and 23 on-site dispatches, 54 problems coordinated and solved; the rest of the
problems still open at the end of July, some past their deadline and under a 督办单.

Everything goes through dispatch's services (as the office, and as the responsible unit for
its steps), so each meeting and each step has its audit trail. Names and texts invented.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from taizhang.accounts.models import Division
from taizhang.dispatch.choices import MeetingKind
from taizhang.dispatch.models import Meeting, Problem
from taizhang.dispatch.services import (
    ProblemSpec,
    accept,
    confirm_resolution,
    propose_resolution,
    record_meeting,
    submit_plan,
    tick,
)
from taizhang.scenarios.qianan import data as D

KINDS = {MeetingKind.CENTRALIZED: 7, MeetingKind.SINGLE_PROJECT: 10, MeetingKind.ON_SITE: 23}
RESOLVED = 54
OVERDUE = 8  # of the problems left open, those past their deadline by the end of July
FIRST_MEETING = date(2022, 1, 8)
JULY_END = date(2022, 7, 31)
PLACES = {MeetingKind.CENTRALIZED: "市政府第一会议室",
          MeetingKind.SINGLE_PROJECT: "市发改局三楼会议室", MeetingKind.ON_SITE: "项目现场"}
PROBLEMS = {
    "land": ["用地组卷报批进度慢，需协调自然资源部门加快办理", "项目红线内尚有2户未完成征收"],
    "financing": ["项目资本金到位不足，需协调银行贷款投放", "专项债券资金拨付滞后"],
    "procedures": ["施工许可证办理卡在消防审查环节", "环评批复前置要件不齐"],
    "planning": ["规划设计方案需调整，等待规委会审议", "建设工程规划许可证未取得"],
    "environment": ["重污染天气管控期间土方作业受限", "施工扬尘治理设施需完善"],
    "utilities": ["施工用电未接入，需供电公司增容", "天然气管线迁改方案未确定"],
    "demolition": ["地上附着物清表未完成", "厂区旧建筑拆除进度滞后"],
    "labour": ["技术工人短缺，需人社部门协助招工", "农民工工资专户未按要求设立"],
    "other": ["进场道路未打通，需交通部门协调", "施工噪声扰民投诉需协调"],
}
RESOLUTIONS = ["已协调相关部门办结", "已召开专题会议解决", "相关手续已办理完毕",
               "已落实资金并拨付到位"]


def load_dispatch(county: Any, office: Any, projects: list[Any], chairs: dict[str, Any]) -> None:
    """The meetings of 2022 up to July and their problems. `projects`: the scenario's
    projects with a leader and a responsible unit; `chairs`: leaders by name."""
    rng = random.Random(D.SEED + 12)
    kinds = [kind for kind, n in KINDS.items() for _i in range(n)]
    rng.shuffle(kinds)
    top = chairs[D.LEADERS[1][0]]  # the mayor chairs the centralized meetings
    plan = [(kind, FIRST_MEETING + timedelta(days=index * 5),
             1 if kind == MeetingKind.ON_SITE and index % 3 == 0 else 2)
            for index, kind in enumerate(kinds)]
    number = 0  # the problem's rank in the year: it decides its deadline (`_deadline`)
    raised: list[Problem] = []
    for kind, day, count in plan:
        chosen = rng.sample(projects, count)
        specs = []
        for project in chosen:
            category = rng.choice(list(PROBLEMS))
            specs.append(ProblemSpec(project, category, rng.choice(PROBLEMS[category]),
                                     project.responsible_unit, _deadline(number, day)))
            number += 1
        chair = top if kind == MeetingKind.CENTRALIZED else chosen[0].leader
        meeting = record_meeting(
            actor=office, division=county, kind=kind, date=day, chair=chair,
            place=PLACES[kind], title=_title(kind, day, chosen[0]),
            minutes="会议听取了项目推进情况汇报，研究解决项目建设中的困难和问题。",
            units=list({p.responsible_unit for p in chosen}), problems=specs)
        raised += list(meeting.problems.order_by("pk"))
    _work(raised, office, rng)


def _deadline(number: int, day: date) -> date:
    """Solved ones: a month; the first OVERDUE left open: ten days (past by the end of
    July); the others: in August."""
    if number < RESOLVED:
        return day + timedelta(days=30)
    if number < RESOLVED + OVERDUE:
        return min(day + timedelta(days=10), JULY_END - timedelta(days=2))
    return date(2022, 8, 15) + timedelta(days=number - RESOLVED)


def _title(kind: str, day: date, project: Any) -> str:
    if kind == MeetingKind.CENTRALIZED:
        return f"{day.year}年{day.month}月重点项目集中调度会"
    if kind == MeetingKind.SINGLE_PROJECT:
        return f"{project.name}专题调度会"
    return f"{project.name}现场调度"


def _work(raised: list[Problem], office: Any, rng: random.Random) -> None:
    """The first 54 problems raised are solved before the end of July; of the rest, the
    first OVERDUE had a short deadline in June or July and escalate, the others are still
    being worked on with deadlines in August."""
    solved, left = raised[:RESOLVED], raised[RESOLVED:]
    for problem in solved:
        start = problem.raised_on
        problem = accept(problem, actor=None, expected_version=problem.version,
                         today=start + timedelta(days=1))
        done = min(start + timedelta(days=rng.randint(5, 28)), JULY_END - timedelta(days=1))
        problem = propose_resolution(problem, rng.choice(RESOLUTIONS), actor=None,
                                     expected_version=problem.version, today=done)
        confirm_resolution(problem, actor=office, expected_version=problem.version,
                           today=done + timedelta(days=1))
    for index, problem in enumerate(left):
        if index % 2 == 0:
            accept(problem, actor=None, expected_version=problem.version,
                   today=problem.raised_on + timedelta(days=2))
    tick(today=JULY_END)  # the overdue ones escalate: a 督办单 each
    for problem in Problem.objects.filter(pk__in=[p.pk for p in left[:3]]):
        submit_plan(problem, "已制定整改方案，明确时间节点，倒排工期推进。", actor=None,
                    today=JULY_END)


def unattributed_events_q(county_code: str) -> Q:
    """The audit events of the demo's problems written as nobody (the unit's steps and the
    daily tick): the reset purges them with its accounts' events."""
    county = Division.objects.filter(code=county_code).first()
    if county is None:
        return Q(pk__in=[])
    ids = [str(pk) for pk in Problem.objects.filter(county.subtree_q("project__division__"))
           .values_list("pk", flat=True)]
    return Q(actor=None, object_type="dispatch.problem", object_id__in=ids)


def reset_dispatch(county_code: str) -> int:
    """Delete the demo's meetings (their problems with them) before its people and accounts."""
    return Meeting.objects.filter(division__code=county_code).delete()[0]
