from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "taizhang.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from taizhang.core.figures import figures_may_change
        from taizhang.stats import version

        figures_may_change.connect(version.on_figures_may_change,
                                   dispatch_uid="stats-data-version")
