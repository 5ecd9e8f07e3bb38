from django.urls import path

from taizhang.accounts import views as account_views

urlpatterns = [
    path("login/", account_views.login_view, name="login"),
    path("login/verify/", account_views.login_verify, name="login-verify"),
    path("logout/", account_views.logout_view, name="logout"),
]
