"""Every write of financing, each checked and audited.

- the office of a project's division (or the superuser) creates, edits, publishes and closes
  needs, records matchmaking events and the intentions made there, signs loans and records
  their disbursements;
- an owner drafts and edits (while a draft) needs for its own projects; the office publishes;
- a bank officer records its own bank's intention against a need published to it.

    draft ──publish──▶ published ──a loan is signed against it──▶ matched
      └──────────────────┴──────close──▶ closed
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.choices import OrganizationKind, Role
from taizhang.accounts.models import Division, Organization
from taizhang.accounts.scope import acts_for_office, acts_for_office_of
from taizhang.core.audit.service import record
from taizhang.core.context import unattended
from taizhang.core.money import exceeds_cap, too_large_message, wan
from taizhang.core.services import ServiceError, save_versioned
from taizhang.financing.choices import NeedStatus
from taizhang.financing.models import (
    CHANGE,
    VIEW,
    Disbursement,
    FinancingNeed,
    Loan,
    LoanIntention,
    MatchmakingEvent,
)
from taizhang.ledger.models import Project

S = NeedStatus
NEED_FIELDS = ("amount", "purpose", "term_months", "deadline")
MAX_TERM = 600  # months: fifty years


def _office(actor: Any) -> None:
    if not unattended(actor) and not acts_for_office(actor):
        raise PermissionDenied


def _office_of(actor: Any, division: Division) -> None:
    """The office of `division` (its division contains it) or the superuser."""
    if unattended(actor):
        return
    if not acts_for_office_of(actor, division):
        raise PermissionDenied


def _amount(value: Any, field: str = "amount") -> Decimal:
    try:
        amount = wan(value)
    except ValueError as exc:
        raise ServiceError(_("Enter an amount in 10k yuan, e.g. 1234.56."), field=field) from exc
    if amount <= 0:
        raise ServiceError(_("The amount must be more than zero."), field=field)
    if exceeds_cap(amount):
        raise ServiceError(too_large_message(), field=field)
    return amount


def _term(value: Any) -> int:
    if not isinstance(value, int) or not 1 <= value <= MAX_TERM:
        raise ServiceError(_("The term is a number of months from 1 to %(max)s.")
                           % {"max": MAX_TERM}, field="term_months")
    return value


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(_("This field is required."), field=field)
    return value[:200]


def _org(org: Organization, kind: str, field: str) -> Organization:
    if org.kind != kind:
        raise ServiceError(_("Choose an organization of the right kind."), field=field)
    return org


# --- needs ---------------------------------------------------------------------------------

def _may_draft(actor: Any, project: Project) -> bool:
    """The project's office, or the owner of the project (its own, in its division)."""
    if unattended(actor):
        return True
    if acts_for_office(actor):
        return acts_for_office_of(actor, project.division)
    return (getattr(actor, "role", None) == Role.OWNER and actor.is_active
            and Project.objects.restrict(actor, "report").filter(pk=project.pk).exists())


def create_need(project: Project, *, actor: Any, amount: Any, purpose: str, term_months: int,
                deadline: date | None = None) -> FinancingNeed:
    if not _may_draft(actor, project):
        raise PermissionDenied
    with transaction.atomic():
        need = FinancingNeed.objects.create(
            division=project.division, project=project, amount=_amount(amount),
            purpose=_text(purpose, "purpose"), term_months=_term(term_months),
            deadline=deadline, created_by=actor if getattr(actor, "pk", None) else None)
        record("financing_need.created", need, actor=actor, changes={
            "amount": [None, str(need.amount)], "purpose": [None, need.purpose]})
    return need


def _locked_need(need: FinancingNeed, actor: Any, action: str) -> FinancingNeed:
    locked = FinancingNeed.objects.select_for_update().select_related("project").get(pk=need.pk)
    if not unattended(actor) and not FinancingNeed.objects.restrict(actor, action).filter(
            pk=need.pk).exists():
        raise PermissionDenied
    return locked


def update_need(need: FinancingNeed, *, actor: Any, expected_version: Any,
                **changes: Any) -> FinancingNeed:
    """The office while not closed; the owner while a draft (the scope says so)."""
    unknown = set(changes) - set(NEED_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        locked = _locked_need(need, actor, CHANGE)
        if locked.status == S.CLOSED:
            raise ServiceError(_("This need is closed: it cannot be changed."))
        clean: dict[str, Callable[[Any], Any]] = {
            "amount": _amount, "purpose": lambda v: _text(v, "purpose"), "term_months": _term,
            "deadline": lambda v: v}
        diff = {}
        for name, value in changes.items():
            value = clean[name](value)
            old = getattr(locked, name)
            if old != value:
                diff[name] = [str(old) if old is not None else None,
                              str(value) if value is not None else None]
                setattr(locked, name, value)
        if diff:
            save_versioned(locked, expected_version, list(diff))
            record("financing_need.updated", locked, actor=actor, changes=diff)
    return locked


def _office_need(need: FinancingNeed, actor: Any) -> FinancingNeed:
    _office(actor)
    return _locked_need(need, actor, CHANGE)


def publish_need(need: FinancingNeed, *, actor: Any, expected_version: Any) -> FinancingNeed:
    with transaction.atomic():
        locked = _office_need(need, actor)
        if locked.status != S.DRAFT:
            raise ServiceError(_("Only a draft need can be published."))
        locked.status = S.PUBLISHED
        locked.published_at = timezone.now()
        save_versioned(locked, expected_version, ["status", "published_at"])
        record("financing_need.published", locked, actor=actor,
               changes={"status": [S.DRAFT, S.PUBLISHED]})
    return locked


def close_need(need: FinancingNeed, *, actor: Any, expected_version: Any) -> FinancingNeed:
    with transaction.atomic():
        locked = _office_need(need, actor)
        if locked.status == S.CLOSED:
            raise ServiceError(_("This need is closed already."))
        before = locked.status
        locked.status = S.CLOSED
        save_versioned(locked, expected_version, ["status"])
        record("financing_need.closed", locked, actor=actor, changes={"status": [before, S.CLOSED]})
    return locked


# --- events --------------------------------------------------------------------------------

def record_event(division: Division, *, actor: Any, date: date, title: str, place: str = "",
                 banks: Any = (), firms: Any = ()) -> MatchmakingEvent:
    _office_of(actor, division)
    banks, firms = list(banks), list(firms)
    for bank in banks:
        _org(bank, OrganizationKind.BANK, "banks")
    for firm in firms:
        _org(firm, OrganizationKind.ENTERPRISE, "firms")
    with transaction.atomic():
        event = MatchmakingEvent.objects.create(
            division=division, date=date, title=_text(title, "title"), place=(place or "")[:200],
            created_by=actor if getattr(actor, "pk", None) else None)
        event.banks.set(banks)
        event.firms.set(firms)
        record("financing_event.recorded", event, actor=actor, changes={
            "banks": [None, [b.name for b in banks]], "firms": [None, len(firms)]})
    return event


# --- intentions ----------------------------------------------------------------------------

def record_intention(*, actor: Any, amount: Any, date: date, bank: Organization | None = None,
                     enterprise: Organization | None = None, need: FinancingNeed | None = None,
                     event: MatchmakingEvent | None = None, project: Project | None = None,
                     note: str = "") -> LoanIntention:
    """A bank officer: its own bank, against a need published to it (the need names the
    enterprise and project). The office: any bank, at one of its events or against one of its
    needs, for an enterprise (or a project and its owner)."""
    is_bank = getattr(actor, "role", None) == Role.BANK and not unattended(actor)
    if is_bank:
        if not actor.is_active or not actor.organization_id or need is None or event is not None:
            raise PermissionDenied
        if not FinancingNeed.objects.restrict(actor, VIEW).filter(pk=need.pk).exists():
            raise PermissionDenied
        bank = actor.organization
    elif not unattended(actor) and not acts_for_office(actor):
        raise PermissionDenied
    if need is not None:
        if not is_bank and not unattended(actor) and not FinancingNeed.objects.restrict(
                actor, VIEW).filter(pk=need.pk).exists():
            raise PermissionDenied
        if need.status not in (S.PUBLISHED, S.MATCHED):
            raise ServiceError(_("Intentions are recorded against a published need only."),
                               field="need")
        project = need.project
    if project is not None:
        enterprise = project.owner
    if bank is None:
        raise ServiceError(_("Choose the bank."), field="bank")
    if enterprise is None:
        raise ServiceError(_("Choose the enterprise or the project."), field="enterprise")
    _org(bank, OrganizationKind.BANK, "bank")
    _org(enterprise, OrganizationKind.ENTERPRISE, "enterprise")
    division: Division | None
    if project is not None:
        division = project.division
    elif event is not None:
        division = event.division
    else:
        division = enterprise.division or getattr(actor, "division", None)
    if division is None:
        raise ServiceError(_("Choose the project or the event."), field="event")
    if not is_bank:
        _office_of(actor, division)
        if event is not None:
            _office_of(actor, event.division)
    with transaction.atomic():
        intention = LoanIntention.objects.create(
            division=division, event=event, need=need, bank=bank, enterprise=enterprise,
            project=project, amount=_amount(amount), date=date, note=(note or "")[:200],
            created_by=actor if getattr(actor, "pk", None) else None)
        record("loan_intention.recorded", intention, actor=actor, changes={
            "bank": [None, bank.name], "enterprise": [None, enterprise.name],
            "amount": [None, str(intention.amount)]})
    return intention


# --- loans ---------------------------------------------------------------------------------

def sign_loan(*, actor: Any, amount: Any, signed_on: date, term_months: int,
              intention: LoanIntention | None = None, bank: Organization | None = None,
              enterprise: Organization | None = None, project: Project | None = None) -> Loan:
    """The office records a signed loan, from an intention (its bank, firm and project) or
    on its own; a need the intention answered becomes matched."""
    _office(actor)
    division: Division | None
    if intention is not None:
        if not unattended(actor) and not LoanIntention.objects.restrict(actor, VIEW).filter(
                pk=intention.pk).exists():
            raise PermissionDenied
        if Loan.objects.filter(intention=intention).exists():
            raise ServiceError(_("A loan was signed on this intention already."))
        bank, enterprise, project = intention.bank, intention.enterprise, intention.project
        division = intention.division
    else:
        if project is not None:
            enterprise = project.owner
        if bank is None or enterprise is None:
            raise ServiceError(_("Choose the bank and the enterprise."), field="bank")
        _org(bank, OrganizationKind.BANK, "bank")
        _org(enterprise, OrganizationKind.ENTERPRISE, "enterprise")
        division = project.division if project is not None else (
            enterprise.division or getattr(actor, "division", None))
    if division is None:
        raise ServiceError(_("Choose the project."), field="project")
    _office_of(actor, division)
    with transaction.atomic():
        loan = Loan.objects.create(
            division=division, bank=bank, enterprise=enterprise, project=project,
            intention=intention, amount=_amount(amount), signed_on=signed_on,
            term_months=_term(term_months),
            created_by=actor if getattr(actor, "pk", None) else None)
        record("loan.signed", loan, actor=actor, changes={
            "bank": [None, bank.name], "amount": [None, str(loan.amount)]})
        need = intention.need if intention is not None else None
        if need is not None and need.status == S.PUBLISHED:
            locked = FinancingNeed.objects.select_for_update().get(pk=need.pk)
            locked.status = S.MATCHED
            save_versioned(locked, locked.version, ["status"])
            record("financing_need.matched", locked, actor=actor,
                   changes={"status": [S.PUBLISHED, S.MATCHED]})
    return loan


def record_disbursement(loan: Loan, *, actor: Any, date: date, amount: Any) -> Disbursement:
    _office(actor)
    with transaction.atomic():
        locked = Loan.objects.select_for_update().get(pk=loan.pk)
        if not unattended(actor) and not Loan.objects.restrict(actor, VIEW).filter(
                pk=loan.pk).exists():
            raise PermissionDenied
        value = _amount(amount)
        paid = sum((d.amount for d in locked.disbursements.all()), Decimal("0"))
        if paid + value > locked.amount:
            raise ServiceError(
                _("Disbursements would exceed the loan: %(left)s (10k yuan) are left.")
                % {"left": wan(locked.amount - paid)}, field="amount")
        if date < locked.signed_on:
            raise ServiceError(_("A disbursement cannot come before the loan was signed."),
                               field="date")
        paid_out = Disbursement.objects.create(
            loan=locked, date=date, amount=value,
            created_by=actor if getattr(actor, "pk", None) else None)
        record("loan.disbursed", locked, actor=actor, changes={
            "disbursed": [str(wan(paid)), str(wan(paid + value))]})
    return paid_out
