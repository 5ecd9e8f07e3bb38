"""Making, publishing and reissuing bulletins; the office's masthead settings.

**Published means frozen.** ``publish`` stores the three files and the numbers used
(``Content.to_json``) and gives the bulletin the year's next number. Generating a period
that has a published bulletin returns its stored file, byte for byte (``render``): what
was sent out is what is sent again, however the ledger changed since. ``live=True`` (the
command's ``--live``) writes the ledger as it is now instead, marked as a draft that is not
the published bulletin. The snapshot also reads back into the same Content
(``content_for``), so the published numbers can be checked or rewritten in a new layout.
"""

from __future__ import annotations

import io
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.models import Division, OfficeSettings
from taizhang.accounts.scope import acts_for_office, acts_for_office_of
from taizhang.accounts.services import audit_snapshot
from taizhang.bulletin import sections
from taizhang.bulletin.content import Content, Masthead, build
from taizhang.bulletin.models import Bulletin, BulletinSettings
from taizhang.bulletin.writers import FORMATS, write
from taizhang.core.audit.service import diff, record
from taizhang.core.periods import Period
from taizhang.core.services import (
    ServiceError,
    check_version,
    refuse_unbegun,
    save_versioned,
)
from taizhang.ledger.models import Project

SETTINGS_FIELDS = ("issuing_office", "number_prefix", "title", "first_number")


def require_office(actor: Any, division: Division | None = None) -> None:
    """An office acting for ``division`` (its own or one below it), or a superuser."""
    if not acts_for_office(actor) or (division is not None
                                       and not acts_for_office_of(actor, division)):
        raise PermissionDenied


def settings_for(division: Division) -> BulletinSettings:
    """The masthead the division prints: its own, the nearest above it, or (unsaved) a
    default named after the division."""
    codes = division.lineage_codes()
    found = {s.division.code: s for s in BulletinSettings.objects.select_related("division")
             .filter(division__code__in=codes)}
    for code in reversed(codes):
        if code in found:
            return found[code]
    return BulletinSettings(division=division, issuing_office=f"{division.name}重点项目建设办公室",
                            number_prefix=division.name[:1] + "重点办")


def document_number(settings: BulletinSettings, year: int, number: int) -> str:
    """迁重点办〔2022〕7号 (GB/T 9704: 六角括号 around the year)."""
    return f"{settings.number_prefix}〔{year}〕{number}号"


def next_number(division: Division, year: int) -> int:
    settings = settings_for(division)
    last = Bulletin.objects.filter(division=division, year=year).aggregate(n=Max("number"))["n"]
    return max(settings.first_number, (last or 0) + 1)


def published(division: Division, period: Period) -> Bulletin | None:
    return Bulletin.objects.filter(division=division, month=str(period)).first()


def projects_of(division: Division, viewer: Any = None) -> QuerySet[Project]:
    """The division's projects (and, for a viewer, only those it may see)."""
    projects = Project.objects.filter(division.subtree_q("division__"))
    return projects & Project.objects.restrict(viewer, "view") if viewer is not None else projects


def _masthead(division: Division, period: Period, number: int, *, draft: bool) -> Masthead:
    settings = settings_for(division)
    today = timezone.localdate()
    text = document_number(settings, period.year, number)
    return Masthead(office=settings.issuing_office, title=settings.title,
                    number=f"{text}（征求意见稿）" if draft else text,
                    date=f"{today.year}年{today.month}月{today.day}日")


def build_live(division: Division, period: Period, *, viewer: Any = None,
               number: int | None = None, draft: bool = True) -> Content:
    """The bulletin of the ledger as it is now."""
    basis = OfficeSettings.for_division(division).start_rate_basis
    masthead = _masthead(division, period, number or next_number(division, period.year),
                         draft=draft)
    return build(projects_of(division, viewer), period, division=division.name,
                 masthead=masthead, start_rate_basis=basis, extras=sections.add(division))


def content_for(division: Division, period: Period, *, live: bool = False) -> Content:
    """The published numbers of the period if it has a bulletin (unless ``live``), else the
    ledger's now."""
    bulletin = None if live else published(division, period)
    if bulletin is not None:
        return Content.from_json(bulletin.snapshot["content"])
    return build_live(division, period)


def render(division: Division, period: Period, fmt: str, target: IO[bytes], *,
           live: bool = False, viewer: Any = None) -> Bulletin | None:
    """Write the bulletin of ``period`` as ``fmt`` into ``target``: the published file when
    there is one (returned), else the ledger's bulletin now (a draft)."""
    if fmt not in FORMATS:
        raise ServiceError(_("Choose a format: docx, pdf or xlsx."), field="format")
    bulletin = None if live else published(division, period)
    if bulletin is not None:
        with bulletin.file(fmt).open("rb") as stored:
            target.write(stored.read())
        return bulletin
    refuse_unbegun(period)
    write(build_live(division, period, viewer=viewer), fmt, target)
    return None


@transaction.atomic
def publish(actor: Any, division: Division, period: Period) -> Bulletin:
    """Freeze the period's bulletin: the year's next number, the three files and the numbers
    used, audited. A period is published once."""
    require_office(actor, division)
    refuse_unbegun(period)
    # One publisher of a division at a time: the number is the year's next.
    Division.objects.select_for_update().filter(pk=division.pk).get()
    if published(division, period) is not None:
        raise ServiceError(_("The bulletin of %(period)s is already published; it cannot be "
                             "published again.") % {"period": period}, field="period")
    number = next_number(division, period.year)
    content = build_live(division, period, number=number, draft=False)
    bulletin = Bulletin(division=division, month=str(period), year=period.year, number=number,
                        document_number=content.masthead.number,
                        title=f"{content.masthead.title}", published_by=actor,
                        snapshot={"content": content.to_json()})
    for fmt in FORMATS:
        buffer = io.BytesIO()
        write(content, fmt, buffer)
        name = f"{division.code}-{period}-{number}.{fmt}"
        bulletin.file(fmt).save(name, ContentFile(buffer.getvalue()), save=False)
    bulletin.save()
    record("bulletin.published", bulletin, actor=actor, changes={
        "period": [None, str(period)], "document_number": [None, bulletin.document_number],
        "projects": [None, content.total.projects]})
    return bulletin


@transaction.atomic
def update_settings(actor: Any, *, issuing_office: str, number_prefix: str, title: str,
                    first_number: Any, expected_version: Any) -> BulletinSettings:
    """The office's masthead (its own division's row; the first save creates it)."""
    require_office(actor)
    if actor.division is None:
        raise PermissionDenied
    settings = settings_for(actor.division)
    if settings.division_id != actor.division_id:
        settings = BulletinSettings(division=actor.division)
    values = {"issuing_office": issuing_office.strip(), "number_prefix": number_prefix.strip(),
              "title": title.strip()}
    for name, value in values.items():
        if not value:
            raise ServiceError(_("This field is required."), field=name)
    try:
        number = int(first_number)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 9999:
        raise ServiceError(_("Give a whole number from 1 to 9999."), field="first_number")
    before = audit_snapshot(settings) if settings.pk else {}
    for name, text in values.items():
        setattr(settings, name, text)
    settings.first_number = number
    if settings.pk is None:
        check_version(expected_version, None)
        settings.version = 1  # a form opened before this first save is stale now
        settings.save()
        record("bulletinsettings.created", settings, actor=actor,
               changes={k: [None, v] for k, v in audit_snapshot(settings).items()})
    else:
        save_versioned(settings, expected_version, SETTINGS_FIELDS)
        changes = diff(before, audit_snapshot(settings))
        if changes:
            record("bulletinsettings.updated", settings, actor=actor, changes=changes)
    return settings
