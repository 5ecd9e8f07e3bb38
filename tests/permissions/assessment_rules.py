"""The permission matrix's rules for the assessment's pages (taizhang/assessment).

Only an office placed in a division reaches them (the superuser, placed nowhere, and the
stray office are refused); each office sees and writes its own county's only. Kept beside
test_matrix.py, which lists them in RULES.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.urls import reverse

from taizhang.assessment.models import Deduction, Result
from taizhang.assessment.services import add_deduction

OFFICE_OF = {"office": "A", "office2": "F"}  # the county (by project key) each office runs


def _helpers() -> Any:
    from tests.permissions import test_matrix

    return test_matrix


def _county(m: Any, who: str) -> Any:
    return m.projects[OFFICE_OF[who]].division.parent


def page(url: Callable[[Any], str]) -> Callable[[Any, str], None]:
    def check(m: Any, who: str) -> None:
        t = _helpers()
        response = t.client_for(m, who).get(url(m))
        t.assert_nothing_foreign(m, who, response)
        assert response.status_code == (200 if who in OFFICE_OF else 403), (who, response)
    return check


def publish(m: Any, who: str) -> None:
    """Each office publishes its own county's ranking; nobody else publishes anything."""
    t = _helpers()
    client = t.client_for(m, who)
    url = reverse("assessment:publish")
    response = client.get(url, {"period": "2022-07", "level": "township"})
    t.assert_nothing_foreign(m, who, response)
    assert response.status_code == (200 if who in OFFICE_OF else 403), who
    with t.rolled_back():
        response = client.post(url, {"period": "2022-07", "level": "township"})
        published = set(Result.objects.values_list("division_id", flat=True))
        if who in OFFICE_OF:
            assert response.status_code == 302, (who, response.status_code)
            assert published == {_county(m, who).pk}, who
        else:
            assert response.status_code == 403 and not published, who


def deductions(m: Any, who: str) -> None:
    """An office deducts from its own townships only: the other county's is no choice."""
    t = _helpers()
    client = t.client_for(m, who)
    url = reverse("assessment:deductions")
    response = client.get(url)
    t.assert_nothing_foreign(m, who, response)
    assert response.status_code == (200 if who in OFFICE_OF else 403), who
    for key in ("A", "F"):
        town = m.projects[key].division
        with t.rolled_back():
            response = client.post(url, {"month": "2022-07", "subject": f"township:{town.pk}",
                                         "kind": "criticism", "points": "1",
                                         "reason": "矩阵扣分"})
            made = Deduction.objects.filter(reason="矩阵扣分").exists()
            assert made == (OFFICE_OF.get(who) == key), (who, key, response.status_code)


def withdraw(m: Any, who: str) -> None:
    """County A's deduction: its office withdraws it; nobody else can."""
    t = _helpers()
    with t.rolled_back():
        town = m.projects["A"].division
        deduction = add_deduction(m.users["office"], month="2022-07", level="township",
                                  subject_id=town.pk, kind="criticism",
                                  points=Decimal("1"), reason="矩阵扣分")
        response = t.client_for(m, who).post(
            reverse("assessment:deduction-withdraw", args=[deduction.pk]))
        gone = not Deduction.objects.filter(pk=deduction.pk).exists()
        assert gone == (who == "office"), (who, response.status_code)
        assert response.status_code in (302, 403), who


RULES: dict[str, Callable[[Any, str], None]] = {
    "assessment/": page(lambda m: reverse("assessment:ranking") + "?period=2022-07"
                        "&level=township"),
    "assessment/publish/": publish,
    "assessment/results/": page(lambda m: reverse("assessment:results")),
    "assessment/scheme/<int:year>/": page(lambda m: reverse("assessment:scheme", args=[2022])),
    "assessment/deductions/": deductions,
    "assessment/deductions/<int:pk>/withdraw/": withdraw,
}
