from django.urls import path

from taizhang.land import views

app_name = "land"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("allocations/", views.allocations, name="allocations"),
    path("allocations/<int:pk>/", views.allocation, name="allocation"),
    path("consolidation/", views.consolidations, name="consolidations"),
    path("consolidation/new/", views.consolidation_new, name="consolidation-new"),
    path("consolidation/<int:pk>/", views.consolidation, name="consolidation"),
    path("mine/", views.mine, name="mine"),
]
