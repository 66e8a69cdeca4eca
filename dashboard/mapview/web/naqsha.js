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
  var SVG = "http://www.w3.org/2000/svg";
  var HIDDEN = { stroke: false, fill: false };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function safeUrl(u) {
    return typeof u === "string" && /^https?:\/\/[^\s]/i.test(u.trim()) ? u.trim() : null;
  }
  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function pattern(id, colour, kind) {
    // kind: "hatch", "cross" or "low", whose stripe widths come from Python (PATTERNS).
    var spec = N.opts.patterns[kind];
    var p = svgEl("pattern", { id: id, patternUnits: "userSpaceOnUse", width: 8, height: 8, patternTransform: "rotate(45)" });
    p.appendChild(svgEl("rect", { width: 8, height: 8, fill: N.opts.colours.stripe_ground }));
    p.appendChild(svgEl("rect", { width: spec.stripe, height: 8, fill: colour }));
    if (spec.cross) p.appendChild(svgEl("rect", { width: 8, height: spec.stripe, fill: colour }));
    return p;
  }
  function addPatterns(svg, styles) {
    var defs = svgEl("defs", {});
    Object.keys(styles).forEach(function (status) {
      var s = styles[status];
      defs.appendChild(pattern("naqsha-low-" + status, s.colour, "low"));
      if (s.pattern !== "solid") defs.appendChild(pattern("naqsha-" + status, s.colour, s.pattern));
    });
    svg.insertBefore(defs, svg.firstChild);
  }

  function swatch(row, id) {
    // The same pattern spec as the map's fills: "hatch", "cross" and "low" stripes over the colour.
    var svg = svgEl("svg", { width: 18, height: 12, "aria-hidden": "true" });
    if (row.pattern === "outline") {
      svg.appendChild(svgEl("rect", { x: 1, y: 1, width: 16, height: 10, fill: "none", stroke: row.colour, "stroke-dasharray": "4 3" }));
      return svg;
    }
    var fill = row.colour;
    if (row.pattern === "faded") {
      svg.appendChild(svgEl("rect", { width: 18, height: 12, fill: fill, "fill-opacity": row.opacity }));
      return svg;
    }
    if (row.pattern !== "solid") {
      var defs = svgEl("defs", {});
      defs.appendChild(pattern(id, row.colour, row.pattern));
      svg.appendChild(defs);
      fill = "url(#" + id + ")";
    }
    svg.appendChild(svgEl("rect", { width: 18, height: 12, fill: fill }));
    return svg;
  }
  function legendBox(spec) {
    var box = el("div", null, "naqsha-legend");
    // The title is a button that folds the legend away (and back), so it never has to hide
    // the part of the map a reader is looking at.
    var toggle = el("button", spec.title + " ▾", "naqsha-legend-toggle");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "true");
    var body = el("div", null, "naqsha-legend-body");
    toggle.addEventListener("click", function (e) {
      e.stopPropagation();
      var open = box.classList.toggle("naqsha-legend-folded") === false;
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = spec.title + (open ? " ▾" : " ▸");
    });
    L.DomEvent.disableClickPropagation(box);
    box.appendChild(toggle);
    box.appendChild(body);
    spec.rows.forEach(function (row, i) {
      var line = el("div");
      line.title = row.description;
      line.appendChild(swatch(row, "naqsha-legend-" + i));
      line.appendChild(document.createTextNode(row.label));
      body.appendChild(line);
    });
    body.appendChild(el("div", "Events:", "naqsha-legend-events-title"));
    var grid = el("div", null, "naqsha-legend-events");
    body.appendChild(grid);
    spec.events.forEach(function (ev, i) {
      // Each marker with its name, readable without hovering.
      var line = el("div", null, "naqsha-legend-event");
      line.title = ev.name;
      var icon = el("span", null, "naqsha-ev naqsha-ev-" + i);
      var letter = el("span", ev.letter);
      letter.style.background = ev.colour;
      icon.appendChild(letter);
      line.appendChild(icon);
      line.appendChild(document.createTextNode(ev.short || ev.name));
      grid.appendChild(line);
    });
    return box;
  }

  function tooltip(layer) {
    var p = layer.feature.properties;
    var st = styleOf(p) || ["unknown", "", "", "", ""];
    var box = el("div", null, "naqsha-tip");
    var title = el("strong", p.name_en);
    box.appendChild(title);
    if (p.name_fa) {
      var fa = el("span", " " + p.name_fa);
      fa.setAttribute("dir", "rtl");
      fa.setAttribute("lang", "fa");
      box.appendChild(fa);
    }
    var label = (N.opts.styles[st[0]] || { label: st[0] }).label;
    box.appendChild(el("div", label + (st[2] ? " since " + st[2] : "") + (st[3] ? " (" + st[3] + " confidence)" : "")));
    if (st[4]) box.appendChild(el("div", st[4], "naqsha-tip-note"));
    if (p.schematic) box.appendChild(el("div", "Schematic shape, not a surveyed boundary", "naqsha-tip-note"));
    return box;
  }

  function bind(feature, layer) {
    layer.bindTooltip(tooltip, { sticky: true });
    // The dashboard learns of clicks from streamlit-folium; a page of its own (the static site)
    // sets Naqsha.onUnitClick.
    layer.on("click", function () {
      if (N.onUnitClick) N.onUnitClick(feature.properties.unit);
    });
  }

  function styleOf(props) {
    // The payload lists distinct styles once; u[i] picks one for the unit at position i.
    return N.shown && N.shown.styles[N.shown.u[props.i]];
  }

  function styleFor(props) {
    var code = props.unit;
    var level = props.level;
    var st = styleOf(props);
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
      fillColor: st[1],
      fillOpacity: st[5],
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
      var style = styleFor(p);
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
      if (layer.isTooltipOpen()) layer.setTooltipContent(tooltip(layer));
    });
    // Province outlines above the districts, and the selection above all.
    N.provinceLayer.bringToFront();
    if (selection) selection.bringToFront();
    zoomToSelection(selection);
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

  function eventMarker(row) {
    // row: [lat, lon, typeIndex, date, type, location, notes, fatalities, url, source, precision]
    var shape = N.opts.events[row[2]] || { colour: N.opts.colours.other_event, letter: "?" };
    var icon = L.divIcon({
      className: "naqsha-ev naqsha-ev-" + row[2],
      html: "<span style=\"background:" + shape.colour + "\">" + shape.letter + "</span>",
      iconSize: [20, 20],
    });
    var marker = L.marker([row[0], row[1]], { icon: icon, title: String(row[4]) });
    marker.bindPopup(function () {
      var box = el("div", null, "naqsha-popup");
      box.appendChild(el("strong", row[3] + " · " + row[4]));
      if (row[5]) box.appendChild(el("div", row[5]));
      if (row[6]) {
        // The whole note, folded to a few lines with a button to unfold it: notes record the
        // differing tolls and claims, which a cut would hide.
        var notes = el("p", row[6], "naqsha-notes naqsha-notes-folded");
        box.appendChild(notes);
        var more = el("button", "Show all", "naqsha-more");
        more.type = "button";
        more.addEventListener("click", function () {
          var folded = notes.classList.toggle("naqsha-notes-folded");
          more.textContent = folded ? "Show all" : "Show less";
        });
        box.appendChild(more);
      }
      box.appendChild(el("div", "Fatalities: " + (row[7] === null || row[7] === "" ? "not reported" : row[7])));
      if (row[10]) box.appendChild(el("div", row[10], "naqsha-tip-note"));
      var url = safeUrl(row[8]);
      var src = el("div", "Source: ");
      if (url) {
        var a = el("a", row[9] || url);
        a.href = url;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        src.appendChild(a);
      } else {
        src.appendChild(el("span", row[9] || row[8] || "none given"));
      }
      box.appendChild(src);
      return box;
    });
    return marker;
  }

  function aggregateMarker(row) {
    // row: [lat, lon, count, fatalities, label]
    var radius = 6 + Math.sqrt(row[2]) * 1.5;
    var circle = L.circleMarker([row[0], row[1]], { radius: Math.min(radius, 40), color: N.opts.colours.aggregate_line, weight: 1, fillColor: N.opts.colours.aggregate_fill, fillOpacity: 0.6 });
    circle.bindTooltip(function () {
      return el("div", row[4] + ": " + row[2] + " events, " + row[3] + " reported fatalities");
    });
    return circle;
  }

  function getJson(url) {
    // Static files (geometry, chunks of event markers) are fetched once per page and kept;
    // prefetch.js may have started the download already.
    N.fetched = N.fetched || {};
    if (!N.fetched[url]) {
      N.fetched[url] = readJson(url).catch(function (error) {
        // Forget a failed download, so that the next date asks again.
        delete N.fetched[url];
        if (N.responses) delete N.responses[url];
        throw error;
      });
    }
    return N.fetched[url];
  }

  function readScript(url) {
    // A page opened from file:// may not fetch() its files, but it may run scripts: each data
    // file of the static site is one call, Naqsha.deliver(itsAddress, itsData), with the data as
    // a JSON literal.
    N.waiting = N.waiting || {};
    return new Promise(function (resolve, reject) {
      N.waiting[url] = resolve;
      var script = document.createElement("script");
      script.src = url;
      script.onerror = function () {
        delete N.waiting[url];
        reject(new Error("Naqsha: cannot load " + url));
      };
      document.head.appendChild(script);
    });
  }

  N.deliver = function (url, data) {
    var resolve = N.waiting && N.waiting[url];
    if (!resolve) return;
    delete N.waiting[url];
    resolve(data);
  };

  function readJson(url) {
    if (/\.js$/.test(url)) return readScript(url);
    // A .json.gz file was gzipped once when written, so that the server need not compress it
    // on every request; the browser unpacks it. Without DecompressionStream, the plain .json
    // written beside it is read instead.
    var unpack = /\.gz$/.test(url) && typeof DecompressionStream !== "undefined";
    var plain = /\.gz$/.test(url) && !unpack ? url.slice(0, -3) : url;
    var prefetched = N.responses && N.responses[url];
    return (plain === url && prefetched ? prefetched : fetch(plain)).then(function (r) {
      if (!r.ok) throw new Error("Naqsha: " + plain + " answered " + r.status);
      return unpack ? new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).json() : r.json();
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
      if (ev.mode === "markers") N.eventLayer.addLayers(rows.map(eventMarker));
      else rows.forEach(function (row) { N.aggregateLayer.addLayer(aggregateMarker(row)); });
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
    N.layers = null;
    N.codes = null;
    N.eventsKey = null;
    // Without a tile layer Leaflet has no maximum zoom, and the cluster plugin needs one.
    map.setMinZoom(opts.minZoom);
    map.setMaxZoom(opts.maxZoom);
    var renderer = L.svg({ padding: 0.5 });
    if (opts.contextUrl) {
      getJson(opts.contextUrl).then(function (gj) {
        L.geoJSON(gj, { interactive: false, renderer: renderer, style: { color: opts.colours.context_line, weight: 1, fillColor: opts.colours.context_fill, fillOpacity: 1 } }).addTo(map).bringToBack();
      });
    }
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () { return legendBox(opts.legend); };
    legend.addTo(map);
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
      addPatterns(renderer._container, opts.styles);
      N.layers = [];
      N.codes = [];
      [provinces, districts].forEach(function (group) {
        group.eachLayer(function (layer) {
          var p = layer.feature.properties;
          layer.getElement().classList.add("naqsha-unit", "naqsha-" + p.level, "naqsha-u-" + p.unit);
          N.layers.push(layer);
          N.codes[p.i] = p.unit;
        });
      });
      map.addLayer(N.aggregateLayer);
      map.addLayer(N.eventLayer);
      apply();
    });
  }

  N.el = el;
  N.safeUrl = safeUrl;
  N.load = getJson;

  N.update = function (state) {
    N.state = state;
    apply();
  };
})();
