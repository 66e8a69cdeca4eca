/* Naqsha map layer: geometry is fetched once; each date only restyles it.
 * Inside the dashboard the map also follows the date slider by itself: it restyles from the
 * style track (every unit's style by date) as soon as the slider moves, and the server's step,
 * which carries the same styles plus the events, confirms it a round trip later. What it reads
 * from and writes to the page around it (Streamlit's) goes through host.js.
 * Every string that comes from data is inserted with textContent, never as HTML,
 * and only http(s) addresses become links. */
(function () {
  "use strict";
  var N = (window.Naqsha = window.Naqsha || {});
  var HIDDEN = { stroke: false, fill: false };
  // From draw.js and load.js, loaded before this file.
  var el = N.el;
  var getJson = N.load;
  function tooltip(layer) {
    var p = layer.feature.properties;
    var st = styleOf(p) || { status: "unknown" };
    var box = el("div", null, "naqsha-tip");
    var title = el("strong", p.name_en);
    box.appendChild(title);
    if (p.name_fa) {
      box.appendChild(document.createTextNode(" "));
      // The second name's language and direction are the data package's (Dari, rtl, here).
      var fa = el("span", p.name_fa);
      fa.setAttribute("dir", N.opts.secondName.direction);
      fa.setAttribute("lang", N.opts.secondName.language);
      box.appendChild(fa);
    }
    var label = (N.opts.styles[st.status] || { label: st.status }).label;
    box.appendChild(el("div", label + (st.since ? " since " + st.since : "") + (st.confidence ? " (" + st.confidence + " confidence)" : "")));
    if (st.note) box.appendChild(el("div", st.note, "naqsha-tip-note"));
    if (p.schematic) box.appendChild(el("div", "Schematic shape, not a surveyed boundary", "naqsha-tip-note"));
    return box;
  }

  function name(layer, st) {
    // What a screen reader says for the shape: "Panjshir, Partial since 2021-09-01".
    var p = layer.feature.properties;
    var label = p.name_en;
    if (st) label += ", " + N.opts.styles[st.status].label + (st.since ? " since " + st.since : "");
    if (layer.naqshaName !== label) {
      layer.naqshaName = label;
      layer.getElement().setAttribute("aria-label", label);
    }
  }

  function reachable(layer, shape) {
    // Provinces are Tab stops (their districts follow from the detail, or from a second Enter
    // inside the province, as with the mouse); Enter or Space selects, as a click does.
    var p = layer.feature.properties;
    shape.setAttribute("role", "button");
    shape.setAttribute("tabindex", p.level === "province" ? "0" : "-1");
    shape.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" && e.key !== " ") return;
      e.preventDefault();
      select(p);
    });
    if (NO_HOVER) tappable(shape, p);
  }

  function select(p) {
    // A click at a point inside the shape: streamlit-folium reports it to the app.
    var at = L.latLng(p.label[0], p.label[1]);
    N.map.fire("click", { latlng: at, layerPoint: N.map.latLngToLayerPoint(at), containerPoint: N.map.latLngToContainerPoint(at) });
    if (N.onUnitClick) N.onUnitClick(p.unit);
  }

  function tappable(shape, p) {
    // A tap selects the shape under the finger. The click a browser makes of a tap is
    // cancelled: its position in a frame is not always where the finger was, and a second
    // click inside the selection would go on to a district.
    var start = null;
    shape.addEventListener("touchstart", function (e) {
      var t = e.touches[0];
      start = e.touches.length === 1 ? [t.clientX, t.clientY] : null;
    }, { passive: true });
    shape.addEventListener("touchend", function (e) {
      var t = e.changedTouches[0];
      if (!start || Math.abs(t.clientX - start[0]) + Math.abs(t.clientY - start[1]) > 10) return;
      e.preventDefault();
      select(p);
    });
  }

  // A phone has no hover: a tap would open a tooltip that nothing closes. There the selected
  // unit's box (selectionBox) says the same, with a way to its detail.
  var NO_HOVER = window.matchMedia && window.matchMedia("(hover: none)").matches;

  function bind(feature, layer) {
    if (!NO_HOVER) layer.bindTooltip(tooltip, { sticky: true });
    // The dashboard learns of clicks from streamlit-folium; a page of its own (the static site)
    // sets Naqsha.onUnitClick.
    layer.on("click", function () {
      if (N.onUnitClick) N.onUnitClick(feature.properties.unit);
    });
  }

  function styleOf(props) {
    // The payload lists distinct styles once; u[i] picks one for the unit at position i.
    var row = N.shown && N.shown.styles[N.shown.u[props.i]];
    return row ? N.named("style", row) : null;
  }

  function styleFor(props, st) {
    // st: the unit's style row (styleOf), when the caller has it already.
    var code = props.unit;
    var level = props.level;
    if (st === undefined) st = styleOf(props);
    var selected = N.shown && N.shown.selected === code;
    var highlighted = N.shown && N.shown.highlight.indexOf(code) >= 0;
    var c = N.opts.colours;
    var edge = selected ? { color: c.selected, weight: 4 } : highlighted ? { color: c.highlight, weight: 4 } : null;
    if (props.outline) {
      // Its districts are drawn filled beneath; the province is a thicker outline above them.
      return Object.assign({ stroke: true, fill: false, color: c.outline, weight: 2, opacity: 0.9 }, edge || {});
    }
    // Before the first state arrives: provinces as "no record", districts not yet drawn.
    if (!st) return level === "province" ? { fillColor: N.opts.styles.unknown.colour, fillOpacity: 0.7, color: c.border, weight: 1 } : HIDDEN;
    return Object.assign({
      stroke: true,
      fill: true,
      fillColor: st.fill,
      fillOpacity: st.opacity,
      color: c.border,
      weight: level === "district" ? 0.6 : 1,
      dashArray: props.schematic ? "4 3" : null,
    }, edge || {});
  }

  function restyle() {
    if (!N.layers || !N.shown) return;
    var selection = null;
    N.layers.forEach(function (layer) {
      var p = layer.feature.properties;
      var st = styleOf(p);
      var style = styleFor(p, st);
      // Touch the SVG only where the style changed: most units keep theirs from one day to the next.
      var signature = JSON.stringify(style);
      if (layer.naqshaStyle !== signature) {
        layer.naqshaStyle = signature;
        layer.setStyle(style);
        // A hidden district, or a province drawn as an outline, must not catch the pointer
        // meant for what lies beneath.
        layer.getElement().style.pointerEvents = style === HIDDEN ? "none" : "";
      }
      if (N.shown.selected === p.unit) selection = layer;
      if (layer.getTooltip() && layer.isTooltipOpen()) layer.setTooltipContent(tooltip(layer));
      name(layer, st);
    });
    // Province outlines above the districts, and the selection above all.
    N.provinceLayer.bringToFront();
    if (selection) selection.bringToFront();
    if (NO_HOVER) showSelection(selection);
    zoomToSelection(selection);
  }

  function showSelection(layer) {
    // The selected unit named at the top of the map, with a button down to its detail.
    if (!N.selectionBox) {
      N.selectionBox = L.control({ position: "topright" });
      N.selectionBox.onAdd = function () {
        var box = el("div", null, "naqsha-selection");
        L.DomEvent.disableClickPropagation(box);
        return box;
      };
      N.selectionBox.addTo(N.map);
    }
    var box = N.selectionBox.getContainer();
    box.replaceChildren();
    box.hidden = !layer;
    if (!layer) return;
    box.appendChild(tooltip(layer));
    if (N.state && N.state.detail) {
      // Named "Detail"; the arrow, which a screen reader would read out, is for the eye.
      var more = el("button", "Detail", "naqsha-more");
      more.type = "button";
      more.appendChild(N.forTheEye(" ↓"));
      more.addEventListener("click", function (e) { e.stopPropagation(); N.host.showDetail(); });
      box.appendChild(more);
    }
  }

  function zoomToSelection(layer) {
    // Fit the map to a newly selected unit (a click, the picker or ?unit= in a shared link),
    // once per selection, so that panning afterwards is left alone.
    var code = N.shown.selected || "";
    if (code === N.zoomedTo) return;
    N.zoomedTo = code;
    var view = N.sharedView;
    N.sharedView = null;
    if (view) {
      // A link that carries its view (&view=lat,lon,zoom) shows exactly that view.
      settled(function () { N.map.setView([view[0], view[1]], view[2], { animate: false }); });
    } else if (layer) {
      settled(function () { N.map.fitBounds(layer.getBounds(), { maxZoom: N.opts.selectMaxZoom, padding: [12, 12], animate: false }); });
    }
  }

  function settled(move) {
    // A view set during Leaflet's zoom animation (the first framing) would be undone as it ends.
    if (N.map._animatingZoom) N.map.once("zoomend", move);
    else move();
  }

  function label(latlng, text, cls) {
    // A marker with a div icon, not a permanent tooltip: a tooltip measures itself (a layout
    // per label), which cost about 0.2 s of the first map; this one is only translated.
    var icon = L.divIcon({ className: "naqsha-label " + cls, html: el("span", text), iconSize: null });
    return L.marker(latlng, { icon: icon, interactive: false, keyboard: false });
  }

  function labelLayer(features, level) {
    var group = L.layerGroup();
    features.forEach(function (f) {
      var p = f.properties;
      if (p.level === level) group.addLayer(label(p.label, p.name_en, "naqsha-label-" + level));
    });
    return group;
  }

  function capitalLayer(features) {
    var group = L.layerGroup();
    features.forEach(function (f) {
      var c = f.properties.capital;
      if (!c) return;
      group.addLayer(L.circleMarker([c[0], c[1]], { radius: 3, color: N.opts.colours.capital, weight: 1, fillColor: N.opts.colours.capital_fill, fillOpacity: 1, interactive: false }));
      group.addLayer(label([c[0], c[1]], c[2], "naqsha-label-capital"));
    });
    return group;
  }

  function showLabels() {
    // Python decides the zoom from which district names replace province names.
    var districtsShown = N.map.getZoom() >= N.opts.districtLabelZoom;
    [[N.labels.province, !districtsShown], [N.labels.district, districtsShown]].forEach(function (pair) {
      if (pair[1] && !N.map.hasLayer(pair[0])) N.map.addLayer(pair[0]);
      if (!pair[1] && N.map.hasLayer(pair[0])) N.map.removeLayer(pair[0]);
    });
  }
  function shownRows(ev) {
    // Inline rows (the standalone export), or positions into static chunks (the live map).
    if (ev.rows) return Promise.resolve(ev.rows);
    var numbers = Object.keys(ev.chunks);
    return Promise.all(numbers.map(function (n) { return getJson(ev.chunks[n]); })).then(function (parts) {
      var byNumber = {};
      numbers.forEach(function (n, i) { byNumber[n] = parts[i]; });
      var rows = [];
      ev.show.forEach(function (range) {
        for (var i = range[0]; i < range[1]; i++) {
          var row = byNumber[Math.floor(i / ev.size)][i % ev.size];
          if (row) rows.push(row);
        }
      });
      return rows;
    });
  }

  function redrawEvents() {
    var ev = N.state && N.state.events;
    if (!ev || !N.eventLayer || ev.key === N.eventsKey) return;
    N.eventsKey = ev.key;
    shownRows(ev).then(function (rows) {
      if (N.eventsKey !== ev.key) return; // a later date arrived while the chunks loaded
      N.eventLayer.clearLayers();
      N.aggregateLayer.clearLayers();
      if (ev.mode === "markers") N.eventLayer.addLayers(rows.map(N.eventMarker));
      else rows.forEach(function (row) { N.aggregateLayer.addLayer(N.aggregateMarker(row)); });
      document.body.setAttribute("data-naqsha-events", ev.key);
    });
  }

  function markPainted() {
    var shown = N.shown ? N.shown.date : "";
    var confirmed = N.state ? N.state.date : "";
    document.body.setAttribute("data-naqsha-selected", (N.state && N.state.selected) || "");
    // Set after the next frame, so that tests and benchmarks can wait for the repaint:
    // data-naqsha-date is the date the map shows, data-naqsha-state the server's last step.
    window.requestAnimationFrame(function () {
      document.body.setAttribute("data-naqsha-date", shown);
      document.body.setAttribute("data-naqsha-state", confirmed);
    });
  }

  function valueOn(pairs, day) {
    // pairs: [[date, value], ...] by date, the first dated "" (before any record).
    var value = pairs[0][1];
    for (var j = 1; j < pairs.length && pairs[j][0] <= day; j++) value = pairs[j][1];
    return value;
  }

  N.trackState = function (track, day) {
    // Every unit's style index on `day` from the style track, as the server computes it
    // (a test checks every day of the data).
    return { date: day, styles: track.styles, u: track.tracks.map(function (pairs) { return valueOn(pairs, day); }) };
  };
  N.valueOn = valueOn;

  function predicted(day) {
    // The selection, highlight and events stay those of the server's last step.
    var state = N.trackState(N.track, day);
    state.selected = N.state.selected;
    state.highlight = N.state.highlight;
    state.events = N.state.events;
    return state;
  }

  function apply() {
    var day = N.host.sliderDate();
    N.shown = N.state && N.track && N.codes && day && day !== N.state.date ? predicted(day) : N.state;
    restyle();
    redrawEvents();
    N.host.shareAddress(N.state, N.layers ? N.map : null);
    if (N.layers) markPainted();
  }

  N.init = function (map, opts) {
    N.state = null;
    N.sharedView = opts.view || null;
    map.on("moveend", function () { N.host.shareAddress(N.state, N.layers ? N.map : null); });
    N.shown = null;
    N.track = null;
    if (opts.trackUrl) getJson(opts.trackUrl).then(function (track) { N.track = track; });
    N.host.attach(map, opts);
    N.host.followSlider(opts.follow, function (day) {
      if (N.shown && day !== N.shown.date) apply();
    });
    if (opts.optionsUrl) {
      // The options (styles, legend) live in a static file so that reruns need not resend them;
      // the geometry's addresses come along so that all the downloads start at once.
      // (prefetch.js, loaded before Leaflet, has usually started them already.)
      [opts.geometryUrl, opts.contextUrl].forEach(function (url) { if (url) getJson(url); });
      getJson(opts.optionsUrl).then(function (full) { start(map, full); });
    } else {
      start(map, opts);
    }
  };

  function start(map, opts) {
    // Naqsha.update may already have stored a state while the options were being fetched.
    N.map = map;
    N.opts = opts;
    N.nameMap(map);
    N.selectionBox = null;
    N.layers = null;
    N.codes = null;
    N.eventsKey = null;
    // Without a tile layer Leaflet has no maximum zoom, and the cluster plugin needs one.
    map.setMinZoom(opts.minZoom);
    map.setMaxZoom(opts.maxZoom);
    var renderer = L.svg({ padding: 0.5 });
    if (opts.contextUrl) {
      getJson(opts.contextUrl).then(function (gj) {
        map.getContainer().style.background = opts.colours.context_fill; // beyond the clipped countries
        L.geoJSON(gj, { interactive: false, renderer: renderer, style: { color: opts.colours.context_line, weight: 1, fillColor: opts.colours.context_fill, fillOpacity: 1 } }).addTo(map).bringToBack();
      });
    }
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () { return N.legendBox(opts.legend, map.getSize().x); };
    legend.addTo(map);
    N.keepTooltipsInView(map, legend.getContainer());
    if (map.attributionControl && opts.attribution) map.attributionControl.addAttribution(opts.attribution);
    N.eventLayer = L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 40 });
    N.aggregateLayer = L.layerGroup();
    getJson(opts.geometryUrl).then(function (gj) {
      var make = function (level) {
        return L.geoJSON({ type: "FeatureCollection", features: gj.features.filter(function (f) { return f.properties.level === level; }) },
          { renderer: renderer, style: function (f) { return styleFor(f.properties); }, onEachFeature: bind }).addTo(map);
      };
      var provinces = make("province");
      var districts = make("district");
      N.provinceLayer = provinces;
      N.labels = { province: labelLayer(gj.features, "province"), district: labelLayer(gj.features, "district") };
      capitalLayer(gj.features).addTo(map);
      map.on("zoomend", showLabels);
      showLabels();
      N.addPatterns(renderer._container, opts.styles);
      N.layers = [];
      N.codes = [];
      [provinces, districts].forEach(function (group) {
        group.eachLayer(function (layer) {
          var p = layer.feature.properties;
          var shape = layer.getElement();
          shape.classList.add("naqsha-unit", "naqsha-" + p.level, "naqsha-u-" + p.unit);
          reachable(layer, shape);
          N.layers.push(layer);
          N.codes[p.i] = p.unit;
        });
      });
      map.addLayer(N.aggregateLayer);
      map.addLayer(N.eventLayer);
      apply();
    });
  }

  N.update = function (state) {
    N.host.releaseSteps();
    N.state = state;
    apply();
  };
})();
