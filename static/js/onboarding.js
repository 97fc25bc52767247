// The favourites picker: a live "n picked" count (the form works without it; the server checks
// the count). Every text comes translated in the form's data-msg-*.
(function () {
  "use strict";
  var form = document.getElementById("welcome-form");
  var out = document.getElementById("ob-count");
  if (!form || !out) return;
  var low = Number(form.dataset.low), high = Number(form.dataset.high);
  function update() {
    var n = form.querySelectorAll("input[name=picks]:checked").length;
    var message = n < low ? form.dataset.msgFew : n > high ? form.dataset.msgMany : form.dataset.msgReady;
    out.textContent = message.replace("{n}", String(n));
  }
  form.addEventListener("change", update);
  update();
})();
