"""Saved searches and feeds. Included at the root of the language prefix (brorebro/urls.py),
so the feeds sit beside the searches they follow: /<lang>/premises/feed.atom."""

from django.urls import path

from alerts import feeds, views
from brorebro.caching import public_response

app_name = "alerts"
urlpatterns = [
    path(
        "premises/feed.atom",
        public_response("premises", "municipalities")(feeds.SearchFeed("premises")),
        name="premises_feed",
    ),
    path(
        "land/feed.atom",
        public_response("land", "municipalities")(feeds.SearchFeed("land")),
        name="land_feed",
    ),
    path("premises/alert/", views.subscribe, {"section": "premises"}, name="subscribe_premises"),
    path("land/alert/", views.subscribe, {"section": "land"}, name="subscribe_land"),
    path("alerts/", views.manage_request, name="manage_request"),
    path("alerts/requested/", views.requested, name="requested"),
    path("alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("alerts/manage/<str:token>/", views.manage, name="manage"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
