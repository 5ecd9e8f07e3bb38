"""Code run inside `manage.py shell -c` by the scratch processes (real services, real files)."""

from __future__ import annotations

import io
import random
import time
from decimal import Decimal
from pathlib import Path

from taizhang.core.services import UNCHECKED

WRITER_PREFIX = "并发写入项目"


def _png(seed: int) -> bytes:
    from PIL import Image

    rnd = random.Random(seed)
    image = Image.new("RGB", (64, 48))
    image.putdata([(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
                   for _ in range(64 * 48)])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def add_photos(count: int = 3) -> None:
    """Return `count` submitted reports and attach a distinct photo to each, as the office."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from taizhang.accounts.models import User
    from taizhang.ledger.choices import ReportStatus
    from taizhang.ledger.models import MonthlyReport
    from taizhang.ledger.services.reports import add_photo, return_report

    office = User.objects.get(username="office")
    reports = MonthlyReport.objects.filter(status=ReportStatus.SUBMITTED).order_by("pk")[:count]
    for number, report in enumerate(list(reports)):
        report = return_report(report, actor=office, reason="请补充现场照片",
                               expected_version=UNCHECKED)
        upload = SimpleUploadedFile(f"现场{number}.png", _png(number), "image/png")
        add_photo(report, upload, actor=office, caption=f"现场照片{number}")


def keep_writing(stop_file: str) -> None:
    """Create projects (each with its annual plan, in one transaction) until `stop_file`."""
    from django.db import transaction

    from taizhang.accounts.models import Organization, User
    from taizhang.ledger.services.plans import set_annual_plan
    from taizhang.ledger.services.projects import create_project

    office = User.objects.get(username="office")
    owner = Organization.objects.filter(kind="enterprise").order_by("pk").first()
    stop = Path(stop_file)
    number = 0
    while not stop.exists():
        number += 1
        with transaction.atomic():
            project = create_project(
                actor=office, name=f"{WRITER_PREFIX}{number:05d}", owner=owner,
                division=office.division, planned_total=Decimal("1000.00"), industry="C")
            set_annual_plan(project, 2022, actor=office, planned_investment=Decimal("300.00"),
                            expected_version=UNCHECKED)
        time.sleep(0.01)  # leave the other writers and readers some room
