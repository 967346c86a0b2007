from django.urls import path

from domains import views

app_name = "domains"

# Under /<region>/organizations/<organization_id>/domains/: every view receives both.
urlpatterns = [
    path("", views.domain_list, name="list"),
    path("add/", views.domain_add, name="add"),
    path("set-default/", views.domain_set_default, name="set-default"),
    path("remove/", views.domain_remove, name="remove"),
    path("<str:domain_name>/", views.domain_detail, name="detail"),
    path("<str:domain_name>/zone-file/", views.domain_zone_file, name="zone-file"),
    path("<str:domain_name>/verify/", views.domain_verify, name="verify"),
    path("<str:domain_name>/route53/", views.domain_update_route53, name="update-route53"),
]
