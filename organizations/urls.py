from django.urls import path

from organizations import monitoring_views, settings_views, views

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
    # The organization's settings pages, in its navigation (organizations.settings_views).
    path(
        "<organization_id:organization_id>/mobile-policy/",
        settings_views.mobile_policy,
        name="mobile-policy",
    ),
    path(
        "<organization_id:organization_id>/mobile-policy/edit/",
        settings_views.edit_mobile_policy,
        name="edit-mobile-policy",
    ),
    # The Organization settings tabs beyond General (organizations.apps registers them).
    path(
        "<organization_id:organization_id>/settings/journaling/",
        settings_views.journaling,
        name="journaling",
    ),
    path(
        "<organization_id:organization_id>/settings/journaling/edit/",
        settings_views.edit_journaling,
        name="edit-journaling",
    ),
    path(
        "<organization_id:organization_id>/settings/interoperability/",
        settings_views.interoperability,
        name="interoperability",
    ),
    path(
        "<organization_id:organization_id>/settings/interoperability/add/",
        settings_views.add_availability_configuration,
        name="add-availability-configuration",
    ),
    path(
        "<organization_id:organization_id>/settings/interoperability/remove/",
        settings_views.remove_availability_configuration,
        name="remove-availability-configuration",
    ),
    path(
        "<organization_id:organization_id>/retention-policy/",
        settings_views.retention_policy,
        name="retention-policy",
    ),
    path(
        "<organization_id:organization_id>/retention-policy/edit/",
        settings_views.edit_retention_policy,
        name="edit-retention-policy",
    ),
    path(
        "<organization_id:organization_id>/retention-policy/delete/",
        settings_views.delete_retention_policy,
        name="delete-retention-policy",
    ),
    path(
        "<organization_id:organization_id>/monitoring/",
        monitoring_views.monitoring_page,
        name="monitoring",
    ),
    path("<organization_id:organization_id>/tags/", settings_views.tags, name="tags"),
    path(
        "<organization_id:organization_id>/tags/manage/",
        settings_views.manage_tags,
        name="manage-tags",
    ),
]
