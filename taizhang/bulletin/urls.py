from django.urls import path

from taizhang.bulletin import views

app_name = "bulletin"
urlpatterns = [
    path("", views.index, name="index"),
    path("settings/", views.settings_view, name="settings"),
    path("<int:pk>/<str:fmt>/", views.download, name="download"),
]
