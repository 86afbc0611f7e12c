/* Premises search: the map of every hit, and results that update without a reload.
 *
 * The page works without this script: the form is a plain GET form and the list is
 * server-rendered. The script adds
 *  - the map, fed by /api/premises.geojson with the page's own query string, so it
 *    shows the whole filtered set (all pages), as points or as numbered clusters;
 *  - "Search this map area", which puts the map view into the bbox filter;
 *  - in-place updates: submitting the form fetches only the results (?partial=1),
 *    and the address bar keeps a URL that can be shared;
 *  - on small screens, the list first: filters folded away, the map behind a button.
 */
(function () {
  "use strict";
  var element = document.getElementById("premises-map");
  var form = document.getElementById("premises-filters");
  var results = document.getElementById("results");
  if (!element || !window.L || !window.BrMap) { return; }

  var data = element.dataset;
  var kinds = JSON.parse(data.kinds || "{}");
  var POINTS_FROM_ZOOM = 12;
  var map = BrMap.create(element);
  var layer = L.featureGroup().addTo(map);
  var query = (data.query || "?").replace(/^\?/, "");
  var fitted = false;
  var request = 0;
  // Room for the marker icons (anchored at their tip) and the map's own buttons.
  var FIT = { paddingTopLeft: [40, 60], paddingBottomRight: [40, 20], maxZoom: 13 };

  function formatNumber(value) {
    return Number(value).toLocaleString(data.lang === "sv" ? "sv-SE" : "en-GB", { maximumFractionDigits: 0 });
  }

  function text(parent, tag, content) {
    return parent.appendChild(BrMap.textElement(content, tag));
  }

  // The English title where the officer gave one; otherwise the Swedish one.
  function title(props) {
    return data.lang === "en" && props.title_en ? props.title_en : props.title;
  }

  function popup(props) {
    var box = document.createElement("div");
    box.className = "map-popup";
    text(box, "strong", title(props));
    text(box, "p", (kinds[props.kind] || props.kind) + " · " + props.locality);
    var area = formatNumber(props.area_min_m2);
    if (props.area_max_m2 !== props.area_min_m2) { area += "–" + formatNumber(props.area_max_m2); }
    var terms = data.textArea + ": " + area + " m²";
    if (props.tenure === "rent" && props.rent_sek_per_m2_year !== null) {
      terms += " · " + formatNumber(props.rent_sek_per_m2_year) + " " + data.textRent;
    } else if (props.tenure === "sale" && props.price_sek !== null) {
      terms += " · " + formatNumber(props.price_sek) + " " + data.textPrice;
    }
    text(box, "p", terms);
    var link = text(box, "a", data.textMore);
    link.href = props.url;
    return box;
  }

  function draw(collection) {
    layer.clearLayers();
    L.geoJSON(collection, {
      pointToLayer: function (feature, latlng) {
        if (feature.properties.cluster) {
          return BrMap.clusterMarker(map, latlng, feature.properties.count, data.textCluster);
        }
        var marker = L.marker(latlng, { title: title(feature.properties), alt: title(feature.properties) });
        marker.bindPopup(popup(feature.properties));
        return marker;
      },
    }).addTo(layer);
    element.dataset.count = collection.count;
    if (!fitted && collection.features.length > 0) {
      fitted = true;
      map.fitBounds(layer.getBounds(), FIT);
    }
  }

  function showError() {
    if (element.parentNode.querySelector(".map-error")) { return; }
    var note = document.createElement("p");
    note.className = "notice notice-error map-error";
    note.textContent = data.textError;
    element.parentNode.insertBefore(note, element);
  }

  // What the last response covers: the whole set as points (valid at any street-level
  // zoom), or clusters for one zoom level, fine within a padded view and coarse elsewhere.
  var last = null;

  function viewParam(bounds) {
    function clamp(value, limit) { return Math.max(-limit, Math.min(limit, value)).toFixed(5); }
    return [clamp(bounds.getWest(), 180), clamp(bounds.getSouth(), 90),
      clamp(bounds.getEast(), 180), clamp(bounds.getNorth(), 90)].join(",");
  }

  function stale() {
    var zoom = map.getZoom();
    if (!last) { return true; }
    if (!last.clustered) { return zoom < POINTS_FROM_ZOOM; }
    return zoom !== last.zoom || !last.view.contains(map.getBounds());
  }

  function load(force) {
    if (data.valid === "0") { return; }  // the page shows what to correct; there is nothing to map
    if (!force && !stale()) { return; }
    var zoom = map.getZoom();
    var view = map.getBounds().pad(0.5);
    var url = data.geojsonUrl + "?" + (query ? query + "&" : "") + "zoom=" + zoom + "&view=" + viewParam(view);
    var mine = ++request;
    fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (collection) {
        if (mine !== request) { return; }
        last = { clustered: collection.clustered, zoom: zoom, view: view };
        draw(collection);
      })
      .catch(showError);
  }

  // --- "Search this map area": the view becomes the bbox filter.
  var AreaControl = L.Control.extend({
    options: { position: "topright" },
    onAdd: function () {
      var button = L.DomUtil.create("button", "map-search-area");
      button.type = "button";
      button.textContent = data.textSearchArea;
      L.DomEvent.disableClickPropagation(button);
      L.DomEvent.on(button, "click", function () {
        if (!form) { return; }
        form.elements.bbox.value = BrMap.bboxParam(map);
        fitted = true;  // keep the view the visitor chose
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      });
      return button;
    },
  });
  if (form && form.elements.bbox) { new AreaControl().addTo(map); }

  // --- results without reload
  function queryOf(formElement) {
    var params = new URLSearchParams();
    new FormData(formElement).forEach(function (value, name) {
      if (value !== "") { params.append(name, value); }
    });
    return params.toString();
  }

  if (form && results && window.fetch && window.URLSearchParams) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var next = queryOf(form);
      var pageUrl = form.action + (next ? "?" + next : "");
      fetch(form.action + "?" + (next ? next + "&" : "") + "partial=1", { headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok || response.headers.get("X-Search-Valid") !== "1") {
            window.location.assign(pageUrl);  // the full page shows the error summary
            return null;
          }
          return response.text();
        })
        .then(function (html) {
          if (html === null) { return; }
          // The server's own results template, escaped where it renders data; listing
          // text never reaches the page as HTML any other way.
          results.innerHTML = html;
          history.pushState({ query: next }, "", pageUrl);
          query = next;
          data.valid = "1";
          fitted = false;
          load(true);
          if (window.BrShortlist) { BrShortlist.refresh(); }
          if (window.BrSite) { BrSite.remember(next ? "?" + next : ""); BrSite.showResults(); }
        })
        .catch(function () { window.location.assign(pageUrl); });
    });
    window.addEventListener("popstate", function () { window.location.reload(); });
  }

  // --- small screens: the list first, filters folded, the map behind a button above the list
  BrMap.phoneLayout(function () {
    map.invalidateSize();
    if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), FIT); }
  });

  map.on("moveend", function () { load(false); });
  load(true);
})();
