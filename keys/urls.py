from django.urls import path

from keys import views

app_name = "keys"

# Under /<region>/keys/: every view receives the page's `region`.
urlpatterns = [
    path("", views.key_list, name="list"),
    path("create/", views.key_create, name="create"),
    path("<uuid:key_id>/", views.key_detail, name="detail"),
    path("<uuid:key_id>/enable/", views.key_enable, name="enable"),
    path("<uuid:key_id>/disable/", views.key_disable, name="disable"),
    path("<uuid:key_id>/schedule-deletion/", views.key_schedule_deletion, name="schedule-deletion"),
    path("<uuid:key_id>/cancel-deletion/", views.key_cancel_deletion, name="cancel-deletion"),
    path("<uuid:key_id>/administrators/", views.key_add_administrator, name="add-administrator"),
    path("<uuid:key_id>/aliases/", views.alias_create, name="create-alias"),
    path("<uuid:key_id>/aliases/delete/", views.alias_delete, name="delete-alias"),
]
