/* Quick actions on release cards: a favorite star and a "plan to watch" button on every card.
   Cards live in cached, shared HTML, so the buttons are added here from the member's marks
   (#member-marks, rendered per request) and talk to the library API with the session. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  /* DOMContentLoaded: app.js (window.AniHome) is deferred after this script. */
  var source = document.getElementById("member-marks");
  if (!source || !window.AniHome) { return; }
  var marks = JSON.parse(source.textContent);
  var labels = marks.labels;
  var favs = new Set(marks.favorites.map(String));
  var lists = marks.lists;

  /* The accessible name says which release the button acts on: "Add to favorites: <title>". */
  function name(button) {
    var card = button.closest(".rcard");
    var title = card && card.querySelector(".rcard-title");
    button.setAttribute("aria-label", button.title + (title ? ": " + title.textContent.trim() : ""));
  }

  function setFav(button, on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? "★" : "☆";
    button.title = on ? labels.fav_remove : labels.fav_add;
    name(button);
  }

  function setPlan(button, status) {
    button.setAttribute("aria-pressed", status ? "true" : "false");
    button.dataset.status = status || "";
    button.textContent = status ? "✓" : "+";
    if (!status) { button.title = labels.plan_add; }
    else if (status === "planned") { button.title = labels.plan_remove; }
    else { button.title = labels.on_list.replace("{status}", labels.statuses[status] || status); }
    name(button);
  }

  function failed(button) {
    button.title = labels.failed;
    button.classList.add("failed");
  }

  function send(button, method, path, body) {
    button.disabled = true;
    var options = {method: method};
    if (body) { options.json = body; }
    return window.AniHome.api(path, options).then(function (response) {
      button.disabled = false;
      if (!response.ok) { throw new Error(String(response.status)); }
      button.classList.remove("failed");
      return response;
    }, function (error) { button.disabled = false; throw error; });
  }

  function toggleFav(button, id) {
    var on = button.getAttribute("aria-pressed") !== "true";
    send(button, on ? "PUT" : "DELETE", "/api/v1/favorites/" + id).then(function () {
      if (on) { favs.add(id); } else { favs.delete(id); }
      setFav(button, on);
    }).catch(function () { failed(button); });
  }

  function togglePlan(button, id) {
    var status = button.dataset.status;
    if (status && status !== "planned") {
      window.location.href = "/releases/" + id;  /* other statuses are changed on the release page */
      return;
    }
    var request = status ? send(button, "DELETE", "/api/v1/lists/" + id)
                         : send(button, "PUT", "/api/v1/lists/" + id, {status: "planned"});
    request.then(function () {
      lists[id] = status ? undefined : "planned";
      setPlan(button, lists[id]);
    }).catch(function () { failed(button); });
  }

  function enhance(card) {
    var id = card.dataset.releaseId;
    if (!id || card.querySelector(".rcard-quick")) { return; }
    var box = document.createElement("div");
    box.className = "rcard-quick";
    var plan = document.createElement("button");
    var fav = document.createElement("button");
    [plan, fav].forEach(function (button) { button.type = "button"; box.appendChild(button); });
    card.appendChild(box);
    plan.dataset.quick = "plan";
    fav.dataset.quick = "fav";
    setPlan(plan, lists[id]);
    setFav(fav, favs.has(id));
    plan.addEventListener("click", function () { togglePlan(plan, id); });
    fav.addEventListener("click", function () { toggleFav(fav, id); });
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll(".rcard[data-release-id]").forEach(enhance);
  }
  enhanceAll();
  /* Browse pages may swap their results in place: enhance new cards too. */
  new MutationObserver(function () { enhanceAll(); }).observe(document.body, {childList: true, subtree: true});
});
