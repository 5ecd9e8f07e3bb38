"""What dispatch declares to the core and its neighbours: events, audited types, the restore
guard's tables, notification kinds, the menu, the statistics sections and the warnings rule."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from taizhang.accounts.choices import Role
from taizhang.accounts.scope import acts_for_office
from taizhang.core.registry import MenuItem, model_labels, registry
from taizhang.dispatch import figures, lamp_rule  # noqa: F401  (registers the lamp rule)
from taizhang.notices import kinds

registry.events({
    "meeting.recorded": _("Dispatch meeting recorded"),
    "meeting.photo_added": _("Photo of an on-site dispatch added"),
    "meeting.edited": _("Dispatch meeting edited"),
    "task.assigned": _("Task of a meeting assigned"),
    "task.done": _("Task of a meeting done"),
    "problem.raised": _("Problem raised and assigned"),
    "problem.accepted": _("Problem accepted by its unit"),
    "problem.progress": _("Progress on a problem reported"),
    "problem.proposed": _("Resolution of a problem proposed"),
    "problem.resolved": _("Resolution of a problem confirmed"),
    "problem.sent_back": _("Problem sent back to its unit"),
    "problem.escalated": _("Overdue problem escalated (督办)"),
    "problem.plan_submitted": _("Rectification plan submitted"),
})
registry.change_keys({"problems": _("problems"), "note": _("note"),
                      "plan": _("rectification plan"), "tasks": _("tasks")})
registry.audited("dispatch.meeting", _("dispatch meeting"),
                 not_browsable="recorded with its problems, then corrected on its edit page: "
                               "its events (each with its changes) are in the audit export")
registry.audited("dispatch.task", _("assigned task"),
                 not_browsable="assigned with its meeting, then marked done once: both events "
                               "are in the audit export")
registry.audited("dispatch.problem", _("problem"),
                 not_browsable="every step is a status transition with its note on the "
                               "problem's own page")
registry.unaudited({
    "dispatch.meetingphoto": "added with its meeting's meeting.photo_added event, never edited",
    "dispatch.problemnote": "written inside the audited transition of its problem",
    "dispatch.supervision": "written inside the problem.escalated and problem.plan_submitted "
                            "events",
})
registry.backup(office_data=model_labels("dispatch"))

kinds.declare({
    "dispatch.assigned": _("A problem of %(project)s was assigned to your unit, due "
                           "%(deadline)s: %(problem)s"),
    "dispatch.near": _("A problem of %(project)s is due on %(deadline)s: %(problem)s"),
    "dispatch.overdue": _("A problem of %(project)s passed its deadline (%(deadline)s) and is "
                          "under supervision: %(problem)s"),
    "dispatch.proposed": _("A resolution was proposed for a problem of %(project)s: "
                           "%(problem)s"),
    "dispatch.resolved": _("A problem of %(project)s is resolved: %(problem)s"),
    "dispatch.sent_back": _("A problem of %(project)s was sent back: %(problem)s"),
})

registry.stats_section("meetings", lambda period: figures.meetings_by_kind(period))
registry.stats_section("problems", lambda period: figures.problem_counts(period))


def _unit(user: Any) -> bool:
    return (getattr(user, "is_authenticated", False) and user.role == Role.UNIT_STAFF
            and user.organization_id is not None)


def _leader(user: Any) -> bool:
    return (getattr(user, "is_authenticated", False) and user.role == Role.LEADER
            and user.person_id is not None)


def _office_with_division(user: Any) -> bool:
    """The dispatch pages are an office's own division's (views.office_page)."""
    return acts_for_office(user) and user.division_id is not None


registry.menu_items(
    MenuItem(_("Dispatch"), "dispatch:meetings", _office_with_division, weight=147),
    MenuItem(_("Our problems"), "dispatch:unit", _unit, weight=105),
    MenuItem(_("My projects and problems"), "dispatch:leader", _leader, weight=105),
)
