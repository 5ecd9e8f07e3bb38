"""The ledger's background jobs: an import's preview, the import itself, a large export.

Registered with the jobs app in `registrations.py`; each runs in the worker as the user who
started it, in their language, with the web request's id on its audit rows.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from taizhang.accounts.models import OfficeSettings
from taizhang.core.audit.service import record
from taizhang.core.periods import Period
from taizhang.figures.rates import behind_threshold
from taizhang.jobs.kinds import JobKind, Outcome
from taizhang.jobs.models import Job
from taizhang.jobs.progress import Progress, jobs_dir
from taizhang.ledger.choices import Stage
from taizhang.ledger.exporting import write_ledger_xlsx
from taizhang.ledger.filters import ProjectFilterForm
from taizhang.ledger.importing import ImportResult, import_ledger
from taizhang.ledger.importing.result import (
    ApprovedChange,
    FieldChange,
    ImportTotals,
    ProjectChange,
    RowError,
)
from taizhang.ledger.importing.staging import staged
from taizhang.ledger.models import Project

PREVIEW = "ledger:import-preview"
IMPORT = "ledger:import"
EXPORT = "ledger:export"


def _row_errors(result: ImportResult) -> Outcome:
    count = len(result.errors)
    return Outcome(ok=False, error=ngettext(
        "The sheet was not imported: %(n)d error. Nothing was written; correct the cells "
        "below and upload the sheet again.",
        "The sheet was not imported: %(n)d errors. Nothing was written; correct the cells "
        "below and upload the sheet again.", count) % {"n": count},
        row_errors=[dataclasses.asdict(error) for error in result.errors[:500]],
        row_error_count=count)


def _expired() -> Outcome:
    return Outcome(ok=False, error=_(
        "This preview has expired (a preview is kept %(hours)d hours); upload the file "
        "again.") % {"hours": settings.TAIZHANG_IMPORT_PREVIEW_HOURS})


# --- the preview (a dry run) ----------------------------------------------------------------

def run_preview(job: Job, progress: Progress) -> Outcome:
    params = job.params
    path = staged(params["token"])
    if path is None:
        return _expired()
    period = Period.parse(params["period"]) if params.get("period") else None
    with path.open("rb") as source:
        result = import_ledger(source, params["filename"], actor=job.owner, period=period,
                               dry_run=True, progress=progress)
    if result.errors:
        path.unlink(missing_ok=True)
        return _row_errors(result)
    return Outcome(ok=True, summary={
        "summary": _("%(c)s to create, %(u)s to update, %(n)s unchanged.")
        % {"c": result.created, "u": result.updated, "n": result.unchanged},
        "preview": preview_to_json(result)})


def preview_to_json(result: ImportResult) -> dict[str, Any]:
    """What the preview page shows of a dry run: the counts and the first
    TAIZHANG_IMPORT_PREVIEW_ROWS changes and warnings (the page stays small)."""
    limit = settings.TAIZHANG_IMPORT_PREVIEW_ROWS
    return {
        "period": str(result.period) if result.period else "",
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
        "projects": result.totals.projects, "digest": result.digest,
        "new_owners": result.new_owners, "new_units": result.new_units,
        "new_leaders": result.new_leaders,
        "changes": [dataclasses.asdict(change) for change in result.changes[:limit]],
        "warnings": [dataclasses.asdict(warning) for warning in result.warnings[:limit]],
        "approved_changes": [dataclasses.asdict(a) for a in result.approved_changes],
        "hidden": max(len(result.changes) - limit, 0) + max(len(result.warnings) - limit, 0),
    }


def preview_from_json(data: dict[str, Any]) -> ImportResult:
    """The dry run's result again, as much of it as the preview page shows."""
    result = ImportResult(period=Period.parse(data["period"]) if data["period"] else None,
                          dry_run=True, created=data["created"], updated=data["updated"],
                          unchanged=data["unchanged"], digest=data["digest"],
                          new_owners=data["new_owners"], new_units=data["new_units"],
                          new_leaders=data["new_leaders"],
                          totals=ImportTotals(projects=data["projects"]))
    result.changes = [ProjectChange(**{
        **change, "fields": [FieldChange(**f) for f in change["fields"]],
        "figures": [FieldChange(**f) for f in change["figures"]]}) for change in data["changes"]]
    result.warnings = [RowError(**warning) for warning in data["warnings"]]
    result.approved_changes = [ApprovedChange(**a) for a in data["approved_changes"]]
    return result


# --- the import -----------------------------------------------------------------------------

def run_import(job: Job, progress: Progress) -> Outcome:
    """The confirmed import: ONE transaction (import_ledger), so a failure or a killed worker
    writes nothing; the progress goes to the job's file, outside it."""
    params = job.params
    path = staged(params["token"])
    if path is None:
        return _expired()
    period = Period.parse(params["period"]) if params.get("period") else None
    with path.open("rb") as source:
        result = import_ledger(source, params["filename"], actor=job.owner, period=period,
                               dry_run=False, expect_digest=params["digest"],
                               confirm_approved_changes=params["confirm_approved_changes"],
                               progress=progress)
    if result.errors:
        path.unlink(missing_ok=True)
        return _row_errors(result)
    # Kept until the transaction commits: a worker killed before that leaves it to run again.
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
    return Outcome(ok=True, summary={"summary": _(
        "Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
        % {"created": result.created, "updated": result.updated,
           "unchanged": result.unchanged}})


# --- a large export -------------------------------------------------------------------------

def run_export(job: Job, progress: Progress) -> Outcome:
    """The filtered list as the standard sheet, for its owner's scope, into a file only the
    owner may download (jobs:download)."""
    from taizhang.ledger.views.transfer import export_details

    query = QueryDict(job.params["query"])
    period = Period.parse(job.params["period"])
    visible = Project.objects.restrict(job.owner, "view")
    form = ProjectFilterForm(query or None, visible=visible)
    chosen = form.to_filter()
    office = OfficeSettings.for_division(job.owner.division)
    projects = chosen.apply(visible, period.year, period=period,
                            behind_line=behind_threshold(office), viewer=job.owner)
    name = f"{job.pk}.xlsx"
    stats = write_ledger_xlsx(projects, period, jobs_dir() / name, viewer=job.owner,
                              include_cancelled=Stage.CANCELLED in chosen.stages)
    progress(stats.total.projects, stats.total.projects)
    record("ledger.exported", job.owner, actor=job.owner,
           changes=export_details(period, form, stats.total.projects, job.params["query"]))
    return Outcome(ok=True, result_file=name, result_name=f"ledger-{period}.xlsx", summary={
        "summary": ngettext("%(n)d project exported.", "%(n)d projects exported.",
                            stats.total.projects) % {"n": stats.total.projects}})


def _preview_page(job: Job) -> str:
    return f"{reverse('ledger:import')}?preview={job.pk}"


KINDS = [
    JobKind(PREVIEW, gettext_lazy("Import preview"), run_preview, next_url=_preview_page,
            next_label=gettext_lazy("See the preview and confirm")),
    JobKind(IMPORT, gettext_lazy("Ledger import"), run_import,
            next_url=lambda job: reverse("ledger:project-list"),
            next_label=gettext_lazy("Open the projects"), atomic=True),
    JobKind(EXPORT, gettext_lazy("Ledger export"), run_export),
]
