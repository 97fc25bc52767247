/* AniHome shared behaviour: theme switch and CSRF header for fetch calls. No build step. */
(function () {
  "use strict";
  var root = document.documentElement;
  var order = ["auto", "dark", "light"];
  document.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
    button.addEventListener("click", function () {
      var next = order[(order.indexOf(root.dataset.theme || "auto") + 1) % order.length];
      root.dataset.theme = next;
      document.cookie = "theme=" + next + "; path=/; max-age=31536000; samesite=lax";
    });
  });
  /* Progress bars carry their fill in data-pct: no style attributes under the CSP. */
  document.querySelectorAll("[data-pct]").forEach(function (bar) {
    bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.pct) || 0)) + "%";
  });
  var meta = document.querySelector('meta[name="csrf-token"]');
  window.AniHome = {
    csrfToken: meta ? meta.content : "",
    /* fetch() with the CSRF header and JSON handling for calls to our own API. */
    api: function (path, options) {
      options = options || {};
      options.headers = Object.assign({"X-CSRFToken": window.AniHome.csrfToken, "Accept": "application/json"}, options.headers || {});
      options.credentials = "same-origin";
      if (options.json !== undefined) {
        options.body = JSON.stringify(options.json);
        options.headers["Content-Type"] = "application/json";
        delete options.json;
      }
      return fetch(path, options);
    }
  };
})();
