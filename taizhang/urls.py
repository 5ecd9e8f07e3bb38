from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from taizhang.accounts import views as account_views
from taizhang.cockpit import views as cockpit_views

# Uploaded files are never served as public media: photos go through a scoped view.
urlpatterns = [
    # The admin logs in and out through the same lockout, second factor and audit.
    path("admin/login/", account_views.admin_login),
    path("admin/logout/", account_views.logout_view),
    path("admin/password_change/", RedirectView.as_view(pattern_name="accounts:password")),
    path("admin/", admin.site.urls),
    path("account/", include("taizhang.accounts.urls")),
    path("office/", include("taizhang.office.urls")),
    path("bulletin/", include("taizhang.bulletin.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", cockpit_views.home, name="home"),  # each role's home (taizhang/cockpit)
    path("cockpit/", include("taizhang.cockpit.urls")),
    path("assessment/", include("taizhang.assessment.urls")),
    path("", include("taizhang.web.urls")),
    path("ledger/", include("taizhang.ledger.urls")),
    path("notices/", include("taizhang.notices.urls")),
    path("jobs/", include("taizhang.jobs.urls")),
    path("warnings/", include("taizhang.warnings.urls")),
    path("dispatch/", include("taizhang.dispatch.urls")),
    path("procedures/", include("taizhang.procedures.urls")),
    path("attraction/", include("taizhang.attraction.urls")),
    path("financing/", include("taizhang.financing.urls")),
    path("land/", include("taizhang.land.urls")),
    path("policies/", include("taizhang.policies.urls")),
    path("ledger/", include("taizhang.core.audit.urls")),  # the ledger's addresses of old
]

handler500 = "taizhang.core.views.server_error"  # a lost database is a 503 (core/views.py)
