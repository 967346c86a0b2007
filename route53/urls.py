from django.urls import path

from route53 import views

app_name = "route53"

# Under /route53/: Route 53 is global, so no Region in these paths.
urlpatterns = [
    path("", views.zone_list, name="zones"),
    path("hostedzones/create/", views.zone_create, name="create-zone"),
    path("hostedzones/<str:zone_id>/", views.zone_detail, name="zone"),
    path("hostedzones/<str:zone_id>/records/", views.record_upsert, name="upsert-record"),
    path("hostedzones/<str:zone_id>/records/delete/", views.record_delete, name="delete-record"),
    path("hostedzones/<str:zone_id>/delete/", views.zone_delete, name="delete-zone"),
    path("domains/", views.domain_list, name="domains"),
    path("domains/register/", views.domain_register, name="register"),
]
