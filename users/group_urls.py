from django.urls import path

from users import group_views as views

app_name = "groups"

# Under /<region>/organizations/<organization_id>/groups/: every view receives both.
urlpatterns = [
    path("", views.group_list, name="list"),
    path("create/", views.group_create, name="create"),
    path("selected/", views.group_selected, name="selected"),
    path("<uuid:group_id>/", views.group_detail, name="detail"),
    path("<uuid:group_id>/enable/", views.group_enable, name="enable"),
    path("<uuid:group_id>/disable/", views.group_disable, name="disable"),
    path("<uuid:group_id>/delete/", views.group_delete, name="delete"),
    path("<uuid:group_id>/members/add/", views.member_add, name="add-member"),
    path("<uuid:group_id>/members/remove/", views.member_remove, name="remove-member"),
    path("<uuid:group_id>/aliases/add/", views.alias_add, name="add-alias"),
    path("<uuid:group_id>/aliases/remove/", views.alias_remove, name="remove-alias"),
    path("<uuid:group_id>/aliases/primary/", views.alias_primary, name="make-primary"),
]
