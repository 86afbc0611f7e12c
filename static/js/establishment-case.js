/* The map of the matches on a company's request page. The points come from the page itself
 * (a JSON script element); the list of matches shows the same listings. */
(function () {
  "use strict";
  var element = document.getElementById("establishment-map");
  var data = document.getElementById("match-points");
  if (!element || !data || typeof L === "undefined") {
    return;
  }
  var points = JSON.parse(data.textContent);
  var map = BrMap.create(element);
  var markers = points.map(function (point, index) {
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.url;
    link.appendChild(BrMap.textElement((index + 1) + ". " + point.title));
    popup.appendChild(link);
    return L.marker([point.lat, point.lon], { title: (index + 1) + ". " + point.title })
      .bindPopup(popup)
      .addTo(map);
  });
  if (markers.length) {
    map.fitBounds(L.featureGroup(markers).getBounds().pad(0.3), { maxZoom: 13 });
  }
})();
