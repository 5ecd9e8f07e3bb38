from django.urls import path

from taizhang.attraction import views

app_name = "attraction"

urlpatterns = [
    path("", views.leads, name="leads"),
    path("new/", views.lead_new, name="lead-new"),
    path("<int:pk>/", views.lead, name="lead"),
    path("<int:pk>/edit/", views.lead_edit, name="lead-edit"),
    path("<int:pk>/convert/", views.convert, name="convert"),
]
