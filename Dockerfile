# One image for every process of the console: web (gunicorn, the default command), the Celery
# worker and beat, and the one-shot migrate step. docker-compose.yml picks the command for each.
FROM python:3.12-slim

# The var dir (settings' WORKMAIL_VAR_DIR) holds STATIC_ROOT, i.e. /app/var/static, filled at build
# time below. Nothing mounts a volume on it: a mount would hide the collected files, and a named
# volume would keep serving the first build's copy after a rebuild. Under compose nothing in it
# needs to persist (data lives in PostgreSQL and Redis, SECRET_KEY comes from the environment, beat
# writes its schedule to /tmp). A bare `docker run` needs SECRET_KEY too; the dir is writable by
# the app user for one with no DATABASE_URL, whose SQLite file settings then put in it.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    WORKMAIL_VAR_DIR=/app/var

# A home of its own: gunicorn keeps its control socket under $HOME/.gunicorn.
RUN groupadd --system --gid 10001 workmail \
    && useradd --system --uid 10001 --gid workmail --create-home --shell /usr/sbin/nologin workmail

WORKDIR /app

# Dependencies only (pyproject has no packages; the code runs from the source tree), in their own
# layer so that a code change does not reinstall them. README.md is pyproject's `readme`; the
# wildcard keeps a tree without it buildable.
COPY pyproject.toml README.md* ./
RUN pip install --no-cache-dir . && rm -rf build ./*.egg-info

# The code stays owned by root: the app user can read it but not change it.
COPY . .

# Settings need a SECRET_KEY to load; this throwaway one exists only for this command.
RUN SECRET_KEY=build-only CELERY_BROKER_URL=memory:// python manage.py collectstatic --noinput \
    && chown workmail:workmail "$WORKMAIL_VAR_DIR"

# Numeric, so that a runtime (e.g. Kubernetes' runAsNonRoot) can tell it is not root.
USER 10001:10001
EXPOSE 8000
CMD ["gunicorn", "workmail_console.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", "--access-logfile", "-"]
