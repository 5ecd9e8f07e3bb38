import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
application = get_wsgi_application()


def _refuse_unsafe_production() -> None:
    """Production mode (DEBUG off, TAIZHANG_DEV unset) does not start with unsafe settings."""
    from django.conf import settings

    from taizhang.core.deploy_checks import describe, errors

    if settings.TAIZHANG_PRODUCTION:
        found = errors()
        if found:
            raise ImproperlyConfigured(
                "Refusing to start (run `taizhang check-deploy`):\n"
                + "\n".join(describe(m) for m in found)
            )


_refuse_unsafe_production()
