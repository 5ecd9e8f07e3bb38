"""The audit pages, at the addresses they had under the ledger (bookmarks keep working)."""

from django.urls import path

from taizhang.core.audit import views

app_name = "audit"
urlpatterns = [
    path("audit-export/", views.audit_export, name="export"),
    path("history/<str:kind>/<int:pk>/", views.history, name="history"),
    path("history/<str:kind>/<int:pk>/revert/<int:event>/", views.revert,
         name="history-revert"),
]
