/* Reports page: while a report is waiting or being made, fetch the page again every 1.5 s
   and swap in the list of reports (progress, then the download link). Without JavaScript a
   meta refresh reloads the page instead. */
(function () {
  "use strict";
  var failures = 0;

  function poll() {
    var list = document.getElementById("report-list");
    if (!list || !list.dataset.poll) { return; }
    window.fetch(list.dataset.poll, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      }).then(function (html) {
        failures = 0;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("report-list");
        if (fresh) { list.replaceWith(fresh); }
        window.setTimeout(poll, 1500);
      }).catch(function () {
        failures += 1;
        if (failures < 5) { window.setTimeout(poll, 3000); }
      });
  }

  window.setTimeout(poll, 1500);
})();
