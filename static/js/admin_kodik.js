/* Admin Kodik page: poll the sync status while a sync runs; update the bar, counts, speed and ETA.
   When the run ends the page reloads once to show the new history row. No build step. */
(function () {
  "use strict";
  var box = document.getElementById("kodik-status");
  if (!box) { return; }
  var live = box.querySelector("[data-kodik-live]");
  var url = box.dataset.pollUrl;
  var wasRunning = box.dataset.running === "true";
  var delay = 1000;

  function set(name, value) {
    var el = box.querySelector("[data-kodik-" + name + "]");
    if (el) { el.textContent = value; }
  }

  function show(run) {
    live.hidden = false;
    var pct = Math.round((run.progress || 0) * 100);
    var bar = box.querySelector("[data-kodik-bar]");
    bar.setAttribute("aria-valuenow", String(pct));
    bar.firstElementChild.style.width = pct + "%";
    set("job", run.job_id);
    set("pages", run.pages);
    set("done", run.done || run.items);
    set("total", run.total ? " / " + run.total : "");
    set("rate", run.items_per_second);
    set("eta", run.eta_seconds === null || run.eta_seconds === undefined ? "—" : run.eta_seconds + " s");
  }

  function poll() {
    window.AniHome.api(url).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (status) {
      if (status.running) {
        wasRunning = true;
        show(status.running);
        window.setTimeout(poll, delay);
      } else if (wasRunning) {
        window.location.reload();
      } else {
        window.setTimeout(poll, 5000);
      }
    }).catch(function () {
      window.setTimeout(poll, 5000);
    });
  }

  window.setTimeout(poll, wasRunning ? delay : 3000);
})();
