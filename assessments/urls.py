from __future__ import annotations

from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("start/", views.start, name="start"),
    path("<str:code>/<int:cycle>/", views.overview, name="overview"),
    path("<str:code>/<int:cycle>/sections/<str:section_key>/", views.section, name="section"),
    path("<str:code>/<int:cycle>/submit/", views.submit, name="submit"),
    path("<str:code>/<int:cycle>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:code>/<int:cycle>/history/", views.history, name="history"),
    path("<str:code>/<int:cycle>/results/", views.results, name="results"),
    path("<str:code>/<int:cycle>/marking/", views.marking, name="marking"),
    path("<str:code>/<int:cycle>/links/dismiss/", views.dismiss_link, name="dismiss_link"),
    path("<str:code>/<int:cycle>/links/restore/", views.restore_link, name="restore_link"),
    path("<str:code>/<int:cycle>/report.pdf", views.report, name="report"),
    path("<str:code>/<int:cycle>/export.json", views.export_json, name="export_json"),
    path("<str:code>/<int:cycle>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<str:code>/<int:cycle>/evidence.zip", views.evidence_zip, name="evidence_zip"),
    path("<str:code>/<int:cycle>/reads/", views.reads, name="reads"),
    path("<str:code>/<int:cycle>/comments/<int:pk>/", views.comment, name="comment"),
    path(
        "<str:code>/<int:cycle>/questions/<str:question_key>/evidence/",
        views.evidence,
        name="evidence",
    ),
    path(
        "<str:code>/<int:cycle>/sources/<int:pk>/remove/",
        views.remove_source,
        name="remove_source",
    ),
    path("<str:code>/<int:cycle>/sources/<int:pk>/file/", views.source_file, name="source_file"),
    path("<str:code>/<int:cycle>/plan/", views.plan, name="plan"),
    path("<str:code>/<int:cycle>/plan/new/", views.action_new, name="action_new"),
    path("<str:code>/<int:cycle>/plan/<int:pk>/", views.action_detail, name="action_detail"),
    path(
        "<str:code>/<int:cycle>/plan/<int:pk>/confirm/",
        views.action_confirm,
        name="action_confirm",
    ),
    path(
        "<str:code>/<int:cycle>/plan/<int:pk>/comment/",
        views.action_comment,
        name="action_comment",
    ),
]
