/* Shared Leaflet set-up for the public pages (no inline scripts: CSP allows 'self' only).
 *
 * A map container declares itself with data attributes:
 *   <div class="map" id="…" data-map data-tile-url="…" data-attribution="…"
 *        data-image-path="/static/leaflet/images/" data-label="…"></div>
 * and page scripts call BrMap.create(element) to get a Leaflet map with the tile
 * layer, the county in view, and keyboard focus that works.
 */
(function () {
  "use strict";
  var COUNTY_BOUNDS = [[58.6, 14.0], [59.95, 15.9]];

  function create(element, options) {
    options = options || {};
    if (element.dataset.imagePath) {
      L.Icon.Default.imagePath = element.dataset.imagePath;
    }
    var map = L.map(element, {
      scrollWheelZoom: false,
      keyboard: true,
      minZoom: 4,
      maxZoom: 18,
    });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, {
        attribution: element.dataset.attribution || "",
        maxZoom: 19,
      }).addTo(map);
    }
    map.fitBounds(options.bounds || COUNTY_BOUNDS);
    // Name the focusable map region for screen readers.
    var container = map.getContainer();
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", element.dataset.label || "Map");
    return map;
  }

  /* WGS84 bbox of the current view as "west,south,east,north". */
  function bboxParam(map) {
    var b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
      .map(function (n) { return n.toFixed(5); }).join(",");
  }

  /* A round marker labelled with a count, for server-side clusters. */
  function clusterIcon(count) {
    var size = count < 10 ? 30 : count < 100 ? 38 : 46;
    return L.divIcon({
      html: "<span>" + count + "</span>",
      className: "cluster-marker",
      iconSize: [size, size],
    });
  }

  /* A keyboard-operable marker for a server-side cluster; activating it zooms in. */
  function clusterMarker(map, latlng, count, label) {
    var text = count + " " + (label || "");
    var marker = L.marker(latlng, { icon: clusterIcon(count), title: text, alt: text, keyboard: true });
    marker.on("click keypress", function () {
      map.setView(latlng, Math.min(map.getZoom() + 2, 18));
    });
    return marker;
  }

  window.BrMap = {
    create: create, bboxParam: bboxParam, clusterIcon: clusterIcon, clusterMarker: clusterMarker,
  };
})();
