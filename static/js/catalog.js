/* Catalog pages: hide posters that fail to load (offline, blocked host), so the fixed-size
   cover shows its placeholder instead of a broken-image icon. */
(function () {
  "use strict";
  function fail(img) {
    var box = img.closest(".cover");
    if (box) { box.classList.add("failed"); }
  }
  document.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target.tagName === "IMG" && target.closest(".cover")) { fail(target); }
  }, true);
  /* Images that failed before this script ran (a lazy image not yet fetched is not "complete"). */
  document.querySelectorAll(".cover img").forEach(function (img) {
    if (img.complete && img.naturalWidth === 0 && img.getAttribute("src")) { fail(img); }
  });
})();
/* Browse filters: a closed "Filters (n)" drawer on phones and tablets, open beside the
   results on wide screens (the page is a shared cached fragment, so the choice is made here). */
(function () {
  "use strict";
  var drawer = document.querySelector("details[data-filters]");
  if (drawer && window.matchMedia("(min-width: 900px)").matches && !document.documentElement.dataset.tv) {
    drawer.open = true;
  }
})();
