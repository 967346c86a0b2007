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
]
