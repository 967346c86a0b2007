"""Settings of bench/api.py's gunicorn: the product's own, with bench/api_urls.py as the URLconf
(the product's URLs and the ceiling's view). Never used by the product."""

from workmail_console.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_urls"
