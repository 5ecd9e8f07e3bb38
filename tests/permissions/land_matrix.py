"""Land's URLs in the permission matrix (test_matrix.RULES takes `RULES` from here).

By hand: every land page but the owner's is an office's placed in a division (the superuser
has none and the stray office no division: 403; everyone else 403); an office reaches its own
county's quota, allocations and records, the other county's are "not found". An owner's page
lists its own projects' allocations (Alice: A only, not her company's G in the far county).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import reverse

from .conftest import Matrix

PLACED = {"office": "AB", "office2": "FG"}
OWNERS = {"alice", "bob"}


def _t() -> Any:
    from . import test_matrix

    return test_matrix


def _county_of(key: str) -> str:
    return "office" if key in "AB" else "office2"


def _setup(m: Matrix) -> dict[str, Any]:
    """A 2022 quota per county, a request of each project, a record per county."""
    found = getattr(m, "_land", None)
    if found is None:
        from taizhang.land import services

        quotas, allocations, records = {}, {}, {}
        for who, key in (("office", "A"), ("office2", "F")):
            division = m.projects[key].division.parent
            quotas[who] = services.set_quota(division, 2022, Decimal("100.00"),
                                             actor=m.users[who])
            records[key] = services.save_consolidation(
                actor=m.users[who], division=division, kind="idle", name=f"LANDREC-{key}",
                area=Decimal("10.00"), date=date(2022, 5, 1), projects=[m.projects[key]])
        for key, project in m.projects.items():
            allocations[key] = services.request_land(
                quotas[_county_of(key)], project, Decimal("5.00"),
                actor=m.users[_county_of(key)], on=date(2022, 3, 1))
        found = {"quotas": quotas, "allocations": allocations, "records": records}
        m._land = found  # type: ignore[attr-defined]
    return found


def _page(name: str, allowed: set[str]) -> Callable[[Matrix, str], None]:
    def check(m: Matrix, who: str) -> None:
        _setup(m)
        t = _t()
        response = t.client_for(m, who).get(reverse(name) + "?year=2022")
        t.assert_nothing_foreign(m, who, response)
        assert response.status_code == (200 if who in allowed else 403), (who, response)

    return check


def overview(m: Matrix, who: str) -> None:
    from taizhang.land.models import LandQuota

    _page("land:overview", set(PLACED))(m, who)
    quotas = _setup(m)["quotas"]
    t = _t()
    with t.rolled_back():
        version = quotas["office"].version if who == "office" else 1
        t.client_for(m, who).post(reverse("land:overview") + "?year=2022",
                                  {"quota": "123.00", "version": str(version)})
        changed = LandQuota.objects.filter(quota=Decimal("123.00")).exists()
        assert changed == (who in PLACED), who


def allocations(m: Matrix, who: str) -> None:
    from taizhang.land.models import Allocation

    _page("land:allocations", set(PLACED))(m, who)
    t = _t()
    for key, project in m.projects.items():
        with t.rolled_back():
            Allocation.objects.filter(project=project).delete()
            t.client_for(m, who).post(reverse("land:allocations") + "?year=2022", {
                "project": project.name, "requested": "1.00", "requested_on": "2022-04-01"})
            added = Allocation.objects.filter(project=project).exists()
            assert added == (key in PLACED.get(who, "")), (who, key)


def allocation(m: Matrix, who: str) -> None:
    from taizhang.land.models import Allocation

    found = _setup(m)["allocations"]
    t = _t()
    client = t.client_for(m, who)
    for key, row in found.items():
        allowed = key in PLACED.get(who, "")
        url = reverse("land:allocation", args=[row.pk])
        response = client.get(url)
        t.assert_nothing_foreign(m, who, response)
        assert response.status_code == (200 if allowed else 404 if who in PLACED else 403), (
            who, key)
        with t.rolled_back():
            client.post(url, {"action": "allocate", "area": "1.00", "on": "2022-04-01",
                              "override_reason": "矩阵", "version": row.version})
            changed = Allocation.objects.get(pk=row.pk).allocated > 0
            assert changed == allowed, (who, key)
    expected = 404 if who in PLACED else 403
    assert client.get(reverse("land:allocation", args=[t.MISSING])).status_code == expected


def consolidation_new(m: Matrix, who: str) -> None:
    from taizhang.land.models import ConsolidationRecord

    _page("land:consolidation-new", set(PLACED))(m, who)
    t = _t()
    with t.rolled_back():
        t.client_for(m, who).post(reverse("land:consolidation-new"), {
            "kind": "consolidation", "name": "矩阵整治", "area": "3", "status": "planned",
            "date": "2022-06-01"})
        assert ConsolidationRecord.objects.filter(name="矩阵整治").exists() == (who in PLACED)


def consolidation(m: Matrix, who: str) -> None:
    from taizhang.land.models import ConsolidationRecord

    records = _setup(m)["records"]
    t = _t()
    client = t.client_for(m, who)
    for key, record in records.items():
        allowed = key in PLACED.get(who, "")
        url = reverse("land:consolidation", args=[record.pk])
        response = client.get(url)
        t.assert_nothing_foreign(m, who, response)
        assert response.status_code == (200 if allowed else 404 if who in PLACED else 403), (
            who, key)
        with t.rolled_back():
            client.post(url, {"kind": "idle", "name": "矩阵改名", "area": "4",
                              "status": "completed", "date": "2022-06-01",
                              "version": record.version})
            assert ConsolidationRecord.objects.filter(name="矩阵改名").exists() == allowed


def mine(m: Matrix, who: str) -> None:
    _setup(m)
    t = _t()
    response = t.client_for(m, who).get(reverse("land:mine"))
    t.assert_nothing_foreign(m, who, response)
    assert response.status_code == (200 if who in OWNERS else 403), who
    if who == "alice":
        text = t.text_of(response)
        assert m.projects["A"].name in text and m.projects["G"].name not in text


RULES: dict[str, Callable[[Matrix, str], None]] = {
    "land/": overview,
    "land/allocations/": allocations,
    "land/allocations/<int:pk>/": allocation,
    "land/consolidation/": _page("land:consolidations", set(PLACED)),
    "land/consolidation/new/": consolidation_new,
    "land/consolidation/<int:pk>/": consolidation,
    "land/mine/": mine,
}
