/* The player page: listen to Kodik's player events and save the member's progress.
 *
 * Only messages from the player iframe itself are accepted: event.source must be the
 * iframe's window AND event.origin the origin of its src (set by the server in
 * data-origin). Progress goes to PUT /api/v1/progress at most every 15 s while playing,
 * and at once on pause, end, the 90 % mark, an episode switch and when the page is hidden
 * (fetch with keepalive, which, unlike sendBeacon, carries the CSRF header).
 *
 * Honest failures: when the player has not said a word within data-load-timeout seconds,
 * an overlay offers a retry, other translations and Kodik's own page (it goes away as soon
 * as the player speaks); when a save fails, a notice says so (signed out, too many requests,
 * or offline) until a later save succeeds. Every text comes translated in data-msg-*.
 */
(function () {
  "use strict";
  var root = document.getElementById("player");
  var iframe = document.getElementById("kodik-player");
  if (!root || !iframe || !window.AniHome) { return; }

  var SAVE_EVERY_MS = 15000;
  var WATCHED_RATIO = 0.9;
  var origin = root.dataset.origin;
  var teams = {};
  try { teams = JSON.parse(root.dataset.teams || "{}"); } catch (e) { teams = {}; }
  var status = document.getElementById("player-status");
  var offer = document.getElementById("next-offer");

  var state = {
    translationId: Number(root.dataset.translationId),
    season: Number(root.dataset.season),
    episode: Number(root.dataset.episode),
    episodeId: root.dataset.episodeId ? Number(root.dataset.episodeId) : null,
    movie: root.dataset.movie === "1",
    position: Number(root.dataset.startFrom) || 0,
    duration: root.dataset.duration ? Number(root.dataset.duration) : null,
    watched: root.dataset.watched === "1",
    reachedEnd: false,
    lastSaveAt: Date.now(),
    savedPosition: null,
    heard: false  /* the player has reported a position: until then there is nothing to save */
  };
  if (state.position > 0) { state.savedPosition = Math.round(state.position); }

  function say(text) { if (status) { status.textContent = text; } }

  /* --- the player did not load --------------------------------------------------------- */
  var overlay = document.getElementById("player-overlay");
  var loadTimeout = (Number(root.dataset.loadTimeout) || 10) * 1000;
  var spoke = false, loadTimer = null;

  function waitForPlayer() {
    clearTimeout(loadTimer);
    loadTimer = setTimeout(function () {
      if (!spoke && overlay) { overlay.hidden = false; root.dataset.overlay = "shown"; }
    }, loadTimeout);
  }

  function playerSpoke() {
    if (spoke) { return; }
    spoke = true;
    clearTimeout(loadTimer);
    if (overlay) { overlay.hidden = true; }
    root.dataset.overlay = "";
  }

  if (overlay) {
    overlay.querySelector("[data-player-retry]").addEventListener("click", function () {
      overlay.hidden = true;
      root.dataset.overlay = "";
      var src = iframe.src;
      iframe.src = "about:blank";
      iframe.src = src;
      waitForPlayer();
    });
    overlay.querySelector("[data-player-dismiss]").addEventListener("click", function () {
      overlay.hidden = true;
      root.dataset.overlay = "dismissed";
    });
  }
  waitForPlayer();

  /* --- saves that fail ----------------------------------------------------------------- */
  var problem = document.getElementById("save-problem");
  function saveProblem(kind) {
    if (!problem) { return; }
    if (kind) {
      problem.textContent = root.dataset["msg" + kind] || root.dataset.msgFailed;
      problem.hidden = false;
      root.dataset.saveProblem = kind;
    } else if (!problem.hidden) {
      problem.textContent = root.dataset.msgSavedAgain;
      root.dataset.saveProblem = "";
      setTimeout(function () { if (!root.dataset.saveProblem) { problem.hidden = true; } }, 4000);
    }
  }

  function payload(extra) {
    var body = {position: Math.max(0, Math.round(state.position)), duration: state.duration || null};
    if (state.episodeId) {
      body.episode_id = state.episodeId;
    } else {
      body.translation_id = state.translationId;
      body.season = state.season;
      body.episode = state.episode;
    }
    if (extra) { Object.keys(extra).forEach(function (k) { body[k] = extra[k]; }); }
    return body;
  }

  function save(reason, extra, keepalive) {
    if (!extra && state.savedPosition === Math.round(state.position)) { return; }
    state.lastSaveAt = Date.now();
    state.savedPosition = Math.round(state.position);
    var request = window.AniHome.api("/api/v1/progress", {method: "PUT", json: payload(extra), keepalive: !!keepalive});
    request.then(function (response) {
      if (!response.ok) {
        state.savedPosition = null;  /* the next tick tries again */
        saveProblem(response.status === 401 || response.status === 403 ? "SignedOut"
                    : response.status === 429 ? "Busy" : "Failed");
        return null;
      }
      return response.json();
    }).then(function (data) {
      if (!data) { return; }
      saveProblem(null);
      root.dataset.lastSaved = String(data.progress.position);
      if (data.progress.watched) { markWatched(); }
    }).catch(function () {
      /* offline (or the page is closing: then nobody sees it and the next visit catches up) */
      state.savedPosition = null;
      if (!keepalive) { saveProblem("Failed"); }
    });
  }

  function markWatched() {
    if (!state.watched) { state.watched = true; }
    if (offer && offer.hidden) {
      offer.hidden = false;
      root.dataset.watched = "1";
    }
  }

  function checkEnd() {
    if (!state.reachedEnd && state.duration && state.position >= WATCHED_RATIO * state.duration) {
      state.reachedEnd = true;
      markWatched();
      save("watched", null, false);
    }
  }

  function switchEpisode(value) {
    if (!value || state.movie || value.episode == null) { return; }
    var season = value.season == null ? state.season : Number(value.season);
    var episode = Number(value.episode);
    var translationId = state.translationId;
    if (value.translation && teams[String(value.translation.id)]) {
      translationId = teams[String(value.translation.id)];
    }
    if (season === state.season && episode === state.episode && translationId === state.translationId) { return; }
    if (state.heard && state.position > 0) { save("switch", null, false); }
    state.season = season; state.episode = episode; state.translationId = translationId;
    state.episodeId = null; state.position = 0; state.duration = null;
    state.watched = false; state.reachedEnd = false; state.savedPosition = null; state.heard = false;
    root.dataset.season = String(season); root.dataset.episode = String(episode);
    root.dataset.translationId = String(translationId);
  }

  function number(value) {
    var n = typeof value === "number" ? value : (value && typeof value.time === "number" ? value.time : NaN);
    return isFinite(n) && n >= 0 ? n : null;
  }

  window.addEventListener("message", function (event) {
    if (event.source !== iframe.contentWindow || event.origin !== origin) { return; }
    var data = event.data;
    if (typeof data === "string") {
      try { data = JSON.parse(data); } catch (e) { return; }
    }
    if (!data || typeof data.key !== "string") { return; }
    playerSpoke();
    var t;
    switch (data.key) {
      case "kodik_player_time_update":
      case "kodik_player_time":
      case "kodik_player_seek":
        t = number(data.value);
        if (t === null) { return; }
        state.position = t;
        state.heard = true;
        checkEnd();
        if (Date.now() - state.lastSaveAt >= SAVE_EVERY_MS) { save("tick"); }
        break;
      case "kodik_player_duration_update":
        t = number(data.value);
        if (t) { state.duration = t; checkEnd(); }
        break;
      case "kodik_player_current_episode":
        switchEpisode(data.value);
        break;
      case "kodik_player_pause":
        if (state.heard) { save("pause"); }
        break;
      case "kodik_player_video_ended":
        state.reachedEnd = true;
        markWatched();
        save("ended", {watched: true});
        break;
      default:
        break;
    }
  });

  function flush() { if (state.heard && state.position > 0) { save("hide", null, true); } }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flush(); }
  });
  root.dataset.ready = "1";
})();
