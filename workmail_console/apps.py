from django.apps import AppConfig


class WorkMailConsoleConfig(AppConfig):
    name = "workmail_console"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created

        from workmail_console.files import private_sqlite_files
        from workmail_console.tenancy import give_superusers_an_account

        user_logged_in.connect(give_superusers_an_account, dispatch_uid="superuser-account")
        connection_created.connect(private_sqlite_files, dispatch_uid="private_sqlite_files")
