from django.apps import AppConfig


class WorkMailConsoleConfig(AppConfig):
    name = "workmail_console"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from workmail_console.tenancy import give_superusers_an_account

        user_logged_in.connect(give_superusers_an_account, dispatch_uid="superuser-account")
