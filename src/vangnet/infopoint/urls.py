from django.urls import path

from vangnet.infopoint import views

app_name = "infopoint"
urlpatterns = [
    path("", views.home, name="home"),
    path("signs/", views.signs, name="signs"),
    path("what-to-do/", views.what_to_do, name="what_to_do"),
    path("contact/", views.contact, name="contact"),
    path("guide/", views.guide, name="guide"),
    path("guide/<slug:key>/", views.guide, name="guide_node"),
    path("questions/new/", views.ask, name="ask"),
    path("questions/find/", views.find_question, name="find_question"),
    path("questions/<str:code>/", views.question, name="question"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/<str:code>/", views.answer, name="answer"),
]
