from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from ops.metrics import metrics
from workmail_console import views
from workmail_console.regions import RegionConverter

register_converter(RegionConverter, "region")

# Pages of resources that live in a Region: the Region is the first part of their path.
regional = [
    path("organizations/", include("organizations.urls")),  # registers <organization_id:>
    path("organizations/<organization_id:organization_id>/users/", include("users.urls")),
    path("organizations/<organization_id:organization_id>/domains/", include("domains.urls")),
    path("directories/", include("directories.urls")),
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
    path("metrics", metrics, name="metrics"),
    path("route53/", include("route53.urls")),  # global, before the Regions' pages
    path("<region:region>/", include(regional)),
    path("dashboard/", include("ops.urls")),  # after the regional pages: it uses their converters
    path("admin/", admin.site.urls),
]
