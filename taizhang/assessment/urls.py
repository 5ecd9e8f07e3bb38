from django.urls import path

from taizhang.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("publish/", views.publish, name="publish"),
    path("results/", views.results, name="results"),
    path("scheme/<int:year>/", views.scheme, name="scheme"),
    path("deductions/", views.deductions, name="deductions"),
    path("deductions/<int:pk>/withdraw/", views.withdraw, name="deduction-withdraw"),
]
