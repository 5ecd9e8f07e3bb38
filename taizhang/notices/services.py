"""Writing notifications: send them (in-app, and by e-mail when a mail server is configured),
mark them read. Sending is audited by the caller's event (a reminder dispatch, a report's
return or approval); marking read is the recipient's own state and is not."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext

from taizhang.notices import kinds
from taizhang.notices.models import Dispatch, Notification

log = logging.getLogger(__name__)


def mail_configured() -> bool:
    """E-mail goes out only when the deployment names a mail server (EMAIL_HOST)."""
    return bool(getattr(settings, "EMAIL_HOST", ""))


def notify(
    recipients: Iterable[Any],
    kind: str,
    params: Mapping[str, Any],
    *,
    link: str = "",
    topic: str = "",
    dispatch: Dispatch | None = None,
    email: bool = False,
) -> tuple[list[Notification], int]:
    """The same notification to each recipient (a user); see `notify_each`."""
    return notify_each([(user, params) for user in recipients], kind, link=link, topic=topic,
                       dispatch=dispatch, email=email)


def notify_each(
    messages: Iterable[tuple[Any, Mapping[str, Any]]],
    kind: str,
    *,
    link: str = "",
    topic: str = "",
    dispatch: Dispatch | None = None,
    email: bool = False,
) -> tuple[list[Notification], int]:
    """One notification per (user, params), in one INSERT; with `email` and a mail server
    configured, one e-mail to each recipient with an address, after the transaction commits
    (a rolled-back write sends nothing). Returns the notifications and the e-mails queued."""
    if not kinds.known(kind):
        raise ValueError(f"undeclared notification kind {kind!r}")
    unique = list({user.pk: (user, dict(params)) for user, params in messages}.values())
    created = Notification.objects.bulk_create([
        Notification(recipient=user, kind=kind, params=params, link=link[:300], topic=topic,
                     dispatch=dispatch)
        for user, params in unique
    ])
    mails = [(user.email, params) for user, params in unique
             if user.email] if email and mail_configured() else []
    if mails:
        transaction.on_commit(lambda: _send_mail(kind, mails, link))
    return created, len(mails)


def _send_mail(kind: str, mails: list[tuple[str, dict[str, Any]]], link: str) -> None:
    """One message per address (no address sees another's); a failing server is logged, the
    in-app notification stands."""
    base = getattr(settings, "TAIZHANG_SITE_URL", "").rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Key-project ledger: a notice for you")
        for address, params in mails:
            body = kinds.message(kind, params)
            if link and base:
                body = f"{body}\n\n{base}{link}"
            try:
                send_mail(subject, body, None, [address])
            except OSError:
                log.exception("notice e-mail to %s failed", address)


def mark_read(user: Any, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read; another's is a 404."""
    found = Notification.objects.restrict(user).filter(pk=notification_id).first()
    if found is None:
        raise Http404
    if found.read_at is None:
        found.read_at = timezone.now()
        found.save(update_fields=["read_at"])
    return found


def mark_all_read(user: Any) -> int:
    return Notification.objects.restrict(user).filter(read_at__isnull=True).update(
        read_at=timezone.now())


def unread_count(user: Any) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.restrict(user).filter(read_at__isnull=True).count()
