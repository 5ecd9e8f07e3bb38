"""Test data through the real services."""

from __future__ import annotations

from decimal import Decimal

from taizhang.core.services import UNCHECKED
from taizhang.ledger.services.reports import approve_report, save_report, submit_report


def approved(world, project, period, amount):
    report = save_report(project, period, actor=world.office,
                         data={"completed": Decimal(amount), "image_progress": "施工"},
                         expected_version=UNCHECKED)
    return approve_report(submit_report(report, actor=world.office, expected_version=UNCHECKED),
                          actor=world.office, expected_version=UNCHECKED)
