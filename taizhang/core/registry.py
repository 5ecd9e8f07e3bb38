"""What each app contributes to the core's shared mechanisms (after NetBox's registry).

The core keeps no list of other apps' models, events or pages. Each app declares its own in
`<app>/registrations.py`, which `CoreConfig.ready` imports for every installed app; the core
then reads the registry:

- event labels: the audit trail's readable name of each named event (`AuditEvent.action`);
- audited object types: a name for the audit export's filter, the history page's kind (or why
  the type has no history page), and whether its writes may change cached figures;
- history kinds: how the history page finds an object for a reader and where it links back;
- the restore guard: which models hold the office's data (a restore over them needs --yes);
- menu entries: the main menu, each entry with the test of who sees it.

`docs/architecture.md` ("Adding an app") lists what a new app declares and which test fails
until it does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise

Label = str | Promise


@dataclass(frozen=True)
class ObjectType:
    """An audited object type (`AuditEvent.object_type`: a model's label, or a pseudo type)."""

    object_type: str
    name: Label
    history_kind: str | None = None
    not_browsable: str = ""  # why there is no history page (required without a kind)
    changes_figures: bool = False


@dataclass(frozen=True)
class Reverter:
    """How a kind's object is reverted to a version (core/audit/revert.py): the app's rules
    and its own service function, so permission, validation, locking and audit apply."""

    fields: tuple[str, ...]  # what a revert may restore
    # Whether `user` may revert the object (the history page offers the buttons).
    may_revert: Callable[[Any, models.Model], bool]
    # Raises PermissionDenied unless the actor may revert the object.
    permitted: Callable[[Any, models.Model], None]
    # Raises ServiceError if the (locked) object's state forbids a revert now.
    ready: Callable[[models.Model], None]
    # Writes the restored values (model values by field name) through the app's service.
    apply: Callable[[models.Model, dict[str, Any], Any], models.Model]


@dataclass(frozen=True)
class HistoryKind:
    """An object type with a history page at `history/<kind>/<pk>/`."""

    kind: str
    model: str
    # The object `user` may see, or None (the page answers 404).
    find: Callable[[Any, int], models.Model | None]
    # The page the history's "back" link leads to.
    back_link: Callable[[models.Model], str | None] = lambda obj: None
    reverter: Reverter | None = None  # None: the history is read only


@dataclass(frozen=True)
class MenuItem:
    label: Label
    url_name: str
    visible: Callable[[Any], bool]  # given the signed-in user
    weight: int  # the menu's order: lighter first


@dataclass(frozen=True)
class SectionView:
    """How the bulletin and the cockpit show a statistics section: a heading and readable
    lines (label, value) computed from the section's JSON-able dict."""

    title: Label
    lines: Callable[[dict[str, Any]], list[tuple[Label, str]]]
    weight: int = 100  # order among sections: lighter first


@dataclass(frozen=True)
class ProjectFact:
    """A line an app above the ledger adds to a project's page (attraction: its signing date),
    shown only to a user who may see the project."""

    label: Label
    value: str
    url: str | None = None


@dataclass(frozen=True)
class HomePanel:
    """A section an app above the ledger adds to the home pages (financing: a bank's needs and
    loans; policies: an owner's pushed policies). `context(user)` returns the template's
    context, or None where the panel is not for this user."""

    template: str
    context: Callable[[Any], dict[str, Any] | None]
    weight: int = 100


@dataclass
class Registry:
    event_labels: dict[str, Label] = field(default_factory=dict)
    # Names of keys an app writes into an event's `changes` that are not model fields.
    change_labels: dict[str, Label] = field(default_factory=dict)
    object_types: dict[str, ObjectType] = field(default_factory=dict)
    history_kinds: dict[str, HistoryKind] = field(default_factory=dict)
    figure_types: set[str] = field(default_factory=set)
    not_audited: dict[str, str] = field(default_factory=dict)  # model label: why
    office_data: set[str] = field(default_factory=set)
    not_office_data: dict[str, str] = field(default_factory=dict)  # model label: why
    menu: list[MenuItem] = field(default_factory=list)
    # Which ids of a model a user may read by name (declared by the app that knows what its
    # records refer to: ledger/models/scope.py); none without it.
    nameable: Callable[[Any, type[models.Model], Iterable[Any]], set[str]] | None = None
    # What a history names for its reader (core/audit/history.py `entries`' keywords:
    # nameable, user_label, private), declared by the app that owns personal data.
    reader_limits: Callable[[Any, models.Model], dict[str, Any]] | None = None
    # What the admin's pickers (autocomplete) offer a user of a model (Organization, Person,
    # Division), declared by the app whose forms link to them (ledger: a project's owner, unit,
    # leader and township); everything without it.
    pickable: Callable[[Any, type[models.Model]], Q] | None = None
    # Sections an app above the ledger adds to `taizhang stats --json`: name → f(period) →
    # a JSON-able dict (dispatch: meetings and problems).
    stats_sections: dict[str, Callable[[Any], dict[str, Any]]] = field(default_factory=dict)
    # Sections the bulletin and the cockpit show "when present" (name → how), by weight.
    section_views: dict[str, SectionView] = field(default_factory=dict)
    # Providers of a project page's extra facts: f(user, project) → ProjectFacts.
    fact_providers: list[Callable[[Any, Any], Iterable[ProjectFact]]] = field(
        default_factory=list)
    home_panels: list[HomePanel] = field(default_factory=list)

    # --- declarations (called from each app's registrations.py) ---------------------------

    def events(self, labels: Mapping[str, Label]) -> None:
        for action, label in labels.items():
            _unique(self.event_labels, action, "event")
            self.event_labels[action] = label

    def change_keys(self, labels: Mapping[str, Label]) -> None:
        for key, label in labels.items():
            _unique(self.change_labels, key, "change key")
            self.change_labels[key] = label

    def audited(self, object_type: str, name: Label, *, history: str | None = None,
                not_browsable: str = "", changes_figures: bool = False) -> None:
        if not history and not not_browsable:
            raise ImproperlyConfigured(
                f"{object_type}: give its history kind or say why it has none")
        _unique(self.object_types, object_type, "audited object type")
        self.object_types[object_type] = ObjectType(object_type, name, history, not_browsable,
                                                    changes_figures)
        if changes_figures:
            self.figure_types.add(object_type)

    def figures(self, *object_types: str) -> None:
        """Object types whose writes may change cached figures (core/figures.py), audited
        under their own name or not (a row written along with an audited one)."""
        self.figure_types.update(object_types)

    def unaudited(self, reasons: Mapping[str, str]) -> None:
        """Models with no audit events of their own, each with the reason (for example: its
        changes are recorded in its parent's events)."""
        for label, why in reasons.items():
            if label in self.object_types or label in self.not_audited:
                raise ImproperlyConfigured(f"{label} is declared audited and not audited")
            self.not_audited[label] = why

    def history(self, kind: HistoryKind) -> None:
        _unique(self.history_kinds, kind.kind, "history kind")
        self.history_kinds[kind.kind] = kind

    def backup(self, *, office_data: Iterable[str] = (),
               not_office_data: Mapping[str, str] | None = None) -> None:
        """Models whose rows make a restore over them need --yes, and those that do not."""
        for label in office_data:
            _unique(self.not_office_data, label, "backup declaration")
            self.office_data.add(label)
        for label, why in (not_office_data or {}).items():
            if label in self.office_data:
                raise ImproperlyConfigured(f"{label} is declared twice for the restore guard")
            self.not_office_data[label] = why

    def name_scope(self, nameable: Callable[[Any, type[models.Model], Iterable[Any]], set[str]],
                   ) -> None:
        if self.nameable is not None:
            raise ImproperlyConfigured("The name scope is declared twice")
        self.nameable = nameable

    def picker_scope(self, pickable: Callable[[Any, type[models.Model]], Q]) -> None:
        if self.pickable is not None:
            raise ImproperlyConfigured("The pickers' scope is declared twice")
        self.pickable = pickable

    def picker_q(self, user: Any, model: type[models.Model]) -> Q:
        return self.pickable(user, model) if self.pickable is not None else Q()

    def history_reader(self, limits: Callable[[Any, models.Model], dict[str, Any]]) -> None:
        if self.reader_limits is not None:
            raise ImproperlyConfigured("The history's reader limits are declared twice")
        self.reader_limits = limits

    def stats_section(self, name: str, compute: Callable[[Any], dict[str, Any]], *,
                      view: SectionView | None = None) -> None:
        """A section of `taizhang stats --json`; with a view, the bulletin and the cockpit
        show it too."""
        _unique(self.stats_sections, name, "statistics section")
        self.stats_sections[name] = compute
        if view is not None:
            self.section_views[name] = view

    def home_panel(self, panel: HomePanel) -> None:
        self.home_panels.append(panel)
        self.home_panels.sort(key=lambda item: item.weight)

    def panels_for(self, user: Any) -> list[tuple[str, dict[str, Any]]]:
        """(template, context) of each home panel this user gets."""
        found = []
        for panel in self.home_panels:
            context = panel.context(user)
            if context is not None:
                found.append((panel.template, context))
        return found

    def project_facts(self, provider: Callable[[Any, Any], Iterable[ProjectFact]]) -> None:
        self.fact_providers.append(provider)

    def menu_items(self, *items: MenuItem) -> None:
        self.menu.extend(items)
        self.menu.sort(key=lambda item: item.weight)

    # --- reading -----------------------------------------------------------------------------

    def event_label(self, action: str) -> str:
        return str(self.event_labels.get(action, action))

    def changes_figures(self, object_type: str) -> bool:
        return object_type in self.figure_types

    def history_kind_of(self, model: type[models.Model]) -> str | None:
        found = self.object_types.get(model._meta.label_lower)
        return found.history_kind if found is not None else None

    def reverter_of(self, model: type[models.Model]) -> Reverter | None:
        kind = self.history_kind_of(model)
        return self.history_kinds[kind].reverter if kind is not None else None

    def limits_for(self, user: Any, obj: models.Model) -> dict[str, Any]:
        return self.reader_limits(user, obj) if self.reader_limits is not None else {}

    def may_name(self, user: Any, model: type[models.Model], ids: Iterable[Any]) -> set[str]:
        return self.nameable(user, model, ids) if self.nameable is not None else set()

    def viewed_sections(self) -> list[tuple[str, SectionView]]:
        return sorted(self.section_views.items(), key=lambda item: item[1].weight)

    def facts_for(self, user: Any, project: Any) -> list[ProjectFact]:
        return [fact for provider in self.fact_providers for fact in provider(user, project)]

    def menu_for(self, user: Any) -> list[MenuItem]:
        return [item for item in self.menu if item.visible(user)]


def _unique(existing: Mapping[str, Any], key: str, what: str) -> None:
    if key in existing:
        raise ImproperlyConfigured(f"The {what} {key!r} is declared twice")


registry = Registry()


def model_labels(app_label: str) -> list[str]:
    """Every model of an app, as `app_label.model` (for an app that declares them all alike)."""
    from django.apps import apps

    return [model._meta.label_lower for model in apps.get_app_config(app_label).get_models()]
