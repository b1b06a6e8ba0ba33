from django.urls import path

from vangnet.procedures import import_views, views

app_name = "procedures"
urlpatterns = [
    path("deadlines/", views.deadlines, name="deadlines"),
    path("import/", import_views.import_steps_view, name="import"),
    path("calendar/<int:organisation_id>/<str:token>.ics", views.calendar, name="calendar"),
    path("<str:reference>/start/", views.start, name="start"),
    path("<str:reference>/<int:procedure_id>/step/", views.record, name="record"),
]
