"""Every write of the policies: the catalogue, enterprise profiles, the batch matching run
that pushes policies to the enterprises that qualify, and a push's read, applied and granted.

The office of a division keeps its catalogue and runs the matching (directly, from a command
or the scenario, or as a background job: `jobs.py`); the owner accounts of a pushed
enterprise read it and say they applied; the office records the grant. A run is idempotent:
a policy already pushed to an enterprise is not pushed again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.choices import Role
from taizhang.accounts.models import Division, Organization, User
from taizhang.accounts.scope import acts_for_office, acts_for_office_of, office_rows_q
from taizhang.core.audit.service import record
from taizhang.core.context import unattended
from taizhang.core.services import ServiceError, check_version, save_versioned
from taizhang.notices.services import notify_each
from taizhang.policies import matching
from taizhang.policies.choices import EnterpriseSize
from taizhang.policies.models import EnterpriseProfile, MatchRun, Policy, Push

POLICY_FIELDS = ("title", "issuer", "level", "benefit", "deadline", "how_to_apply", "contact",
                 "grant_without_application", "industries", "sizes", "stages",
                 "min_investment", "key_level", "tags")


def _require_office(actor: Any, division: Division) -> None:
    """The office of `division` or above (the superuser too); a command or the scenario."""
    if unattended(actor):
        return
    if not acts_for_office_of(actor, division):
        raise PermissionDenied


def _townships(division: Division, townships: Iterable[Division]) -> list[Division]:
    chosen = list(townships)
    for township in chosen:
        if not division.contains(township):
            raise ServiceError(_("Choose townships of your own division."), field="townships")
    return chosen


def save_policy(division: Division, *, actor: Any, expected_version: Any,
                policy: Policy | None = None, townships: Iterable[Division] = (),
                **values: Any) -> Policy:
    """Create a policy of `division`'s catalogue (`policy` None) or change one, eligibility
    included; audited with the changed values."""
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"not policy fields: {sorted(unknown)}")
    if policy is not None:
        division = policy.division
    _require_office(actor, division)
    chosen = _townships(division, townships)
    for name in ("industries", "sizes", "stages", "tags"):
        if name in values:
            values[name] = sorted({str(v).strip() for v in values[name] or [] if str(v).strip()})
    with transaction.atomic():
        if policy is None:
            check_version(expected_version, None)
            policy = Policy(division=division, **values)
            policy.full_clean(exclude=["townships"])
            policy.save()
            policy.townships.set(chosen)
            record("policy.created", policy, actor=actor, changes=_changes(policy, chosen))
            return policy
        policy = Policy.objects.select_for_update().get(pk=policy.pk)
        before = _changes(policy, list(policy.townships.all()))
        for name, value in values.items():
            setattr(policy, name, value)
        policy.full_clean(exclude=["townships"])
        save_versioned(policy, expected_version, list(values))
        policy.townships.set(chosen)
        after = _changes(policy, chosen)
        record("policy.updated", policy, actor=actor, changes={
            key: [before.get(key), value] for key, value in after.items()
            if before.get(key) != value})
    return policy


def _changes(policy: Policy, townships: list[Division]) -> dict[str, Any]:
    found = {name: getattr(policy, name) for name in POLICY_FIELDS}
    found = {k: (str(v) if isinstance(v, Decimal) or hasattr(v, "isoformat") else v)
             for k, v in found.items()}
    found["townships"] = sorted(t.name for t in townships)
    return found


def save_profile(organization: Organization, *, actor: Any, expected_version: Any,
                 size: str = "", tags: Iterable[str] = ()) -> EnterpriseProfile:
    """An enterprise's size and tags for matching: the office of a division where it is
    placed or owns a project (or a command / the scenario). `expected_version` is the
    profile's version the form showed (0: it had none yet)."""
    if not unattended(actor) and not Organization.objects.filter(
            office_rows_q(actor) | office_rows_q(actor, "projects__"), pk=organization.pk).exists():
        raise PermissionDenied
    if size and size not in EnterpriseSize.values:
        raise ServiceError(_("Choose one of the enterprise sizes."), field="size")
    cleaned = sorted({t.strip() for t in tags if t.strip()})
    with transaction.atomic():
        profile = EnterpriseProfile.objects.select_for_update().filter(
            organization=organization).first()
        if profile is None:
            check_version(expected_version, None)
            profile = EnterpriseProfile.objects.create(organization=organization, size=size,
                                                       tags=cleaned)
        else:
            profile.size, profile.tags = size, cleaned
            save_versioned(profile, expected_version, ["size", "tags"])
        record("policy.profile_saved", profile, actor=actor,
               changes={"size": size, "tags": cleaned})
    return profile


def run_matching(division: Division, *, actor: Any, notify: bool = True,
                 today: date | None = None) -> MatchRun:
    """Match every enterprise of `division` against every policy of its catalogue still open
    (no deadline, or not passed), push each new match with its reasons (a policy already
    pushed to an enterprise is left as it is) and tell the enterprises' owner accounts."""
    _require_office(actor, division)
    today = today or timezone.localdate()
    with transaction.atomic():
        run = MatchRun.objects.create(division=division,
                                      started_by=actor if actor is not None else None)
        policies = list(Policy.objects.filter(division.subtree_q("division__"))
                        .exclude(deadline__lt=today).prefetch_related("townships"))
        facts = matching.enterprise_facts(division)
        index = matching.Index(matching.criteria_of(policies))
        pushed = set(Push.objects.filter(policy__in=policies)
                     .values_list("policy_id", "enterprise_id"))
        names = township_names(division)
        new, matches = [], 0
        for criteria, enterprise, reasons in index.matches(facts):
            matches += 1
            if (criteria.policy_id, enterprise.enterprise_id) in pushed:
                continue
            new.append(Push(policy_id=criteria.policy_id, enterprise_id=enterprise.enterprise_id,
                            run=run, reasons=named_reasons(reasons, names)))
        Push.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        run.enterprises, run.policies, run.matches, run.pushed = (
            len(facts), len(policies), matches, len(new))
        run.finished_at = timezone.now()
        run.save(update_fields=["enterprises", "policies", "matches", "pushed", "finished_at"])
        record("policy.matched", run, actor=actor, changes={
            "enterprises": len(facts), "policies": len(policies), "matches": matches,
            "pushed": len(new)})
        if notify and new:
            _notify(division, new)
    return run


def township_names(division: Division) -> dict[int, str]:
    return dict(Division.objects.filter(division.subtree_q()).values_list("pk", "name"))


def named_reasons(reasons: list[matching.Reason], names: dict[int, str]) -> list[matching.Reason]:
    """Townships by name (a push keeps the reasons as they were when it was made)."""
    return [{**r, "v": [names.get(v, str(v)) for v in r["v"]]} if r["c"] == "townships" else r
            for r in reasons]


def _notify(division: Division, new: list[Push]) -> None:
    """One notice per owner account of each enterprise with new pushes: how many."""
    counts: dict[int, int] = defaultdict(int)
    for push in new:
        counts[push.enterprise_id] += 1
    owners = User.objects.filter(role=Role.OWNER, is_active=True,
                                 organization_id__in=list(counts)).filter(
        division.subtree_q("division__") | division_above_q(division))
    notify_each(((user, {"count": counts[user.organization_id or 0]}) for user in owners),
                "policies.pushed", link=reverse("policies:mine"), topic="policies")


def division_above_q(division: Division) -> Q:
    return Q(division__code__in=division.lineage_codes())


def _own_push(push: Push, user: Any) -> Push:
    found = Push.objects.restrict(user).filter(pk=push.pk).select_for_update().first()
    if found is None or user.role != Role.OWNER:
        raise PermissionDenied
    return found


def mark_read(push: Push, *, user: Any) -> Push:
    """The owner opened the push: read now (its own state, like a notice; not audited)."""
    if push.read_at is None and user.role == Role.OWNER and Push.objects.restrict(user).filter(
            pk=push.pk).exists():
        push.read_at = timezone.now()
        Push.objects.filter(pk=push.pk, read_at__isnull=True).update(read_at=push.read_at)
    return push


def mark_applied(push: Push, *, actor: Any) -> Push:
    """The owner says it applied (not for a policy granted without application)."""
    with transaction.atomic():
        push = _own_push(push, actor)
        if push.policy.grant_without_application:
            raise ServiceError(_("This policy is granted without application."))
        if push.applied_at is not None:
            raise ServiceError(_("You already marked this policy applied."))
        now = timezone.now()
        push.applied_at = now
        push.read_at = push.read_at or now
        push.save(update_fields=["applied_at", "read_at"])
        record("policy.applied", push, actor=actor)
    return push


def mark_granted(push: Push, *, actor: Any) -> Push:
    """The office records that the enterprise got what the policy gives."""
    with transaction.atomic():
        found = (Push.objects.restrict(actor).select_for_update().filter(pk=push.pk)
                 .select_related("policy").first()) if actor is not None else None
        if found is None or not (actor.is_superuser or acts_for_office(actor)):
            raise PermissionDenied
        if found.granted_at is not None:
            raise ServiceError(_("This push is already granted."))
        if not found.policy.grant_without_application and found.applied_at is None:
            raise ServiceError(_("The enterprise has not applied yet."))
        found.granted_at = timezone.now()
        found.save(update_fields=["granted_at"])
        record("policy.granted", found, actor=actor)
    return found


def start_matching(*, actor: Any) -> Any:
    """Queue the batch run of the actor's division as a background job."""
    from taizhang.jobs.services import start_job
    from taizhang.policies.jobs import MATCH

    if actor.division is None:
        raise PermissionDenied
    _require_office(actor, actor.division)
    return start_job(MATCH, actor=actor)
