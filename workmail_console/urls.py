from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from workmail_console import converters, credential_views, views

assert converters  # imported for its registrations: <region:>, <organization_id:>, <directory_id:>

# Pages of resources that live in a Region: the Region is the first part of their path.
regional = [
    path("organizations/", include("organizations.urls")),
    path("organizations/<organization_id:organization_id>/users/", include("users.urls")),
    path("organizations/<organization_id:organization_id>/groups/", include("users.group_urls")),
    path(
        "organizations/<organization_id:organization_id>/resources/",
        include("users.resource_urls"),
    ),
    path("organizations/<organization_id:organization_id>/domains/", include("domains.urls")),
    path("organizations/<organization_id:organization_id>/settings/", include("mailflow.urls")),
    path("directories/", include("directories.urls")),
    path("directories/<directory_id:directory_id>/users/", include("users.directory_urls")),
    path("keys/", include("keys.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("region/", views.select_region, name="select-region"),
    path("signin/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("signout/", auth_views.LogoutView.as_view(), name="logout"),
    path("members/", views.members, name="members"),
    path("members/<int:pk>/role/", views.member_role, name="member-role"),
    path("members/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("security-credentials/", include((credential_views.urls, "credentials"))),
    path("route53/", include("route53.urls")),  # global, before the Regions' pages
    path("<region:region>/", include(regional)),
    path("", include("ops.urls")),  # the dashboard and /metrics
    path("admin/", admin.site.urls),
]
