"""A meeting's minutes as a Word document in the register of a real 会议纪要: the title,
时间 / 地点 / 主持 / 参会, the minutes, then 会议议定事项 (the problems) and 交办事项 (the tasks)
numbered, each with its 责任单位 and 完成时限. Fonts after GB/T 9704 (title 小标宋 2号, body
仿宋 3号) where the reader has them."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from taizhang.dispatch.models import Meeting

TITLE_PT, BODY_PT = 22, 16  # 2号, 3号


def _font(run: Any, name: str, size: int, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def _line(doc: Any, text: str, font: str = "仿宋", size: int = BODY_PT,
          bold: bool = False) -> Any:
    paragraph = doc.add_paragraph()
    _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def minutes_docx(meeting: Meeting) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.left_margin, section.right_margin = Mm(37), Mm(28), Mm(26)
    title = _line(doc, f"{meeting.title or meeting.get_kind_display()}会议纪要", "方正小标宋简体",
                  TITLE_PT)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    attendees = "、".join([u.name for u in meeting.units.all()]
                         + [p.name for p in meeting.attendees.all()]) or "—"
    for label, value in (("时间", f"{meeting.date:%Y年%-m月%-d日}"), ("地点", meeting.place or "—"),
                         ("主持", meeting.chair.name), ("参会", attendees)):
        _line(doc, f"{label}：{value}")
    projects = "、".join(p.name for p in meeting.projects.all())
    if projects:
        _line(doc, f"项目：{projects}")
    if meeting.minutes:
        for text in meeting.minutes.splitlines():
            if text.strip():
                _line(doc, text.strip())
    _line(doc, "会议议定事项", "黑体")
    problems = meeting.problems.select_related("project", "responsible_unit").order_by("pk")
    for number, problem in enumerate(problems, 1):
        _line(doc, f"{number}. {problem.project.name}：{problem.description}")
        _line(doc, f"责任单位：{problem.responsible_unit.name}；"
                   f"完成时限：{problem.deadline:%Y年%-m月%-d日}")
    tasks = meeting.tasks.select_related("responsible_unit").order_by("pk")
    if tasks:
        _line(doc, "交办事项", "黑体")
    for number, task in enumerate(tasks, 1):
        _line(doc, f"{number}. {task.description}")
        _line(doc, f"责任单位：{task.responsible_unit.name}；"
                   f"完成时限：{task.deadline:%Y年%-m月%-d日}"
                   + (f"（已于{task.done_on:%Y年%-m月%-d日}完成）" if task.done_on else ""))
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
