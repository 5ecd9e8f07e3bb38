"""Every URL the resolver knows, driven with hostile values: never a server error (5xx).

The URL list is the permission matrix's (tests/permissions/test_matrix.py walks the resolver,
and a new URL pattern must be classified there first), and so is its world (two counties,
owners, reports, photos). Each pattern is requested as an office admin, an owner and an
anonymous visitor with hostile values in:

- its path parameters (each in turn, the others valid);
- every query parameter the view reads (each in turn, and all at once, and repeated);
- every field of the form(s) that POST to it: the form as the browser would send it (read from
  the page that shows it), then each field replaced in turn, and all of them at once.

Failures are collected and reported together (URL, method, parameter, value, status), so one
run shows every crash. Writes are rolled back after each request. The cost is kept to well
under a minute per database on an idle 2-core machine (about 40 s on SQLite, 65 s on
PostgreSQL with the machine shared) by choosing which values go where: every hostile value
into all parameters or fields at once; one parameter or field at a time (the others valid,
so a form refused as a whole hides nothing) the values that pass a field's parsing yet are
extreme; in the Django admin (its own well-tested code; ours there are querysets, forms and
widgets) fewer values.
"""

from __future__ import annotations

import html.parser
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from taizhang.core.audit.models import AuditEvent
from taizhang.ledger.models import Project
from tests.permissions.conftest import Matrix, matrix  # noqa: F401  (the matrix's world)
from tests.permissions.test_matrix import ALL_PATTERNS, rolled_back

LONG = "长" * 10_000
# Everything a hostile or clumsy client sends where a number, an id, a date, a period or a
# short text is expected.
HOSTILE = [
    "²", "①", "٣", "１２", "２０２２-０７", "-1", "0", "99999999999999999999", "1e309", "NaN",
    "inf", "0001-01-01", "9999-12-31", "2022-13", "2022-00", "", " ", "\x00", "%00",
    "../../etc/passwd", "' OR 1=1--", "<script>alert(1)</script>", LONG,
]
# Values that pass a field's own parsing yet are extreme: they reach the services behind the
# form, so they are tried one field at a time with every other field valid.
EXTREME = ["٣", "-1", "0", "99999999999999999999", "0001-01-01", "9999-12-31", "２０２２-０７",
           LONG, "\x00"]
# One parameter at a time (every value goes into all parameters at once as well).
SHARP = ["²", "99999999999999999999", "0001-01-01", "9999-12-31", LONG]
# In a path: what a converter may let through, and what it must turn away without a crash.
PATH_VALUES = ["²", "٣", "１２", "-1", "0", "99999999999999999999", "1e309", "NaN", "2022-13",
               "２０２２-０７", "\x00", "../../etc/passwd", "' OR 1=1--", "<script>", "x" * 2000]
REPEATED = ["1", "²", "99999999999999999999", "", "\x00"]

FILTERS = {name: "" for name in ("q", "stage", "list", "unit", "leader", "township",
                                  "industry", "nature", "owner", "owner_name")}
# Query parameters each view reads, with a valid value: a hostile value goes into one of them
# while the others stay valid (a form refused as a whole would hide the rest).
QUERY: dict[str, dict[str, str]] = {
    "ledger/projects/": {**FILTERS, "sort": "-ytd", "page": "1", "period": "2022-07"},
    "ledger/export/": {**FILTERS, "period": "2022-07"},
    "ledger/reports/": {"period": "2022-07"},
    "ledger/review/": {"page": "1"},
    "ledger/reports/board/": {"period": "2022-07", "by": "owner", "page": "1"},
    "ledger/reports/board/list/": {"period": "2022-07", "state": "missing", "late": "1",
                                   "by": "owner", "key": "1", "page": "1"},
    "notices/": {"page": "1", "unread": "1"},
    "ledger/audit-export/": {"start": "2022-01-01", "end": "2022-12-31", "actor": "",
                             "object_type": "", "format": "csv", "download": "1"},
    "ledger/projects/<int:pk>/": {"period": "2022-07"},
    "ledger/import/": {"preview": "6f1d2a9e-0000-4000-8000-000000000000"},
    "login/": {"next": "/ledger/projects/"},
    "assessment/": {"period": "2022-07", "level": "township"},
    "assessment/publish/": {"period": "2022-07", "level": "township"},
    "assessment/results/": {"page": "1"},
    "assessment/deductions/": {"page": "1"},
    "admin/login/": {"next": "/admin/"},
    "admin/autocomplete/": {"app_label": "ledger", "model_name": "project",
                            "field_name": "parent", "term": "", "page": "1"},
}
ADMIN_CHANGELIST = ["q", "o", "p", "e", "all", "_changelist_filters"]
# The admin is Django's own, well-tested code (ours there: querysets, forms, widgets): each of
# its parameters gets fewer values.
ADMIN_VALUES = ["99999999999999999999", LONG]
# Admin object URLs whose id is fuzzed: the others (delete, the bare id) share the lookup.
ADMIN_OBJECT_FUZZED = ("/change/", "/history/")
ADMIN_FILTERS: dict[str, list[str]] = {
    "ledger/project": ["stage__exact", "industry__exact", "nature__exact",
                       "project_type__exact"],
    "ledger/monthlyreport": ["status__exact", "period__gte", "period__lt", "period__exact"],
    "ledger/keylistmembership": ["key_list__id__exact", "status__exact"],
    "accounts/division": ["level__exact"],
    "accounts/organization": ["kind__exact"],
    "accounts/user": ["role__exact", "is_active__exact"],
    "core/auditevent": ["action__exact", "source__exact", "object_type__exact"],
}

PERSONAS = ("office", "alice", None)  # None: anonymous
# URLs that end the session or sign in: the client signs in again after each request.
SESSION_CHANGING = {"logout/", "admin/logout/", "login/", "login/verify/", "admin/login/",
                    "account/password/", "i18n/setlang/"}


@dataclass
class Failures:
    found: list[str] = field(default_factory=list)

    def check(self, response: Any, method: str, url: str, where: str, value: Any) -> None:
        if response.status_code >= 500:
            shown = value if not isinstance(value, str) or len(value) < 40 else (
                f"{value[:10]!r}… ({len(value)} chars)")
            self.found.append(f"{response.status_code} {method} {url[:120]} {where}={shown!r}")


# ------------------------------------------------------------------------------ URLs

def _sample_args(m: Matrix) -> dict[str, str]:
    """A valid value for each path parameter name (objects of Alice's project)."""
    project = m.projects["A"]
    return {
        "pk": str(project.pk), "period": "2022-07", "token": m.photo["A"].token,
        "action": "approve", "kind": "project",
        "event": str(AuditEvent.objects.for_object(project).first().pk),
        "content_type_id": str(ContentType.objects.get_for_model(Project).pk),
        "object_id": str(project.pk), "id": str(m.users["alice"].pk),
        "app_label": "ledger", "url": "no-such-page",
        "job_id": "6f1d2a9e-0000-4000-8000-000000000000", "year": "2022", "fmt": "pdf",
    }


def _overrides(m: Matrix, pattern: str) -> dict[str, str]:
    """Patterns whose `pk` or `object_id` is not a project."""
    if pattern.startswith("ledger/memberships/"):
        return {"pk": str(m.membership["A"].pk)}
    if pattern.startswith("ledger/review/"):
        return {"pk": str(m.submitted["A"].pk)}
    if pattern.startswith("office/users/"):
        return {"pk": str(m.users["alice"].pk)}
    if pattern.startswith("office/organizations/"):
        return {"pk": str(m.world.alice_org.pk)}
    if pattern.startswith("office/people/"):
        return {"pk": str(m.projects["A"].leader_id)}
    found = re.match(r"admin/(\w+)/(\w+)/<path:object_id>", pattern)
    if found and found[2] != "project":
        from django.apps import apps
        model = apps.get_model(found[1], found[2])
        return {"object_id": str(model._default_manager.order_by("pk").first().pk)}
    return {}


_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\^?\(\?P<(\w+)>[^)]*\)\$?|\$$")


def _params(pattern: str) -> list[str]:
    return [a or b for a, b in _PARAM.findall(pattern) if a or b]


def build(pattern: str, args: dict[str, str]) -> str:
    """The URL of `pattern` with `args` put in as they are (percent-encoded, unchecked)."""
    def put(match: re.Match[str]) -> str:
        name = match[1] or match[2]
        return quote(args[name], safe="") if name else ""
    return "/" + _PARAM.sub(put, pattern)


def args_for(m: Matrix, pattern: str) -> dict[str, str]:
    return {**_sample_args(m), **_overrides(m, pattern)}


# ------------------------------------------------------------------------------ forms

class _Forms(html.parser.HTMLParser):
    """The POST forms of a page as a browser would submit them: {action: {name: [values]}}."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: dict[str, dict[str, list[str]]] = {}
        self._current: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            action = (a.get("action") or self.page_url).split("?")[0]
            self._current = self.forms.setdefault(action, {})
        if self._current is None:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self._current.setdefault(name, [])
                return
            self._current.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            self._current.setdefault(name, [])
        elif tag == "option" and self._select and ("selected" in a
                                                   or not self._current[self._select]):
            values = self._current[self._select]
            if "selected" in a:
                values.clear()
            values.append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._current.setdefault(name, [""])
        elif tag == "button" and name:
            self._current.setdefault(name, []).append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._current is not None and self._textarea:
            self._current[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._current = None


def forms_on(client: Client, url: str) -> dict[str, dict[str, list[str]]]:
    response = client.get(url)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            "text/html"):
        return {}
    parser = _Forms(url)
    parser.feed(response.content.decode("utf-8", errors="replace"))
    return parser.forms


def _source_page(m: Matrix, pattern: str, url: str) -> str:
    """The page showing the form that POSTs to `url`."""
    project = m.projects["A"]
    if re.match(r"ledger/(projects/<int:pk>/(stage|plan|lists)|memberships)/", pattern):
        return f"/ledger/projects/{project.pk}/"
    if pattern.startswith(("ledger/projects/<int:pk>/reports/", "ledger/photos/")):
        return f"/ledger/projects/{project.pk}/reports/2022-07/"
    if pattern.startswith("ledger/review/"):
        return "/ledger/review/"
    if pattern.startswith("ledger/history/"):
        return f"/ledger/history/project/{project.pk}/"
    if pattern in ("logout/", "i18n/setlang/"):
        return "/ledger/projects/"
    return url


def baseline(client: Client, m: Matrix, pattern: str, url: str) -> dict[str, list[str]]:
    """What the office's browser would POST to `url` (empty if no page shows such a form)."""
    found = forms_on(client, _source_page(m, pattern, url))
    return found.get(url, {})


# ------------------------------------------------------------------------------ driving

def client_as(m: Matrix, who: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if who:
        client.force_login(m.users[who])
    return client


class Clients:
    """One signed-in client per persona, signed in again after a URL that may end it."""

    def __init__(self, m: Matrix) -> None:
        self.m = m
        self.clients = {who: client_as(m, who) for who in PERSONAS}

    def __call__(self, who: str | None) -> Client:
        return self.clients[who]

    def renew(self, who: str | None) -> None:
        self.clients[who] = client_as(self.m, who)


def _query_variants(valid: dict[str, str], values: list[str], one_by_one: bool
                    ) -> Iterator[tuple[str, Any, str]]:
    """(where, value, query string): each parameter alone (the others valid), all at once,
    and each repeated many times."""
    for value in HOSTILE:
        yield "all", value, urlencode({name: value for name in valid})
    if not one_by_one:
        return
    for value in values:
        for name in valid:
            yield name, value, urlencode({**valid, name: value})
    for name in valid:
        yield name, "repeated", urlencode([*valid.items(), *((name, v) for v in REPEATED * 40)])


def _admin_query(pattern: str) -> dict[str, str] | None:
    found = re.fullmatch(r"admin/(\w+/\w+)/", pattern)
    if found is None:
        return None
    return {name: "" for name in ADMIN_CHANGELIST + ADMIN_FILTERS.get(found[1], [])}


def fuzz_get(m: Matrix, pattern: str, who: str | None, failures: Failures,
             clients: Clients) -> None:
    client = clients(who)
    args = args_for(m, pattern)
    url = build(pattern, args)
    admin = pattern.startswith("admin/")
    valid = QUERY.get(pattern) or _admin_query(pattern) or {}
    if valid:
        # The office reaches the most code; the others get every value in every parameter.
        variants = _query_variants(valid, ADMIN_VALUES if admin else SHARP,
                                   one_by_one=who == "office")
        for where, value, query in variants:
            failures.check(client.get(f"{url}?{query}"), "GET", url, where, value)
    if admin and "<path:object_id>" in pattern and not pattern.endswith(ADMIN_OBJECT_FUZZED):
        return
    if who == "office":  # path parameters: their checks come before any scope
        for name in _params(pattern):
            for value in ["²", *ADMIN_VALUES] if admin else PATH_VALUES:
                hostile = build(pattern, {**args, name: value})
                failures.check(client.get(hostile), "GET", hostile, name, value)


_LATER_ROW = re.compile(r"^(?P<prefix>[\w]+)-(?P<row>[1-9]\d*)-(?P<field>.+)$")


def one_by_one(names: list[str]) -> list[str]:
    """The fields tried one at a time: a formset's later rows (`p-1-deadline`, …) are the same
    form as its first row (`p-0-deadline`), so only the first row's fields are; every row
    still gets every hostile value at once."""
    kept = set(names)

    def same_as_first_row(name: str) -> bool:
        found = _LATER_ROW.match(name)
        return bool(found) and f"{found['prefix']}-0-{found['field']}" in kept

    return [name for name in names if not same_as_first_row(name)]


def fuzz_post(m: Matrix, pattern: str, who: str | None, failures: Failures,
              fields: dict[str, list[str]], clients: Clients) -> None:
    url = build(pattern, args_for(m, pattern))

    def post(data: dict[str, Any], where: str, value: Any) -> None:
        with rolled_back():
            response = clients(who).post(url, data)
        failures.check(response, "POST", url, where, value)
        if pattern in SESSION_CHANGING:
            clients.renew(who)

    names = [n for n in fields if n != "csrfmiddlewaretoken"]
    post(fields, "as shown", "")
    if not names:
        return  # no form POSTs here: the one request shows how the view takes a POST
    for value in HOSTILE:
        post({name: value for name in names}, "all", value)
    admin = pattern.startswith("admin/")
    if who is None or admin and (who != "office" or pattern.endswith("/add/")):
        return  # the admin's add form is its change form
    for name in one_by_one(names):
        for value in ADMIN_VALUES if admin else EXTREME:
            post({**fields, name: value}, name, value)
        if not admin:
            post({**fields, name: REPEATED * 40}, name, "repeated")
    # A field the form does not know: ignored.
    post({**fields, "unknown": LONG}, "unknown", LONG)


def test_a_formsets_later_rows_are_fuzzed_with_the_rest_not_one_field_at_a_time():
    names = ["kind", "p-TOTAL_FORMS", "p-0-deadline", "p-1-deadline", "p-12-deadline",
             "t-1-note", "p-0-project"]
    # t-1-note stays: no first row of its own to stand for it.
    assert one_by_one(names) == ["kind", "p-TOTAL_FORMS", "p-0-deadline", "t-1-note",
                                 "p-0-project"]


#: The URL patterns in this many parts, one test each: a test process (`make test`'s
#: TEST_WORKERS) takes one part at a time, so the fuzz does not hold one process for minutes.
SHARDS = 6


@pytest.mark.django_db
@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_server_error_on_any_url(matrix, settings, shard):  # noqa: F811
    """A hostile value anywhere a request carries one gives an answer, never a 5xx."""
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    m = matrix
    failures = Failures()
    clients = Clients(m)
    office = client_as(m, "office")
    for pattern in ALL_PATTERNS[shard::SHARDS]:
        for who in PERSONAS:
            fuzz_get(m, pattern, who, failures, clients)
        if pattern.startswith("admin/") and "/add/" not in (
                pattern) and not pattern.endswith("/change/") and pattern != "admin/logout/":
            continue
        url = build(pattern, args_for(m, pattern))
        fields = baseline(office, m, pattern, url)
        for who in PERSONAS:
            fuzz_post(m, pattern, who, failures, fields, clients)
    assert not failures.found, "server errors:\n" + "\n".join(failures.found)
