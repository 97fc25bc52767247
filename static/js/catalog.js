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
