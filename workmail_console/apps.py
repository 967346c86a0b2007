from django.apps import AppConfig


class WorkMailConsoleConfig(AppConfig):
    name = "workmail_console"
    verbose_name = "Accounts and access"
