from django.urls import path

from taizhang.financing import views

app_name = "financing"

urlpatterns = [
    path("needs/", views.needs, name="needs"),
    path("needs/new/", views.need_new, name="need-new"),
    path("needs/<int:pk>/", views.need, name="need"),
    path("needs/<int:pk>/publish/", views.need_publish, name="need-publish"),
    path("needs/<int:pk>/close/", views.need_close, name="need-close"),
    path("needs/<int:pk>/intention/", views.need_intention, name="need-intention"),
    path("events/", views.events, name="events"),
    path("events/new/", views.event_new, name="event-new"),
    path("events/<int:pk>/", views.event, name="event"),
    path("intentions/<int:pk>/sign/", views.sign, name="sign"),
    path("loans/<int:pk>/", views.loan, name="loan"),
    path("figures/", views.figures_view, name="figures"),
    path("bank/", views.bank, name="bank"),
    path("mine/", views.mine, name="mine"),
]
