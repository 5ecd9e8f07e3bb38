from __future__ import annotations

from django.conf import settings

from taizhang.core.audit.models import AuditEvent


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post_login(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def events(action, **lookup):
    return list(AuditEvent.objects.filter(action=action, **lookup).order_by("id"))
