/* Admin run page: poll the run's JSON while it runs and update progress, counts and status
   in place; reload once when it has finished. */
(function () {
  "use strict";
  var card = document.getElementById("run");
  if (!card || !card.dataset.pollUrl || !window.AniHome) { return; }
  var labels = JSON.parse(card.dataset.labels || "{}");
  var countLabels = JSON.parse(card.dataset.countLabels || "{}");
  var progressTexts = JSON.parse(card.dataset.progressTexts || "[]").map(function (pair) {
    return [new RegExp(pair[0]), pair[1]];
  });

  function said(textInEnglish) {  /* a stored progress text in the page's language (web/progress_text.py) */
    for (var i = 0; i < progressTexts.length; i++) {
      var match = progressTexts[i][0].exec(textInEnglish);
      if (match) {
        var groups = match.groups || {};
        return progressTexts[i][1].replace(/%\((\w+)\)s/g, function (whole, name) { return groups[name]; });
      }
    }
    return textInEnglish;
  }
  var classes = {running: "badge-running", succeeded: "badge-ok", failed: "badge-error", interrupted: "badge-error"};
  var failures = 0;

  function text(selector, value) {
    var node = card.querySelector(selector);
    if (node) { node.textContent = value; }
    return node;
  }

  function render(run) {
    var badge = card.querySelector("[data-run-status]");
    badge.textContent = labels[run.status] || run.status;
    badge.className = "badge " + (classes[run.status] || "");
    var pct = Math.round((run.progress || 0) * 100);
    var bar = card.querySelector("[data-run-progress]");
    bar.setAttribute("aria-valuenow", pct);
    bar.firstElementChild.style.width = pct + "%";
    text("[data-run-progress-text]", said(run.progress_text || ""));
    var counts = Object.keys(run.counts || {}).map(function (k) {
      return (countLabels[k] || k.replace(/_/g, " ")) + ": " + run.counts[k];
    });
    text("[data-run-counts]", counts.length ? counts.join(", ") : "—");
    if (run.duration_seconds !== null && run.duration_seconds !== undefined) {
      text("[data-run-duration]", run.duration_seconds.toFixed(1) + " " + (labels.s || "s"));
    }
    var error = text("[data-run-error]", run.error || "");
    if (error) { error.hidden = !run.error; }
  }

  function poll() {
    window.AniHome.api(card.dataset.pollUrl).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (run) {
      failures = 0;
      render(run);
      if (run.status === "running") { window.setTimeout(poll, 1000); }
      else {
        /* Finished: reload once so times, the error and "Run again" come from the server. */
        card.dataset.finished = run.status;
        window.setTimeout(function () { window.location.reload(); }, 800);
      }
    }).catch(function () {
      failures += 1;
      if (failures < 5) { window.setTimeout(poll, 2000); }
      else { text("[data-run-progress-text]", labels.lost || ""); }
    });
  }

  window.setTimeout(poll, 500);
})();
