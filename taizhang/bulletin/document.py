"""The bulletin as a sequence of blocks (masthead, headings, paragraphs, tables, charts), the
one layout the Word and PDF writers both render, in a real bulletin's register.

The document is in Chinese whatever the reader's language: it is the office's official
paper (GB/T 9704), issued and filed as such.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from taizhang.bulletin import charts, fmt
from taizhang.bulletin.content import (
    Content,
    CountLine,
    DispatchSummary,
    FactorSection,
    Figures,
    Masthead,
    ProjectLine,
    RankLine,
)
from taizhang.core.money import ZERO

CHINESE_ORDINALS = "一二三四五六七八九十"


@dataclass
class Heading:
    level: int  # 1: 一、 (黑体)  2: （一） (楷体)
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Note:
    """A sentence saying why a section has nothing to show."""

    text: str


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]
    total: list[str] | None = None
    widths: list[float] = field(default_factory=list)  # relative widths
    small: bool = False  # 小五 instead of 五号: a project table's eight columns


@dataclass
class Image:
    png: bytes
    caption: str


@dataclass
class Title:
    text: str


Block = Masthead | Title | Heading | Paragraph | Note | Table | Image


def months(content: Content) -> str:
    month = content.the_period.month
    return "1月" if month == 1 else f"1-{month}月"


def title_of(content: Content) -> str:
    period = content.the_period
    return f"{content.division}{period.year}年{months(content)}重点项目建设情况"


def overview(content: Content) -> str:
    """The opening paragraph: count, planned total, plan, year to date, rate, time progress,
    new starts and start rate."""
    t = content.total
    period = content.the_period
    text = (f"截至{period.year}年{period.month}月底，{content.division}共有重点项目"
            f"{t.projects}个，计划总投资{fmt.yi(t.planned_total, 1)}亿元，"
            f"年度计划投资{fmt.yi(t.annual_plan, 1)}亿元。{months(content)}累计完成投资"
            f"{fmt.yi(t.ytd_completed, 1)}亿元，占年度计划的{fmt.pct(t.completion_rate)}%，"
            f"{fmt.ahead_or_behind(t.points_vs_time)}（序时进度"
            f"{fmt.pct(content.time_progress)}%）；其中{period.month}月份完成投资"
            f"{fmt.yi(t.month_completed, 1)}亿元。")
    basis = ("计划新开工项目" if content.start_rate_basis != "all" else "全部重点项目")
    text += f"今年以来新开工项目{t.new_starts}个"
    if content.start_rate is not None:
        text += f"，开工率{fmt.pct(content.start_rate)}%（以{basis}为基数"
        if content.start_rate_basis != "all":
            text += f"，计划新开工{content.planned_new_starts}个"
        text += "）"
    return text + "。"


def batches(content: Content) -> str:
    parts = []
    for b in content.batches:
        part = f"{b.word}一批{b.projects}个，计划总投资{fmt.yi(b.planned_total, 1)}亿元"
        if b.annual_plan != ZERO:
            part += (f"，年度计划{fmt.yi(b.annual_plan, 1)}亿元，累计完成"
                     f"{fmt.yi(b.ytd_completed, 1)}亿元")
        parts.append(part)
    return "按照“谋划一批、开工一批、建设一批、保投产一批”统计：" + "；".join(parts) + "。"


def _leaders(lines: list[Figures], what: str) -> str:
    ranked = [line for line in lines if line.rank is not None]
    if not ranked:
        return ""
    ahead = [line for line in ranked if (line.points_vs_time or 0) >= 0]
    text = f"{len(ranked)}个{what}中，{len(ahead)}个达到或超过序时进度"
    best, worst = ranked[0], ranked[-1]
    text += (f"；完成率最高的是{best.name}（{fmt.pct(best.completion_rate)}%），"
             f"最低的是{worst.name}（{fmt.pct(worst.completion_rate)}%）。")
    return text


GROUP_HEADER = ["排名", "名称", "项目数", "计划总投资（亿元）", "年度计划（亿元）",
                "累计完成（亿元）", "完成率（%）", "超/慢序时（百分点）"]


def group_row(line: Figures, rank: bool = True) -> list[str]:
    return ["" if not rank or line.rank is None else str(line.rank), line.name,
            str(line.projects), fmt.yi(line.planned_total), fmt.yi(line.annual_plan),
            fmt.yi(line.ytd_completed), fmt.pct(line.completion_rate),
            fmt.points(line.points_vs_time)]


def group_table(caption: str, what: str, lines: list[Figures], total: Figures) -> Table:
    header = [GROUP_HEADER[0], what, *GROUP_HEADER[2:]]
    totals = group_row(total, rank=False)
    totals[1] = "合计"
    return Table(caption, header, [group_row(line) for line in lines], totals,
                 [0.6, 2.6, 0.7, 1.2, 1.1, 1.1, 0.9, 1.1])


PROJECT_HEADER = ["序号", "项目名称", "责任单位", "所属乡镇", "总投资（万元）",
                  "年度计划（万元）", "累计完成（万元）"]


def project_rows(lines: list[ProjectLine], date: Callable[[ProjectLine], str]) -> list[list[str]]:
    return [[str(i), p.name, p.unit, p.township, fmt.wan(p.planned_total),
             fmt.wan(p.annual_plan), fmt.wan(p.ytd_completed), date(p)]
            for i, p in enumerate(lines, start=1)]


def project_table(caption: str, lines: list[ProjectLine], date_head: str,
                  date: Callable[[ProjectLine], str]) -> Table:
    return Table(caption, [*PROJECT_HEADER, date_head], project_rows(lines, date), None,
                 [8, 38, 20, 15, 17, 17, 17, 20], small=True)


def ranking_levels(content: Content) -> list[tuple[str, list[RankLine]]]:
    """The rankings, units first (a snapshot's keys come back sorted)."""
    rankings = content.rankings or {}
    return [(level, rankings[level]) for level in ("unit", "township") if level in rankings]


COLOR_WORDS = {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}
#: The units' table is shown while it stays short; the workbook always has it.
UNIT_ROWS_SHOWN = 15


def dispatch_summary(content: Content, d: DispatchSummary) -> str:
    """今年以来，共召开集中调度会7次、…，协调解决问题54个；截至7月底尚有N个问题未解决，其中M个
    已超期。"""
    held = "、".join(f"{m.name}{m.count}次" for m in d.meetings if m.count)
    text = "今年以来，" + (f"共召开{held}，" if held else "")
    text += f"协调解决问题{d.resolved}个；截至{content.the_period.month}月底"
    if not d.open:
        return text + "问题均已解决。"
    text += f"尚有{d.open}个问题未解决"
    return text + (f"，其中{d.overdue}个已超期。" if d.overdue else "，均未超期。")


def solved_table(caption: str, what: str, lines: list[CountLine]) -> Table:
    return Table(caption, ["序号", what, "解决问题（个）"],
                 [[str(i), line.name, str(line.count)] for i, line in enumerate(lines, 1)],
                 ["", "合计", str(sum(line.count for line in lines))], [0.7, 3.0, 1.4])


FACTORS_HEADING = "要素保障情况"


def factor_table(section: FactorSection) -> Table:
    return Table(f"{section.title}主要指标", ["指标", "数值"],
                 [[line.label, line.value] for line in section.lines], None, [3.0, 2.0])


def blocks(content: Content, *, with_charts: bool = True) -> Iterator[Block]:
    yield content.masthead
    yield Title(title_of(content))
    n = iter(CHINESE_ORDINALS)
    yield Heading(1, f"{next(n)}、总体情况")
    yield Paragraph(overview(content))
    yield Paragraph(batches(content))

    yield Heading(1, f"{next(n)}、分责任单位推进情况")
    yield Paragraph(_leaders(content.units, "责任单位") or "本期无责任单位数据。")
    yield group_table("表1  各责任单位重点项目推进情况", "责任单位", content.units, content.total)
    if with_charts and content.units:
        yield Image(charts.completion_by_unit(content), "图1  各责任单位年度计划完成率")

    yield Heading(1, f"{next(n)}、分乡镇（街道）推进情况")
    yield Paragraph(_leaders(content.townships, "乡镇（街道）") or "本期无乡镇数据。")
    yield group_table("表2  各乡镇（街道）重点项目推进情况", "乡镇（街道）", content.townships,
                      content.total)

    yield Heading(1, f"{next(n)}、考核排名")
    if content.rankings is None:
        yield Note("本期尚未开展考核排名。")
    else:
        for i, (level, rows) in enumerate(ranking_levels(content), start=1):
            what = "责任单位" if level == "unit" else "乡镇（街道）"
            yield Heading(2, f"（{CHINESE_ORDINALS[i - 1]}）{what}考核排名")
            yield Table(f"{what}考核得分及排名", ["排名", what, "得分", "备注"],
                        [[str(r.rank), r.name, str(r.total), r.mark] for r in rows], None,
                        [0.6, 3.0, 1.0, 1.4])

    yield Heading(1, f"{next(n)}、红黄灯预警")
    if content.lamps is None:
        yield Note("本期未评估预警（红黄绿灯）。")
    else:
        for i, color in enumerate(("red", "yellow"), start=1):
            lamps = [lamp for lamp in content.lamps if lamp.color == color]
            yield Heading(2, f"（{CHINESE_ORDINALS[i - 1]}）{COLOR_WORDS[color]}项目"
                             f"（{len(lamps)}个）")
            if lamps:
                yield Table(f"{COLOR_WORDS[color]}项目及原因", ["序号", "项目名称", "责任单位",
                                                        "原因"],
                            [[str(j), lamp.project, lamp.unit, lamp.reason]
                             for j, lamp in enumerate(lamps, start=1)], None,
                            [0.7, 2.6, 1.5, 3.6])
            else:
                yield Note(f"本期无{COLOR_WORDS[color]}项目。")

    if content.dispatch is not None:
        d = content.dispatch
        yield Heading(1, f"{next(n)}、项目调度和问题协调解决情况")
        yield Paragraph(dispatch_summary(content, d))
        if d.by_category:
            yield solved_table("表3  分类别协调解决问题情况", "问题类别", d.by_category)
        if d.by_unit and len(d.by_unit) <= UNIT_ROWS_SHOWN:
            yield solved_table("表4  各责任单位协调解决问题情况", "责任单位", d.by_unit)

    if content.factors:
        yield Heading(1, f"{next(n)}、{FACTORS_HEADING}")
        for i, section in enumerate(content.factors):
            yield Heading(2, f"（{CHINESE_ORDINALS[i % len(CHINESE_ORDINALS)]}）{section.title}")
            if section.lines:
                yield factor_table(section)
            else:
                yield Note(f"本期无{section.title}数据。")

    period = content.the_period
    yield Heading(1, f"{next(n)}、{period.month}月份新开工和竣工投产项目")
    parts: list[tuple[str, list[ProjectLine], str, Callable[[ProjectLine], str]]] = [
        ("新开工", content.new_starts, "开工日期", lambda p: p.actual_start),
        ("竣工投产", content.completions, "竣工日期", lambda p: p.actual_completion)]
    for i, (what, lines, date_head, date) in enumerate(parts):
        yield Heading(2, f"（{CHINESE_ORDINALS[i]}）{what}项目（{len(lines)}个）")
        if lines:
            yield project_table(f"本月{what}项目", lines, date_head, date)
        else:
            yield Note(f"本月无{what}项目。")

    yield Heading(1, f"{next(n)}、累计完成投资走势")
    last = content.curve[-1] if content.curve else None
    if last is not None:
        yield Paragraph(f"{months(content)}累计完成投资{fmt.yi(last.ytd_completed, 1)}亿元，"
                        f"按序时进度应完成{fmt.yi(last.plan_line, 1)}亿元。")
    if with_charts and content.curve:
        yield Image(charts.cumulative_curve(content), "图2  累计完成投资与序时进度")
    for note in content.notes:
        yield Note(note)
