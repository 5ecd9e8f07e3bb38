"""Import of ledger sheets (台账): parse → plan → apply, in one service call.

Public API::

    import_ledger(source, filename, *, actor, period=None, dry_run=False, expect_digest=None)
        -> ImportResult

See ``result.py`` for ImportResult, RowError, ProjectChange, FieldChange and the totals.
"""

from taizhang.ledger.importing.result import (
    FieldChange,
    ImportResult,
    ImportTotals,
    ProjectChange,
    RowError,
    SheetTotals,
)
from taizhang.ledger.importing.service import import_ledger

__all__ = [
    "FieldChange",
    "ImportResult",
    "ImportTotals",
    "ProjectChange",
    "RowError",
    "SheetTotals",
    "import_ledger",
]
