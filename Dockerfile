# The portal on Debian 12 (bookworm), the same platform as `make run`.
FROM debian:bookworm-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      python3.11 python3-venv libsqlite3-mod-spatialite gdal-bin libgdal32 libgeos-c1v5 libproj25 gettext binutils \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN python3.11 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r requirements.lock
ENV PATH="/opt/venv/bin:$PATH"

COPY . .
# Static files and translations are built into the image; the build needs a throwaway key.
RUN DJANGO_SETTINGS_MODULE= django-admin compilemessages --ignore=.venv -v 0 \
 && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0

RUN useradd --system --home /app brorebro && mkdir -p /app/var/media && chown -R brorebro /app/var
USER brorebro
EXPOSE 8000
CMD ["gunicorn", "brorebro.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
