/* Suggestions for the "Near" field: type a place name, pick one of the places the server knows.
 *
 * Without this script the field is a plain text field, and the server matches the name
 * when the form is sent (brorebro/places.py). The script turns each input that has
 * data-place-suggest (the URL of the suggestions, JSON) into an ARIA 1.2 combobox:
 * a list of places under the field, arrow keys to move, Enter or a click to pick,
 * Escape to close, and a polite status that says how many places were found. The
 * list is built from text nodes only; nothing from the server is parsed as HTML.
 */
(function () {
  "use strict";
  var DELAY_MS = 180;
  var MIN_LENGTH = 2;

  function setUp(input, number) {
    var url = input.getAttribute("data-place-suggest");
    var listId = (input.id || "place-" + number) + "-suggestions";
    var list = document.createElement("ul");
    var status = document.createElement("div");
    var timer = null;
    var asked = 0;
    var active = -1;
    var places = [];

    list.id = listId;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-text-list") || "");
    list.className = "place-suggestions";
    list.hidden = true;
    // Placed under the field; CSSOM styles are allowed by the page's content security policy.
    list.style.listStyle = "none";
    list.style.margin = "0.25rem 0 0";
    list.style.padding = "0";
    list.style.border = "1px solid #5c6b77";
    list.style.borderRadius = "4px";
    list.style.background = "#ffffff";
    list.style.maxHeight = "16rem";
    list.style.overflowY = "auto";
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var options = list.children;
      for (var i = 0; i < options.length; i++) {
        var on = i === index;
        options[i].setAttribute("aria-selected", on ? "true" : "false");
        options[i].style.background = on ? "#0b4f6c" : "";
        options[i].style.color = on ? "#ffffff" : "";
      }
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(index) {
      var place = places[index];
      if (!place) { return; }
      input.value = place.label;
      close();
      status.textContent = input.getAttribute("data-text-picked") ? input.getAttribute("data-text-picked") + " " + place.label : place.label;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(found) {
      places = found;
      while (list.firstChild) { list.removeChild(list.firstChild); }
      found.forEach(function (place, index) {
        var option = document.createElement("li");
        option.id = listId + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.style.padding = "0.4rem 0.6rem";
        option.style.cursor = "pointer";
        option.appendChild(document.createTextNode(place.label));
        // mousedown, not click: the field must not lose focus (and close the list) first.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          pick(index);
        });
        list.appendChild(option);
      });
      active = -1;
      list.hidden = found.length === 0;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      var template = found.length ? input.getAttribute("data-text-count") : input.getAttribute("data-text-none");
      status.textContent = (template || "").replace("%(n)s", String(found.length));
    }

    function ask() {
      var text = input.value.trim();
      if (text.length < MIN_LENGTH || /^[-+\d.,\s]+$/.test(text)) { close(); return; }
      var mine = ++asked;
      fetch(url + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { places: [] }; })
        .then(function (body) {
          if (mine !== asked || document.activeElement !== input) { return; }
          show(Array.isArray(body.places) ? body.places.slice(0, 10) : []);
        })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        if (!open) { ask(); return; }
        event.preventDefault();
        highlight(Math.min(active + 1, places.length - 1));
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault(); // pick the place; a second Enter sends the form
        pick(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  var inputs = document.querySelectorAll("input[data-place-suggest]");
  for (var i = 0; i < inputs.length; i++) { setUp(inputs[i], i); }
})();
