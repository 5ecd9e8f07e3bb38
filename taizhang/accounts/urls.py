from django.urls import path

from taizhang.accounts import views

app_name = "accounts"

urlpatterns = [
    path("password/", views.password_change, name="password"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("lockouts/", views.lockouts, name="lockouts"),
]
