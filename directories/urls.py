from django.urls import path

from directories import views

app_name = "directories"

# Under /<region>/directories/: every view receives the page's `region`.
urlpatterns = [
    path("", views.directory_list, name="list"),
    path("setup/", views.directory_setup, name="setup"),
    path("<directory_id:directory_id>/", views.directory_detail, name="detail"),
    path("<directory_id:directory_id>/alias/", views.directory_alias, name="alias"),
    path("<directory_id:directory_id>/outage/", views.directory_outage, name="outage"),
    path("<directory_id:directory_id>/recover/", views.directory_recover, name="recover"),
    path("<directory_id:directory_id>/delete/", views.directory_delete, name="delete"),
]
