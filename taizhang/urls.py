from django.contrib import admin
from django.urls import include, path

# Uploaded files are never served as public media: photos go through a scoped view.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("taizhang.web.urls")),
    path("ledger/", include("taizhang.ledger.urls")),
]
