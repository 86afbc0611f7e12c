"""Saved searches and feeds. Included at the root of the language prefix (brorebro/urls.py),
so the feeds sit beside the searches they follow: /<lang>/premises/feed.atom."""

from django.urls import path

from alerts import feeds, views

app_name = "alerts"
urlpatterns = [
    path("premises/feed.atom", feeds.SearchFeed("premises"), name="premises_feed"),
    path("land/feed.atom", feeds.SearchFeed("land"), name="land_feed"),
    path("premises/alert/", views.subscribe, {"section": "premises"}, name="subscribe_premises"),
    path("land/alert/", views.subscribe, {"section": "land"}, name="subscribe_land"),
    path("alerts/requested/", views.requested, name="requested"),
    path("alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("alerts/manage/<str:token>/", views.manage, name="manage"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
