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

  /* An element that shows `text` as text. Leaflet's popups, tooltips and div icons treat a
   * string as HTML, so anything that comes from data (names, counts) is handed to them as
   * an element built from a text node, never as a string. */
  function textElement(text, tag) {
    var node = document.createElement(tag || "span");
    node.textContent = text === null || text === undefined ? "" : String(text);
    return node;
  }

  /* A round marker labelled with a count, for server-side clusters. */
  function clusterIcon(count) {
    var size = count < 10 ? 30 : count < 100 ? 38 : 46;
    return L.divIcon({
      html: textElement(count),
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

  /* Small screens: the list first, the filter panel folded (unless it shows errors), and
   * the map section moved above the list behind a show/hide button. `onOpen` runs when
   * the map becomes visible (Leaflet must then re-measure its container). */
  function phoneLayout(onOpen) {
    var panel = document.getElementById("filter-panel");
    var section = document.getElementById("map-section");
    var results = document.getElementById("results");
    if (!window.matchMedia("(max-width: 63.99em)").matches) { return; }
    if (panel && !document.querySelector(".error-summary")) { panel.open = false; }
    if (!section || !results) { return; }
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "button button-secondary map-toggle";
    toggle.setAttribute("aria-controls", "map-section");
    toggle.setAttribute("aria-expanded", "false");
    toggle.textContent = section.dataset.textShow;
    section.classList.add("map-collapsed");
    results.parentNode.insertBefore(section, results);
    section.parentNode.insertBefore(toggle, section);
    toggle.addEventListener("click", function () {
      var open = !section.classList.toggle("map-collapsed");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.textContent = open ? section.dataset.textHide : section.dataset.textShow;
      if (open) { onOpen(); }
    });
  }

  window.BrMap = {
    create: create, bboxParam: bboxParam, clusterIcon: clusterIcon, clusterMarker: clusterMarker,
    phoneLayout: phoneLayout, textElement: textElement,
  };
})();
