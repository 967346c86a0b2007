from django.urls import path

from ops import views

app_name = "ops"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "retry/<region:region>/<organization_id:organization_id>/",
        views.retry,
        name="retry",
    ),
]
