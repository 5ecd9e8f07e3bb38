"""The financing pages in the permission matrix (test_matrix.RULES takes `RULES` from here).

By hand: Qian'an's office publishes a need of Alice's project A to the banks; Bob drafted one
for B; the far county's office published one of F. At Qian'an's event another bank (no
persona) records an intention for B (marker OTHER_BANK_NOTE); Eve's bank records one against
A's need; the far office records one for Eve's bank in its county (Eve is Qian'an's: she
must not see it). A loan is signed on Eve's and on the other bank's intention.

The one exception to the matrix's "no project outside the view scope is named": a need the
office *published to banks* shows its project's name and owner to the banks of its division
(docs/permissions.md), so Eve reads A's name and Alice's company's on those pages, nothing
else of A (reports, contacts, plans), never B or the other bank.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import reverse

from .conftest import Matrix

OTHER_BANK = "矩阵农业银行迁安支行"
OTHER_BANK_NOTE = "OTHER-BANK-意向"
FAR_NOTE = "FAR-COUNTY-意向"
PLACED = {"office": "AB", "office2": "F"}
# Who reads each object (200); the rest 404, or 403 where the page is not for their role.
NEED_READERS = {
    "A": {"office", "super", "alice", "carol", "victor", "eve"},  # published
    "B": {"office", "super", "bob", "victor"},  # Bob's draft
    "F": {"office2", "super"},  # published in the far county
}
NEED_EDITORS = {"A": {"office", "super"}, "B": {"office", "super", "bob"},
                "F": {"office2", "super"}}
LOAN_READERS = {"eve": {"office", "super", "eve", "alice", "carol", "victor"},
                "other": {"office", "super", "bob", "victor"}}
UNPLACED = {"stray"}  # no division: refused before any lookup


def _t() -> Any:
    from . import test_matrix

    return test_matrix


def _setup(m: Matrix) -> dict[str, Any]:
    found = getattr(m, "_financing", None)
    if found is not None:
        return found
    from taizhang.accounts.choices import OrganizationKind
    from taizhang.accounts.models import Organization
    from taizhang.core.services import UNCHECKED
    from taizhang.financing import services

    office, office2 = m.users["office"], m.users["office2"]
    eve_bank = m.users["eve"].organization
    other = Organization.objects.create(kind=OrganizationKind.BANK, name=OTHER_BANK,
                                        division=m.world.county)
    needs = {
        "A": services.create_need(m.projects["A"], actor=office, amount=Decimal("3000"),
                                  purpose="NEED-A-流动资金", term_months=36),
        "B": services.create_need(m.projects["B"], actor=m.users["bob"], amount=Decimal("500"),
                                  purpose="NEED-B-设备", term_months=12),
        "F": services.create_need(m.projects["F"], actor=office2, amount=Decimal("800"),
                                  purpose="NEED-F-厂房", term_months=24),
    }
    for key, actor in (("A", office), ("F", office2)):
        needs[key] = services.publish_need(needs[key], actor=actor, expected_version=UNCHECKED)
    day = date(2022, 7, 13)
    event = services.record_event(m.world.county, actor=office, date=day, title="矩阵银企对接会",
                                  banks=[eve_bank, other], firms=[m.world.alice_org])
    far_event = services.record_event(m.projects["F"].division.parent, actor=office2, date=day,
                                      title="滦州银企对接会", banks=[eve_bank])
    intentions = {
        "eve": services.record_intention(actor=m.users["eve"], need=needs["A"],
                                         amount=Decimal("1000"), date=day),
        "other": services.record_intention(actor=office, event=event, bank=other,
                                           project=m.projects["B"], amount=Decimal("777.77"),
                                           date=day, note=OTHER_BANK_NOTE),
        "far": services.record_intention(actor=office2, event=far_event, bank=eve_bank,
                                         project=m.projects["F"], amount=Decimal("55"),
                                         date=day, note=FAR_NOTE),
    }
    loans = {key: services.sign_loan(actor=office, intention=intentions[key],
                                     amount=Decimal("100"), signed_on=date(2022, 7, 20),
                                     term_months=12)
             for key in ("eve", "other")}
    # One more of Eve's bank at the event, not yet signed (the sign page's).
    intentions["spare"] = services.record_intention(
        actor=office, event=event, bank=eve_bank, project=m.projects["A"],
        amount=Decimal("66"), date=day)
    found = {"needs": needs, "event": event, "far_event": far_event, "intentions": intentions,
             "loans": loans}
    m._financing = found  # type: ignore[attr-defined]
    return found


def _check(m: Matrix, who: str, response: Any) -> None:
    """The matrix's check, with the published-need exception for Eve, and the other bank's
    rows for everyone who may not read them."""
    t = _t()
    text = t.text_of(response)
    assert response.status_code < 500, (who, response.status_code)
    allowed = {m.projects["A"].name, "燕山钢铁有限公司"} if who == "eve" else set()
    from .conftest import VIEW, foreign_texts

    for key in t.KEYS:
        if key not in VIEW[who]:
            for marker in m.markers[key]:
                assert marker in allowed or marker not in text, (who, marker)
    for name in foreign_texts(who):
        assert name in allowed or name not in text, (who, name)
    if who not in {"office", "super", "bob", "victor"}:
        assert OTHER_BANK_NOTE not in text and "777.77" not in text, who
    if who in {"eve", "alice", "bob", "carol", "dave", "victor"}:
        assert OTHER_BANK not in text or who in {"bob", "victor"}, who
        assert FAR_NOTE not in text, who
    if who == "eve":
        assert "NEED-B-设备" not in text


def _refusal(who: str) -> int:
    return 403 if who in UNPLACED else 404


def _page(name: str, allowed: set[str]) -> Callable[[Matrix, str], None]:
    def check(m: Matrix, who: str) -> None:
        _setup(m)
        response = _t().client_for(m, who).get(reverse(name))
        _check(m, who, response)
        assert response.status_code == (200 if who in allowed else 403), (who, response)
    return check


def need_new(m: Matrix, who: str) -> None:
    from taizhang.financing.models import FinancingNeed

    _page("financing:need-new", {"office", "office2", "alice", "bob"})(m, who)
    t = _t()
    for key in ("A", "B", "F"):
        with t.rolled_back():
            t.client_for(m, who).post(reverse("financing:need-new"), {
                "project": m.projects[key].name, "amount": "9", "purpose": "矩阵新需求",
                "term_months": "12"})
            made = FinancingNeed.objects.filter(purpose="矩阵新需求").exists()
            may = key in PLACED.get(who, "") or {"alice": "A", "bob": "B"}.get(who) == key
            assert made == may, (who, key)


def need_page(m: Matrix, who: str) -> None:
    from taizhang.financing.models import FinancingNeed

    needs = _setup(m)["needs"]
    t = _t()
    client = t.client_for(m, who)
    for key, need in needs.items():
        need = FinancingNeed.objects.get(pk=need.pk)  # matched since: a newer version
        url = reverse("financing:need", args=[need.pk])
        response = client.get(url)
        _check(m, who, response)
        expected = 200 if who in NEED_READERS[key] else _refusal(who)
        assert response.status_code == expected, (who, key, response.status_code)
        with t.rolled_back():
            client.post(url, {"amount": "1.00", "purpose": "矩阵改", "term_months": "6",
                              "version": need.version})
            changed = FinancingNeed.objects.filter(purpose="矩阵改").exists()
            assert changed == (who in NEED_EDITORS[key]), (who, key)
    assert client.get(reverse("financing:need", args=[t.MISSING])).status_code in (403, 404)


def _need_step(name: str, status: str) -> Callable[[Matrix, str], None]:
    def check(m: Matrix, who: str) -> None:
        from taizhang.financing.models import FinancingNeed

        needs = _setup(m)["needs"]
        t = _t()
        for key, need in needs.items():
            need = FinancingNeed.objects.get(pk=need.pk)  # matched since: a newer version
            with t.rolled_back():
                response = t.client_for(m, who).post(reverse(name, args=[need.pk]),
                                                     {"version": need.version})
                done = need.status != status and FinancingNeed.objects.filter(
                    pk=need.pk, status=status).exists()
                may = key in PLACED.get(who, "") and not (
                    status == "published" and key != "B")
                assert done == may, (who, key)
                if who not in PLACED:
                    assert response.status_code == 403, (who, key)
    return check


def need_intention(m: Matrix, who: str) -> None:
    from taizhang.financing.models import LoanIntention

    needs = _setup(m)["needs"]
    t = _t()
    client = t.client_for(m, who)
    for key, need in needs.items():
        url = reverse("financing:need-intention", args=[need.pk])
        response = client.get(url)
        _check(m, who, response)
        may = who == "eve" and key == "A"
        expected = 200 if may else (404 if who == "eve" else 403)
        assert response.status_code == expected, (who, key)
        with t.rolled_back():
            client.post(url, {"amount": "12.34", "date": "2022-07-20"})
            assert LoanIntention.objects.filter(amount=Decimal("12.34")).exists() == may


def _office_object(name: str, objects: Callable[[Matrix], dict[str, tuple[Any, str]]],
                   post: dict[str, Any] | None = None,
                   written: Callable[[], bool] | None = None) -> Callable[[Matrix, str], None]:
    """A page of one object for an office placed in a division: its own county's 200 (and the
    write), another's 404, everyone else 403."""
    def check(m: Matrix, who: str) -> None:
        _setup(m)
        t = _t()
        client = t.client_for(m, who)
        for obj, county_of in objects(m).values():
            own = county_of in PLACED.get(who, "")
            response = client.get(reverse(name, args=[obj.pk]))
            _check(m, who, response)
            expected = 200 if own else (404 if who in PLACED else 403)
            assert response.status_code == expected, (who, obj, response.status_code)
            if post is not None and written is not None:
                with t.rolled_back():
                    client.post(reverse(name, args=[obj.pk]), post)
                    assert written() == own, (who, obj)
    return check


def _events(m: Matrix) -> dict[str, tuple[Any, str]]:
    found = _setup(m)
    return {"A": (found["event"], "A"), "F": (found["far_event"], "F")}


def _intentions(m: Matrix) -> dict[str, tuple[Any, str]]:
    found = _setup(m)["intentions"]
    return {"spare": (found["spare"], "A"), "far": (found["far"], "F")}


def _event_intention_written() -> bool:
    from taizhang.financing.models import LoanIntention

    return LoanIntention.objects.filter(note="矩阵会上意向").exists()


def event_page(m: Matrix, who: str) -> None:
    bank = m.users["eve"].organization
    _office_object("financing:event", _events, {
        "bank": bank.pk, "project": m.projects["F"].name if who == "office2"
        else m.projects["A"].name, "amount": "5", "date": "2022-07-13", "note": "矩阵会上意向"},
        _event_intention_written)(m, who)


def _signed() -> bool:
    from taizhang.financing.models import Loan

    return Loan.objects.filter(term_months=77).exists()


def sign_page(m: Matrix, who: str) -> None:
    _office_object("financing:sign", _intentions,
                   {"amount": "10", "signed_on": "2022-08-01", "term_months": "77"},
                   _signed)(m, who)


def events_new(m: Matrix, who: str) -> None:
    from taizhang.financing.models import MatchmakingEvent

    _page("financing:event-new", set(PLACED))(m, who)
    t = _t()
    with t.rolled_back():
        t.client_for(m, who).post(reverse("financing:event-new"),
                                  {"title": "矩阵新对接会", "date": "2022-09-01"})
        assert MatchmakingEvent.objects.filter(title="矩阵新对接会").exists() == (who in PLACED)


def loan_page(m: Matrix, who: str) -> None:
    from taizhang.financing.models import Disbursement

    loans = _setup(m)["loans"]
    t = _t()
    client = t.client_for(m, who)
    for key, loan in loans.items():
        url = reverse("financing:loan", args=[loan.pk])
        response = client.get(url)
        _check(m, who, response)
        expected = 200 if who in LOAN_READERS[key] else _refusal(who)
        assert response.status_code == expected, (who, key, response.status_code)
        with t.rolled_back():
            client.post(url, {"date": "2022-07-25", "amount": "3.00"})
            assert Disbursement.objects.exists() == (who == "office"), (who, key)


def bank_page(m: Matrix, who: str) -> None:
    _page("financing:bank", {"eve"})(m, who)
    if who == "eve":
        text = _t().client_for(m, who).get(reverse("financing:bank")).content.decode()
        assert "NEED-A-流动资金" in text and "NEED-F-厂房" not in text


RULES: dict[str, Callable[[Matrix, str], None]] = {
    "financing/needs/": _page("financing:needs", set(PLACED)),
    "financing/needs/new/": need_new,
    "financing/needs/<int:pk>/": need_page,
    "financing/needs/<int:pk>/publish/": _need_step("financing:need-publish", "published"),
    "financing/needs/<int:pk>/close/": _need_step("financing:need-close", "closed"),
    "financing/needs/<int:pk>/intention/": need_intention,
    "financing/events/": _page("financing:events", set(PLACED)),
    "financing/events/new/": events_new,
    "financing/events/<int:pk>/": event_page,
    "financing/intentions/<int:pk>/sign/": sign_page,
    "financing/loans/<int:pk>/": loan_page,
    "financing/figures/": _page("financing:figures", {"office", "office2", "carol", "victor"}),
    "financing/bank/": bank_page,
    "financing/mine/": _page("financing:mine", {"alice", "bob"}),
}
