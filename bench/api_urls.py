"""bench/api.py's URLconf: the product's URLs, and `POST /ceiling/`, a trivial JSON view on the
same server, settings and middleware: what a request costs Django and gunicorn before the
WorkMail API does anything."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from workmail_console import urls


@csrf_exempt  # the benchmark POSTs the API's signed request here: no cookie, as the API's
def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"{}", content_type="application/x-amz-json-1.1")


urlpatterns = [path("ceiling/", ceiling), *urls.urlpatterns]
