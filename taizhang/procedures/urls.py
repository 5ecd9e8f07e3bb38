from django.urls import path

from taizhang.procedures import views

app_name = "procedures"

urlpatterns = [
    path("", views.due, name="due"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/nodes/", views.add_node, name="add-node"),
    path("projects/<int:pk>/checklist/", views.open_checklist, name="open-checklist"),
    path("items/<int:pk>/", views.item, name="item"),
    path("nodes/<int:pk>/", views.node, name="node"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/targets/", views.campaign_targets, name="campaign-targets"),
    path("kinds/", views.kinds, name="kinds"),
    path("responsibility/", views.responsibility_check, name="responsibility"),
]
