from django.urls import path

from vangnet.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.worklist_view, name="worklist"),
    path("filters/", views.save_filter, name="save_filter"),
    path("filters/<int:filter_id>/delete/", views.delete_filter, name="delete_filter"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/assign/", views.assign, name="assign"),
    path("<str:reference>/notes/", views.add_note, name="add_note"),
    path("<str:reference>/print/", views.print_summary, name="print"),
    path("<str:reference>/attachments/", views.add_attachment, name="add_attachment"),
    path("<str:reference>/attachments/<int:attachment_id>/", views.download_attachment, name="attachment"),
    path("<str:reference>/status/", views.change_status, name="change_status"),
    path("<str:reference>/consent/", views.record_consent, name="record_consent"),
]
