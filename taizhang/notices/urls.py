from django.urls import path

from taizhang.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.read_all, name="read-all"),
    path("<int:pk>/read/", views.read, name="read"),
    path("<int:pk>/open/", views.open_notice, name="open"),
]
