/* What every page shares: the way back to a search with its filters, and the results
 * brought into view after a search.
 *
 * - A search page (a form with data-search-section) remembers its address for the tab
 *   (sessionStorage), and a detail page's breadcrumb (a link with data-search-return)
 *   goes back to that address, filters and page included. Without JavaScript the
 *   breadcrumb goes to the plain search.
 * - After a search form is sent, the page that answers moves focus to the results
 *   heading and scrolls the results into view, so the answer is announced and seen
 *   instead of the top of the filters. Searches that update in place call
 *   BrSite.showResults() themselves.
 */
(function () {
  "use strict";
  var PREFIX = "brorebro.search.";
  var FOCUS_KEY = "brorebro.show-results";
  var store;
  try { store = window.sessionStorage; store.getItem(FOCUS_KEY); } catch (e) { store = null; }

  function remember(section, search) {
    if (!store || !/^[a-z]+$/.test(section)) { return; }
    try { store.setItem(PREFIX + section, search || ""); } catch (e) { /* storage full: no memory */ }
  }

  function showResults() {
    var heading = document.getElementById("results-heading");
    var results = document.getElementById("results");
    if (!heading) { return; }
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
    var target = results || heading;
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    target.scrollIntoView({ block: "start", behavior: reduce ? "auto" : "smooth" });
  }

  var form = document.querySelector("form[data-search-section]");
  if (form) {
    var section = form.getAttribute("data-search-section");
    remember(section, window.location.search);
    form.addEventListener("submit", function () {
      if (store) { try { store.setItem(FOCUS_KEY, "1"); } catch (e) { /* ignore */ } }
    });
    // Forms that belong to the search from outside it (the sort control) submit it too.
    if (store && store.getItem(FOCUS_KEY) === "1") {
      store.removeItem(FOCUS_KEY);
      showResults();
    }
  }

  var back = document.querySelectorAll("a[data-search-return]");
  for (var i = 0; i < back.length; i++) {
    var kept = store && store.getItem(PREFIX + back[i].getAttribute("data-search-return"));
    // Only a query string is ever stored, and only for the link's own search page.
    if (kept && kept.charAt(0) === "?") { back[i].setAttribute("href", back[i].getAttribute("href").split("?")[0] + kept); }
  }

  window.BrSite = {
    showResults: showResults,
    remember: function (search) { if (form) { remember(form.getAttribute("data-search-section"), search); } },
  };
})();
