"""The procedures' URLs in the permission matrix (test_matrix.RULES takes `RULES` from here).

By hand: items, nodes and the project's procedures page follow the project's scope (VIEW to
read; the project's office, the superuser and its owner to change); an item also its
department (dave's unit has A's construction permit); the due list and the campaigns are for
those who work items (offices placed, owners, units; the superuser); the checklist, the
catalogue, a campaign's targets and the responsibility check are an office's placed in a
division (the superuser has none: 403), anything outside its county "not found".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.urls import reverse

from .conftest import VIEW, Matrix

WORKERS = {"office", "office2", "super", "alice", "bob", "dave"}
PLACED = {"office": "AB", "office2": "FG"}
OWNS = {"alice": "A", "bob": "B"}


def _t() -> Any:
    from . import test_matrix

    return test_matrix


def _setup(m: Matrix) -> dict[str, Any]:
    """Each project's checklist and a node; A's construction permit is dave's unit's; a
    campaign in Qian'an. Made once per matrix."""
    found = getattr(m, "_procedures", None)
    if found is None:
        from taizhang.core.services import UNCHECKED
        from taizhang.procedures import services
        from taizhang.procedures.models import ProcedureItem

        items, nodes = {}, {}
        for key, project in m.projects.items():
            office = m.users["office" if key in "AB" else "office2"]
            services.open_checklist(project, actor=office)
            items[key] = ProcedureItem.objects.get(
                project=project, kind__code="construction_permit"
            )
            nodes[key] = services.add_node(
                project, name=f"NODE-{key}", planned_date=date(2022, 9, 1), actor=office
            )
        items["A"] = services.update_item(
            items["A"], actor=m.users["office"], expected_version=UNCHECKED, department=m.world.unit
        )
        campaign = services.create_campaign(
            m.world.county,
            name="矩阵手续办理季",
            start=date(2022, 3, 1),
            end=date(2022, 9, 30),
            actor=m.users["office"],
        )
        found = {"items": items, "nodes": nodes, "campaign": campaign}
        m._procedures = found  # type: ignore[attr-defined]
    return found


def _may_change(who: str, key: str) -> bool:
    return who == "super" or key in PLACED.get(who, "") or OWNS.get(who) == key


def _page(name: str, allowed: set[str]) -> Callable[[Matrix, str], None]:
    def check(m: Matrix, who: str) -> None:
        _setup(m)
        t = _t()
        response = t.client_for(m, who).get(reverse(name))
        t.assert_nothing_foreign(m, who, response)
        assert response.status_code == (200 if who in allowed else 403), (who, response)

    return check


def project_page(m: Matrix, who: str) -> None:
    _setup(m)
    t = _t()
    client = t.client_for(m, who)
    for key, project in m.projects.items():
        response = client.get(reverse("procedures:project", args=[project.pk]))
        t.assert_nothing_foreign(m, who, response)
        assert response.status_code == (200 if key in VIEW[who] else 404), (who, key)
    assert client.get(reverse("procedures:project", args=[t.MISSING])).status_code == 404


def add_node(m: Matrix, who: str) -> None:
    from taizhang.procedures.models import Node

    _setup(m)
    t = _t()
    for key, project in m.projects.items():
        with t.rolled_back():
            response = t.client_for(m, who).post(
                reverse("procedures:add-node", args=[project.pk]),
                {"name": "矩阵节点", "planned_date": "2022-10-01"},
            )
            added = Node.objects.filter(name="矩阵节点").exists()
            assert added == _may_change(who, key), (who, key, response.status_code)
            assert response.status_code in (302, 403, 404), (who, key)


def open_checklist(m: Matrix, who: str) -> None:
    from taizhang.procedures.models import ProcedureItem, ProcedureKind

    setup = _setup(m)
    t = _t()
    ProcedureKind.objects.get_or_create(code="", name="矩阵手续", defaults={"order": 200})
    for key, project in m.projects.items():
        with t.rolled_back():
            response = t.client_for(m, who).post(
                reverse("procedures:open-checklist", args=[project.pk])
            )
            added = ProcedureItem.objects.filter(kind__name="矩阵手续").exists()
            assert added == (key in PLACED.get(who, "")), (who, key)
            expected = 302 if added else (404 if who in PLACED else 403)
            assert response.status_code == expected, (who, key, response.status_code)
    assert setup


def item_page(m: Matrix, who: str) -> None:
    from taizhang.procedures.models import ProcedureItem

    items = _setup(m)["items"]
    t = _t()
    client = t.client_for(m, who)
    for key, item in items.items():
        allowed = _may_change(who, key) or (who == "dave" and key == "A")
        url = reverse("procedures:item", args=[item.pk])
        response = client.get(url)
        t.assert_nothing_foreign(m, who, response)
        assert response.status_code == (200 if allowed else 404), (who, key)
        with t.rolled_back():
            client.post(url, {"status": "in_progress", "note": "矩阵备注", "version": item.version})
            changed = ProcedureItem.objects.filter(note="矩阵备注").exists()
            assert changed == allowed, (who, key)
    assert client.get(reverse("procedures:item", args=[t.MISSING])).status_code == 404


def node_page(m: Matrix, who: str) -> None:
    from taizhang.procedures.models import Node

    nodes = _setup(m)["nodes"]
    t = _t()
    client = t.client_for(m, who)
    for key, node in nodes.items():
        allowed = _may_change(who, key)
        url = reverse("procedures:node", args=[node.pk])
        response = client.get(url)
        t.assert_nothing_foreign(m, who, response)
        assert response.status_code == (200 if allowed else 404), (who, key)
        with t.rolled_back():
            client.post(
                url, {"name": "矩阵改名", "planned_date": "2022-09-02", "version": node.version}
            )
            assert Node.objects.filter(name="矩阵改名").exists() == allowed, (who, key)


def campaigns(m: Matrix, who: str) -> None:
    from taizhang.procedures.models import Campaign

    _page("procedures:campaigns", WORKERS)(m, who)
    t = _t()
    with t.rolled_back():
        t.client_for(m, who).post(
            reverse("procedures:campaigns"),
            {"name": "矩阵新季", "start": "2022-10-01", "end": "2022-12-31"},
        )
        assert Campaign.objects.filter(name="矩阵新季").exists() == (who in PLACED), who


def campaign(m: Matrix, who: str) -> None:
    found = _setup(m)["campaign"]
    t = _t()
    response = t.client_for(m, who).get(reverse("procedures:campaign", args=[found.pk]))
    t.assert_nothing_foreign(m, who, response)
    sees = {"office", "super", "alice", "bob", "dave"}
    expected = 200 if who in sees else (404 if who in WORKERS else 403)
    assert response.status_code == expected, (who, response.status_code)


def campaign_targets(m: Matrix, who: str) -> None:
    from taizhang.procedures.models import ProcedureKind

    found = _setup(m)["campaign"]
    t = _t()
    kind = ProcedureKind.objects.get(code="environment")
    with t.rolled_back():
        # Targets are the pipeline's items: B back at the preliminary stage for the test.
        type(m.projects["B"]).objects.filter(pk=m.projects["B"].pk).update(stage="preliminary")
        response = t.client_for(m, who).post(
            reverse("procedures:campaign-targets", args=[found.pk]), {"kind": kind.pk}
        )
        found.refresh_from_db()
        added = found.targets.exists()
        assert added == (who == "office"), (who, response.status_code)
        expected = 302 if who == "office" else (404 if who == "office2" else 403)
        assert response.status_code == expected, (who, response.status_code)


def kinds(m: Matrix, who: str) -> None:
    from taizhang.procedures.models import ProcedureKind

    _page("procedures:kinds", set(PLACED))(m, who)
    t = _t()
    with t.rolled_back():
        t.client_for(m, who).post(reverse("procedures:kinds"), {"name": "矩阵文物勘探"})
        assert ProcedureKind.objects.filter(name="矩阵文物勘探").exists() == (who in PLACED)


RULES: dict[str, Callable[[Matrix, str], None]] = {
    "procedures/": _page("procedures:due", WORKERS),
    "procedures/projects/<int:pk>/": project_page,
    "procedures/projects/<int:pk>/nodes/": add_node,
    "procedures/projects/<int:pk>/checklist/": open_checklist,
    "procedures/items/<int:pk>/": item_page,
    "procedures/nodes/<int:pk>/": node_page,
    "procedures/campaigns/": campaigns,
    "procedures/campaigns/<int:pk>/": campaign,
    "procedures/campaigns/<int:pk>/targets/": campaign_targets,
    "procedures/kinds/": kinds,
    "procedures/responsibility/": _page("procedures:responsibility", set(PLACED)),
}
