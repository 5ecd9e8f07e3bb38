"""The assessment's records: schemes, deductions and published results.

Who sees them: the office of a division, for its division and those below
(`accounts.scope.office_rows_q` in each model's ``scope_q``). Owners, leaders, units, banks
and viewers see none of it (a ranking names who is summoned), and no office sees another
county's.
"""

from taizhang.assessment.models.deduction import Deduction
from taizhang.assessment.models.result import Result
from taizhang.assessment.models.scheme import Indicator, Scheme

__all__ = ["Deduction", "Indicator", "Result", "Scheme"]
