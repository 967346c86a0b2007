from django.urls import path

from users import directory_pages

app_name = "directory-users"

# Under /<region>/directories/<directory_id>/users/.
urlpatterns = [
    path("", directory_pages.directory_add_user, name="add"),
]
