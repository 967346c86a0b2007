from django.apps import AppConfig


class MailflowConfig(AppConfig):
    name = "mailflow"
    verbose_name = "Email flow rules and SMTP gateways"

    def ready(self) -> None:
        from organizations import settings_tabs

        # The guide's order of topics: Interoperability (20), SMTP gateways, Inbound rules,
        # Outbound rules.
        settings_tabs.register("SMTP gateways", "mailflow:smtp-gateways", order=35)
        settings_tabs.register("Inbound rules", "mailflow:inbound-rules", order=40)
        settings_tabs.register("Outbound rules", "mailflow:outbound-rules", order=50)
