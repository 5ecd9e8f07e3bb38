from django.urls import path, register_converter

from taizhang.ledger.views import board, office, projects, reports, review, transfer


class PeriodConverter:
    regex = r"[0-9]{4}-[0-9]{2}"  # ASCII: \d also matches "２０２２"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: object) -> str:
        return str(value)


register_converter(PeriodConverter, "period")

app_name = "ledger"
urlpatterns = [
    path("projects/", projects.project_list, name="project-list"),
    path("projects/<int:pk>/", projects.project_detail, name="project-detail"),
    path("projects/<int:pk>/stage/", office.project_stage, name="project-stage"),
    path("projects/<int:pk>/plan/", office.project_plan, name="project-plan"),
    path("projects/<int:pk>/lists/", office.project_list_apply, name="project-list-apply"),
    path("memberships/<int:pk>/decide/", office.membership_decide, name="membership-decide"),
    path("reports/", reports.my_reports, name="my-reports"),
    path("reports/board/", board.board, name="reporting-board"),
    path("reports/board/list/", board.reporting_list, name="reporting-list"),
    path("reports/board/remind/", board.remind, name="reporting-remind"),
    path("projects/<int:pk>/reports/<period:period>/", reports.report_form, name="report-form"),
    path("projects/<int:pk>/reports/<period:period>/photos/", reports.upload_photos,
         name="report-photos"),
    path("photos/<str:token>/", reports.photo, name="photo"),
    path("photos/<str:token>/delete/", reports.remove_photo, name="photo-delete"),
    path("export/", transfer.export_projects, name="export"),
    path("import/", transfer.import_ledger_view, name="import"),
    path("review/", review.review_queue, name="review-queue"),
    path("review/approve-clean/", review.approve_clean, name="review-approve-clean"),
    path("review/<int:pk>/<str:action>/", review.review_action, name="review-action"),
]
