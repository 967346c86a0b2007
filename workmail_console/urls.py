from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from workmail_console import views

urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("signout/", auth_views.LogoutView.as_view(), name="logout"),
    path("members/", views.members, name="members"),
    path("members/<int:pk>/role/", views.member_role, name="member-role"),
    path("members/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("organizations/", include("organizations.urls")),
    path("admin/", admin.site.urls),
]
