from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinConfig(AppConfig):
    """The monthly bulletin (重点项目建设情况通报): built from the figures, written as docx, pdf
    and xlsx, published (frozen) by the office."""

    name = "taizhang.bulletin"
    label = "bulletin"
    verbose_name = _("Bulletin")
