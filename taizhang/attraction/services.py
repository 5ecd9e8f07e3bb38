"""Every write of investment attraction: leads, their stages, and the ledger project a landed
lead becomes.

The office of the lead's division does all of it (`Lead.scope_q`); every write is audited and
a form's write carries the version it was opened at (a stale one is refused). Stages move
forward one at a time, each with its date, never before the previous stage's date nor after
today:

    lead ──▶ negotiating (洽谈) ──▶ signed (签约: date, contract amount) ──▶ landed (落地)
         ──convert──▶ a ledger project (created by the ledger's own `create_project`)
         ──the project's actual start (the ledger's stage change)──▶ started

"Started" is derived, never set here: a lead is started when the ledger project it became (or
was linked to) has an actual start, and its start date is that date. The ledger's stage change
is the one place a start is recorded, so the lead and the ledger never disagree.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.models import Division, Organization
from taizhang.accounts.scope import acts_for_office_of
from taizhang.attraction.choices import DATE_OF, STORED, Channel, LeadStage
from taizhang.attraction.models import Lead, LeadStep
from taizhang.core.audit.service import diff, record, snapshot
from taizhang.core.limits import first_too_long
from taizhang.core.services import ServiceError, refuse_missing, save_versioned
from taizhang.ledger.choices import Industry, Stage
from taizhang.ledger.models import Project
from taizhang.ledger.models.scope import usable_organization_q
from taizhang.ledger.services.common import validate_field
from taizhang.ledger.services.projects import create_project

# What `update_lead` edits; the stage and its dates move only through `advance`.
EDITABLE = ("division", "name", "investor", "enterprise", "channel", "industry",
            "intended_investment", "note")


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _require_office_of(actor: Any, division: Division) -> None:
    """An office whose division is `division` or above it (a superuser: any)."""
    if not acts_for_office_of(actor, division):
        raise PermissionDenied


def _require(actor: Any, lead: Lead) -> None:
    if not Lead.objects.restrict(actor, "change").filter(pk=lead.pk).exists():
        raise PermissionDenied


def _check(values: dict[str, Any], actor: Any) -> None:
    """The fields' rules, each refusal naming its field."""
    over = first_too_long(Lead, values)
    if over:
        raise ServiceError(over[1], field=over[0])
    for name in ("name", "investor"):
        if name in values and not (values[name] or "").strip():
            raise ServiceError(_("This field is required."), field=name)
    if "channel" in values and values["channel"] not in Channel.values:
        raise ServiceError(_("Choose a source channel."), field="channel")
    if "industry" in values and values["industry"] and values["industry"] not in Industry.values:
        raise ServiceError(_("Choose an industry."), field="industry")
    if "intended_investment" in values:
        if values["intended_investment"] is None:
            raise ServiceError(_("This field is required."), field="intended_investment")
        validate_field(Lead, "intended_investment", values["intended_investment"])
    enterprise = values.get("enterprise")
    if enterprise is not None and not Organization.objects.filter(
            usable_organization_q(actor), pk=enterprise.pk).exists():
        raise ServiceError(_("Choose an organization or person of your own division."),
                           field="enterprise")
    if "division" in values:
        _require_office_of(actor, values["division"])


def _step(lead: Lead, stage: str, on: date, note: str, actor: Any) -> LeadStep:
    return LeadStep.objects.create(lead=lead, stage=stage, on=on, note=note.strip(),
                                   author=actor if getattr(actor, "pk", None) else None)


@transaction.atomic
def create_lead(*, actor: Any, division: Division, name: str, investor: str, channel: str,
                intended_investment: Decimal, registered_on: date | None = None,
                enterprise: Organization | None = None, industry: str = "", note: str = "",
                today: date | None = None) -> Lead:
    """A new lead (stage "lead") of the office's division or one of its townships."""
    _require_office_of(actor, division)
    values = {"division": division, "name": name, "investor": investor, "channel": channel,
              "industry": industry, "intended_investment": intended_investment,
              "enterprise": enterprise, "note": note}
    _check(values, actor)
    on = registered_on or _today(today)
    if on > _today(today):
        raise ServiceError(_("The date cannot be in the future."), field="registered_on")
    lead = Lead.objects.create(
        division=division, name=name.strip(), investor=investor.strip(), enterprise=enterprise,
        channel=channel, industry=industry, intended_investment=intended_investment,
        registered_on=on, note=note.strip(),
        created_by=actor if getattr(actor, "pk", None) else None)
    _step(lead, LeadStage.LEAD, on, "", actor)
    record("lead.created", lead, actor=actor, changes=snapshot(lead, [*EDITABLE,
                                                                     "registered_on"]))
    return lead


@transaction.atomic
def update_lead(lead: Lead, *, actor: Any, expected_version: Any,
                changes: dict[str, Any]) -> Lead:
    """Edit a lead's card (not its stage: `advance`)."""
    _require(actor, lead)
    refuse_missing(expected_version)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    _check(changes, actor)
    before = snapshot(lead, changes.keys())
    for name, value in changes.items():
        setattr(lead, name, value.strip() if isinstance(value, str) else value)
    changed = diff(before, snapshot(lead, changes.keys()))
    if not changed:
        return lead
    save_versioned(lead, expected_version, list(changes))
    record("lead.updated", lead, actor=actor, changes=changed)
    return lead


def next_stage(lead: Lead) -> str | None:
    """The stage `advance` may move the lead to now (None: landed, or started)."""
    index = STORED.index(LeadStage(lead.stage))
    return STORED[index + 1] if index + 1 < len(STORED) else None


@transaction.atomic
def advance(lead: Lead, to_stage: str, *, actor: Any, expected_version: Any, on: date,
            note: str = "", contract_amount: Decimal | None = None,
            today: date | None = None) -> Lead:
    """Move the lead one stage forward on `on`; signing needs its contract amount."""
    _require(actor, lead)
    refuse_missing(expected_version)
    if to_stage == LeadStage.STARTED:
        raise ServiceError(_("A lead starts when its ledger project starts: convert it into a "
                             "project, then record the start in the ledger."), field="stage")
    if to_stage not in STORED or to_stage != next_stage(lead):
        raise ServiceError(_("A lead moves forward one stage at a time: from “%(from)s” it "
                             "can only go to the next stage.")
                           % {"from": LeadStage(lead.stage).label}, field="stage")
    if on is None:
        raise ServiceError(_("This field is required."), field="on")
    previous = getattr(lead, DATE_OF[LeadStage(lead.stage)])
    if on < previous:
        raise ServiceError(_("The date cannot be before the previous stage's date "
                             "(%(day)s).") % {"day": previous.isoformat()}, field="on")
    if on > _today(today):
        raise ServiceError(_("The date cannot be in the future."), field="on")
    fields = ["stage", DATE_OF[LeadStage(to_stage)]]
    if to_stage == LeadStage.SIGNED:
        if contract_amount is None:
            raise ServiceError(_("Give the contract amount of the signing."),
                               field="contract_amount")
        validate_field(Lead, "contract_amount", contract_amount)
        lead.contract_amount = contract_amount
        fields.append("contract_amount")
    over = first_too_long(LeadStep, {"note": note.strip()})
    if over:
        raise ServiceError(over[1], field="note")
    before = snapshot(lead, fields)
    lead.stage = to_stage
    setattr(lead, DATE_OF[LeadStage(to_stage)], on)
    save_versioned(lead, expected_version, fields)
    _step(lead, to_stage, on, note, actor)
    record("lead.advanced", lead, actor=actor, changes=diff(before, snapshot(lead, fields)),
           reason=note.strip())
    return lead


def _require_landed_and_free(lead: Lead) -> None:
    if lead.stage != LeadStage.LANDED:
        raise ServiceError(_("Only a landed lead becomes a ledger project."))
    if lead.project_id is not None:
        raise ServiceError(_("This lead is a ledger project already."))


def _link(lead: Lead, project: Project, actor: Any, expected_version: Any, event: str,
          on: date) -> Lead:
    lead.project = project
    save_versioned(lead, expected_version, ["project"])
    _step(lead, LeadStage.LANDED, on, _("Became the ledger project “%(name)s”.")
          % {"name": project.name}, actor)
    record(event, lead, actor=actor, changes={"project": [None, project.name]})
    return lead


@transaction.atomic
def convert(lead: Lead, *, actor: Any, expected_version: Any, division: Division | None = None,
            planned_total: Decimal | None = None, planned_start: date | None = None,
            today: date | None = None) -> Project:
    """A landed lead becomes a ledger project in one step, through the ledger's own
    `create_project` (its checks and its audit event), keeping the link: the project's page
    then shows the signing date. The project takes the lead's name, enterprise, industry and
    township; its planned total is the contract amount unless given."""
    _require(actor, lead)
    refuse_missing(expected_version)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _require_landed_and_free(lead)
    total = planned_total if planned_total is not None else (
        lead.contract_amount if lead.contract_amount is not None else lead.intended_investment)
    project = create_project(
        actor=actor, stage=Stage.PLANNING, name=lead.name, owner=lead.enterprise,
        industry=lead.industry, division=division or lead.division, planned_total=total,
        planned_start=planned_start)
    _link(lead, project, actor, expected_version, "lead.converted", _today(today))
    return project


@transaction.atomic
def link_project(lead: Lead, project: Project, *, actor: Any, expected_version: Any,
                 today: date | None = None) -> Lead:
    """A landed lead whose project the ledger holds already (entered before the lead was
    recorded): link them instead of creating a second project. A project started before
    the lead landed is refused (the dates would go backwards); a project already linked to
    another lead too."""
    _require(actor, lead)
    refuse_missing(expected_version)
    if not Project.objects.restrict(actor, "change").filter(pk=project.pk).exists():
        raise ServiceError(_("Choose a project of your own ledger."), field="project")
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _require_landed_and_free(lead)
    if Lead.objects.filter(project=project).exists():
        raise ServiceError(_("That project is linked to another lead."), field="project")
    if project.actual_start is not None and lead.landed_on and (
            project.actual_start < lead.landed_on):
        raise ServiceError(_("That project started before the lead landed."), field="project")
    return _link(lead, project, actor, expected_version, "lead.linked", _today(today))
