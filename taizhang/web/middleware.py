"""Security headers on every response: content security policy and permissions policy.

The pages use no inline script, inline style or eval (htmx is told so by its meta config;
ECharts draws SVG through the DOM), so the policy allows only files from this site. A view
that needs a stricter policy (a served photo) sets its own header, which is kept.
X-Frame-Options, X-Content-Type-Options, Referrer-Policy and Cross-Origin-Opener-Policy come
from Django's SecurityMiddleware and XFrameOptionsMiddleware (settings.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# Nothing here needs the camera, microphone, location, payment or USB: switch them off.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()" for feature in
    ("camera", "microphone", "geolocation", "payment", "usb", "display-capture", "fullscreen")
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
