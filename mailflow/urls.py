from django.urls import path

from mailflow import views
from mailflow.models import Direction

app_name = "mailflow"

# Under /<region>/organizations/<organization_id>/settings/: every view receives both, and a rule
# view the direction of its tab.
urlpatterns = [
    path("smtp-gateways/", views.smtp_gateways, name="smtp-gateways"),
    path("smtp-gateways/create/", views.create_smtp_gateway, name="create-smtp-gateway"),
    path("smtp-gateways/remove/", views.remove_smtp_gateway, name="remove-smtp-gateway"),
]
for direction in Direction:
    tab = direction.label.lower()  # inbound, outbound
    urlpatterns += [
        path(f"{tab}-rules/", views.rules, {"direction": direction}, name=f"{tab}-rules"),
        path(
            f"{tab}-rules/create/", views.create_rule, {"direction": direction},
            name=f"create-{tab}-rule",
        ),
        path(
            f"{tab}-rules/edit/", views.edit_rule, {"direction": direction},
            name=f"edit-{tab}-rule",
        ),
        path(
            f"{tab}-rules/remove/", views.remove_rule, {"direction": direction},
            name=f"remove-{tab}-rule",
        ),
    ]  # fmt: skip
