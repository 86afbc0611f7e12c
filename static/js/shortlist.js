/* The shortlist: premises and land plots a visitor keeps, in this browser only.
 *
 * No account and no server state: the list is a small JSON array in localStorage
 * ([{kind: "premises"|"land", id: 12}], at most MAX). The comparison page is
 * server-rendered from ids in its address (/<lang>/compare/?premises=1,2&land=3), so
 * this script only has to keep the list and build that address. Everything it adds to
 * the page is built from text nodes.
 *
 * - Buttons marked data-shortlist-kind / data-shortlist-id (hidden without JavaScript)
 *   add or remove a listing; their text says which.
 * - The bar under the header (#shortlist-bar) shows how many are kept and links to the
 *   comparison; a status region announces each change.
 * - On the comparison page, "Remove" links also remove from the list, and an empty
 *   page opens the comparison of the kept list.
 */
(function () {
  "use strict";
  var bar = document.getElementById("shortlist-bar");
  var status = document.getElementById("shortlist-status");
  if (!bar || !window.JSON) { return; }
  var KEY = "brorebro.shortlist";
  var data = bar.dataset;
  var MAX = parseInt(data.max, 10) || 5;
  var storage;
  try {
    storage = window.localStorage;
    storage.getItem(KEY);
  } catch (e) {
    return;  // storage blocked: the buttons stay hidden, the pages work as before
  }

  function valid(item) {
    return item && (item.kind === "premises" || item.kind === "land") && /^[0-9]{1,10}$/.test(String(item.id));
  }

  function read() {
    var list;
    try { list = JSON.parse(storage.getItem(KEY) || "[]"); } catch (e) { list = []; }
    if (!Array.isArray(list)) { return []; }
    return list.filter(valid).slice(0, MAX).map(function (item) {
      return { kind: item.kind, id: String(item.id) };
    });
  }

  function write(list) {
    try { storage.setItem(KEY, JSON.stringify(list)); } catch (e) { /* full or blocked: keep the page working */ }
  }

  function indexOf(list, kind, id) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].kind === kind && list[i].id === String(id)) { return i; }
    }
    return -1;
  }

  function query(list) {
    var parts = [];
    ["premises", "land"].forEach(function (kind) {
      var ids = list.filter(function (item) { return item.kind === kind; }).map(function (item) { return item.id; });
      if (ids.length) { parts.push(kind + "=" + ids.join(",")); }
    });
    return parts.join("&");
  }

  function compareUrl(list) {
    var q = query(list);
    return data.compareUrl + (q ? "?" + q : "");
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }

  var pending = null;

  function announce(text) {
    if (!status) { return; }
    status.textContent = "";
    // A fresh text node after a tick, so screen readers announce a repeated message too;
    // a newer message replaces one still waiting, so two never run together.
    if (pending !== null) { window.clearTimeout(pending); }
    pending = window.setTimeout(function () {
      pending = null;
      status.textContent = "";
      status.appendChild(document.createTextNode(text));
    }, 50);
  }

  function labelButton(button, inList) {
    while (button.firstChild) { button.removeChild(button.firstChild); }
    button.appendChild(document.createTextNode(inList ? data.textRemove : data.textAdd));
    var title = button.getAttribute("data-shortlist-title");
    if (title) {
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.appendChild(document.createTextNode(": " + title));
      button.appendChild(hidden);
    }
    button.classList.toggle("is-kept", inList);
  }

  function render() {
    var list = read();
    var buttons = document.querySelectorAll("[data-shortlist-kind]");
    for (var i = 0; i < buttons.length; i++) {
      var button = buttons[i];
      button.hidden = false;
      labelButton(button, indexOf(list, button.getAttribute("data-shortlist-kind"), button.getAttribute("data-shortlist-id")) >= 0);
    }
    var count = bar.querySelector(".shortlist-count");
    var link = bar.querySelector(".shortlist-compare");
    if (count) { count.textContent = fill(data.textCount, { n: list.length, max: MAX }); }
    if (link) { link.href = compareUrl(list); }
    bar.hidden = list.length === 0;
    return list;
  }

  function toggle(button) {
    var list = read();
    var kind = button.getAttribute("data-shortlist-kind");
    var id = button.getAttribute("data-shortlist-id");
    var title = button.getAttribute("data-shortlist-title") || "";
    var at = indexOf(list, kind, id);
    if (at >= 0) {
      list.splice(at, 1);
      write(list);
      announce(fill(data.textRemoved, { title: title, n: list.length, max: MAX }));
    } else if (list.length >= MAX) {
      announce(fill(data.textFull, { max: MAX }));
      return;
    } else {
      list.push({ kind: kind, id: String(id) });
      write(list);
      announce(fill(data.textAdded, { title: title, n: list.length, max: MAX }));
    }
    render();
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target) { return; }
    var button = target.closest("[data-shortlist-kind]");
    if (button) {
      event.preventDefault();
      toggle(button);
      return;
    }
    var remove = target.closest(".compare-remove");
    if (remove) {  // the link itself goes on to the comparison without this listing
      var list = read();
      var at = indexOf(list, remove.getAttribute("data-kind"), remove.getAttribute("data-id"));
      if (at >= 0) { list.splice(at, 1); write(list); }
    }
  });

  // Another tab changed the list.
  window.addEventListener("storage", function (event) { if (event.key === KEY) { render(); } });

  var list = render();
  // The comparison page opened without ids (from the menu or a bookmark): show the kept list.
  if (document.getElementById("compare-empty") && list.length && !window.location.search) {
    window.location.replace(compareUrl(list));
  }

  window.BrShortlist = { refresh: render };
})();
