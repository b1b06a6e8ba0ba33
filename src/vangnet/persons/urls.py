from django.urls import path

from vangnet.persons import views

app_name = "persons"
urlpatterns = [
    path("review/", views.review_queue, name="review"),
    path("review/decide/", views.decide, name="decide"),
    path("search/", views.search, name="search"),
]
