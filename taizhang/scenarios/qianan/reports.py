"""What the monthly reports of the Qian'an 2022 demo say, and when they were sent and reviewed."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from taizhang.scenarios.common.fitting import wan
from taizhang.scenarios.common.templates import PHASES
from taizhang.scenarios.qianan import data as D
from taizhang.scenarios.qianan.plan import ProjectSpec

TZ = ZoneInfo("Asia/Shanghai")
PROBLEMS = [
    "施工用电增容手续正在办理",
    "部分地块征迁工作尚未完成",
    "建设资金存在缺口，正在对接银行贷款",
    "钢材、水泥等原材料价格上涨，建设成本增加",
    "施工图审查时间较长",
    "主要设备到货延迟",
]


def report_data(
    p: ProjectSpec, month: int, amount: int, done_before: int, rng: random.Random
) -> dict[str, Any]:
    """The content of one month's report; `done_before` is since-start before this month."""
    phases = PHASES[p.works]
    share = (done_before + amount) / p.total if p.total else 0
    index = min(len(phases) - 1, int(share * len(phases) * 1.15))
    percent = max(1, min(99, round(share * 100)))
    finished = p.kind == "completed" and month == p.moves[-1][1].month
    if finished:
        progress = "项目已竣工验收，正式投产运行"
    elif amount == 0:
        progress = f"按管控要求暂停施工，累计完成投资占总投资的{percent}%"
    else:
        first = p.kind == "new" and p.start is not None and p.start.month == month
        lead = "项目开工建设，" if first else ""
        progress = f"{lead}{phases[index]}，累计完成投资占总投资的{percent}%"
    problems = ""
    if month in D.MONTH_NOTES and rng.random() < 0.35:
        problems = D.MONTH_NOTES[month]
    elif rng.random() < 0.05:
        problems = rng.choice(PROBLEMS)
    behind = bool(problems) and month == 4 and rng.random() < 0.4
    if finished:
        next_steps = "做好竣工决算及达产达效工作"
    else:
        step = phases[min(len(phases) - 1, index + 1)]
        next_steps = f"加快推进{step}，确保完成年度投资计划"
    return {
        "completed": wan(amount),
        "image_progress": progress,
        "behind_schedule": behind,
        "behind_reason": problems if behind else "",
        "problems": problems,
        "next_steps": next_steps,
    }


def sent_and_reviewed(
    year: int, month: int, rng: random.Random
) -> tuple[datetime, datetime]:
    """Reports go in during the first days of the next month and are reviewed within days."""
    nxt_year, nxt_month = (year + 1, 1) if month == 12 else (year, month + 1)
    sent = datetime(nxt_year, nxt_month, rng.randint(2, 6), rng.randint(8, 17),
                    rng.randint(0, 59), tzinfo=TZ)
    reviewed = sent + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5))
    return sent, reviewed


def site_photo(name: str, rng: random.Random) -> Any:
    """A small JPEG standing in for a site photo (sky, ground, a building going up), made
    here so the demo carries no binary files; the review queue shows it as a thumbnail."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (150, 190, 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 330, 640, 480), fill=(150, 130, 100))
    left = rng.randint(80, 300)
    height = rng.randint(120, 260)
    draw.rectangle((left, 330 - height, left + 220, 330), fill=(120, 120, 125))
    for floor in range(330 - height + 15, 330, 30):
        draw.line((left, floor, left + 220, floor), fill=(90, 90, 95), width=3)
    draw.line((left + 240, 330, left + 240, 60), fill=(230, 170, 30), width=8)  # a crane
    draw.line((left + 120, 70, left + 400, 70), fill=(230, 170, 30), width=8)
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(f"{name}.jpg", buffer.getvalue(), content_type="image/jpeg")
