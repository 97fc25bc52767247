/* AniHome shared behaviour: theme switch, phone menu, TV mode switch and CSRF header for fetch calls. No build step. */
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
  /* Phones: the Menu button opens and closes the header panel (Escape closes it too). */
  var toggle = document.querySelector("[data-nav-toggle]");
  var menu = document.getElementById("topbar-menu");
  if (toggle && menu) {
    var setOpen = function (open) {
      menu.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    };
    toggle.addEventListener("click", function () { setOpen(!menu.classList.contains("open")); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("open")) { setOpen(false); toggle.focus(); }
    });
  }
  /* TV mode (10-foot): a cookie, so the server adds data-tv and the arrow-key script. */
  document.querySelectorAll("[data-tv-toggle]").forEach(function (button) {
    button.addEventListener("click", function () {
      var on = root.dataset.tv !== "on";
      document.cookie = "tv=" + (on ? "on" : "off") + "; path=/; max-age=31536000; samesite=lax";
      window.location.reload();
    });
  });
  /* Tables become stacked cards on phones (app.css): label each cell with its column's name. */
  document.querySelectorAll("table.table").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    if (!heads.length) { return; }
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (!cell.hasAttribute("data-label") && heads[i]) { cell.setAttribute("data-label", heads[i]); }
      });
    });
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
