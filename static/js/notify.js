/* The bell's unread count when the page was rendered without it (not cached yet): ask the API once. */
(function () {
  "use strict";
  var bell = document.querySelector("[data-bell][data-unread-fetch]");
  if (!bell || !window.fetch) { return; }
  fetch(bell.dataset.unreadFetch, {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (body) {
      if (!body || !body.unread) { return; }
      var count = document.createElement("span");
      count.className = "bell-count";
      count.setAttribute("data-unread-count", "");
      count.textContent = body.unread < 100 ? String(body.unread) : "99+";
      bell.appendChild(count);
      bell.classList.add("has-unread");
      bell.setAttribute("aria-label", bell.dataset.labelUnread.replace("{n}", body.unread));
    })
    .catch(function () { /* the bell stays a plain link */ });
})();
