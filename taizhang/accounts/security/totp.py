"""Time-based one-time passwords (RFC 6238, the codes of any authenticator app).

HMAC-SHA1, 30-second steps, 6 digits: what Google Authenticator, Microsoft Authenticator
and the Chinese apps (e.g. 阿里云 / 腾讯身份验证器) all accept.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
# A code from the step before or after still counts: phone clocks drift.
DRIFT_STEPS = 1


def new_secret() -> str:
    """160 random bits in base32, as authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    padded = secret.upper() + "=" * (-len(secret) % 8)
    return base64.b32decode(padded)


def code_at(secret: str, step: int) -> str:
    """RFC 4226 HOTP of the step counter (RFC 6238: the counter is time // 30 s)."""
    digest = hmac.new(_key(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def matching_step(secret: str, code: str, *, after_step: int = 0,
                  now: float | None = None) -> int | None:
    """The time step `code` belongs to (within the drift), if it is newer than `after_step`.

    Returning the step lets the caller remember it, so the same code cannot be used twice.
    """
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit() or not secret:
        return None
    now_step = current_step(now)
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if step > after_step and hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app imports (usually as a QR code)."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1",
                       "digits": DIGITS, "period": STEP_SECONDS})
    return f"otpauth://totp/{label}?{query}"
