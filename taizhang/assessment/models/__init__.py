from taizhang.assessment.models.deduction import Deduction
from taizhang.assessment.models.result import Result
from taizhang.assessment.models.scheme import Indicator, Scheme

__all__ = ["Deduction", "Indicator", "Result", "Scheme"]
