from django.urls import path

from taizhang.office import views

app_name = "office"

urlpatterns = [
    path("settings/", views.settings_view, name="settings"),
    path("settings/open-month/", views.open_month, name="open-month"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_new, name="user-new"),
    path("users/<int:pk>/", views.user_edit, name="user-edit"),
    path("users/<int:pk>/second-factor/", views.user_second_factor, name="user-second-factor"),
    path("organizations/", views.organizations, name="organizations"),
    path("organizations/new/", views.organization_edit, name="organization-new"),
    path("organizations/<int:pk>/", views.organization_edit, name="organization-edit"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_edit, name="person-new"),
    path("people/<int:pk>/", views.person_edit, name="person-edit"),
    path("key-lists/", views.key_lists, name="key-lists"),
]
