from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from brorebro import compare, media, places, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", include("premises.api_urls")),
    path("api/", include("land.api_urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("compare/", compare.compare, name="compare"),
    path("places/suggest", places.suggest_view, name="place_suggest"),
    path("premises/", include("premises.urls")),
    path("land/", include("land.urls")),
    # Saved searches and the search feeds (/<lang>/premises/feed.atom, /<lang>/alerts/…).
    path("", include("alerts.urls")),
    path("nki/", include("surveys.urls")),
    path("skills/", include("skills.urls")),
    path("establish/", include("establishment.urls")),
    prefix_default_language=True,
)

# Uploaded photos and floor plans, in the single-machine setup (and in development);
# behind nginx or with object storage (README, "Deploy") they are served from there.
# Only the stored extensions, each with its one content type, and nosniff: see brorebro.media.
urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.serve_media, name="media")]

handler404 = "brorebro.views.page_not_found"
handler500 = "brorebro.views.server_error"
