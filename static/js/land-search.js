/* Land search map: draws every plot of the current search from /api/land.geojson.
 *
 * The query string of the search page is passed on unchanged, so the map shows the
 * same plots as the list (all pages of it). Polygons at close zoom, one dot per plot
 * from afar; the server simplifies the shapes to suit the zoom.
 */
(function () {
  "use strict";
  var element = document.getElementById("land-map");
  if (!element || !window.L || !window.BrMap) { return; }

  var CENTROID_MAX_ZOOM = 9;
  var map = BrMap.create(element);
  // No layer URL when the search itself is invalid: the page explains the problem.
  if (!element.dataset.geojsonUrl) { return; }
  var layer = L.featureGroup().addTo(map);
  var data = element.dataset;
  var fitted = false;
  var lastKey = null;
  var request = 0;

  function formatNumber(value, decimals) {
    return Number(value).toLocaleString(data.lang === "sv" ? "sv-SE" : "en-GB", {
      minimumFractionDigits: decimals, maximumFractionDigits: decimals,
    });
  }

  function popup(props) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = props.name;
    box.appendChild(title);
    if (props.area_name) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(props.area_name));
    }
    var facts = document.createElement("p");
    facts.textContent = data.textArea + ": " + formatNumber(props.area_m2 / 10000, 1) + " ha · " +
      data.textPrice + ": " + (props.price_sek_per_m2 === null ? data.textPriceOnRequest
        : formatNumber(props.price_sek_per_m2, 0) + " kr/m²");
    box.appendChild(facts);
    var link = document.createElement("a");
    link.href = props.url;
    link.textContent = data.textMore;
    box.appendChild(link);
    return box;
  }

  function draw(collection) {
    layer.clearLayers();
    L.geoJSON(collection, {
      style: function () {
        return { color: "#0b4f6c", weight: 2, fillColor: "#1d7f5b", fillOpacity: 0.45 };
      },
      pointToLayer: function (feature, latlng) {
        if (feature.properties.cluster) {
          return BrMap.clusterMarker(map, latlng, feature.properties.count, data.textCluster);
        }
        return L.circleMarker(latlng, {
          radius: 7, color: "#ffffff", weight: 2, fillColor: "#0b4f6c", fillOpacity: 0.95,
        });
      },
      onEachFeature: function (feature, shape) {
        if (feature.properties.cluster) { return; }
        shape.bindPopup(popup(feature.properties));
        shape.bindTooltip(BrMap.textElement(feature.properties.name));
      },
    }).addTo(layer);
    element.dataset.count = collection.count;
    element.dataset.clustered = collection.clustered ? "1" : "0";
    if (!fitted && collection.count > 0) {
      fitted = true;
      map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 14, animate: false });
    }
  }

  function load() {
    var zoom = map.getZoom();
    // Polygons are re-simplified per zoom level; dots stay dots below the threshold
    // unless the server grouped them into clusters, which are recomputed per zoom.
    var key = zoom <= CENTROID_MAX_ZOOM && element.dataset.clustered === "0" ? "points" : "z" + zoom;
    if (key === lastKey) { return; }
    lastKey = key;
    var query = (data.query || "?").replace(/^\?/, "");
    var url = data.geojsonUrl + "?" + (query ? query + "&" : "") + "zoom=" + zoom + "&lang=" + data.lang;
    var mine = ++request;
    fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (collection) { if (mine === request) { draw(collection); } })
      .catch(function () {
        var note = document.createElement("p");
        note.className = "notice notice-error";
        note.textContent = data.textError;
        element.parentNode.insertBefore(note, element);
      });
  }

  /* "Search in this map area": fills the form's bbox field and submits the form, so the
   * list, the map and the address all follow the same search. */
  var form = document.querySelector("form.search-filters");
  var bboxInput = form && form.querySelector("input[name=bbox]");
  if (bboxInput && data.textSearchArea) {
    var AreaControl = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var button = L.DomUtil.create("button", "button button-secondary map-area-button");
        button.type = "button";
        button.textContent = data.textSearchArea;
        L.DomEvent.disableClickPropagation(button);
        L.DomEvent.on(button, "click", function () {
          bboxInput.value = BrMap.bboxParam(map);
          form.submit();
        });
        return button;
      },
    });
    map.addControl(new AreaControl());
  }

  // Small screens: the list first, the filters folded, the map behind a button above the list.
  BrMap.phoneLayout(function () {
    map.invalidateSize();
    if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 14, animate: false }); }
  });

  map.on("zoomend", load);
  load();
})();
