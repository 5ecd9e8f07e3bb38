"""The policies' URLs in the permission matrix (test_matrix.RULES takes `RULES` from here).

By hand: the catalogue, a policy's form and matches, the batch run and "mark granted" are an
office's placed in a division (the superuser has none: 403; every other role 403), another
county's policy or push "not found"; an enterprise's size and tags are the office's of a
county where it owns a project (another's "not found"); the import adds to the office's own
catalogue; "My policies", a push's page and "mark applied" are an owner's, its own firm's
pushes of its own county only (Alice's company has a project in the far county too: the far
county's policy pushed to it is not Alice's to see), anyone else 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from .conftest import Matrix

PLACED = {"office": "Q", "office2": "F"}  # the county of each placed office's catalogue
OWNERS = {"alice", "bob"}


def _t() -> Any:
    from . import test_matrix

    return test_matrix


def _setup(m: Matrix) -> dict[str, Any]:
    """A policy open to all in each county, matched; Alice applied for Qian'an's."""
    found = getattr(m, "_policies", None)
    if found is None:
        from taizhang.policies import services
        from taizhang.policies.models import Push

        policies = {}
        for key, office in (("Q", m.users["office"]), ("F", m.users["office2"])):
            policies[key] = services.save_policy(
                office.division, actor=office, expected_version=0, title=f"矩阵政策{key}",
                issuer="矩阵发布机关", level="county", benefit="矩阵补助")
            services.run_matching(office.division, actor=office)
        alice_org, bob_org = m.world.alice_org, m.world.bob_org
        pushes = {
            ("Q", "alice"): Push.objects.get(policy=policies["Q"], enterprise=alice_org),
            ("Q", "bob"): Push.objects.get(policy=policies["Q"], enterprise=bob_org),
            # Alice's company through its far-county project: the far county's push.
            ("F", "alice"): Push.objects.get(policy=policies["F"], enterprise=alice_org),
        }
        services.mark_applied(pushes["Q", "alice"], actor=m.users["alice"])
        found = {"policies": policies, "pushes": pushes}
        m._policies = found  # type: ignore[attr-defined]
    return found


def _office_expected(who: str, county: str) -> int:
    if who not in PLACED:
        return 403
    return 200 if PLACED[who] == county else 404


def catalogue(m: Matrix, who: str) -> None:
    policies = _setup(m)["policies"]
    t = _t()
    response = t.client_for(m, who).get(reverse("policies:catalogue"))
    text = t.assert_nothing_foreign(m, who, response)
    assert response.status_code == (200 if who in PLACED else 403), who
    for county, policy in policies.items():
        assert (policy.title in text) == (PLACED.get(who) == county), (who, county)


def new(m: Matrix, who: str) -> None:
    from taizhang.policies.models import Policy

    _setup(m)
    t = _t()
    client = t.client_for(m, who)
    response = client.get(reverse("policies:new"))
    assert response.status_code == (200 if who in PLACED else 403), who
    with t.rolled_back():
        client.post(reverse("policies:new"), {"version": "0", "title": "矩阵新政策",
                                              "issuer": "x", "level": "county", "benefit": "x"})
        assert Policy.objects.filter(title="矩阵新政策").exists() == (who in PLACED), who


def _policy_page(name: str) -> Callable[[Matrix, str], None]:
    def check(m: Matrix, who: str) -> None:
        policies = _setup(m)["policies"]
        t = _t()
        client = t.client_for(m, who)
        for county, policy in policies.items():
            response = client.get(reverse(name, args=[policy.pk]))
            t.assert_nothing_foreign(m, who, response)
            assert response.status_code == _office_expected(who, county), (who, county)
        missing = client.get(reverse(name, args=[t.MISSING])).status_code
        assert missing == (404 if who in PLACED else 403), who

    return check


def policy_edit(m: Matrix, who: str) -> None:
    from taizhang.policies.models import Policy

    _check = _policy_page("policies:policy")
    _check(m, who)
    policies = _setup(m)["policies"]
    t = _t()
    for county, policy in policies.items():
        with t.rolled_back():
            t.client_for(m, who).post(reverse("policies:policy", args=[policy.pk]), {
                "version": str(policy.version), "title": "矩阵改名", "issuer": "x",
                "level": "county", "benefit": "x"})
            changed = Policy.objects.filter(title="矩阵改名").exists()
            assert changed == (PLACED.get(who) == county), (who, county)


def run(m: Matrix, who: str) -> None:
    from taizhang.jobs.models import Job

    _setup(m)
    t = _t()
    with t.rolled_back():
        response = t.client_for(m, who).post(reverse("policies:run"))
        started = Job.objects.filter(kind="policies:match").exists()
        assert started == (who in PLACED), who
        assert response.status_code == (302 if who in PLACED else 403), who


def granted(m: Matrix, who: str) -> None:
    from taizhang.policies.models import Push

    pushes = _setup(m)["pushes"]
    t = _t()
    client = t.client_for(m, who)
    for (county, owner), push in pushes.items():
        with t.rolled_back():
            response = client.post(reverse("policies:granted", args=[push.pk]))
            done = Push.objects.filter(pk=push.pk, granted_at__isnull=False).exists()
            # Only Alice applied: the others are refused by the rule, not the scope.
            assert done == (PLACED.get(who) == county and (county, owner) == ("Q", "alice"))
            expected = 302 if PLACED.get(who) == county else _office_expected(who, county)
            assert response.status_code == expected, (who, county, owner)


def import_sheet(m: Matrix, who: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from taizhang.ledger.tests.sheets_factory import Grid, to_xlsx
    from taizhang.policies.models import Policy

    _setup(m)
    t = _t()
    client = t.client_for(m, who)
    assert client.get(reverse("policies:import")).status_code == (
        200 if who in PLACED else 403), who
    sheet = to_xlsx(Grid("清单", [["政策名称", "发布机关", "层级", "支持内容"],
                                 ["矩阵导入政策", "矩阵局", "县级", "补助"]]))
    with t.rolled_back():
        client.post(reverse("policies:import"),
                    {"file": SimpleUploadedFile("清单.xlsx", sheet)})
        found = Policy.objects.filter(title="矩阵导入政策").first()
        assert (found is not None) == (who in PLACED), who
        if found is not None:
            assert found.division == m.users[who].division


def profile(m: Matrix, who: str) -> None:
    """An enterprise's size and tags: the office of a county where it owns a project (Alice's
    company has one in each county, Bob's only in Qian'an's), others 403."""
    from taizhang.policies.models import EnterpriseProfile

    _setup(m)
    t = _t()
    client = t.client_for(m, who)
    for org, counties in ((m.world.alice_org, {"Q", "F"}), (m.world.bob_org, {"Q"})):
        url = reverse("policies:profile", args=[org.pk])
        expected = 403 if who not in PLACED else 200 if PLACED[who] in counties else 404
        response = client.get(url)
        t.assert_nothing_foreign(m, who, response)
        assert response.status_code == expected, (who, org)
        with t.rolled_back():
            client.post(url, {"version": "0", "size": "small", "tags": "专精特新"})
            saved = EnterpriseProfile.objects.filter(organization=org, size="small").exists()
            assert saved == (expected == 200), (who, org)
    missing = client.get(reverse("policies:profile", args=[t.MISSING])).status_code
    assert missing == (404 if who in PLACED else 403), who


def _owner_expected(who: str, county: str, owner: str) -> int:
    if who not in OWNERS:
        return 403
    return 200 if (county, owner) == ("Q", who) else 404


def mine(m: Matrix, who: str) -> None:
    pushes = _setup(m)["pushes"]
    t = _t()
    response = t.client_for(m, who).get(reverse("policies:mine"))
    t.assert_nothing_foreign(m, who, response)
    assert response.status_code == (200 if who in OWNERS else 403), who
    text = response.content.decode()  # with the page's own path, which the links begin with
    for (county, owner), push in pushes.items():
        shown = f'href="{reverse("policies:push", args=[push.pk])}"' in text
        assert shown == (_owner_expected(who, county, owner) == 200), (who, county, owner)


def push_page(m: Matrix, who: str) -> None:
    pushes = _setup(m)["pushes"]
    t = _t()
    client = t.client_for(m, who)
    for (county, owner), push in pushes.items():
        response = client.get(reverse("policies:push", args=[push.pk]))
        t.assert_nothing_foreign(m, who, response)
        assert response.status_code == _owner_expected(who, county, owner), (who, county, owner)


def applied(m: Matrix, who: str) -> None:
    from taizhang.policies.models import Push

    pushes = _setup(m)["pushes"]
    t = _t()
    client = t.client_for(m, who)
    for (county, owner), push in pushes.items():
        if (county, owner) == ("Q", "alice"):
            continue  # applied in the setup
        with t.rolled_back():
            response = client.post(reverse("policies:applied", args=[push.pk]))
            done = Push.objects.filter(pk=push.pk, applied_at__isnull=False).exists()
            allowed = _owner_expected(who, county, owner) == 200
            assert done == allowed, (who, county, owner)
            assert response.status_code == (302 if allowed else
                                            _owner_expected(who, county, owner)), who


RULES: dict[str, Callable[[Matrix, str], None]] = {
    "policies/": catalogue,
    "policies/new/": new,
    "policies/<int:pk>/": policy_edit,
    "policies/<int:pk>/matches/": _policy_page("policies:matches"),
    "policies/enterprises/<int:pk>/profile/": profile,
    "policies/run/": run,
    "policies/import/": import_sheet,
    "policies/pushes/<int:pk>/granted/": granted,
    "policies/mine/": mine,
    "policies/mine/<int:pk>/": push_page,
    "policies/mine/<int:pk>/applied/": applied,
}
