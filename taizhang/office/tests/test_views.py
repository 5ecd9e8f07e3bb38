"""The office's pages: forms keep what was typed and say what is wrong next to the field, in
Chinese and in English; lists are paginated with a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from taizhang.accounts.choices import OrganizationKind, Role
from taizhang.accounts.models import OfficeSettings, Organization, User
from taizhang.core.codes import uscc_check_char

BAD_CODE = "91130283MA00000000"


def client_for(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def field_block(html: str, name: str) -> str:
    """The markup of one form field: its label, input and the errors shown beside it."""
    pattern = r'<div class="field[^"]*">(?:(?!<div class="field).)*?name="NAME".*?</div>'
    found = re.search(pattern.replace("NAME", name), html, re.S)
    assert found, name
    return found[0]


@pytest.mark.parametrize(("language", "message"), [
    ("en", "is not a valid unified social credit code"),
    ("zh-hans", "不是有效的统一社会信用代码"),
])
def test_a_bad_credit_code_is_shown_next_to_its_field_and_the_typing_kept(world, language,
                                                                           message):
    response = client_for(world.office, language).post("/office/organizations/new/", {
        "kind": OrganizationKind.ENTERPRISE, "name": "迁安新能源有限公司",
        "credit_code": BAD_CODE, "division": world.town.pk, "version": 0})
    assert response.status_code == 200
    html = response.content.decode()
    block = field_block(html, "credit_code")
    assert message in block and f'value="{BAD_CODE}"' in block
    assert 'value="迁安新能源有限公司"' in field_block(html, "name")
    assert f'<option value="{world.town.pk}" selected>' in field_block(html, "division")
    assert not Organization.objects.filter(name="迁安新能源有限公司").exists()


@pytest.mark.parametrize(("language", "message"), [
    ("en", "This role acts for an organization"),
    ("zh-hans", "该角色代表一个单位"),
])
def test_an_owner_without_organization_is_refused_beside_the_field(world, language, message):
    response = client_for(world.office, language).post("/office/users/new/", {
        "username": "zhangsan", "last_name": "张", "role": Role.OWNER,
        "division": world.county.pk, "version": 0})
    html = response.content.decode()
    assert message in field_block(html, "organization")
    assert 'value="zhangsan"' in field_block(html, "username")
    assert not User.objects.filter(username="zhangsan").exists()


def test_creating_an_owner_shows_the_one_time_password_once(world):
    response = client_for(world.office, "en").post("/office/users/new/", {
        "username": "zhangsan", "role": Role.OWNER, "organization": world.alice_org.pk,
        "division": world.county.pk, "version": 0})
    assert response.status_code == 200
    password = re.search(r'id="one-time-password">([^<]+)<', response.content.decode())[1]
    assert User.objects.get(username="zhangsan").check_password(password)
    assert "no-store" in response["Cache-Control"]
    login = Client()
    response = login.post("/login/", {"username": "zhangsan", "password": password})
    assert response["Location"] == "/account/password/"  # must choose their own first
    assert login.get("/ledger/projects/")["Location"] == "/account/password/"


def test_a_new_office_admin_is_shown_the_second_factor_to_enrol(world):
    response = client_for(world.office, "en").post("/office/users/new/", {
        "username": "admin2", "role": Role.OFFICE_ADMIN, "division": world.town.pk,
        "version": 0})
    html = response.content.decode()
    assert 'class="qr"' in html and "/second-factor/" in html
    assert User.objects.get(username="admin2").totp_secret


def test_a_stale_user_form_is_refused_and_keeps_the_typing(world):
    client = client_for(world.office, "en")
    opened_at = world.alice.version
    User.objects.filter(pk=world.alice.pk).update(version=opened_at + 1)
    response = client.post(f"/office/users/{world.alice.pk}/", {
        "action": "save", "version": opened_at, "username": "alice", "last_name": "李新",
        "role": Role.OWNER, "organization": world.alice_org.pk, "division": world.county.pk})
    html = response.content.decode()
    assert "Someone else saved this record" in html and 'value="李新"' in html
    assert User.objects.get(pk=world.alice.pk).last_name == ""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_settings_page_sets_the_month_and_opens_the_next(world, language):
    client = client_for(world.office, language)
    page = client.get("/office/settings/").content.decode()
    assert "2022-07" in page and "2022-08-10" in page
    response = client.post("/office/settings/", {"reporting_period": "2022-13",
                                                 "report_deadline_day": "40", "version": 0})
    html = response.content.decode()
    assert 'value="2022-13"' in field_block(html, "reporting_period")
    assert 'class="errorlist' in field_block(html, "report_deadline_day")
    response = client.post("/office/settings/", {"reporting_period": "2022-08",
                                                 "report_deadline_day": "5", "behind_points": "15",
                                                 "version": 0})
    assert response.status_code == 302
    assert OfficeSettings.objects.get(division=world.county).behind_points == 15
    assert "2022-09" in client.get("/office/settings/open-month/").content.decode()
    version = OfficeSettings.objects.get(division=world.county).version
    assert client.post("/office/settings/open-month/", {"version": version}).status_code == 302
    assert OfficeSettings.objects.get(division=world.county).reporting_period == "2022-09"


def test_lists_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for i in range(60):
        body = f"91130283MA{i:07d}"
        Organization.objects.create(kind=OrganizationKind.ENTERPRISE, name=f"企业{i:02d}",
                                    credit_code=body + uscc_check_char(body),
                                    division=world.town)
        User.objects.create_user(f"user{i:02d}", role=Role.OWNER, division=world.county,
                                 organization=world.alice_org)
    client = client_for(world.office, "en")
    for url in ("/office/users/", "/office/organizations/", "/office/people/",
                "/office/key-lists/", "/office/users/?page=2&role=owner"):
        client.get(url)  # sessions and caches warm
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert response.status_code == 200, url
    html = client.get("/office/users/?role=owner").content.decode()
    assert "Page 1 of 2" in html and "role=owner&amp;page=2" in html


def test_search_and_filters_keep_to_the_scope(world):
    Organization.objects.create(kind=OrganizationKind.BANK, name="迁安农商银行",
                                division=world.county)
    client = client_for(world.office, "en")
    html = client.get("/office/organizations/?kind=bank&q=农商").content.decode()
    assert "迁安农商银行" in html
    html = client.get("/office/users/?q=alice").content.decode()
    assert ">alice<" in html and ">bob<" not in html
