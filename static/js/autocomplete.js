/* Search-box autocomplete: an ARIA 1.2 combobox with a listbox popup.
   Debounced fetches of GET <data-autocomplete>?q= (at most 8 suggestions), stale answers
   ignored; ↑/↓ move, Enter opens the highlighted release (or submits the search), Esc closes.
   Titles are inserted as text, never as HTML. Without JS the form is a plain GET search. */
(function () {
  "use strict";
  var DELAY = 150;

  function setup(form) {
    var input = form.querySelector("input[role=combobox]");
    var list = form.querySelector("[role=listbox]");
    var url = form.getAttribute("data-autocomplete");
    if (!input || !list || !url) { return; }
    var timer = null, controller = null, serial = 0, items = [], active = -1;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({block: "nearest"});
    }

    function open(id) { window.location.href = "/releases/" + encodeURIComponent(id); }

    function render(found) {
      items = found;
      list.textContent = "";
      active = -1;
      if (!found.length) { close(); return; }
      found.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = list.id + "-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.releaseId = item.id;
        var cover = document.createElement("span");
        cover.className = "cover";
        /* display_title: the title in the member's title language (account page) */
        var shown = item.display_title || item.title || "?";
        cover.setAttribute("data-initial", shown.charAt(0));
        var img = document.createElement("img");  /* always our own copy or tile, never another host */
        img.alt = "";
        img.loading = "lazy";
        img.src = "/posters/" + encodeURIComponent(item.id);
        img.addEventListener("error", function () { cover.classList.add("failed"); });
        cover.appendChild(img);
        var text = document.createElement("span");
        var title = document.createElement("span");
        title.className = "s-title";
        title.textContent = shown;
        var sub = document.createElement("span");
        sub.className = "s-sub";
        var other = shown !== item.title ? item.title : (item.title_orig || item.title_en);
        sub.textContent = [other, item.year].filter(Boolean).join(" · ");
        text.appendChild(title);
        text.appendChild(sub);
        li.appendChild(cover);
        li.appendChild(text);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { open(item.id); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (!q) { render([]); return; }
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      var mine = ++serial;
      fetch(url + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin", headers: {"Accept": "application/json"},
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        return response.ok ? response.json() : {items: []};
      }).then(function (data) {
        if (mine === serial && document.activeElement === input) { render(data.items || []); }
      }).catch(function () { /* aborted or offline: keep the form usable */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      var isOpen = !list.hidden && items.length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (isOpen) { highlight(active + 1); } else { fetchSuggestions(); }
      } else if (event.key === "ArrowUp") {
        if (isOpen) { event.preventDefault(); highlight(active - 1); }
      } else if (event.key === "Enter") {
        if (isOpen && active >= 0) { event.preventDefault(); open(items[active].id); }
      } else if (event.key === "Escape") {
        if (isOpen) { event.preventDefault(); close(); } else { input.value = ""; }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  document.querySelectorAll("form[data-autocomplete]").forEach(setup);
})();
