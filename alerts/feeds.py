"""Atom feeds of the premises and land searches: the newest listings that match the query string.

Made with Django's syndication framework. The same FilterSet as the page reads the query
string (alerts.searches), so a feed copied from a search page follows exactly that search;
an invalid query string gets the CSV export's plain-text 400 with each problem.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from alerts.searches import SEARCHES, SectionKey
from brorebro.search import invalid_search_csv

FEED_SIZE = 50


class SearchFeed(Feed):
    feed_type = Atom1Feed
    # RFC 4287: every entry needs an author, given here once for the whole feed.
    author_name = "Business Region Örebro"

    def __init__(self, section: str):
        super().__init__()
        self.search = SEARCHES[SectionKey(section)]

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        filterset = self.search.filterset(request.GET)
        if not filterset.is_valid():
            return invalid_search_csv(filterset)
        request.alert_filterset = filterset
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, *args, **kwargs):
        query, _filterset = self.search.clean_query(request.GET)
        return {"query": query or "", "filterset": request.alert_filterset}

    def title(self, obj) -> str:
        return _("%(search)s – Business Region Örebro") % {"search": SectionKey(self.search.key).label}

    def subtitle(self, obj) -> str:
        return _("The newest listings that match the search.")

    def link(self, obj) -> str:
        path = reverse(self.search.index_url_name)
        return f"{path}?{obj['query']}" if obj["query"] else path

    def feed_url(self, obj) -> str:
        path = reverse(f"alerts:{self.search.key}_feed")
        return f"{path}?{obj['query']}" if obj["query"] else path

    def items(self, obj):
        return obj["filterset"].qs.order_by("-published_at", "-pk")[:FEED_SIZE]

    def item_title(self, item) -> str:
        return str(item)

    def item_description(self, item) -> str:
        parts = [item.municipality.name, item.description]
        return " – ".join(part for part in parts if part)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
