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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from taizhang.core.audit.models import AuditEvent
from taizhang.ledger.choices import MembershipStatus, ReportStatus, Stage
from taizhang.ledger.models import (
    AnnualPlan,
    KeyListMembership,
    MonthlyReport,
    Project,
    ReportPhoto,
    StageChange,
)
from taizhang.ledger.tests.sheets_factory import ledger_grid, to_xlsx

from .conftest import CHANGE, PERSONAS, REPORT, STAFF, VIEW, Matrix, png_upload

MISSING = 987654321
KEYS = ("A", "B", "F")
PLANNED = {"A": Decimal("50000.00"), "B": Decimal("80000.00"), "F": Decimal("30000.00")}
OWNER_NAMES = {"A": "燕山钢铁有限公司", "B": "迁钢新材有限公司", "F": "远郊物流有限公司"}
# Names only the project's own pages use (the admin lists organizations, people and divisions
# to offices by design, so these are checked on ledger pages only): owner, leader, unit,
# township. Alice's project alone has a leader and a responsible unit.
LEDGER_NAMES = {"A": [OWNER_NAMES["A"], "王建国", "迁安市发改局", "迁安镇"],
                "B": [OWNER_NAMES["B"], "夏官营镇"], "F": [OWNER_NAMES["F"], "滦城镇"]}


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


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
    assert response.status_code < 500, (who, response.status_code)
    text = text_of(response)
    for key in KEYS:
        if key in VIEW[who]:
            continue
        for marker in m.markers[key] + (LEDGER_NAMES[key] if owners else []):
            assert marker not in text, f"{who} saw {marker!r} of project {key}"
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
        lambda k: {"year": 2024, "planned_investment": "10", "image_target": ""},
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
        lambda k: {},
        lambda k: MonthlyReport.objects.get(pk=m.submitted[k].pk).status
        == ReportStatus.APPROVED,
        reverse("ledger:review-action", args=[MISSING, "approve"]),
    )
    # An unknown action is refused even on one's own report.
    response = client_for(m, who).post(
        reverse("ledger:review-action", args=[m.submitted["A"].pk, "delete"]))
    assert refused(response)
    assert MonthlyReport.objects.get(pk=m.submitted["A"].pk).status == ReportStatus.SUBMITTED


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
            assert response.status_code == 403, (who, response.status_code)
            return
        assert response.status_code == 200
        result = response.context["result"]
        assert result.ok == ("F" in CHANGE[who]), (who, result.errors)
        token = response.context["token"]
        if token:
            client.post(reverse("ledger:import"), {"confirm": "1", "token": token})
        total = Project.objects.get(pk=far.pk).planned_total
        assert (total == Decimal("99999")) == ("F" in CHANGE[who])


# ------------------------------------------------------------------------------ web rules

def home(m: Matrix, who: str) -> None:
    assert client_for(m, who).get("/").status_code == 302


def logout(m: Matrix, who: str) -> None:
    client = client_for(m, who)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("ledger:project-list")).status_code == 302  # to the login page


def set_language(m: Matrix, who: str) -> None:
    response = client_for(m, who).post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302


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
            text = assert_nothing_foreign(m, who, response, owners=False)
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
            assert_nothing_foreign(m, who, response, owners=False)
            in_scope = key == "any" or key in VIEW[who]
            if view in ("change", "history"):
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
    response = client_for(m, who).get(
        "/admin/autocomplete/?app_label=ledger&model_name=project&field_name=parent&term=")
    text = assert_nothing_foreign(m, who, response)
    if who in ("office", "office2", "super"):
        assert response.status_code == 200
        for key in VIEW[who]:
            assert m.projects[key].name in text
    else:
        assert response.status_code in (302, 403)


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


ADMIN_MODEL_VIEWS = {
    "": "changelist", "add/": "add", "<path:object_id>/history/": "history",
    "<path:object_id>/delete/": "delete", "<path:object_id>/change/": "change",
    "<path:object_id>/": "redirect",
}

RULES: dict[str, Callable[[Matrix, str], None]] = {
    "": home,
    "login/": _get_only(lambda m: reverse("login"), allowed=lambda who: True),
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
    "ledger/review/": review_queue,
    "ledger/review/<int:pk>/<str:action>/": review_action,
    "admin/": _get_only(lambda m: "/admin/", allowed=lambda who: who in STAFF),
    "admin/login/": _get_only(lambda m: "/admin/login/"),
    "admin/logout/": _get_only(lambda m: "/admin/logout/"),
    "admin/password_change/": _get_only(lambda m: "/admin/password_change/",
                                        allowed=lambda who: who in STAFF),
    "admin/password_change/done/": _get_only(lambda m: "/admin/password_change/done/",
                                             allowed=lambda who: who in STAFF),
    "admin/autocomplete/": admin_autocomplete,
    "admin/jsi18n/": _get_only(lambda m: "/admin/jsi18n/", allowed=lambda who: who in STAFF),
    "admin/r/<path:content_type_id>/<path:object_id>/": admin_view_on_site,
    "admin/^(?P<app_label>auth|core|accounts|ledger)/$": _get_only(
        lambda m: "/admin/ledger/", allowed=lambda who: who in ("office", "office2", "super")),
    "admin/(?P<url>.*)$": _get_only(lambda m: "/admin/no-such-page/",
                                    allowed=lambda who: False),
    "admin/accounts/user/<id>/password/": _get_only(
        lambda m: f"/admin/accounts/user/{m.users['alice'].pk}/password/",
        allowed=lambda who: who == "super", owners=False),
}
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
            "<str:action>", "approve")
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302 and "/login/" in response["Location"], url
    assert client.get("/admin/ledger/project/").status_code == 302
