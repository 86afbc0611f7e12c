/* Premises detail: a small map with the premises' position. The address is in the text too. */
(function () {
  "use strict";
  var element = document.getElementById("premises-map");
  if (!element || !window.L || !window.BrMap) { return; }
  var lat = parseFloat(element.dataset.lat);
  var lon = parseFloat(element.dataset.lon);
  if (isNaN(lat) || isNaN(lon)) { return; }
  var map = BrMap.create(element);
  map.setView([lat, lon], 14);
  L.marker([lat, lon], { title: element.dataset.title, alt: element.dataset.title }).addTo(map);
})();
