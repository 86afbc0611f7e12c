/* Land detail map: the plot boundary and the nearest transport places. */
(function () {
  "use strict";
  var element = document.getElementById("plot-map");
  var source = document.getElementById("plot-map-data");
  if (!element || !source || !window.L || !window.BrMap) { return; }
  var data = JSON.parse(source.textContent);
  var map = BrMap.create(element);
  var plot = L.geoJSON(data.plot, {
    style: { color: "#0b4f6c", weight: 3, fillColor: "#1d7f5b", fillOpacity: 0.4 },
  }).addTo(map);
  var bounds = plot.getBounds();
  data.landmarks.forEach(function (landmark) {
    // Show the close ones with the plot, labelled; far ones would shrink the plot to a speck.
    var close = landmark.km <= 2;
    var marker = L.circleMarker([landmark.lat, landmark.lon], {
      radius: 7, color: "#ffffff", weight: 2, fillColor: "#7a3b00", fillOpacity: 0.95,
    }).bindTooltip(BrMap.textElement(landmark.name + " (" + landmark.kind + ")"), {
      permanent: close, direction: "right",
    }).addTo(map);
    if (close) { bounds.extend(marker.getLatLng()); }
  });
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
})();
