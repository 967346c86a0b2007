from django.urls import path

from ops import views
from ops.metrics import metrics

app_name = "ops"

urlpatterns = [
    path("metrics", metrics, name="metrics"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path(
        "dashboard/retry/<region:region>/<organization_id:organization_id>/",
        views.retry,
        name="retry",
    ),
]
