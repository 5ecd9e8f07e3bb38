"""The notification centre: each user reads and marks only their own notifications."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from taizhang.notices import kinds
from taizhang.notices.models import Notification
from taizhang.notices.services import mark_all_read, notify, unread_count

pytestmark = pytest.mark.django_db


def _notice(user, project="冷轧项目"):
    created, _mails = notify([user], "report-approved", {"project": project,
                                                         "period": "2022-07"},
                             link="/ledger/reports/")
    return created[0]


def test_the_text_is_made_in_the_reader_s_language(world):
    notice = _notice(world.alice)
    with translation.override("en"):
        assert notice.text == "Your report for 冷轧项目, 2022-07, was approved."
    with translation.override("zh-hans"):
        assert notice.text == "您的项目“冷轧项目” 2022-07 月报已审核通过。"


def test_an_undeclared_kind_is_refused_and_an_unknown_stored_one_still_shows(world):
    with pytest.raises(ValueError):
        notify([world.alice], "no.such.kind", {})
    stored = Notification.objects.create(recipient=world.alice, kind="gone.kind", params={})
    assert stored.text == "gone.kind"
    assert kinds.message("report-approved", {}) == str(kinds._MESSAGES["report-approved"])


def test_the_centre_shows_only_my_notifications(client, world):
    mine, theirs = _notice(world.alice, "甲项目"), _notice(world.bob, "乙项目")
    client.force_login(world.alice)
    response = client.get(reverse("notices:centre"))
    assert list(response.context["page"]) == [mine]
    text = response.content.decode()
    assert "甲项目" in text and "乙项目" not in text
    assert theirs.read_at is None


@pytest.mark.parametrize("action", ["read", "open"])
def test_a_foreign_or_missing_id_is_404_and_changes_nothing(client, world, action):
    theirs = _notice(world.bob)
    client.force_login(world.alice)
    for pk in (theirs.pk, 987654321):
        assert client.post(reverse(f"notices:{action}", args=[pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_open_and_mark_all_read(client, world):
    first, second = _notice(world.alice), _notice(world.alice)
    theirs = _notice(world.bob)
    client.force_login(world.alice)
    assert unread_count(world.alice) == 2
    response = client.post(reverse("notices:open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/ledger/reports/"
    assert unread_count(world.alice) == 1
    client.post(reverse("notices:read-all"))
    assert unread_count(world.alice) == 0
    assert unread_count(world.bob) == 1 and mark_all_read(world.bob) == 1
    second.refresh_from_db()
    theirs.refresh_from_db()
    assert second.read_at is not None and theirs.read_at is not None


def test_open_never_leaves_the_site(client, world):
    notice = Notification.objects.create(recipient=world.alice, kind="report-approved",
                                         params={}, link="//evil.example.com/")
    client.force_login(world.alice)
    response = client.post(reverse("notices:open", args=[notice.pk]))
    assert response["Location"] == reverse("notices:centre")


def test_the_bell_counts_unread_and_gets_are_harmless(client, world):
    _notice(world.alice)
    client.force_login(world.alice)
    assert 'data-unread="1"' in client.get(reverse("notices:bell")).content.decode()
    assert client.get(reverse("notices:read-all")).status_code == 405
    client.force_login(world.bob)
    assert "data-unread" not in client.get(reverse("notices:bell")).content.decode()


def test_anonymous_is_sent_to_login(client, world):
    for name in ("notices:centre", "notices:bell"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_bell_answers_during_a_forced_password_change(client, world):
    # The bell loads itself on the password page too; an HX-Redirect back to that page would
    # reload it for ever.
    from taizhang.accounts.models import User

    User.objects.filter(pk=world.alice.pk).update(password_changed_at=None)
    client.force_login(world.alice)
    on_password_page = client.get(reverse("notices:bell"), HTTP_HX_REQUEST="true",
                                  HTTP_HX_CURRENT_URL="http://testserver/account/password/")
    assert "HX-Redirect" not in on_password_page
    # Anywhere else the browser is sent to the password page, as before.
    elsewhere = client.get(reverse("notices:bell"), HTTP_HX_REQUEST="true",
                           HTTP_HX_CURRENT_URL="http://testserver/ledger/projects/")
    assert elsewhere["HX-Redirect"] == "/account/password/"
    assert client.get(reverse("notices:centre")).status_code == 302  # the rest still waits
