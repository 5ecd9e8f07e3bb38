"""Investment attraction's URLs in the permission matrix (test_matrix.RULES takes `RULES`).

By hand: every attraction page is an office's placed in a division (the superuser and the
unplaced office have none: 403; everyone else: 403); a lead of the other county is "not
found" and its name appears on no page of the other office; a write on it changes nothing.
Each county's office has one landed lead (LEAD-AB in Qian'an's town, LEAD-FG in the far
county's town).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import reverse

from .conftest import Matrix

OFFICES = {"office": "AB", "office2": "FG"}


def _t() -> Any:
    from . import test_matrix

    return test_matrix


def _setup(m: Matrix) -> dict[str, Any]:
    found = getattr(m, "_attraction", None)
    if found is None:
        from taizhang.attraction import services
        from taizhang.core.services import UNCHECKED

        found = {}
        for who, keys in OFFICES.items():
            actor = m.users[who]
            lead = services.create_lead(
                actor=actor, division=m.projects[keys[0]].division, name=f"LEAD-{keys}-招商",
                investor=f"INVESTOR-{keys}", channel="jingjin",
                intended_investment=Decimal("1000.00"), registered_on=date(2022, 1, 5))
            for stage, day in (("negotiating", date(2022, 1, 10)), ("signed", date(2022, 2, 1)),
                               ("landed", date(2022, 3, 1))):
                lead = services.advance(lead, stage, actor=actor, expected_version=UNCHECKED,
                                        on=day, contract_amount=Decimal("900.00"))
            found[keys] = lead
        m._attraction = found  # type: ignore[attr-defined]
    return found


def _no_foreign_lead(m: Matrix, who: str, response: Any) -> None:
    t = _t()
    t.assert_nothing_foreign(m, who, response)
    text = t.text_of(response)
    for keys in OFFICES.values():
        if OFFICES.get(who) != keys:
            assert f"LEAD-{keys}" not in text and f"INVESTOR-{keys}" not in text, (who, keys)


def _page(name: str) -> Callable[[Matrix, str], None]:
    def check(m: Matrix, who: str) -> None:
        _setup(m)
        response = _t().client_for(m, who).get(reverse(name))
        _no_foreign_lead(m, who, response)
        assert response.status_code == (200 if who in OFFICES else 403), who

    return check


def new_lead(m: Matrix, who: str) -> None:
    from taizhang.attraction.models import Lead

    _page("attraction:lead-new")(m, who)
    t = _t()
    for keys in OFFICES.values():
        with t.rolled_back():
            response = t.client_for(m, who).post(reverse("attraction:lead-new"), {
                "name": "矩阵线索", "investor": "x", "channel": "other",
                "intended_investment": "10", "division": m.projects[keys[0]].division_id})
            made = Lead.objects.filter(name="矩阵线索").exists()
            assert made == (OFFICES.get(who) == keys), (who, keys, response.status_code)
            if not made:
                assert response.status_code in (200, 403), (who, keys)


def _lead_page(name: str, post: Callable[[Any], dict[str, Any]],
               changed: Callable[[Any], bool], *, writes: bool = True
               ) -> Callable[[Matrix, str], None]:
    def check(m: Matrix, who: str) -> None:
        leads = _setup(m)
        t = _t()
        client = t.client_for(m, who)
        for keys, lead in leads.items():
            url = reverse(name, args=[lead.pk])
            response = client.get(url)
            _no_foreign_lead(m, who, response)
            mine = OFFICES.get(who) == keys
            expected = 200 if mine else (404 if who in OFFICES else 403)
            assert response.status_code == expected, (who, keys, response.status_code)
            with t.rolled_back():
                response = client.post(url, post(lead))
                assert changed(lead) == (mine and writes), (who, keys, response.status_code)
                if mine and not writes:
                    assert response.status_code == 200, (who, keys)
                if not mine:
                    assert t.refused(response), (who, keys)
        missing = client.get(reverse(name, args=[t.MISSING])).status_code
        assert missing == (404 if who in OFFICES else 403), who

    return check


def _renamed(lead: Any) -> bool:
    from taizhang.attraction.models import Lead

    return Lead.objects.filter(pk=lead.pk, name="矩阵改名").exists()


def _converted(lead: Any) -> bool:
    from taizhang.attraction.models import Lead

    return Lead.objects.filter(pk=lead.pk, project__isnull=False).exists()


def _note_added(lead: Any) -> bool:
    from taizhang.attraction.models import LeadStep

    return LeadStep.objects.filter(lead=lead, stage="landed", note="矩阵").exists()


RULES: dict[str, Callable[[Matrix, str], None]] = {
    "attraction/": _page("attraction:leads"),
    "attraction/new/": new_lead,
    # A landed lead's page: its stage form is gone and "started" is the ledger's, so a posted
    # step changes nothing for anyone (the office gets the form back with the refusal).
    "attraction/<int:pk>/": _lead_page(
        "attraction:lead",
        lambda lead: {"stage": "started", "on": "2022-04-01", "note": "矩阵",
                      "version": lead.version},
        _note_added, writes=False),
    "attraction/<int:pk>/edit/": _lead_page(
        "attraction:lead-edit",
        lambda lead: {"name": "矩阵改名", "investor": "x", "channel": "other",
                      "intended_investment": "10", "division": lead.division_id,
                      "version": lead.version},
        _renamed),
    "attraction/<int:pk>/convert/": _lead_page(
        "attraction:convert",
        lambda lead: {"division": lead.division_id, "version": lead.version},
        _converted),
}
