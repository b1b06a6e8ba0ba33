from django.urls import path

from vangnet.shelters import views

app_name = "shelters"
urlpatterns = [
    path("", views.index, name="index"),
    path("national/", views.national, name="national"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("locations/new/", views.location_create, name="location_create"),
    path("locations/<int:pk>/", views.location_detail, name="location"),
    path("locations/<int:pk>/capacity/", views.capacity_set, name="capacity_set"),
    path("locations/<int:pk>/blocks/", views.block_create, name="block_create"),
    path("blocks/<int:pk>/lift/", views.block_lift, name="block_lift"),
    path("cases/<str:reference>/request/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/reserve/", views.reserve, name="reserve"),
    path("requests/<int:pk>/wait/", views.request_wait, name="request_wait"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("placements/<int:pk>/", views.placement_detail, name="placement"),
    path("placements/<int:pk>/accept/", views.placement_accept, name="placement_accept"),
    path("placements/<int:pk>/decline/", views.placement_decline, name="placement_decline"),
    path("placements/<int:pk>/admit/", views.placement_admit, name="placement_admit"),
    path("placements/<int:pk>/discharge/", views.placement_discharge, name="placement_discharge"),
    path("placements/<int:pk>/give-back/", views.placement_give_back, name="placement_give_back"),
]
