/*
 * The admin map widget (brorebro.admin.MapWidget), loaded after django-leaflet's scripts.
 *
 * Marker icons: Leaflet guesses its image folder from its stylesheet, and with hashed static
 * names it guesses wrong (it asked for marker-icon.png relative to the page, which the admin
 * redirected). The widget writes the folder into #force-img-path; it is read here when the
 * map is made, before the field's marker is added.
 *
 * A point field: a click on the map places the point, or moves it there, and the marker can
 * be dragged. Both write the point into the form field as the draw toolbar does. While a
 * toolbar mode is on (draw, edit, delete), the toolbar handles clicks and drags alone, so that
 * its Cancel still puts things back.
 */
(function () {
  "use strict";

  function useStaticIconPath() {
    var element = document.getElementById("force-img-path");
    var path = element ? JSON.parse(element.textContent) : null;
    if (typeof path === "string" && path) {
      L.Icon.Default.imagePath = path;
    }
  }

  function enablePointEditing(map, field) {
    var options = field.options;
    if (!options.modifiable || !options.is_point || options.is_collection || options.is_generic) {
      return;
    }
    var toolbarActive = false;
    L.DomUtil.addClass(map.getContainer(), "map-places-point"); // a crosshair says "click here"

    function save() {
      field.store.save(field.drawnItems);
    }

    function makeDraggable(layer) {
      if (!(layer instanceof L.Marker) || !layer.dragging) {
        return;
      }
      layer.dragging.enable();
      if (!layer._brorebroDragSaves) {
        layer._brorebroDragSaves = true;
        layer.on("dragend", function () {
          if (!toolbarActive) {
            save();
          }
        });
      }
    }

    map.on("draw:drawstart draw:editstart draw:deletestart", function () {
      toolbarActive = true;
    });
    map.on("draw:drawstop draw:editstop draw:deletestop", function () {
      toolbarActive = false;
      // Leaving the edit mode switches the markers' dragging off again.
      field.drawnItems.eachLayer(makeDraggable);
    });

    // A click places the point; a double click would place it twice on the way to zooming.
    map.doubleClickZoom.disable();
    map.on("click", function (event) {
      if (toolbarActive) {
        return;
      }
      var layers = field.drawnItems.getLayers();
      if (layers.length && layers[0] instanceof L.Marker) {
        layers[0].setLatLng(event.latlng);
      } else {
        field.drawnItems.clearLayers();
        field.drawnItems.addLayer(L.marker(event.latlng));
      }
      save();
    });

    field.drawnItems.on("layeradd", function (event) {
      makeDraggable(event.layer);
    });
    field.drawnItems.eachLayer(makeDraggable);
  }

  window.addEventListener("map:init", function (event) {
    useStaticIconPath();
    var map = event.detail.map;
    map.on("map:loadfield", function (loaded) {
      enablePointEditing(map, loaded.field);
    });
  });
})();
