from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "taizhang.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from taizhang.accounts.models import Division, Organization
        from taizhang.core.figures import figures_may_change
        from taizhang.stats import version

        figures_may_change.connect(version.on_figures_may_change,
                                   dispatch_uid="stats-data-version")
        for model in (Division, Organization):
            for signal in (post_save, post_delete):
                signal.connect(version.on_model_write, sender=model,
                               dispatch_uid=f"stats-data-version-{model.__name__}-{signal}")
