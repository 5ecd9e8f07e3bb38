from django.urls import path

from taizhang.policies import views

app_name = "policies"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("new/", views.policy_new, name="new"),
    path("<int:pk>/", views.policy, name="policy"),
    path("<int:pk>/matches/", views.policy_matches, name="matches"),
    path("enterprises/<int:pk>/profile/", views.profile, name="profile"),
    path("run/", views.run, name="run"),
    path("import/", views.import_sheet, name="import"),
    path("pushes/<int:pk>/granted/", views.granted, name="granted"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/", views.mine_push, name="push"),
    path("mine/<int:pk>/applied/", views.mine_applied, name="applied"),
]
