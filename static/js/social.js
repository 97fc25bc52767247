/* Comments: inline spoilers open on click, Enter or Space; "show anyway" fetches one gated
   comment's text in place (the link works without JavaScript too). */
(function () {
  "use strict";
  function reveal(spoiler) {
    spoiler.classList.add("revealed");
    spoiler.setAttribute("aria-pressed", "true");
  }
  document.addEventListener("click", function (event) {
    var spoiler = event.target.closest(".spoiler");
    if (spoiler && !spoiler.classList.contains("revealed")) {
      event.preventDefault();
      reveal(spoiler);
      return;
    }
    var link = event.target.closest("a[data-reveal]");
    if (!link) { return; }
    event.preventDefault();
    fetch(link.dataset.reveal, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        var gate = link.closest("[data-gate]");
        var holder = document.createElement("div");
        holder.innerHTML = html;  /* our own server-rendered, escaped fragment */
        gate.replaceWith.apply(gate, Array.prototype.slice.call(holder.childNodes));
      })
      .catch(function () { window.location.href = link.href; });
  });
  document.addEventListener("keydown", function (event) {
    var spoiler = event.target.closest && event.target.closest(".spoiler");
    if (spoiler && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      reveal(spoiler);
    }
  });
})();
