/* TV mode (10-foot): arrow keys (a remote's D-pad) move the focus to the nearest control in
   that direction, across shelves and grids; Enter follows it as usual. Text fields, selects
   and the player keep their own arrow keys. Loaded only while TV mode is on. */
(function () {
  "use strict";
  var SELECTOR = 'a[href], button:not([disabled]), input:not([type="hidden"]):not([disabled]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  var KEEP = /^(INPUT|SELECT|TEXTAREA|IFRAME)$/;
  var DIRS = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]};

  function visible(el) {
    var box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
  }
  function centre(box) { return [box.left + box.width / 2, box.top + box.height / 2]; }

  /* The nearest control in direction dir: controls in the same row (or column) first, so
     Right walks along a shelf and never jumps into the sticky header. */
  function next(from, dir) {
    var a = from.getBoundingClientRect(), c = centre(a), best = null, bestScore = Infinity;
    var inHeader = !!from.closest(".topbar");
    document.querySelectorAll(SELECTOR).forEach(function (el) {
      if (el === from || el.contains(from) || !visible(el)) { return; }
      if (!inHeader && dir[1] >= 0 && el.closest(".topbar")) { return; }
      /* Up and Down go from card to card; a card's quick buttons are reached from the card itself. */
      var quick = el.closest(".rcard-quick");
      if (dir[1] !== 0 && quick && !quick.closest(".rcard").contains(from)) { return; }
      var b = el.getBoundingClientRect(), d = centre(b);
      var along = (d[0] - c[0]) * dir[0] + (d[1] - c[1]) * dir[1];
      if (along <= 4) { return; }
      var overlap = dir[0] ? Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)
                           : Math.min(a.right, b.right) - Math.max(a.left, b.left);
      var across = Math.abs((d[0] - c[0]) * dir[1] + (d[1] - c[1]) * dir[0]);
      var score = (overlap > 0 ? 0 : 100000) + along + 2 * across;
      if (score < bestScore) { bestScore = score; best = el; }
    });
    return best;
  }

  document.addEventListener("keydown", function (event) {
    var dir = DIRS[event.key];
    if (!dir || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var active = document.activeElement;
    if (active && KEEP.test(active.tagName) && active.type !== "checkbox" && active.type !== "radio") { return; }
    if (!active || active === document.body) {
      var first = document.querySelector("#main " + SELECTOR.split(",")[0]);
      if (first) { first.focus(); event.preventDefault(); }
      return;
    }
    var target = next(active, dir);
    if (target) {
      event.preventDefault();
      target.focus({preventScroll: true});
      target.scrollIntoView({block: "nearest", inline: "nearest", behavior: "auto"});
    }
  });
})();
