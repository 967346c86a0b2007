from django.urls import path

from organizations import views

app_name = "organizations"

# Under /<region>/organizations/: every view receives the page's `region`.
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("create/", views.organization_create, name="create"),
    path("create/alias-availability/", views.alias_availability, name="alias-availability"),
    path("delete/", views.organization_delete_selected, name="delete-selected"),
    path("<organization_id:organization_id>/", views.organization_detail, name="detail"),
    path("<organization_id:organization_id>/delete/", views.organization_delete, name="delete"),
    # Emulator controls (not in AWS): fault switches for the organization's own directory.
    path(
        "<organization_id:organization_id>/directory/outage/",
        views.directory_outage,
        name="directory-outage",
    ),
    path(
        "<organization_id:organization_id>/directory/recover/",
        views.directory_recover,
        name="directory-recover",
    ),
]
