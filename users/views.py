"""Users pages: placeholders until the users pages land (the URL names are final)."""

from django.http import Http404


def _not_yet(*args: object, **kwargs: object) -> None:
    raise Http404("Not built yet.")


user_list = user_create = user_detail = user_enable = user_disable = _not_yet
user_reset_password = user_delete = _not_yet
