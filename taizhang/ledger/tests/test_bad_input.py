"""Malformed request data gets a clear answer, never a server error (issue 8, finding 5).

The wide sweep over every URL is tests/fuzz/test_every_url.py; these pin the reported cases.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from taizhang.core.audit.models import AuditEvent
from taizhang.core.parsing import local_path, parse_date, parse_id, parse_int, parse_period


@pytest.fixture
def office(world, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client = Client(raise_request_exception=False)
    client.force_login(world.office)
    return client


@pytest.mark.parametrize("value", ["²", "①", "٣", "１２", "99999999999999999999", "-1", "1e3"])
@pytest.mark.parametrize("name", ["owner", "unit", "leader", "township"])
@pytest.mark.parametrize("page", ["ledger:project-list", "ledger:export"])
def test_a_filter_id_that_is_no_number_is_ignored_with_a_message(office, world, page, name,
                                                                  value):
    response = office.get(reverse(page), {name: value, "period": "2022-07"})
    assert response.status_code == 200
    if page == "ledger:project-list":
        assert name in response.context["form"].errors  # named on the page, the rest applies
        assert response.context["stats"].total.projects == 2


def test_a_digit_of_another_script_is_not_an_id(office, world):
    """int("٣") is 3, yet "٣" is no id here: the filter names it and does not apply it."""
    pk = world.alice_org.pk
    arabic = str(pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = office.get(reverse("ledger:project-list"), {"owner": arabic})
    assert "owner" in response.context["form"].errors
    assert response.context["stats"].total.projects == 2


@pytest.mark.parametrize("query", [
    {"start": "0001-01-01"}, {"end": "9999-12-31"}, {"start": "0001-01-01", "end": "9999-12-31"},
])
def test_audit_export_refuses_dates_out_of_range(office, world, query):
    response = office.get(reverse("audit:export"),
                          {"format": "csv", "download": "1", **query})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")  # the form again, not a file
    errors = response.context["form"].errors
    assert set(query) <= set(errors)
    assert "1900-01-01" in str(errors) and "2199-12-31" in str(errors)
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


@pytest.mark.parametrize("method", ["TRACE", "TRACK", "CONNECT"])
def test_trace_and_other_unexpected_methods_are_refused(office, method):
    for url in ("/ledger/projects/", "/login/", "/admin/", "/no-such-page/"):
        response = office.generic(method, url)
        assert response.status_code == 405, (method, url)
        assert "不支持的请求方式" in response.content.decode()
        assert "TRACE" not in response["Allow"] and "GET" in response["Allow"]
        assert b"Cookie" not in response.content  # nothing of the request echoed


@pytest.mark.parametrize("request_", [
    ("get", "/ledger/projects/", {"q": "a\x00b"}),
    ("get", "/ledger/photos/%00/", {}),
    ("get", "/admin/ledger/project/", {"q": "\x00"}),
    ("post", "/ledger/review/1/reopen/", {"reason": "\x00"}),
])
def test_a_nul_character_is_refused_with_a_message(office, request_):
    """PostgreSQL stores no NUL in text: refused up front (400), on SQLite as well."""
    method, url, data = request_
    response = getattr(office, method)(url, data)
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


@pytest.mark.parametrize("next_url", ["' OR 1=1--", "0", "home", "%00", "//evil.example/"])
def test_a_next_that_is_no_local_path_goes_to_the_start_page(world, next_url):
    client = Client(raise_request_exception=False)
    client.force_login(world.office)
    response = client.get(reverse("login"), {"next": next_url})
    assert response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.parametrize("object_id", ["abc", "²", "-1", "1e3", "x" * 300])
def test_admin_history_with_a_junk_id_is_not_found(world, object_id):
    world.office.is_staff = True
    world.office.save(update_fields=["is_staff"])
    client = Client(raise_request_exception=False)
    client.force_login(world.office)
    for model in ("ledger/project", "accounts/organization"):
        response = client.get(f"/admin/{model}/{object_id}/history/")
        assert response.status_code == 404, (model, object_id)


def test_admin_form_refused_with_a_typed_id_shows_again(world):
    """An autocomplete field posted with "abc" re-shows the form instead of crashing."""
    world.office.is_staff = True
    world.office.save(update_fields=["is_staff"])
    client = Client(raise_request_exception=False)
    client.force_login(world.office)
    response = client.post("/admin/ledger/project/add/", {
        "name": "新项目", "owner": "abc", "division": "²", "planned_total": "1",
        "completed_before": "0", "plans-TOTAL_FORMS": 0, "plans-INITIAL_FORMS": 0})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors


def test_parsing_helpers():
    assert parse_id("12") == 12 and parse_id(" 7 ") == 7
    for junk in ("²", "①", "٣", "１２", "0", "-1", "9" * 20, "1e3", "", None, True, "1.0"):
        assert parse_id(junk) is None, junk
    assert parse_int("-5", minimum=-10) == -5 and parse_int("2147483648") is None
    assert parse_date("2022-07-31").isoformat() == "2022-07-31"
    for junk in ("0001-01-01", "9999-12-31", "2022-13-01", "２０２２-０７-０１", "2022/07/01"):
        assert parse_date(junk) is None, junk
    assert str(parse_period("2022-07")) == "2022-07"
    for junk in ("２０２２-０７", "2022-13", "2022-00", "1999-12", "²022-01"):
        assert parse_period(junk) is None, junk
    assert local_path("/ledger/?a=1") == "/ledger/?a=1"
    for junk in ("home", "//evil", "/\\evil", "http://x/", "/a\nb", None):
        assert local_path(junk) is None, junk
