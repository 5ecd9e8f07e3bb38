"""The permission matrix's rules for the bulletin's pages (taizhang/bulletin).

Office administrators only: each office generates, publishes and sets the masthead of its own
county; it reads its own county's published bulletins ("not found" for another's). The
superuser, placed nowhere, reads every published bulletin and has no masthead of its own.
Kept beside test_matrix.py, which lists them in RULES.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.urls import reverse

from taizhang.bulletin.models import Bulletin, BulletinSettings
from taizhang.jobs.models import Job

OFFICE_OF = {"office": "A", "office2": "F"}  # the county (by project key) each office runs
READERS = {"office", "office2", "super"}


def _helpers() -> Any:
    from tests.permissions import test_matrix

    return test_matrix


def _county(m: Any, key: str) -> Any:
    return m.projects[key].division.parent


def index(m: Any, who: str) -> None:
    """Each office generates its own county's bulletin; the page is the office's only."""
    t = _helpers()
    client = t.client_for(m, who)
    response = client.get(reverse("bulletin:index"))
    t.assert_nothing_foreign(m, who, response)
    assert response.status_code == (200 if who in READERS else 403), who
    with t.rolled_back():
        response = client.post(reverse("bulletin:index"), {"g-period": "2022-07",
                                                            "g-format": "xlsx"})
        started = [job.params["division"] for job in Job.objects.filter(kind="bulletin:generate")]
        if who in OFFICE_OF:
            assert response.status_code == 302, (who, response.status_code)
            assert started == [_county(m, OFFICE_OF[who]).code], who
        else:
            assert not started, who


def settings(m: Any, who: str) -> None:
    """Each office sets its own division's masthead; nobody else's moves."""
    t = _helpers()
    client = t.client_for(m, who)
    response = client.get(reverse("bulletin:settings"))
    t.assert_nothing_foreign(m, who, response)
    assert response.status_code == (200 if who in OFFICE_OF else 403), who
    with t.rolled_back():
        client.post(reverse("bulletin:settings"), {
            "issuing_office": "矩阵办公室", "number_prefix": "矩重点办", "title": "通报",
            "first_number": "1", "version": "0"})
        made = set(BulletinSettings.objects.values_list("division_id", flat=True))
        expected = {_county(m, OFFICE_OF[who]).pk} if who in OFFICE_OF else set()
        assert made == expected, who


def download(m: Any, who: str) -> None:
    """County A's published bulletin: its office and the superuser read it; county F's
    office finds nothing; every other role is refused."""
    t = _helpers()
    with t.rolled_back():
        bulletin = Bulletin.objects.create(
            division=_county(m, "A"), month="2022-07", year=2022, number=1,
            document_number="迁重点办〔2022〕1号", title="通报", snapshot={},
            published_by=m.users["office"],
            docx=ContentFile(b"docx", name="a.docx"), pdf=ContentFile(b"%PDF", name="a.pdf"),
            xlsx=ContentFile(b"xlsx", name="a.xlsx"))
        response = t.client_for(m, who).get(reverse("bulletin:download",
                                                    args=[bulletin.pk, "pdf"]))
        expected = {"office": 200, "super": 200, "office2": 404}.get(who, 403)
        assert response.status_code == expected, (who, response.status_code)
        missing = t.client_for(m, who).get(reverse("bulletin:download",
                                                   args=[bulletin.pk, "exe"]))
        assert missing.status_code == (404 if who in READERS else 403), who


RULES: dict[str, Callable[[Any, str], None]] = {
    "bulletin/": index,
    "bulletin/settings/": settings,
    "bulletin/<int:pk>/<str:fmt>/": download,
}
