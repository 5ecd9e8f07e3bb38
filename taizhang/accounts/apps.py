from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "taizhang.accounts"
    label = "accounts"
    verbose_name = _("Organizations and users")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from taizhang.accounts.security.middleware import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="taizhang_start_idle_clock")
