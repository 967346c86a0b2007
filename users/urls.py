from django.urls import path

from users import views

app_name = "users"

# Under /<region>/organizations/<organization_id>/users/: every view receives both.
urlpatterns = [
    path("", views.user_list, name="list"),
    path("create/", views.user_create, name="create"),
    path("selected/", views.user_selected, name="selected"),
    path("<uuid:user_id>/", views.user_detail, name="detail"),
    path("<uuid:user_id>/enable/", views.user_enable, name="enable"),
    path("<uuid:user_id>/disable/", views.user_disable, name="disable"),
    path("<uuid:user_id>/reset-password/", views.user_reset_password, name="reset-password"),
    path("<uuid:user_id>/delete/", views.user_delete, name="delete"),
    path("<uuid:user_id>/edit/", views.user_edit, name="edit"),
    path("<uuid:user_id>/aliases/add/", views.alias_add, name="add-alias"),
    path("<uuid:user_id>/aliases/remove/", views.alias_remove, name="remove-alias"),
    path("<uuid:user_id>/aliases/primary/", views.alias_primary, name="make-primary"),
    path("<uuid:user_id>/quota/", views.quota_update, name="quota"),
    path("<uuid:user_id>/permissions/", views.permission_put, name="put-permission"),
    path("<uuid:user_id>/permissions/remove/", views.permission_remove, name="remove-permission"),
]
