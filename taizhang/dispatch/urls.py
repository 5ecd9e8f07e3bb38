from django.urls import path

from taizhang.dispatch import views

app_name = "dispatch"

urlpatterns = [
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/minutes.docx", views.minutes, name="minutes"),
    path("photos/<str:token>/", views.meeting_photo, name="photo"),
    path("tasks/<int:pk>/done/", views.task_done, name="task-done"),
    path("problems/", views.problems, name="problems"),
    path("problems/<int:pk>/", views.problem, name="problem"),
    path("problems/from-report/<int:pk>/", views.from_report, name="from-report"),
    path("unit/", views.unit, name="unit"),
    path("leader/", views.leader, name="leader"),
]
