from django.urls import path

from taizhang.warnings import views

app_name = "warnings"

urlpatterns = [
    path("", views.lamps, name="lamps"),
    path("rules/", views.rules, name="rules"),
    path("evaluate/", views.evaluate, name="evaluate"),
    path("publish/", views.publish, name="publish"),
    path("lamps/<int:pk>/", views.lamp, name="lamp"),
    path("consequences/<int:pk>/", views.consequence, name="consequence"),
]
