// Live counts on the organiser's page: ask the site for the numbers every 10 seconds.
(function () {
  "use strict";
  var box = document.querySelector("[data-counts-url]");
  if (!box) return;
  var url = box.getAttribute("data-counts-url");
  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        box.querySelectorAll("[data-count]").forEach(function (el) {
          var value = data[el.getAttribute("data-count")];
          el.textContent = value === null || value === undefined ? "∞" : String(value);
        });
      })
      .catch(function () {});
  }
  setInterval(refresh, 10000);
})();
