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
  data.landmarks.forEach(function (landmark) {
    L.circleMarker([landmark.lat, landmark.lon], {
      radius: 6, color: "#ffffff", weight: 2, fillColor: "#7a3b00", fillOpacity: 0.95,
    }).bindTooltip(landmark.name + " (" + landmark.kind + ")").addTo(map);
  });
  map.fitBounds(plot.getBounds(), { padding: [30, 30], maxZoom: 16 });
})();
