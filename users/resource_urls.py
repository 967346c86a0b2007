from django.urls import path

from users import resource_views as views

app_name = "resources"

# Under /<region>/organizations/<organization_id>/resources/: every view receives both.
urlpatterns = [
    path("", views.resource_list, name="list"),
    path("create/", views.resource_create, name="create"),
    path("selected/", views.resource_selected, name="selected"),
    path("<str:resource_id>/", views.resource_detail, name="detail"),
    path("<str:resource_id>/edit/", views.resource_edit, name="edit"),
    path("<str:resource_id>/booking-options/", views.resource_booking, name="booking"),
    path("<str:resource_id>/enable/", views.resource_enable, name="enable"),
    path("<str:resource_id>/disable/", views.resource_disable, name="disable"),
    path("<str:resource_id>/delete/", views.resource_delete, name="delete"),
    path("<str:resource_id>/delegates/add/", views.delegate_add, name="add-delegate"),
    path("<str:resource_id>/delegates/remove/", views.delegate_remove, name="remove-delegate"),
    path("<str:resource_id>/aliases/add/", views.alias_add, name="add-alias"),
    path("<str:resource_id>/aliases/remove/", views.alias_remove, name="remove-alias"),
    path("<str:resource_id>/aliases/primary/", views.alias_primary, name="make-primary"),
]
