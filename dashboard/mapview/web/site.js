/* The static site's page (python -m dashboard export --format site): a date slider, play and
 * pause, the detail of a clicked unit and the address (#date=…&unit=…), around the dashboard's
 * own map module (naqsha.js). Python wrote everything this page shows: the dates, each unit's
 * style and detail by date (tracks looked up as the dashboard's map does) and the events to
 * draw on each date. Data text is inserted with textContent only; only http(s) becomes a link.
 * Entry point: NaqshaSite.start(), run once the page has loaded. */
(function () {
  "use strict";
  var N = window.Naqsha;
  var S = (window.NaqshaSite = { index: 0, selected: "", playing: null });

  function byId(id) {
    return document.getElementById(id);
  }

  function stateAt(i) {
    var day = S.cfg.dates[i];
    var state = N.trackState(S.track, day);
    state.selected = S.selected;
    state.highlight = [];
    state.events = S.events[i];
    return state;
  }

  function show(i) {
    S.index = Math.max(0, Math.min(S.cfg.dates.length - 1, i));
    var day = S.cfg.dates[S.index];
    var slider = byId("naqsha-slider");
    slider.value = String(S.index);
    slider.setAttribute("aria-valuetext", day);
    byId("naqsha-date").textContent = day;
    N.update(stateAt(S.index));
    showDetail(day);
    writeAddress(day);
  }

  function line(parent, text, cls) {
    if (text) parent.appendChild(N.el("p", text, cls));
  }

  function showDetail(day) {
    var box = byId("naqsha-detail");
    box.textContent = "";
    var unit = S.selected && S.details.units[S.selected];
    box.hidden = !unit;
    if (!unit) return;
    var heading = N.el("h2", unit[0]);
    if (unit[1]) {
      var second = N.el("span", " " + unit[1]);
      second.setAttribute("dir", "auto");
      heading.appendChild(second);
    }
    box.appendChild(heading);
    line(box, unit[2]);
    var row = N.named("detail", S.details.rows[N.valueOn(S.details.tracks[S.selected], day)]);
    line(box, row.status + (row.since ? " since " + row.since : "") + (row.confidence ? " (" + row.confidence + " confidence)" : ""), "naqsha-detail-status");
    line(box, row.caveat, "naqsha-tip-note");
    var source = N.el("p", "Source: ");
    var url = N.safeUrl(row.url);
    if (url) {
      var a = N.el("a", row.source || url);
      a.href = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      source.appendChild(a);
    } else {
      source.appendChild(N.el("span", row.source || row.url || "none recorded"));
    }
    box.appendChild(source);
    var close = N.el("button", "Close", "naqsha-detail-close");
    close.type = "button";
    close.addEventListener("click", function () { select(""); });
    box.appendChild(close);
  }

  function select(code) {
    S.selected = code;
    show(S.index);
  }

  function writeAddress(day) {
    var address = "#date=" + day + (S.selected ? "&unit=" + S.selected : "");
    if (window.location.hash === address) return;
    try {
      window.history.replaceState(null, "", address);
    } catch (e) {
      window.location.replace(address);
    }
  }

  function readAddress() {
    // A date outside the data or an unknown unit is not followed, and the page says so.
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    var notes = [];
    var index = S.cfg.dates.indexOf(S.cfg.start);
    var day = params.get("date");
    if (day !== null) {
      var at = S.cfg.dates.indexOf(day);
      if (at >= 0) index = at;
      else notes.push("The link's date is not in the data (" + S.cfg.dates[0] + " to " + S.cfg.dates[S.cfg.dates.length - 1] + "); showing " + S.cfg.dates[index] + ".");
    }
    var code = (params.get("unit") || S.cfg.selected || "").toUpperCase();
    if (code && S.details.units[code]) S.selected = code;
    else if (code) notes.push("The link's unit is not in the data; no unit is selected.");
    byId("naqsha-notice").textContent = notes.join(" ");
    return index;
  }

  function togglePlay() {
    var button = byId("naqsha-play");
    if (S.playing) {
      window.clearInterval(S.playing);
      S.playing = null;
      button.textContent = "▶ Play";
      return;
    }
    if (S.index >= S.cfg.dates.length - 1) show(0);
    button.textContent = "❚❚ Pause";
    S.playing = window.setInterval(function () {
      if (S.index >= S.cfg.dates.length - 1) togglePlay();
      else show(S.index + 1);
    }, 1000 / S.cfg.daysPerSecond);
  }

  S.start = function () {
    S.cfg = JSON.parse(byId("naqsha-site").textContent);
    var map = L.map("naqsha-map", { zoomSnap: 0.25, zoomDelta: 0.5 });
    map.fitBounds(S.cfg.bounds);
    L.control.scale().addTo(map);
    N.onUnitClick = select;
    Promise.all([N.load(S.cfg.trackUrl), N.load(S.cfg.detailsUrl), N.load(S.cfg.eventsUrl)]).then(function (parts) {
      S.track = parts[0];
      S.details = parts[1];
      S.events = parts[2];
      var slider = byId("naqsha-slider");
      slider.max = String(S.cfg.dates.length - 1);
      slider.addEventListener("input", function () { show(Number(slider.value)); });
      byId("naqsha-play").addEventListener("click", togglePlay);
      var index = readAddress();
      N.init(map, S.cfg.options);
      show(index);
    });
  };
})();
