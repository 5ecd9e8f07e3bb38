from taizhang.ledger.models.keylists import KeyList, KeyListMembership
from taizhang.ledger.models.plans import AnnualPlan
from taizhang.ledger.models.project import Project, StageChange
from taizhang.ledger.models.reports import MonthlyReport, ReportPhoto

__all__ = [
    "AnnualPlan",
    "KeyList",
    "KeyListMembership",
    "MonthlyReport",
    "Project",
    "ReportPhoto",
    "StageChange",
]
