"""The permission matrix, walked over every URL the resolver knows, for every persona.

Each URL pattern must be classified in `RULES` (a new view, an admin model or an app makes
`test_every_url_is_classified` fail until someone decides who may use it). For each pattern
every persona requests it for objects inside and outside its scope, with ids guessed in the
URL (other owners' objects, another county's, ids that do not exist): the status must say
allowed or refused, a refused write must change nothing, and no response may contain a marker
text of a project the persona may not see. The expected scopes are written out by hand in
conftest.py, never derived from the scoping code under test.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from taizhang.accounts.models import LoginFailure, OfficeSettings, Organization, Person, User
from taizhang.accounts.security import totp
from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.jobs.models import Job
from taizhang.jobs.progress import jobs_dir
from taizhang.jobs.testing import run_queued_jobs
from taizhang.ledger.choices import MembershipStatus, ReportStatus, Stage
from taizhang.ledger.models import (
    AnnualPlan,
    KeyListMembership,
    MonthlyReport,
    Project,
    ReportPhoto,
    StageChange,
)
from taizhang.ledger.services.plans import set_annual_plan
from taizhang.ledger.services.projects import update_project
from taizhang.ledger.services.reports import save_report
from taizhang.ledger.tests.sheets_factory import ledger_grid, to_xlsx

from .assessment_rules import RULES as ASSESSMENT_RULES
from .attraction_matrix import RULES as ATTRACTION_RULES
from .bulletin_rules import RULES as BULLETIN_RULES
from .conftest import (
    ACCOUNTS,
    CHANGE,
    OFFICE,
    PASSWORDS,
    PERSONAS,
    REPORT,
    STAFF,
    VIEW,
    Matrix,
    foreign_texts,
    png_upload,
)
from .financing_matrix import RULES as FINANCING_RULES
from .land_matrix import RULES as LAND_RULES
from .policies_matrix import RULES as POLICY_RULES
from .procedures_matrix import RULES as PROCEDURE_RULES

MISSING = 987654321
KEYS = ("A", "B", "F", "G")
PLANNED = {"A": Decimal("50000.00"), "B": Decimal("80000.00"), "F": Decimal("30000.00"),
           "G": Decimal("7000.00")}
OWNER_NAMES = {"A": "燕山钢铁有限公司", "B": "迁钢新材有限公司", "F": "远郊物流有限公司",
               "G": "燕山钢铁有限公司"}


def _canonical(pattern: str) -> str:
    """The admin's app-index pattern names its apps in registration order, which depends on
    import order: sort them, so only a new app (not a new order) asks for a decision."""
    found = re.fullmatch(r"(admin/\^\(\?P<app_label>)([\w|]+)(\)/\$)", pattern)
    if found is None:
        return pattern
    return found[1] + "|".join(sorted(found[2].split("|"))) + found[3]


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield _canonical(prefix + str(entry.pattern))


ALL_PATTERNS = sorted(set(_walk(get_resolver().url_patterns)))


# ------------------------------------------------------------------------------ helpers

class _Undo(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run a writing request, check it, then undo it so the next persona finds the same world."""
    try:
        with transaction.atomic():
            yield
            raise _Undo
    except _Undo:
        pass


def text_of(response: Any) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content[:2] == b"PK" and "wordprocessing" in response.get("Content-Type", ""):
        import docx  # a docx (dispatch's minutes): every paragraph's text
        return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
    if content[:2] == b"PK":  # an xlsx: every cell's text
        wb = openpyxl.load_workbook(io.BytesIO(content))
        return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row
                         if c.value is not None)
    text = content.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    # Pages echo the requested path (the language switch's "next"): an id we typed ourselves
    # is not a leak, so it is taken out before looking for foreign data.
    return text.replace(response.request["PATH_INFO"], "")


def assert_nothing_foreign(m: Matrix, who: str, response: Any, *, owners: bool = True) -> str:
    """No marker of a project outside the persona's view scope, and (unless `owners` is off:
    the admin's reference lists, REFERENCE_PAGES) no organization, person, township, contact
    or person's name it may not read (conftest.NAMES, CONTACTS, PEOPLE_NAMES)."""
    assert response.status_code < 500, (who, response.status_code)
    text = text_of(response)
    for key in KEYS:
        if key in VIEW[who]:
            continue
        for marker in m.markers[key]:
            assert marker not in text, f"{who} saw {marker!r} of project {key}"
    if owners:
        for name in foreign_texts(who):
            assert name not in text, f"{who} saw {name!r}"
    return text


def client_for(m: Matrix, who: str) -> Client:
    client = Client()
    client.force_login(m.users[who])
    return client


def refused(response: Any) -> bool:
    return response.status_code in (302, 403, 404, 405)


def _get_only(url: Callable[[Matrix], str], *, allowed: Callable[[str], bool] | None = None,
              owners: bool = True) -> Callable[[Matrix, str], None]:
    """A page with no object in its URL: reachable or not, but never showing foreign data."""
    def check(m: Matrix, who: str) -> None:
        response = client_for(m, who).get(url(m))
        assert_nothing_foreign(m, who, response, owners=owners)
        if allowed is not None:
            assert (response.status_code == 200) == allowed(who), (who, response.status_code)
    return check


# ------------------------------------------------------------------------------ ledger rules

def project_list(m: Matrix, who: str) -> None:
    client = client_for(m, who)
    for query in ("", f"?owner={m.projects['B'].owner_id}&owner={m.projects['F'].owner_id}",
                  f"?township={m.projects['F'].division_id}", "?q=滦州远郊"):
        response = client.get(reverse("ledger:project-list") + query)
        assert response.status_code == 200
        text = assert_nothing_foreign(m, who, response)
        if not query:
            for key in VIEW[who]:
                assert m.projects[key].name in text
            stats = response.context["stats"]
            assert stats.total.projects == len(VIEW[who])
            assert stats.total.planned_total == sum((PLANNED[k] for k in VIEW[who]), Decimal(0))


def export(m: Matrix, who: str) -> None:
    client = client_for(m, who)
    contents = []
    for query in ("?period=2022-07", f"?period=2022-07&owner={m.projects['F'].owner_id}"):
        response = client.get(reverse("ledger:export") + query)
        assert response.status_code == 200
        assert_nothing_foreign(m, who, response)
        contents.append(response.content)
    ws = openpyxl.load_workbook(io.BytesIO(contents[0])).active
    names = {ws.cell(r, 3).value for r in range(5, ws.max_row)}
    assert names == {m.projects[k].name for k in VIEW[who]}
    assert ws.cell(ws.max_row, 1).value == "合计"
    assert Decimal(str(ws.cell(ws.max_row, 13).value or 0)) == sum(
        (PLANNED[k] for k in VIEW[who]), Decimal(0))
    # A large export runs as its owner's background job: the same rows, the owner's file.
    with rolled_back(), override_settings(TAIZHANG_EXPORT_DIRECT_MAX_ROWS=0):
        response = client.get(reverse("ledger:export") + "?period=2022-07")
        if not VIEW[who]:
            assert response.status_code == 200  # nothing to export: no job
            return
        assert response.status_code == 302 and response.url.startswith("/jobs/"), who
        (job,) = run_queued_jobs()
        assert job.state == "succeeded", job.error
        sheet = client.get(reverse("jobs:download", args=[job.pk]))
        ws = openpyxl.load_workbook(io.BytesIO(b"".join(sheet.streaming_content))).active
        assert {ws.cell(r, 3).value for r in range(5, ws.max_row)} == {
            m.projects[k].name for k in VIEW[who]}


def my_reports(m: Matrix, who: str) -> None:
    response = client_for(m, who).get(reverse("ledger:my-reports") + "?period=2022-07")
    assert response.status_code == 200
    text = assert_nothing_foreign(m, who, response)
    for key in KEYS:
        assert (m.projects[key].name in text) == (key in REPORT[who]), (who, key)


def review_queue(m: Matrix, who: str) -> None:
    response = client_for(m, who).get(reverse("ledger:review-queue"))
    text = assert_nothing_foreign(m, who, response)
    if who in ("office", "office2", "super", "stray"):
        assert response.status_code == 200
        for key in KEYS:
            assert (m.projects[key].name in text) == (key in CHANGE[who]), (who, key)
    else:
        assert response.status_code == 403


def reporting_board(m: Matrix, who: str) -> None:
    response = client_for(m, who).get(reverse("ledger:reporting-board") + "?period=2022-07")
    assert_nothing_foreign(m, who, response)
    if who in OFFICE:
        assert response.status_code == 200
        assert response.context["total"].expected == len(CHANGE[who])
    else:
        assert response.status_code == 403


def reporting_list(m: Matrix, who: str) -> None:
    client = client_for(m, who)
    url = reverse("ledger:reporting-list")
    far_owner = m.projects["F"].owner_id
    for query in ("?period=2022-07&state=missing", f"?period=2022-07&by=owner&key={far_owner}"):
        response = client.get(url + query)
        text = assert_nothing_foreign(m, who, response)
        if who not in OFFICE:
            assert response.status_code == 403
            continue
        assert response.status_code == 200
        shown = {key for key in KEYS if m.projects[key].name in text}
        expected = CHANGE[who] if "state" in query else {
            k for k in CHANGE[who] if m.projects[k].owner_id == far_owner}
        assert shown == expected, (who, query)


def reporting_remind(m: Matrix, who: str) -> None:
    """Reminders reach the owner accounts of the sender's projects only (all July reports
    are drafts: missing), and nobody but an office sends any."""
    from taizhang.notices.models import Notification

    client = client_for(m, who)
    assert client.get(reverse("ledger:reporting-remind")).status_code == 405
    with rolled_back():
        response = client.post(reverse("ledger:reporting-remind"), {"period": "2022-07"})
        assert_nothing_foreign(m, who, response)
        reached = set(Notification.objects.filter(kind="report-reminder").values_list(
            "recipient__username", flat=True))
        if who in OFFICE and who != "stray":
            assert response.status_code == 302
            assert reached == {p for p in ("alice", "bob") if REPORT[p] & CHANGE[who]}, who
        else:
            assert response.status_code == 403 and not reached, who


def _a_notice(m: Matrix) -> Any:
    from taizhang.notices.models import Notification
    from taizhang.notices.services import notify

    found = Notification.objects.filter(recipient=m.users["alice"]).first()
    if found is None:
        found = notify([m.users["alice"]], "report-approved",
                       {"project": m.projects["A"].name, "period": "2022-07"},
                       link=reverse("ledger:my-reports"))[0][0]
    return found


def notice_centre(m: Matrix, who: str) -> None:
    notice = _a_notice(m)
    response = client_for(m, who).get(reverse("notices:centre"))
    text = assert_nothing_foreign(m, who, response)
    assert response.status_code == 200
    assert (m.projects["A"].name in text) == (who == "alice"), who
    assert [n.pk for n in response.context["page"]] == ([notice.pk] if who == "alice" else [])


def notice_bell(m: Matrix, who: str) -> None:
    _a_notice(m)
    response = client_for(m, who).get(reverse("notices:bell"))
    assert response.status_code == 200
    assert ('data-unread="1"' in text_of(response)) == (who == "alice"), who


def notice_read_all(m: Matrix, who: str) -> None:
    from taizhang.notices.models import Notification

    notice = _a_notice(m)
    with rolled_back():
        response = client_for(m, who).post(reverse("notices:read-all"))
        assert response.status_code == 302
        read = Notification.objects.get(pk=notice.pk).read_at is not None
        assert read == (who == "alice"), who


def _notice_action(action: str) -> Callable[[Matrix, str], None]:
    def check(m: Matrix, who: str) -> None:
        from taizhang.notices.models import Notification

        notice = _a_notice(m)
        client = client_for(m, who)
        with rolled_back():
            response = client.post(reverse(f"notices:{action}", args=[notice.pk]))
            read = Notification.objects.get(pk=notice.pk).read_at is not None
            if who == "alice":
                assert response.status_code == 302 and read
            else:
                assert response.status_code == 404 and not read, who
        assert client.post(f"/notices/{MISSING}/{action}/").status_code == 404
    return check


def project_detail(m: Matrix, who: str) -> None:
    client = client_for(m, who)
    for key in KEYS:
        response = client.get(reverse("ledger:project-detail", args=[m.projects[key].pk]))
        text = assert_nothing_foreign(m, who, response)
        if key in VIEW[who]:
            assert response.status_code == 200 and m.projects[key].name in text
        else:
            assert response.status_code == 404, (who, key)
    assert client.get(f"/ledger/projects/{MISSING}/").status_code == 404


def _post_check(
    m: Matrix, who: str, scope: dict[str, set[str]], url: Callable[[str], str],
    data: Callable[[str], dict[str, Any]], changed: Callable[[str], bool],
    missing_url: str | None = None,
) -> None:
    """POST for each project key; in scope it must take effect, outside it 404 and no change."""
    client = client_for(m, who)
    for key in KEYS:
        assert not changed(key)
        response = client.get(url(key))  # a write-only URL never shows anything on GET
        assert_nothing_foreign(m, who, response)
        with rolled_back():
            response = client.post(url(key), data(key))
            assert_nothing_foreign(m, who, response)
            if key in scope[who]:
                assert response.status_code == 302 and changed(key), (who, key)
            else:
                assert response.status_code == 404, (who, key, response.status_code)
                assert not changed(key), (who, key)
    if missing_url:
        assert client.post(missing_url, data("A")).status_code == 404


def project_stage(m: Matrix, who: str) -> None:
    def data(key: str) -> dict[str, Any]:
        return {"to_stage": Stage.ON_HOLD, "effective_date": "2022-08-01", "reason": "test",
                "version": Project.objects.get(pk=m.projects[key].pk).version}
    _post_check(
        m, who, CHANGE, lambda k: reverse("ledger:project-stage", args=[m.projects[k].pk]), data,
        lambda k: Project.objects.get(pk=m.projects[k].pk).stage == Stage.ON_HOLD,
        f"/ledger/projects/{MISSING}/stage/",
    )


def project_plan(m: Matrix, who: str) -> None:
    _post_check(
        m, who, CHANGE, lambda k: reverse("ledger:project-plan", args=[m.projects[k].pk]),
        lambda k: {"year": 2024, "planned_investment": "10", "image_target": "",
                   "versions": "plans:"},  # the page showed no plan for 2024
        lambda k: AnnualPlan.objects.filter(project=m.projects[k], year=2024).exists(),
        f"/ledger/projects/{MISSING}/plan/",
    )


def project_list_apply(m: Matrix, who: str) -> None:
    _post_check(
        m, who, CHANGE, lambda k: reverse("ledger:project-list-apply", args=[m.projects[k].pk]),
        lambda k: {"key_list": "province", "year": 2022, "applied_on": "2022-02-01"},
        lambda k: KeyListMembership.objects.filter(
            project=m.projects[k], key_list__level="province").exists(),
        f"/ledger/projects/{MISSING}/lists/",
    )


def membership_decide(m: Matrix, who: str) -> None:
    _post_check(
        m, who, CHANGE, lambda k: reverse("ledger:membership-decide", args=[m.membership[k].pk]),
        lambda k: {"decision": "approved", "decided_on": "2022-02-01"},
        lambda k: KeyListMembership.objects.get(pk=m.membership[k].pk).status
        == MembershipStatus.APPROVED,
        f"/ledger/memberships/{MISSING}/decide/",
    )


def report_form(m: Matrix, who: str) -> None:
    client = client_for(m, who)
    for key in KEYS:
        url = reverse("ledger:report-form", args=[m.projects[key].pk, "2022-07"])
        response = client.get(url)
        text = assert_nothing_foreign(m, who, response)
        if key in REPORT[who]:
            assert response.status_code == 200 and f"JULY-{key}-主体施工" in text
        else:
            assert response.status_code == 404, (who, key)
    _post_check(
        m, who, REPORT,
        lambda k: reverse("ledger:report-form", args=[m.projects[k].pk, "2022-07"]),
        lambda k: {"completed": "333", "image_progress": "改", "version": m.draft[k].version},
        lambda k: MonthlyReport.objects.get(pk=m.draft[k].pk).completed == Decimal("333"),
        f"/ledger/projects/{MISSING}/reports/2022-07/",
    )


def report_photos(m: Matrix, who: str) -> None:
    _post_check(
        m, who, REPORT,
        lambda k: reverse("ledger:report-photos", args=[m.projects[k].pk, "2022-07"]),
        lambda k: {"photos": png_upload(), "caption": "new"},
        lambda k: ReportPhoto.objects.filter(report=m.draft[k]).count() == 2,
        f"/ledger/projects/{MISSING}/reports/2022-07/photos/",
    )


def photo(m: Matrix, who: str) -> None:
    client = client_for(m, who)
    for key in KEYS:
        response = client.get(reverse("ledger:photo", args=[m.photo[key].token]))
        if key in VIEW[who]:
            assert response.status_code == 200
            assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
        else:
            assert response.status_code == 404, (who, key)
    assert client.get(reverse("ledger:photo", args=["0" * 32])).status_code == 404
    assert client.get("/ledger/photos/..%2F..%2Fsettings.py/").status_code == 404


def photo_delete(m: Matrix, who: str) -> None:
    _post_check(
        m, who, REPORT, lambda k: reverse("ledger:photo-delete", args=[m.photo[k].token]),
        lambda k: {}, lambda k: not ReportPhoto.objects.filter(pk=m.photo[k].pk).exists(),
        reverse("ledger:photo-delete", args=["0" * 32]),
    )


def review_action(m: Matrix, who: str) -> None:
    _post_check(
        m, who, CHANGE,
        lambda k: reverse("ledger:review-action", args=[m.submitted[k].pk, "approve"]),
        lambda k: {"version": m.submitted[k].version},
        lambda k: MonthlyReport.objects.get(pk=m.submitted[k].pk).status
        == ReportStatus.APPROVED,
        reverse("ledger:review-action", args=[MISSING, "approve"]),
    )
    # An unknown action is refused even on one's own report.
    response = client_for(m, who).post(
        reverse("ledger:review-action", args=[m.submitted["A"].pk, "delete"]))
    assert refused(response)
    assert MonthlyReport.objects.get(pk=m.submitted["A"].pk).status == ReportStatus.SUBMITTED


def review_approve_clean(m: Matrix, who: str) -> None:
    """Bulk approval of every project's submitted report at once: an office approves the
    clean ones in its scope and nothing else; anyone else is refused and nothing changes."""
    from taizhang.figures.plausibility import check_report

    client = client_for(m, who)
    url = reverse("ledger:review-approve-clean")
    assert refused(client.get(url))
    data = {"report": [m.submitted[k].pk for k in KEYS] + [MISSING],
            **{f"v-{m.submitted[k].pk}": m.submitted[k].version for k in KEYS}}
    with rolled_back():
        # A site photo on A's and F's June reports makes them clean (under construction).
        for key in ("A", "F"):
            ReportPhoto.objects.create(report=m.submitted[key], extension="png",
                                       token=f"{key}{who}".ljust(32, "0"),
                                       image=f"reports/{key}.png")
        clean = {k for k in KEYS if not check_report(m.submitted[k])}
        assert clean & CHANGE["office"] and clean & CHANGE["office2"], clean
        response = client.post(url, data, follow=True)
        assert_nothing_foreign(m, who, response)
        for key in KEYS:
            status = MonthlyReport.objects.get(pk=m.submitted[key].pk).status
            expected = (ReportStatus.APPROVED if who in OFFICE and key in CHANGE[who]
                        and key in clean else ReportStatus.SUBMITTED)
            assert status == expected, (who, key, status)
        if who not in OFFICE:
            assert response.status_code == 403


def import_view(m: Matrix, who: str) -> None:
    client = client_for(m, who)
    response = client.get(reverse("ledger:import"))
    assert_nothing_foreign(m, who, response)
    may_import = who in ("office", "office2", "super")
    if who not in ("office", "office2", "super", "stray"):
        assert response.status_code == 403
    # A sheet that names the far county's project: only its own office may change it.
    far = m.projects["F"]
    # No township column value: the division check alone must stop another county's office.
    grid = ledger_grid([{"项目名称": far.name, "建设单位": OWNER_NAMES["F"],
                         "总投资（万元）": "99999", "年度计划投资": "1"}],
                       title="2022年1-7月重点项目台账")
    with rolled_back():
        response = client.post(reverse("ledger:import"), {
            "file": SimpleUploadedFile("台账.xlsx", to_xlsx(grid)), "period": "2022-07"})
        if not may_import:
            assert response.status_code in (302, 403), (who, response.status_code)
            assert not Job.objects.exists()
            return
        assert response.status_code == 302
        (preview,) = run_queued_jobs()  # the preview runs as a background job
        assert (preview.state == "succeeded") == ("F" in CHANGE[who]), (who, preview.error)
        if preview.state == "succeeded":
            page = client.get(reverse("ledger:import") + f"?preview={preview.pk}")
            assert_nothing_foreign(m, who, page)
            # Nobody else may see or confirm this preview.
            for other in ("office2", "alice"):
                if other != who:
                    assert client_for(m, other).get(
                        reverse("ledger:import") + f"?preview={preview.pk}").status_code in (
                        403, 404)
            client.post(reverse("ledger:import"), {"confirm": "1", "token": str(preview.pk)})
            run_queued_jobs()
        total = Project.objects.get(pk=far.pk).planned_total
        assert (total == Decimal("99999")) == ("F" in CHANGE[who])


# ------------------------------------------------------------------------------ jobs rules

def _jobs_of_alice_and_office(m: Matrix) -> list[Job]:
    """A finished export of Alice's and one of the office's, each with its file."""
    jobs = []
    for owner in ("alice", "office"):
        job = Job.objects.create(kind="ledger:export", owner=m.users[owner],
                                 state="succeeded", result_name="ledger.xlsx")
        job.result_file = f"{job.pk}.xlsx"
        job.save()
        (jobs_dir() / job.result_file).write_bytes(b"the sheet of " + owner.encode())
        jobs.append(job)
    return jobs


def job_list(m: Matrix, who: str) -> None:
    with rolled_back():
        jobs = _jobs_of_alice_and_office(m)
        response = client_for(m, who).get(reverse("jobs:list"))
        text = assert_nothing_foreign(m, who, response)
        assert response.status_code == 200
        for job in jobs:  # each sees its own jobs only
            assert (str(job.pk) in text) == (job.owner == m.users[who]), who


def _job_page(name: str) -> Callable[[Matrix, str], None]:
    def check(m: Matrix, who: str) -> None:
        with rolled_back():
            for job in _jobs_of_alice_and_office(m):
                response = client_for(m, who).get(reverse(name, args=[job.pk]))
                assert_nothing_foreign(m, who, response)
                mine = job.owner == m.users[who] or who == "super"
                assert (response.status_code == 200) == mine, (who, response.status_code)
                if not mine:
                    assert response.status_code == 404
    return check


# ------------------------------------------------------------------------------ web rules

def home(m: Matrix, who: str) -> None:
    """Every persona's home (taizhang/cockpit) names only what it may see; an owner's lists
    its own projects to report on."""
    response = client_for(m, who).get("/")
    assert response.status_code == 200, who
    text = assert_nothing_foreign(m, who, response)
    for key in REPORT[who] if m.users[who].role == "owner" else ():
        assert m.projects[key].name in text, (who, key)


COCKPIT = {"office", "office2", "super", "stray", "carol", "victor"}


def cockpit(m: Matrix, who: str) -> None:
    """Leaders, the office and viewers open the cockpit of their own projects; the figures
    are those of their view scope."""
    for query in ("?period=2022-07", f"?period=2022-07&township={m.projects['F'].division_id}",
                  "?period=2022-07&wall=1"):
        response = client_for(m, who).get(reverse("cockpit:cockpit") + query)
        assert_nothing_foreign(m, who, response)
        if who not in COCKPIT:
            assert response.status_code == 403, who
            continue
        assert response.status_code == 200, who
        if query == "?period=2022-07":
            stats = response.context["stats"]
            assert stats.total.projects == len(VIEW[who]), who
            assert stats.total.planned_total == sum((PLANNED[k] for k in VIEW[who]),
                                                    Decimal(0))


def logout(m: Matrix, who: str) -> None:
    client = client_for(m, who)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("ledger:project-list")).status_code == 302  # to the login page


def set_language(m: Matrix, who: str) -> None:
    response = client_for(m, who).post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302


# ------------------------------------------------------------------------------ history rules

# The ledger objects with a history page, per project key (the July draft and the June
# submitted report both).
LEDGER_HISTORY: dict[str, Callable[[Matrix, str], list[Any]]] = {
    "project": lambda m, k: [m.projects[k]],
    "report": lambda m, k: [m.draft[k], m.submitted[k]],
    "plan": lambda m, k: [AnnualPlan.objects.get(project=m.projects[k], year=2023)],
    "membership": lambda m, k: [m.membership[k]],
}
REVERT_FORM = 'name="reason"'


def _reference_objects(m: Matrix) -> list[tuple[str, Any, set[str]]]:
    """Divisions, organizations, people and office settings of both counties, with the
    personas that may read their history: offices, of their own division's records and
    those their projects refer to (Alice's company owns G in the far county)."""
    far_county = m.projects["F"].division.parent
    return [
        ("organization", m.world.alice_org, {"office", "office2", "super"}),
        ("organization", m.projects["F"].owner, {"office2", "super"}),
        ("person", m.projects["A"].leader, {"office", "super"}),
        ("person", m.projects["F"].leader, {"office2", "super"}),
        ("division", m.world.county, {"office", "super"}),
        ("division", far_county, {"office2", "super"}),
        ("settings", OfficeSettings.objects.get(division=m.world.county), {"office", "super"}),
        ("settings", OfficeSettings.objects.get(division=far_county), {"office2", "super"}),
    ]


def history(m: Matrix, who: str) -> None:
    client = client_for(m, who)

    def get(kind: str, pk: int) -> Any:
        return client.get(reverse("audit:history", args=[kind, pk]))

    for kind, objects in LEDGER_HISTORY.items():
        for key in KEYS:
            for obj in objects(m, key):
                response = get(kind, obj.pk)
                text = assert_nothing_foreign(m, who, response)
                if key not in VIEW[who]:
                    assert response.status_code == 404, (who, kind, key, response.status_code)
                    continue
                assert response.status_code == 200, (who, kind, key)
                assert m.projects[key].name in text, (who, kind, key)
                # Revert buttons only for those who may change the project; the project and
                # the July draft have older versions, so there the office sees them.
                shown = REVERT_FORM in text
                if kind == "project" or obj == m.draft.get(key):
                    assert shown == (key in CHANGE[who]), (who, kind, key)
                else:
                    assert not shown or key in CHANGE[who], (who, kind, key)
        assert get(kind, MISSING).status_code == 404
    # Accounts: oneself; an office admin also the accounts of its division and below.
    for target in PERSONAS:
        response = get("user", m.users[target].pk)
        assert_nothing_foreign(m, who, response)
        allowed = target == who or target in ACCOUNTS.get(who, set())
        assert (response.status_code == 200) == allowed, (who, target, response.status_code)
        if not allowed:
            assert response.status_code == 404
    assert get("user", MISSING).status_code == 404
    # Reference data (not divisional): office admins and the superuser, as in the admin.
    for kind, obj, readers in _reference_objects(m):
        response = get(kind, obj.pk)
        assert_nothing_foreign(m, who, response)
        assert response.status_code == (200 if who in readers else 404), (who, kind, obj)
        assert get(kind, MISSING).status_code == 404
    # Kinds without a history page, guessed ones included.
    for kind in ("auditevent", "keylist", "stagechange", "photo", "group"):
        assert get(kind, m.projects["A"].pk).status_code == 404


def _second_version(m: Matrix, kind: str, key: str) -> tuple[Any, Callable[[], bool]]:
    """Change the object once more as its own office (or reporter); return it and a test of
    whether the version before that change is back."""
    office = m.users["office2"] if key in ("F", "G") else m.users["office"]
    project = Project.objects.get(pk=m.projects[key].pk)
    if kind == "project":
        update_project(project, actor=office, expected_version=project.version,
                       changes={"planned_total": Decimal("1.00")})
        return project, lambda: Project.objects.get(pk=project.pk).planned_total == PLANNED[key]
    if kind == "plan":
        plan = AnnualPlan.objects.get(project=project, year=2023)
        set_annual_plan(project, 2023, actor=office, expected_version=plan.version,
                        planned_investment=Decimal("2.00"), image_target=plan.image_target)
        return plan, lambda: AnnualPlan.objects.get(pk=plan.pk).planned_investment == 1
    report = MonthlyReport.objects.get(pk=m.draft[key].pk)
    save_report(project, Period(2022, 7), actor=office, expected_version=report.version,
                data={"completed": Decimal("333"), "image_progress": report.image_progress,
                      "problems": "", "next_steps": report.next_steps})
    return report, lambda: MonthlyReport.objects.get(pk=report.pk).completed == 200


def history_revert(m: Matrix, who: str) -> None:
    """Only an office admin whose scope holds the project reverts; nobody else changes a thing
    (no new event either); outside the view scope the object is not found."""
    client = client_for(m, who)
    for key in KEYS:
        for kind in ("project", "plan", "report"):
            with rolled_back():
                obj, restored = _second_version(m, kind, key)
                events = list(AuditEvent.objects.for_object(obj).order_by("-at", "-id"))
                url = reverse("audit:history-revert", args=[kind, obj.pk, events[1].pk])
                assert refused(client.get(url))  # a write-only URL
                assert not restored()
                response = client.post(url, {"reason": "matrix", "latest": str(events[0].pk)})
                assert_nothing_foreign(m, who, response)
                after = AuditEvent.objects.for_object(obj).count()
                if key in CHANGE[who]:
                    assert response.status_code == 302 and restored(), (who, kind, key)
                    assert after == len(events) + 1
                else:
                    expected = (302, 403) if key in VIEW[who] else (404,)
                    assert response.status_code in expected, (who, kind, key, response)
                    assert not restored() and after == len(events), (who, kind, key)
        # A membership has a history but no revert: refused for everyone, nothing recorded.
        membership = m.membership[key]
        before = AuditEvent.objects.for_object(membership).count()
        event = AuditEvent.objects.for_object(membership).first()
        with rolled_back():
            response = client.post(
                reverse("audit:history-revert", args=["membership", membership.pk, event.pk]),
                {"reason": "matrix", "latest": str(event.pk)})
            assert_nothing_foreign(m, who, response)
            assert response.status_code == (302 if key in VIEW[who] else 404), (who, key)
            assert AuditEvent.objects.for_object(membership).count() == before
    # An event of another record (the far county's project) named under Alice's project, and
    # ids that do not exist.
    far_event = AuditEvent.objects.for_object(m.projects["F"]).first()
    project_a = m.projects["A"]
    for url in (reverse("audit:history-revert", args=["project", project_a.pk, far_event.pk]),
                reverse("audit:history-revert", args=["project", MISSING, far_event.pk]),
                reverse("audit:history-revert", args=["user", m.users[who].pk, MISSING])):
        with rolled_back():
            response = client.post(url, {"reason": "matrix", "latest": str(far_event.pk)})
            assert response.status_code == 404, (who, url, response.status_code)
            assert Project.objects.get(pk=project_a.pk).planned_total == PLANNED["A"]


def audit_export(m: Matrix, who: str) -> None:
    """Office admins only; the events of their scope's records and people, nothing else."""
    client = client_for(m, who)
    url = reverse("audit:export")
    response = client.get(url)
    assert_nothing_foreign(m, who, response)
    assert response.status_code == (200 if who in OFFICE else 403), (who, response.status_code)
    queries: list[dict[str, str]] = [
        {"format": "xlsx", "download": "1"},
        {"format": "csv", "download": "1"},
        {"format": "csv", "download": "1", "actor": "office2"},
        {"format": "xlsx", "download": "1", "object_type": "ledger.monthlyreport"},
        {"format": "csv", "object_type": "ledger.project"},  # the count page
    ]
    for query in queries:
        with rolled_back():
            response = client.get(url, query)
            text = assert_nothing_foreign(m, who, response)
            if who not in OFFICE:
                assert response.status_code == 403, (who, query)
                assert not AuditEvent.objects.filter(action="audit.exported").exists()
                continue
            assert response.status_code == 200, (who, query)
            if query.keys() == {"format", "download"}:
                for key in VIEW[who]:
                    assert m.projects[key].name in text, (who, key, query)
                    assert f"JULY-{key}-主体施工" in text, (who, key, query)


def lockouts(m: Matrix, who: str) -> None:
    """Office admins only; accounts of its own division and below (the superuser: all)."""
    url = reverse("accounts:lockouts")
    pks = {target: m.users[target].pk for target in PERSONAS}
    with rolled_back():
        User.objects.filter(pk__in=pks.values()).update(
            locked_at=timezone.now(), failed_logins=5, totp_confirmed=True,
            totp_secret=totp.new_secret())
        LoginFailure.objects.bulk_create(
            [LoginFailure(username="x", address="203.0.113.9") for _ in range(30)])
        client = client_for(m, who)
        response = client.get(url)
        text = assert_nothing_foreign(m, who, response)
        if who not in OFFICE:
            assert response.status_code == 403, (who, response.status_code)
        else:
            assert response.status_code == 200
            mine = ACCOUNTS[who]
            for target, pk in pks.items():
                assert (f'name="user" value="{pk}"' in text) == (target in mine), (who, target)
                assert (f'name="reset_totp" value="{pk}"' in text) == (
                    target in mine and target != who), (who, target)
        for target, pk in [*pks.items(), ("missing", MISSING)]:
            ours = who in OFFICE and target in ACCOUNTS[who]
            with rolled_back():
                response = client.post(url, {"user": pk})
                assert_nothing_foreign(m, who, response)
                unlocked = not User.objects.filter(pk=pk, locked_at__isnull=False).exists()
                assert (response.status_code == 302) == ours, (who, target)
                assert unlocked == (ours or target == "missing"), (who, target)
            with rolled_back():
                response = client.post(url, {"reset_totp": pk})
                reset = not User.objects.filter(pk=pk, totp_confirmed=True).exists()
                ours = ours and target != who
                assert (response.status_code == 302) == ours, (who, target)
                assert reset == (ours or target == "missing"), (who, target)
        # Addresses are not divisional: any account acting for an office may allow one (an
        # office admin placed in no division acts for none).
        with rolled_back():
            response = client.post(url, {"address": "203.0.113.9"})
            cleared = not LoginFailure.objects.filter(cleared=False).exists()
            may = who in OFFICE and who != "stray"
            assert response.status_code == (302 if may else 403)
            assert cleared == may


NEW_PASSWORD = "Matrix-Kennwort-2026"


def password(m: Matrix, who: str) -> None:
    """Every signed-in persona changes its own password, never anyone else's."""
    client = client_for(m, who)
    url = reverse("accounts:password")
    response = client.get(url)
    assert response.status_code == 200, (who, response.status_code)
    assert_nothing_foreign(m, who, response)
    before = dict(User.objects.values_list("pk", "password"))
    other = m.users["office2" if who == "office" else "office"]
    guessed = {"user": other.pk, "username": other.username, "pk": other.pk}

    def changed() -> set[int]:
        return {pk for pk, hashed in User.objects.values_list("pk", "password")
                if hashed != before[pk]}

    with rolled_back():
        response = client.post(url, {"old_password": PASSWORDS["office"] + "x",
                                     "new_password1": NEW_PASSWORD,
                                     "new_password2": NEW_PASSWORD, **guessed})
        assert response.status_code == 200 and not changed(), who
        response = client.post(url, {"old_password": PASSWORDS[who],
                                     "new_password1": NEW_PASSWORD,
                                     "new_password2": NEW_PASSWORD, **guessed})
        assert response.status_code == 302, (who, response.status_code)
        assert changed() == {m.users[who].pk}, who
        assert User.objects.get(pk=m.users[who].pk).check_password(NEW_PASSWORD)


def two_factor(m: Matrix, who: str) -> None:
    """Every signed-in persona enrols and switches off its own second factor only; nobody's
    page shows another account's secret."""
    url = reverse("accounts:two-factor")
    me = m.users[who]
    enrolled = m.users["bob" if who == "alice" else "alice"]
    known = totp.new_secret()

    def state() -> dict[int, tuple[str, bool]]:
        return {pk: (secret, on) for pk, secret, on in
                User.objects.values_list("pk", "totp_secret", "totp_confirmed")}

    with rolled_back():
        User.objects.filter(pk=enrolled.pk).update(totp_secret=known, totp_confirmed=True)
        before = state()
        client = client_for(m, who)
        response = client.get(url)
        assert response.status_code == 200, (who, response.status_code)
        text = assert_nothing_foreign(m, who, response)
        grouped = " ".join(known[i:i + 4] for i in range(0, len(known), 4))
        assert known not in text and grouped not in text, who
        mine = User.objects.get(pk=me.pk).totp_secret
        assert mine and " ".join(mine[i:i + 4] for i in range(0, len(mine), 4)) in text
        after = state()
        assert {pk for pk in after if after[pk] != before[pk]} == {me.pk}, who
        response = client.post(url, {"code": totp.code_at(mine, totp.current_step()),
                                     "user": enrolled.pk})
        assert response.status_code == 302, who
        assert User.objects.get(pk=me.pk).totp_confirmed
        response = client.post(url, {"action": "disable", "user": enrolled.pk})
        assert response.status_code == 302, who
        assert not User.objects.get(pk=me.pk).totp_confirmed
        assert state()[enrolled.pk] == (known, True), who


def login_page(m: Matrix, who: str) -> None:
    """Signed in: sent on. Anonymous: the form; the right password signs in that account
    only, a wrong one nobody; a "next" to another host is not followed."""
    me = m.users[who]
    response = client_for(m, who).get(reverse("login"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    client = Client()
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_nothing_foreign(m, "eve", response)  # an anonymous page shows nobody's data
    with rolled_back():
        response = client.post(reverse("login"), {"username": me.username,
                                                  "password": PASSWORDS[who] + "x"})
        assert response.status_code == 200 and "_auth_user_id" not in client.session, who
        response = client.post(reverse("login") + "?next=https://evil.example/",
                               {"username": me.username, "password": PASSWORDS[who]})
        assert response.status_code == 302, who
        assert response["Location"] == reverse("home"), who
        assert client.session["_auth_user_id"] == str(me.pk), who


def _wrong_code(secret: str) -> str:
    step = totp.current_step()
    valid = {totp.code_at(secret, s) for s in range(step - 2, step + 3)}
    return next(c for c in (f"{n:06d}" for n in range(1000000)) if c not in valid)


def login_verify(m: Matrix, who: str) -> None:
    """The anonymous second step: only after the right password, only the right code, and
    it signs in exactly that account."""
    url = reverse("login-verify")
    me = m.users[who]
    response = client_for(m, who).get(url)  # nothing pending: back to the login page
    assert response.status_code == 302 and response["Location"] == reverse("login")
    with rolled_back():
        secret = totp.new_secret()
        User.objects.filter(pk=me.pk).update(totp_secret=secret, totp_confirmed=True,
                                             totp_last_step=0)
        client = Client()
        assert client.post(url, {"code": totp.code_at(secret, totp.current_step())}
                           ).status_code == 302  # a code without a password first
        assert "_auth_user_id" not in client.session
        response = client.post(reverse("login"), {"username": me.username,
                                                  "password": PASSWORDS[who]})
        assert response.status_code == 302 and response["Location"] == url, who
        assert "_auth_user_id" not in client.session, who  # the password alone is not enough
        assert client.get(reverse("ledger:project-list")).status_code == 302
        response = client.get(url)
        assert response.status_code == 200
        assert_nothing_foreign(m, who, response)
        response = client.post(url, {"code": _wrong_code(secret)})
        assert response.status_code == 200 and "_auth_user_id" not in client.session, who
        response = client.post(url, {"code": totp.code_at(secret, totp.current_step())})
        assert response.status_code == 302, who
        assert client.session["_auth_user_id"] == str(me.pk), who
        response = client.get(reverse("ledger:project-list"))
        assert response.status_code == 200, who
        assert_nothing_foreign(m, who, response)


# ------------------------------------------------------------------------------ admin rules

# Models the office may read in the admin (the OfficeAdminBackend grants), and which of them
# are scoped to the office's division. A superuser may read all of them.
ADMIN_MODELS: dict[str, dict[str, Any]] = {
    "ledger/project": {"office": True, "scoped": True},
    "ledger/monthlyreport": {"office": True, "scoped": True},
    "ledger/stagechange": {"office": True, "scoped": True},
    "ledger/keylistmembership": {"office": True, "scoped": True},
    "ledger/annualplan": {"office": True, "scoped": True},
    "core/auditevent": {"office": True, "scoped": True},
    "ledger/keylist": {"office": True, "scoped": False},
    "accounts/division": {"office": True, "scoped": False},
    "accounts/organization": {"office": True, "scoped": False},
    "accounts/person": {"office": True, "scoped": False},
    "accounts/officesettings": {"office": False, "scoped": False},
    "accounts/user": {"office": False, "scoped": False},
    "auth/group": {"office": False, "scoped": False},
}


# The documented exception to "no foreign names" (docs/permissions.md, Known limits): the
# admin's reference lists and forms of organizations, people, divisions and accounts, which
# offices read (not users: superuser only) to pick owners, leaders and units. Every other page,
# the admin's ledger pages included, is checked for every name.
REFERENCE_PAGES = {"accounts/organization", "accounts/person", "accounts/division",
                   "accounts/user", "accounts/officesettings", "auth/group"}


def _admin_targets(m: Matrix, model: str) -> dict[str, Any]:
    """For scoped models: one object per project key; otherwise any one object."""
    p = m.projects
    per_key: dict[str, Callable[[str], Any]] = {
        "ledger/project": lambda k: p[k].pk,
        "ledger/monthlyreport": lambda k: m.draft[k].pk,
        "ledger/stagechange": lambda k: StageChange.objects.filter(project=p[k]).first().pk,
        "ledger/keylistmembership": lambda k: m.membership[k].pk,
        "ledger/annualplan": lambda k: AnnualPlan.objects.get(project=p[k], year=2023).pk,
        "core/auditevent": lambda k: AuditEvent.objects.filter(
            object_type="ledger.project", object_id=str(p[k].pk)).first().pk,
    }
    if model in per_key:
        return {k: per_key[model](k) for k in KEYS}
    from django.apps import apps
    app, name = model.split("/")
    return {"any": apps.get_model(app, name)._default_manager.order_by("pk").first().pk}


def _admin_may_read(who: str, model: str) -> bool:
    return who == "super" or (who in ("office", "office2") and ADMIN_MODELS[model]["office"])


def admin_model_rule(model: str, view: str) -> Callable[[Matrix, str], None]:
    base = f"/admin/{model}/"

    def check(m: Matrix, who: str) -> None:
        client = client_for(m, who)
        if view in ("changelist", "add"):
            response = client.get(base if view == "changelist" else base + "add/")
            text = assert_nothing_foreign(m, who, response,
                                          owners=model not in REFERENCE_PAGES)
            if who not in STAFF:
                assert response.status_code == 302 and "/admin/login/" in response["Location"]
            elif view == "changelist":
                assert (response.status_code == 200) == _admin_may_read(who, model), who
                if model in ("ledger/project", "core/auditevent") and response.status_code == 200:
                    for key in VIEW[who]:
                        assert m.projects[key].name in text, (who, key)
            else:
                addable = model == "ledger/project" and who in ("office", "office2") or (
                    who == "super" and not model.startswith(("ledger/", "core/"))
                    or who == "super" and model == "ledger/project")
                assert (response.status_code == 200) == addable, (who, response.status_code)
            return
        for key, pk in _admin_targets(m, model).items():
            suffix = {"change": "change/", "history": "history/", "delete": "delete/",
                      "redirect": ""}[view]
            response = client.get(f"{base}{pk}/{suffix}")
            assert_nothing_foreign(m, who, response, owners=model not in REFERENCE_PAGES)
            in_scope = key == "any" or key in VIEW[who]
            if view == "history" and model in ADMIN_HISTORY_KINDS:
                _admin_history_redirect(m, who, client, response, model, key, pk)
            elif view in ("change", "history"):
                allowed = _admin_may_read(who, model) and in_scope
                assert (response.status_code == 200) == allowed, (who, key, response.status_code)
            elif view == "delete":
                deletable = who == "super" and model.startswith(("accounts/", "auth/"))
                assert (response.status_code == 200) == deletable, (who, key)
            else:
                assert response.status_code in (301, 302)
        if view == "change":
            assert client.get(f"{base}{MISSING}/change/").status_code in (302, 403)
        if view == "change" and model == "ledger/project":
            _admin_project_writes(m, who, client)

    return check


# The admin's "History" button opens the audit history page of these models; that page
# applies its own rules (the history rule above), the admin only redirects staff there.
ADMIN_HISTORY_KINDS = {
    "ledger/project": "project", "ledger/annualplan": "plan", "ledger/monthlyreport": "report",
    "ledger/keylistmembership": "membership", "accounts/user": "user",
    "accounts/organization": "organization", "accounts/person": "person",
    "accounts/division": "division", "accounts/officesettings": "settings",
}


def _admin_history_redirect(m: Matrix, who: str, client: Client, response: Any, model: str,
                            key: str, pk: int) -> None:
    if who not in STAFF:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        return
    kind = ADMIN_HISTORY_KINDS[model]
    target = reverse("audit:history", args=[kind, pk])
    assert response.status_code == 302 and response["Location"] == target, (who, model)
    page = client.get(target)
    assert_nothing_foreign(m, who, page)
    if key != "any":
        allowed = key in VIEW[who]
    elif kind == "user":
        persona = next(p for p in PERSONAS if m.users[p].pk == int(pk))
        allowed = persona == who or persona in ACCOUNTS.get(who, set())
    else:
        allowed = who in FIRST_REFERENCE_READERS[kind]
    assert page.status_code == (200 if allowed else 404), (who, model, key, page.status_code)


# Who reads the history of the first (by id) organization, person, division and office
# settings, the admin's "any" object: Qian'an's office (unplaced: any placed office), the
# leader of A (Qian'an's), the province (nobody's division: the superuser only), Qian'an's
# settings.
FIRST_REFERENCE_READERS = {
    "organization": {"office", "office2", "super"}, "person": {"office", "super"},
    "division": {"super"}, "settings": {"office", "super"},
}


def _admin_project_writes(m: Matrix, who: str, client: Client) -> None:
    """The admin's project form saves through the services: no write outside the scope."""
    far = m.projects["F"]
    with rolled_back():
        client.post(f"/admin/ledger/project/{far.pk}/change/", {
            "name": "改名", "owner": far.owner_id, "division": far.division_id,
            "planned_total": "1", "industry": "G", "nature": far.nature,
            "project_type": far.project_type, "seen_version": far.version,
        })
        renamed = Project.objects.get(pk=far.pk).name == "改名"
        assert not renamed or "F" in CHANGE[who], who
    with rolled_back():
        client.post("/admin/ledger/project/add/", {
            "name": "越界新建", "owner": far.owner_id, "division": far.division_id,
            "planned_total": "1", "industry": "G", "nature": far.nature,
            "project_type": far.project_type, "completed_before": "0",
            "plans-TOTAL_FORMS": 0, "plans-INITIAL_FORMS": 0,
        })
        created = Project.objects.filter(name="越界新建").exists()
        assert created == ("F" in CHANGE[who]), who  # the form is valid: only scope refuses


def admin_autocomplete(m: Matrix, who: str) -> None:
    client = client_for(m, who)
    response = client.get(
        "/admin/autocomplete/?app_label=ledger&model_name=project&field_name=parent&term=")
    text = assert_nothing_foreign(m, who, response)
    if who in ("office", "office2", "super"):
        assert response.status_code == 200
        for key in VIEW[who]:
            assert m.projects[key].name in text
    else:
        assert response.status_code in (302, 403)
    # The project form's pickers offer an office only its own division's organizations,
    # people and townships (finding 11): every name it may not read stays out of them.
    for field in ("owner", "responsible_unit", "leader", "division"):
        response = client.get("/admin/autocomplete/?app_label=ledger&model_name=project"
                              f"&field_name={field}&term=")
        text = assert_nothing_foreign(m, who, response)
        if who in ("office", "office2", "super"):
            assert response.status_code == 200, (who, field)
        if field == "owner" and who in ("office", "office2"):
            assert OWNER_NAMES["A" if who == "office" else "F"] in text, who


def admin_view_on_site(m: Matrix, who: str) -> None:
    from django.contrib.contenttypes.models import ContentType
    ct = ContentType.objects.get_for_model(Project).pk
    client = client_for(m, who)
    for key in KEYS:
        response = client.get(f"/admin/r/{ct}/{m.projects[key].pk}/", follow=True)
        assert_nothing_foreign(m, who, response)
        if who not in STAFF:
            assert response.redirect_chain[-1][0].startswith("/admin/login/")
        elif key not in VIEW[who]:
            assert response.status_code == 404  # at most the id's existence, never its data


def admin_password_change(m: Matrix, who: str) -> None:
    """The admin's link leads to our own page, where everyone changes only their own."""
    response = client_for(m, who).get("/admin/password_change/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password")


def admin_login(m: Matrix, who: str) -> None:
    """Staff are sent on through our login page; the signed-in without admin rights are
    refused (our login would send them back to the admin, a loop); nothing is shown."""
    response = client_for(m, who).get("/admin/login/?next=/admin/", follow=True)
    assert_nothing_foreign(m, who, response)
    if who in STAFF:
        assert response.status_code == 200 and response.redirect_chain[-1][0] == "/admin/"
    else:
        assert response.status_code == 403, (who, response.status_code)



# ------------------------------------------------------------------------------ office rules
#
# The office's own pages (taizhang/office): an office administrator placed in a division and
# the superuser; the unplaced "stray" office account and every other role are refused. Objects
# are reached within the office's division and below, anything else is "not found".

PLACED_OFFICE = {"office", "office2", "super"}
OFFICE_OF = {"office": "A", "office2": "F"}  # the county (by project key) each office runs


def _office_status(who: str, mine: bool = True) -> int:
    if who not in PLACED_OFFICE:
        return 403
    return 200 if mine else 404


def office_list(name: str) -> Callable[[Matrix, str], None]:
    def check(m: Matrix, who: str) -> None:
        response = client_for(m, who).get(reverse(name))
        assert_nothing_foreign(m, who, response)
        assert response.status_code == _office_status(who), (who, response.status_code)
    return check


def office_settings(m: Matrix, who: str) -> None:
    """Each office sets its own division's month; nobody else's moves."""
    client = client_for(m, who)
    response = client.get(reverse("office:settings"))
    assert_nothing_foreign(m, who, response)
    assert response.status_code == _office_status(who), (who, response.status_code)
    before = dict(OfficeSettings.objects.values_list("division_id", "reporting_period"))
    with rolled_back():
        response = client.post(reverse("office:settings"), {
            "reporting_period": "2022-11", "report_deadline_day": "9", "behind_points": "12",
            "version": OfficeSettings.objects.get(division=m.world.county).version})
        after = dict(OfficeSettings.objects.values_list("division_id", "reporting_period"))
        moved = {pk for pk in after if after[pk] != before.get(pk)}
        if who in OFFICE_OF:
            assert response.status_code == 302, (who, response.status_code)
            assert moved == {m.projects[OFFICE_OF[who]].division.parent_id}, who
        else:
            assert response.status_code in (200, 403) and not moved, who


def office_open_month(m: Matrix, who: str) -> None:
    client = client_for(m, who)
    response = client.get(reverse("office:open-month"))
    assert_nothing_foreign(m, who, response)
    assert response.status_code == (200 if who in OFFICE_OF else 403), who
    with rolled_back():
        own = (OfficeSettings.objects.get(division=m.projects[OFFICE_OF[who]].division.parent)
               if who in OFFICE_OF else None)
        response = client.post(reverse("office:open-month"),
                               {"version": own.version if own else 0})
        periods = dict(OfficeSettings.objects.values_list("division_id", "reporting_period"))
        moved = {pk for pk, period in periods.items() if period != "2022-07"}
        assert response.status_code == (302 if own else 403), (who, response.status_code)
        assert moved == ({own.division_id} if own else set()), who


def office_user_new(m: Matrix, who: str) -> None:
    """An owner placed in county A: its office and the superuser may create it; the far
    county's office is not offered the division (the form refuses it)."""
    client = client_for(m, who)
    response = client.get(reverse("office:user-new"))
    assert_nothing_foreign(m, who, response)
    assert response.status_code == _office_status(who), who
    with rolled_back():
        response = client.post(reverse("office:user-new"), {
            "username": "matrix-new", "role": "owner", "organization": m.world.alice_org.pk,
            "division": m.world.county.pk, "version": 0})
        assert_nothing_foreign(m, who, response)
        created = User.objects.filter(username="matrix-new").first()
        assert (created is not None) == (who in ("office", "super")), who
        if created is not None:
            assert not created.is_staff and not created.is_superuser
            assert created.password_changed_at is None


def office_user_edit(m: Matrix, who: str) -> None:
    client = client_for(m, who)
    for target in [*PERSONAS, "missing"]:
        pk = m.users[target].pk if target != "missing" else MISSING
        mine = who in PLACED_OFFICE and target in ACCOUNTS.get(who, set()) and (
            target != "super" or who == "super")
        url = reverse("office:user-edit", args=[pk])
        response = client.get(url)
        assert_nothing_foreign(m, who, response)
        assert response.status_code == _office_status(who, mine), (who, target)
        if target == "missing":
            continue
        with rolled_back():
            version = User.objects.get(pk=pk).version
            response = client.post(url, {"action": "deactivate", "version": version})
            active = User.objects.get(pk=pk).is_active
            assert active == (not mine or target == who), (who, target)
        with rolled_back():
            response = client.post(url, {"action": "save", "version": version,
                                         "username": m.users[target].username, "role": "viewer",
                                         "division": m.world.county.pk})
            changed = User.objects.get(pk=pk).role == "viewer" != m.users[target].role
            expected = mine and target != who and m.users[target].role != "viewer"
            assert changed == expected, (who, target, response.status_code)
            assert not User.objects.filter(is_staff=True).exclude(
                pk__in=[m.users[k].pk for k in STAFF]).exists()


def office_user_second_factor(m: Matrix, who: str) -> None:
    client = client_for(m, who)
    for target in ("alice", "office2"):
        user = m.users[target]
        mine = who in PLACED_OFFICE and target in ACCOUNTS.get(who, set())
        with rolled_back():
            User.objects.filter(pk=user.pk).update(totp_secret=totp.new_secret())
            secret = User.objects.get(pk=user.pk).totp_secret
            response = client.post(reverse("office:user-second-factor", args=[user.pk]),
                                   {"code": totp.code_at(secret, totp.current_step())})
            assert response.status_code == (302 if mine else _office_status(who, False)), (
                who, target)
            assert User.objects.get(pk=user.pk).totp_confirmed == mine, (who, target)


def _office_object_rule(url_name: str, objects: Callable[[Matrix], dict[str, Any]],
                        post: Callable[[Matrix, Any], dict[str, Any]],
                        name_of: Callable[[Any], str]) -> Callable[[Matrix, str], None]:
    """An organization or person of county A and one of the far county: each office edits its
    own only (the superuser both); a refused post changes nothing."""
    def check(m: Matrix, who: str) -> None:
        client = client_for(m, who)
        for county, obj in objects(m).items():
            mine = who == "super" or OFFICE_OF.get(who) == county
            url = reverse(url_name, args=[obj.pk])
            response = client.get(url)
            assert_nothing_foreign(m, who, response)
            assert response.status_code == _office_status(who, mine), (who, county)
            with rolled_back():
                response = client.post(url, post(m, obj))
                assert_nothing_foreign(m, who, response)
                renamed = name_of(type(obj).objects.get(pk=obj.pk)) == "矩阵改名"
                assert renamed == (mine and who in PLACED_OFFICE), (who, county)
        response = client.get(reverse(url_name, args=[MISSING]))
        assert response.status_code == _office_status(who, False)
    return check


def _credit_code(pk: int) -> str:
    from taizhang.core.codes import uscc_check_char

    body = f"91130283MA{pk:07d}"
    return body + uscc_check_char(body)


def _organizations(m: Matrix) -> dict[str, Any]:
    return {"A": m.world.alice_org, "F": m.projects["F"].owner}


def _people(m: Matrix) -> dict[str, Any]:
    return {"A": m.projects["A"].leader, "F": m.projects["F"].leader}


office_organization_edit = _office_object_rule(
    "office:organization-edit", _organizations,
    lambda m, org: {"kind": org.kind, "name": "矩阵改名", "credit_code": _credit_code(org.pk),
                    "division": org.division_id, "version": org.version},
    lambda org: org.name)
office_person_edit = _office_object_rule(
    "office:person-edit", _people,
    lambda m, person: {"name": "矩阵改名", "title": person.title,
                       "organization": person.organization_id, "version": person.version},
    lambda person: person.name)


def office_new_object(url_name: str, post: Callable[[Matrix], dict[str, Any]],
                      created: Callable[[], bool]) -> Callable[[Matrix, str], None]:
    """A new organization or person in county A: its office and the superuser only."""
    def check(m: Matrix, who: str) -> None:
        client = client_for(m, who)
        response = client.get(reverse(url_name))
        assert_nothing_foreign(m, who, response)
        assert response.status_code == _office_status(who), who
        with rolled_back():
            response = client.post(reverse(url_name), post(m))
            assert_nothing_foreign(m, who, response)
            assert created() == (who in ("office", "super")), (who, response.status_code)
    return check


def office_key_lists(m: Matrix, who: str) -> None:
    from taizhang.ledger.models import KeyList

    client = client_for(m, who)
    response = client.get(reverse("office:key-lists"))
    assert_nothing_foreign(m, who, response)
    assert response.status_code == _office_status(who), who
    with rolled_back():
        response = client.post(reverse("office:key-lists"),
                               {"year": "2031", "level": "county", "kind": "key"})
        assert KeyList.objects.filter(year=2031).exists() == (who in PLACED_OFFICE), who


# ---------------------------------------------------------------------------- dispatch rules
#
# Dispatch (taizhang/dispatch): meetings and the problem lists are an office's placed in a
# division; a problem's page is for whoever sees its project, and its responsible unit (A's
# is Dave's unit); only that unit works it; the unit's and the leader's pages are theirs.

DISPATCH_OFFICES = {"office": "AB", "office2": "FG"}


def _dispatch(m: Matrix) -> dict[str, Any]:
    """A meeting per county with one problem per project (B's assigned to another unit of
    Qian'an, F's and G's to the far county's government). Made once per matrix."""
    found = getattr(m, "_dispatch", None)
    if found is None:
        from taizhang.dispatch.services import (
            ProblemSpec,
            TaskSpec,
            add_meeting_photo,
            record_meeting,
        )

        other = Organization.objects.create(kind="department", name="迁安市住建局",
                                            division=m.world.county)
        far_unit = Organization.objects.get(name="滦州市人民政府")
        units = {"A": m.world.unit, "B": other, "F": far_unit, "G": far_unit}
        found = {}
        for who, keys in DISPATCH_OFFICES.items():
            project = m.projects[keys[0]]
            meeting = record_meeting(
                actor=m.users[who], division=project.division.parent, kind="on_site",
                date=timezone.localdate(), chair=project.leader or m.world.carol.person,
                problems=[ProblemSpec(m.projects[k], "land", f"PROBLEM-{k}-用地", units[k],
                                      timezone.localdate()) for k in keys],
                tasks=[TaskSpec(f"TASK-{keys}", units[keys[0]], timezone.localdate())])
            found[keys] = meeting
            found[f"task-{keys}"] = meeting.tasks.get()
            found[f"photo-{keys}"] = add_meeting_photo(meeting, png_upload(),
                                                       actor=m.users[who])
            for problem in meeting.problems.all():
                found[next(k for k in keys if m.projects[k].pk == problem.project_id)] = problem
        m._dispatch = found  # type: ignore[attr-defined]
    return found


def _dispatch_office_page(name: str) -> Callable[[Matrix, str], None]:
    def check(m: Matrix, who: str) -> None:
        _dispatch(m)
        response = client_for(m, who).get(reverse(name))
        assert_nothing_foreign(m, who, response)
        assert response.status_code == (200 if who in DISPATCH_OFFICES else 403), who
    return check


def dispatch_meeting_new(m: Matrix, who: str) -> None:
    from taizhang.dispatch.models import Meeting

    _dispatch_office_page("dispatch:meeting-new")(m, who)
    before = Meeting.objects.count()
    with rolled_back():
        response = client_for(m, who).post(reverse("dispatch:meeting-new"), {
            "kind": "centralized", "date": "2022-07-05",
            "chair": m.projects["F" if who == "office2" else "A"].leader_id,
            "p-TOTAL_FORMS": "0", "p-INITIAL_FORMS": "0"})
        if who in DISPATCH_OFFICES:
            assert response.status_code == 302, who
        else:
            assert refused(response) and Meeting.objects.count() == before, who


def _dispatch_meeting_page(name: str) -> Callable[[Matrix, str], None]:
    def check(m: Matrix, who: str) -> None:
        found = _dispatch(m)
        client = client_for(m, who)
        for keys in DISPATCH_OFFICES.values():
            response = client.get(reverse(name, args=[found[keys].pk]))
            assert_nothing_foreign(m, who, response)
            if who not in DISPATCH_OFFICES:
                assert response.status_code == 403, who
            else:
                mine = DISPATCH_OFFICES[who] == keys
                assert response.status_code == (200 if mine else 404), (who, keys)
    return check


def dispatch_meeting_edit(m: Matrix, who: str) -> None:
    """The edit page: its office's only (403 to the others, 404 to the other office); a post
    saves for its office and changes nothing for anyone else."""
    from taizhang.dispatch.models import Meeting

    _dispatch_meeting_page("dispatch:meeting-edit")(m, who)
    found = _dispatch(m)
    client = client_for(m, who)
    for keys in DISPATCH_OFFICES.values():
        meeting = found[keys]
        with rolled_back():
            response = client.post(reverse("dispatch:meeting-edit", args=[meeting.pk]), {
                "date": meeting.date.isoformat(), "chair": meeting.chair_id,
                "place": "矩阵会议室", "version": meeting.version})
            place = Meeting.objects.get(pk=meeting.pk).place
            if DISPATCH_OFFICES.get(who) == keys:
                assert response.status_code == 302 and place == "矩阵会议室", who
            else:
                assert refused(response) and place != "矩阵会议室", (who, keys)


def dispatch_task_done(m: Matrix, who: str) -> None:
    """A task is marked done by its meeting's office (the superuser: any) or its responsible
    unit (AB's task is dave's unit's); POST only; anyone else: not found."""
    from taizhang.dispatch.models import Task

    found = _dispatch(m)
    client = client_for(m, who)
    for keys in DISPATCH_OFFICES.values():
        task = found[f"task-{keys}"]
        url = reverse("dispatch:task-done", args=[task.pk])
        assert refused(client.get(url)), who
        with rolled_back():
            response = client.post(url, {"version": task.version})
            assert_nothing_foreign(m, who, response)
            status = Task.objects.get(pk=task.pk).status
            if DISPATCH_OFFICES.get(who) == keys or who == "super" or (
                    who == "dave" and keys == "AB"):
                assert status == "done", (who, keys)
            else:
                assert response.status_code == 404 and status == "open", (who, keys)


def dispatch_photo(m: Matrix, who: str) -> None:
    found = _dispatch(m)
    client = client_for(m, who)
    for keys in DISPATCH_OFFICES.values():
        response = client.get(reverse("dispatch:photo", args=[found[f"photo-{keys}"].token]))
        if who not in DISPATCH_OFFICES:
            assert response.status_code == 403, who
        else:
            mine = DISPATCH_OFFICES[who] == keys
            assert response.status_code == (200 if mine else 404), (who, keys)


def dispatch_problem(m: Matrix, who: str) -> None:
    from taizhang.dispatch.models import Problem

    found = _dispatch(m)
    client = client_for(m, who)
    for key in KEYS:
        problem = found[key]
        url = reverse("dispatch:problem", args=[problem.pk])
        response = client.get(url)
        assert_nothing_foreign(m, who, response)
        assert response.status_code == (200 if key in VIEW[who] else 404), (who, key)
        with rolled_back():
            response = client.post(url, {"step": "accept", "version": problem.version})
            status = Problem.objects.get(pk=problem.pk).status
            if who == "dave" and key == "A":
                assert status == "in_progress", who
            else:
                assert refused(response) and status == "open", (who, key)
    assert client.get(reverse("dispatch:problem", args=[MISSING])).status_code == 404


def dispatch_from_report(m: Matrix, who: str) -> None:
    from taizhang.dispatch.models import Problem

    _dispatch(m)
    client = client_for(m, who)
    for key in KEYS:
        url = reverse("dispatch:from-report", args=[m.submitted[key].pk])
        response = client.get(url)
        assert_nothing_foreign(m, who, response)
        allowed = who in DISPATCH_OFFICES and key in CHANGE[who]
        assert (response.status_code == 200) == allowed, (who, key, response.status_code)
        before = Problem.objects.count()
        with rolled_back():
            response = client.post(url, {
                "category": "land", "description": "x", "deadline": "2099-01-01",
                "responsible_unit": _dispatch(m)[key].responsible_unit_id})
            if allowed:
                assert response.status_code == 302, (who, key)
            else:
                assert refused(response) and Problem.objects.count() == before, (who, key)


# ---------------------------------------------------------------------------- warnings rules
#
# The warning pages (taizhang/warnings): the month's pages and the rules are an office's placed
# in a division (the superuser has none to evaluate: 403); a lamp's page is for whoever sees
# its project (a published lamp), anything else "not found"; only the lamp's office records.

WARNING_OFFICES = {"office": "A", "office2": "F"}


def _county(m: Matrix, key: str) -> Any:
    return m.projects[key].division.parent


def _lamps(m: Matrix) -> dict[str, Any]:
    """June 2022 evaluated and published in both counties (every lamp red: nothing approved),
    May evaluated and left a draft; a talk recorded on each June lamp. Made once per matrix."""
    found = getattr(m, "_lamps", None)
    if found is None:
        from taizhang.warnings import services
        from taizhang.warnings.models import Lamp

        later = timezone.make_aware(timezone.datetime(2022, 8, 20, 9))
        for who, key in WARNING_OFFICES.items():
            actor = m.users[who]
            services.evaluate_period(_county(m, key), Period(2022, 5), actor=actor, now=later)
            june = services.evaluate_period(_county(m, key), Period(2022, 6), actor=actor,
                                            now=later)
            services.publish_evaluation(june, actor=actor, expected_version=june.version)
        found = {key: Lamp.objects.get(project=m.projects[key], year=2022, month=6)
                 for key in KEYS}
        for key, lamp in found.items():
            services.record_consequence(
                lamp, kind="talk", date=timezone.datetime(2022, 7, 25).date(), held_by="矩阵",
                outcome="", actor=m.users["office" if key in "AB" else "office2"])
        m._lamps = found  # type: ignore[attr-defined]
    return found


def _warning_status(who: str) -> int:
    return 200 if who in WARNING_OFFICES else 403


def warning_page(name: str, query: str = "") -> Callable[[Matrix, str], None]:
    def check(m: Matrix, who: str) -> None:
        _lamps(m)
        response = client_for(m, who).get(reverse(name) + query)
        assert_nothing_foreign(m, who, response)
        assert response.status_code == _warning_status(who), (who, response.status_code)
    return check


def warning_rules(m: Matrix, who: str) -> None:
    from taizhang.warnings.models import WarningRule

    warning_page("warnings:rules", "?year=2022")(m, who)
    rule = WarningRule.objects.get(division=_county(m, "A"), year=2022, code="progress")
    with rolled_back():
        response = client_for(m, who).post(reverse("warnings:rules") + "?year=2022", {
            "rule": "progress", "progress-enabled": "on", "progress-basis": "annual_plan",
            "progress-yellow_below": "5", "progress-red_below": "20",
            "progress-version": rule.version})
        changed = set(WarningRule.objects.filter(params__yellow_below="5").values_list(
            "division_id", flat=True))
        if who in WARNING_OFFICES:
            assert response.status_code == 302, (who, response.status_code)
            assert changed == {_county(m, WARNING_OFFICES[who]).pk}, who
        else:
            assert response.status_code == 403 and not changed, who


def warning_evaluate(m: Matrix, who: str) -> None:
    from taizhang.warnings.models import Evaluation

    warning_page("warnings:evaluate", "?period=2022-07")(m, who)
    with rolled_back():
        response = client_for(m, who).post(reverse("warnings:evaluate") + "?period=2022-07")
        made = set(Evaluation.objects.filter(month=7).values_list("division_id", flat=True))
        if who in WARNING_OFFICES:
            assert response.status_code == 302, (who, response.status_code)
            assert made == {_county(m, WARNING_OFFICES[who]).pk}, who
        else:
            assert response.status_code == 403 and not made, who


def warning_publish(m: Matrix, who: str) -> None:
    from taizhang.warnings.models import Evaluation

    warning_page("warnings:publish", "?period=2022-05")(m, who)
    with rolled_back():
        own = (Evaluation.objects.get(division=_county(m, WARNING_OFFICES[who]), month=5)
               if who in WARNING_OFFICES else None)
        response = client_for(m, who).post(reverse("warnings:publish") + "?period=2022-05",
                                           {"version": own.version if own else 1})
        published = set(Evaluation.objects.filter(month=5, published_at__isnull=False)
                        .values_list("division_id", flat=True))
        assert published == ({own.division_id} if own else set()), who
        assert response.status_code == (302 if own else 403), (who, response.status_code)


def warning_lamp(m: Matrix, who: str) -> None:
    from taizhang.warnings.models import Consequence

    client = client_for(m, who)
    for key, lamp in _lamps(m).items():
        url = reverse("warnings:lamp", args=[lamp.pk])
        response = client.get(url)
        text = assert_nothing_foreign(m, who, response)
        assert response.status_code == (200 if key in VIEW[who] else 404), (who, key)
        if key in VIEW[who]:
            assert m.projects[key].name in text
        with rolled_back():
            response = client.post(url, {"kind": "letter", "date": "2022-07-26",
                                         "held_by": "矩阵函", "outcome": ""})
            recorded = Consequence.objects.filter(held_by="矩阵函").exists()
            # The lamp's office, or the superuser (the services let it act anywhere).
            own = who == "super" or WARNING_OFFICES.get(who) == ("A" if key in "AB" else "F")
            assert recorded == own, (who, key, response.status_code)
            assert response.status_code in ((302,) if own else (403, 404)), (who, key)
    assert client.get(reverse("warnings:lamp", args=[MISSING])).status_code == 404


def warning_consequence(m: Matrix, who: str) -> None:
    from taizhang.warnings.models import Consequence

    client = client_for(m, who)
    for key, lamp in _lamps(m).items():
        talk = Consequence.objects.get(lamp=lamp)
        url = reverse("warnings:consequence", args=[talk.pk])
        response = client.get(url)
        assert_nothing_foreign(m, who, response)
        own = WARNING_OFFICES.get(who) == ("A" if key in "AB" else "F")
        expected = 200 if own else (404 if who in WARNING_OFFICES else 403)
        assert response.status_code == expected, (who, key, response.status_code)
        with rolled_back():
            client.post(url, {"kind": "letter", "date": "2022-07-26", "held_by": "改写",
                              "outcome": "", "version": talk.version})
            assert Consequence.objects.filter(held_by="改写").exists() == own, (who, key)


ADMIN_MODEL_VIEWS = {
    "": "changelist", "add/": "add", "<path:object_id>/history/": "history",
    "<path:object_id>/delete/": "delete", "<path:object_id>/change/": "change",
    "<path:object_id>/": "redirect",
}

RULES: dict[str, Callable[[Matrix, str], None]] = {
    "": home,
    "cockpit/": cockpit,
    "login/": login_page,
    "logout/": logout,
    "i18n/setlang/": set_language,
    "ledger/projects/": project_list,
    "ledger/projects/<int:pk>/": project_detail,
    "ledger/projects/<int:pk>/stage/": project_stage,
    "ledger/projects/<int:pk>/plan/": project_plan,
    "ledger/projects/<int:pk>/lists/": project_list_apply,
    "ledger/memberships/<int:pk>/decide/": membership_decide,
    "ledger/reports/": my_reports,
    "ledger/projects/<int:pk>/reports/<period:period>/": report_form,
    "ledger/projects/<int:pk>/reports/<period:period>/photos/": report_photos,
    "ledger/photos/<str:token>/": photo,
    "ledger/photos/<str:token>/delete/": photo_delete,
    "ledger/export/": export,
    "ledger/import/": import_view,
    "ledger/reports/board/": reporting_board,
    "ledger/reports/board/list/": reporting_list,
    "ledger/reports/board/remind/": reporting_remind,
    "notices/": notice_centre,
    "notices/bell/": notice_bell,
    "notices/read-all/": notice_read_all,
    "notices/<int:pk>/read/": _notice_action("read"),
    "notices/<int:pk>/open/": _notice_action("open"),
    "jobs/": job_list,
    "jobs/<uuid:job_id>/": _job_page("jobs:detail"),
    "jobs/<uuid:job_id>/progress/": _job_page("jobs:progress"),
    "jobs/<uuid:job_id>/download/": _job_page("jobs:download"),
    "ledger/review/": review_queue,
    "ledger/review/<int:pk>/<str:action>/": review_action,
    "ledger/review/approve-clean/": review_approve_clean,
    "ledger/history/<str:kind>/<int:pk>/": history,
    "ledger/history/<str:kind>/<int:pk>/revert/<int:event>/": history_revert,
    "ledger/audit-export/": audit_export,
    "login/verify/": login_verify,
    "account/password/": password,
    "account/two-factor/": two_factor,
    "account/lockouts/": lockouts,
    "office/settings/": office_settings,
    "office/settings/open-month/": office_open_month,
    "office/users/": office_list("office:users"),
    "office/users/new/": office_user_new,
    "office/users/<int:pk>/": office_user_edit,
    "office/users/<int:pk>/second-factor/": office_user_second_factor,
    "office/organizations/": office_list("office:organizations"),
    "office/organizations/new/": office_new_object(
        "office:organization-new",
        lambda m: {"kind": "bank", "name": "矩阵银行", "division": m.world.county.pk,
                   "version": 0},
        lambda: Organization.objects.filter(name="矩阵银行").exists()),
    "office/organizations/<int:pk>/": office_organization_edit,
    "office/people/": office_list("office:people"),
    "office/people/new/": office_new_object(
        "office:person-new",
        lambda m: {"name": "矩阵新人", "organization": m.world.unit.pk, "version": 0},
        lambda: Person.objects.filter(name="矩阵新人").exists()),
    "office/people/<int:pk>/": office_person_edit,
    "office/key-lists/": office_key_lists,
    "warnings/": warning_page("warnings:lamps", "?period=2022-06"),
    "warnings/rules/": warning_rules,
    "warnings/evaluate/": warning_evaluate,
    "warnings/publish/": warning_publish,
    "warnings/lamps/<int:pk>/": warning_lamp,
    "warnings/consequences/<int:pk>/": warning_consequence,
    "dispatch/meetings/": _dispatch_office_page("dispatch:meetings"),
    "dispatch/meetings/new/": dispatch_meeting_new,
    "dispatch/meetings/<int:pk>/": _dispatch_meeting_page("dispatch:meeting"),
    "dispatch/meetings/<int:pk>/minutes.docx": _dispatch_meeting_page("dispatch:minutes"),
    "dispatch/meetings/<int:pk>/edit/": dispatch_meeting_edit,
    "dispatch/tasks/<int:pk>/done/": dispatch_task_done,
    "dispatch/photos/<str:token>/": dispatch_photo,
    "dispatch/problems/": _dispatch_office_page("dispatch:problems"),
    "dispatch/problems/<int:pk>/": dispatch_problem,
    "dispatch/problems/from-report/<int:pk>/": dispatch_from_report,
    "dispatch/unit/": _get_only(lambda m: reverse("dispatch:unit") if _dispatch(m) else "",
                                allowed=lambda who: who == "dave"),
    "dispatch/leader/": _get_only(lambda m: reverse("dispatch:leader") if _dispatch(m) else "",
                                  allowed=lambda who: who == "carol"),
    "admin/": _get_only(lambda m: "/admin/", allowed=lambda who: who in STAFF),
    "admin/login/": admin_login,
    "admin/logout/": _get_only(lambda m: "/admin/logout/"),
    "admin/password_change/": admin_password_change,
    "admin/password_change/done/": _get_only(lambda m: "/admin/password_change/done/",
                                             allowed=lambda who: who in STAFF),
    "admin/autocomplete/": admin_autocomplete,
    "admin/jsi18n/": _get_only(lambda m: "/admin/jsi18n/", allowed=lambda who: who in STAFF),
    "admin/r/<path:content_type_id>/<path:object_id>/": admin_view_on_site,
    "admin/^(?P<app_label>accounts|auth|core|ledger)/$": _get_only(
        lambda m: "/admin/ledger/", allowed=lambda who: who in ("office", "office2", "super")),
    "admin/(?P<url>.*)$": _get_only(lambda m: "/admin/no-such-page/",
                                    allowed=lambda who: False),
    **ASSESSMENT_RULES,
    **BULLETIN_RULES,
    "admin/accounts/user/<id>/password/": _get_only(
        lambda m: f"/admin/accounts/user/{m.users['alice'].pk}/password/",
        allowed=lambda who: who == "super", owners=False),
}
RULES.update(PROCEDURE_RULES)  # tests/permissions/procedures_matrix.py
RULES.update(ATTRACTION_RULES)  # tests/permissions/attraction_matrix.py
RULES.update(FINANCING_RULES)  # tests/permissions/financing_matrix.py
RULES.update(LAND_RULES)  # tests/permissions/land_matrix.py
RULES.update(POLICY_RULES)  # tests/permissions/policies_matrix.py
for _model in ADMIN_MODELS:
    for _suffix, _view in ADMIN_MODEL_VIEWS.items():
        RULES[f"admin/{_model}/{_suffix}"] = admin_model_rule(_model, _view)


def test_every_url_is_classified():
    """A new URL (a view, an admin model, an app) must be given a rule here first."""
    unknown = [p for p in ALL_PATTERNS if p not in RULES]
    assert not unknown, f"classify these URL patterns in tests/permissions: {unknown}"
    stale = [p for p in RULES if p not in ALL_PATTERNS]
    assert not stale, f"rules for patterns that no longer exist: {stale}"


@pytest.mark.parametrize("pattern", ALL_PATTERNS)
def test_every_persona_on_every_url(matrix, pattern):
    rule = RULES.get(pattern)
    assert rule is not None, f"unclassified URL pattern {pattern!r}"
    for who in PERSONAS:
        rule(matrix, who)


def test_anonymous_reaches_nothing(matrix):
    client = Client()
    for pattern in ALL_PATTERNS:
        if pattern.startswith("admin/") or pattern in ("login/", "i18n/setlang/", "logout/"):
            continue
        url = "/" + pattern.replace("<int:pk>", str(matrix.projects["A"].pk)).replace(
            "<period:period>", "2022-07").replace("<str:token>", matrix.photo["A"].token).replace(
            "<str:action>", "approve").replace("<str:kind>", "project").replace(
            "<int:event>", str(AuditEvent.objects.for_object(matrix.projects["A"]).first().pk)
        ).replace("<uuid:job_id>", "6f1d2a9e-0000-4000-8000-000000000000").replace(
            "<int:year>", "2022")
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302 and "/login/" in response["Location"], url
    assert client.get("/admin/ledger/project/").status_code == 302
