"""Project filters shared by the list page, exports, the stats command and the bulletin."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from taizhang.accounts.choices import DivisionLevel, OrganizationKind
from taizhang.accounts.models import Division, Organization, Person
from taizhang.core.parsing import parse_id
from taizhang.core.periods import Period
from taizhang.figures import responsibility
from taizhang.figures.per_project import behind_schedule
from taizhang.figures.stages import PERIOD_STAGE, with_period_stage
from taizhang.ledger import lamps
from taizhang.ledger.choices import (
    Batch,
    Industry,
    ListKind,
    ListLevel,
    MembershipStatus,
    Nature,
    Stage,
)
from taizhang.ledger.models import KeyListMembership, Project
from taizhang.ledger.models.keylists import list_code, parse_list_code
from taizhang.stats.service import batch_conditions

LIST_CHOICES = [
    (list_code(level, kind),
     format_lazy(pgettext_lazy("key list name", "{level} {kind}"), level=level_label,
                 kind=kind_label))
    for level, level_label in ListLevel.choices
    for kind, kind_label in ListKind.choices
]


class IdsField(forms.ModelMultipleChoiceField):
    """Ids from a query string; junk and out-of-range numbers are form errors, not 500s."""

    def _check_values(self, value):  # type: ignore[no-untyped-def]
        for pk in value:
            if parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                    params={"pk": str(pk)[:20]},
                )
        return super()._check_values(value)


LACKS_CHOICES = [("", _("All")), ("any", _("a person, a plan or a deadline")),
                 ("person", _("a person in charge")), ("plan", _("a plan")),
                 ("deadline", _("a deadline"))]


@dataclass
class ProjectFilter:
    """A combination of filters; every field empty means "all projects"."""

    stages: list[str] = field(default_factory=list)
    key_lists: list[str] = field(default_factory=list)  # codes like "province-prestage"
    units: list[int] = field(default_factory=list)
    leaders: list[int] = field(default_factory=list)
    divisions: list[int] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    natures: list[str] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)
    owner_name: str = ""
    search: str = ""
    # The four batches (谋划/开工/建设/投产), as the statistics count them at the period.
    batches: list[str] = field(default_factory=list)
    # 滞后: applied by the caller, who knows the period (figures.per_project.behind_schedule).
    behind: bool = False
    # Lamps of the period (红/黄/绿, "none": not evaluated): applied only with a period.
    lamps: list[str] = field(default_factory=list)
    # 有人管、有方案、有时限: "person", "plan", "deadline" or "any" (figures.responsibility).
    lacks: str = ""

    def apply(self, projects: QuerySet[Project], year: int, *,
              period: Period | None = None,
              behind_line: Decimal | None = None, viewer: Any = None) -> QuerySet[Project]:
        """Narrow `projects`; key lists are those of `year` (the period's year). With
        `period`, the stages are those at its end (figures/stages.py), as in the figures,
        and 滞后 is behind time progress by more than `behind_line` points (the office's:
        `figures.rates.behind_threshold(office)`); the lamps are those stored for it that
        `viewer` may read (`ledger.lamps`: drafts only for the office; None: a command's).

        Cancelled projects (终止) leave the ledger's figures unless asked for by stage.
        """
        stage = "stage"
        if period is not None:
            projects, stage = with_period_stage(projects, period), PERIOD_STAGE
        if self.stages:
            projects = projects.filter(**{f"{stage}__in": self.stages})
        else:
            projects = projects.exclude(**{stage: Stage.CANCELLED})
        if self.batches:
            conditions = batch_conditions(period or Period(year, 12), stage)
            batch_q = Q()
            for batch in self.batches:
                batch_q |= conditions[batch]
            projects = projects.filter(batch_q)
        if self.key_lists:
            lists_q = Q()
            for code in self.key_lists:
                level, kind = parse_list_code(code)
                lists_q |= Q(key_list__level=level, key_list__kind=kind)
            on_list = KeyListMembership.objects.filter(
                lists_q, project=OuterRef("pk"), key_list__year=year,
                status=MembershipStatus.APPROVED,
            )
            projects = projects.filter(Exists(on_list))
        if self.units:
            projects = projects.filter(responsible_unit__in=self.units)
        if self.leaders:
            projects = projects.filter(leader__in=self.leaders)
        if self.divisions:
            division_q = Q()
            for division in Division.objects.filter(pk__in=self.divisions):
                division_q |= division.subtree_q("division__")
            projects = projects.filter(division_q) if division_q else projects.none()
        if self.industries:
            projects = projects.filter(industry__in=self.industries)
        if self.natures:
            projects = projects.filter(nature__in=self.natures)
        if self.owners:
            projects = projects.filter(owner__in=self.owners)
        if self.owner_name:
            projects = projects.filter(owner__name__icontains=self.owner_name)
        if self.search:
            projects = projects.filter(Q(name__icontains=self.search) | Q(code=self.search))
        if self.behind and period is not None:
            projects = behind_schedule(projects, period, behind_line)
        if self.lamps and period is not None:
            projects = lamps.of_colors(projects, period, self.lamps, viewer)
        if self.lacks:
            projects = projects.filter(pk__in=responsibility.lacking(
                Project.objects.all(), year, self.lacks).values("pk"))
        return projects


class ProjectFilterForm(forms.Form):
    """Reads a ProjectFilter from a query string; invalid values become form errors, not 500s."""

    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    stage = forms.MultipleChoiceField(label=_("Stage"), choices=Stage.choices, required=False)
    list = forms.MultipleChoiceField(label=_("Key list"), choices=LIST_CHOICES, required=False)
    unit = IdsField(
        label=_("Responsible unit"), required=False,
        queryset=Organization.objects.filter(
            kind__in=[OrganizationKind.DEPARTMENT, OrganizationKind.TOWNSHIP]
        ),
    )
    leader = IdsField(
        label=_("Leader"), required=False,
        queryset=Person.objects.filter(led_projects__isnull=False).distinct(),
    )
    township = IdsField(
        label=_("Township"), required=False,
        queryset=Division.objects.filter(level=DivisionLevel.TOWNSHIP),
    )
    industry = forms.MultipleChoiceField(
        label=_("Industry"), choices=Industry.choices, required=False
    )
    nature = forms.MultipleChoiceField(label=_("Nature"), choices=Nature.choices, required=False)
    owner = IdsField(
        label=_("Owner"), required=False,
        queryset=Organization.objects.filter(kind=OrganizationKind.ENTERPRISE),
    )

    # Owners run into thousands: typed, not picked from a list (`owner` ids still work in links).
    owner_name = forms.CharField(label=_("Owner"), required=False, max_length=100)
    behind = forms.BooleanField(label=_("Behind schedule only"), required=False)
    lacks = forms.ChoiceField(label=_("Lacking"), required=False, choices=LACKS_CHOICES)
    batch = forms.MultipleChoiceField(label=_("Batch"), choices=Batch.choices, required=False)
    lamp = forms.MultipleChoiceField(label=_("Lamp"), choices=lamps.color_choices,
                                     required=False)

    def __init__(self, *args: Any, visible: QuerySet[Project] | None = None,
                 choice_ids: Mapping[str, Collection[int]] | None = None, **kwargs: Any):
        """`visible`: the user's projects; the lists offer only what they refer to, so no other
        owner's name leaks through a dropdown. `choice_ids`: those lists already worked out
        (`choice_ids_of(visible)`, e.g. from a cache), by field name."""
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = _without_all(self.data)
        if visible is None:
            return
        for name, model, column in _CHOICES_FROM_PROJECTS:
            if choice_ids is not None and name in choice_ids:
                queryset = model.objects.filter(pk__in=list(choice_ids[name]))
            else:
                # EXISTS per candidate rather than IN (every visible project): SQLite then
                # seeks the index instead of reading 100,000 projects per list.
                queryset = model.objects.filter(
                    Exists(visible.filter(**{column: OuterRef("pk")})))
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]

    @cached_property
    def options(self) -> dict[str, SafeString]:
        """The ``<option>`` elements of the unit, leader and township lists (one query each),
        the chosen ones selected. Built here, not in a template loop: the loop's tests of
        each option against the field's value took most of the list page's rendering (260
        options at 100,000 projects)."""
        return {name: self._options(name) for name in SHOWN_CHOICES}

    def _options(self, name: str) -> SafeString:
        chosen = self[name].value() or []
        chosen = {str(value) for value in (chosen if isinstance(chosen, list) else [chosen])}
        label: Callable[[Any], str] = str if name == "leader" else attrgetter("name")
        queryset = self.fields[name].queryset  # type: ignore[attr-defined]
        return format_html_join("", '<option value="{}" {}>{}</option>', (
            (o.pk, "selected" if str(o.pk) in chosen else "", label(o)) for o in queryset))

    def ignored_labels(self) -> str:
        """The labels of the filters that were not understood, joined as the language joins
        a list (、 in Chinese, ", " in English)."""
        names = [str(self.fields[name].label) for name in self.errors if name in self.fields]
        return str(pgettext("list separator", ", ")).join(names)

    def to_filter(self) -> ProjectFilter:
        # Keep every filter that is valid; the template names the ones that were not.
        self.is_valid()
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        return ProjectFilter(
            stages=list(data.get("stage") or []),
            key_lists=list(data.get("list") or []),
            units=[o.pk for o in data.get("unit") or []],
            leaders=[p.pk for p in data.get("leader") or []],
            divisions=[d.pk for d in data.get("township") or []],
            industries=list(data.get("industry") or []),
            natures=list(data.get("nature") or []),
            owners=[o.pk for o in data.get("owner") or []],
            owner_name=(data.get("owner_name") or "").strip(),
            search=(data.get("q") or "").strip(),
            behind=bool(data.get("behind")),
            lacks=data.get("lacks") or "",
            batches=list(data.get("batch") or []),
            lamps=list(data.get("lamp") or []),
        )


def _without_all(data: Any) -> Any:
    """The query string without empty values: a list left at 全部 (All) sends ``stage=``,
    which means no filter, not a value to refuse."""
    if not hasattr(data, "lists"):
        return data
    kept = data.copy()
    for name, values in data.lists():
        present = [v for v in values if str(v).strip()]
        if present:
            kept.setlist(name, present)
        else:
            del kept[name]
    return kept


# Fields whose choices are the objects the visible projects refer to: (field, model, column).
_CHOICES_FROM_PROJECTS: list[tuple[str, Any, str]] = [
    ("unit", Organization, "responsible_unit"),
    ("leader", Person, "leader"),
    ("township", Division, "division"),
    ("owner", Organization, "owner"),
]
# The lists the list page shows (owners are typed, not picked: thousands of them).
SHOWN_CHOICES = ("unit", "leader", "township")


def choice_ids_of(visible: QuerySet[Project]) -> dict[str, list[int]]:
    """Ids of the units, leaders and townships `visible` refers to, in one query."""
    columns = {name: column for name, _model, column in _CHOICES_FROM_PROJECTS
               if name in SHOWN_CHOICES}
    found: dict[str, set[int]] = {name: set() for name in columns}
    rows = visible.order_by().values_list(*columns.values()).distinct()
    for row in rows:
        for name, value in zip(columns, row, strict=True):
            if value is not None:
                found[name].add(value)
    return {name: sorted(ids) for name, ids in found.items()}
