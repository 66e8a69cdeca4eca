/* Drawing pieces that hold no state of their own: DOM and SVG helpers, the fill patterns, the
 * legend (drawn from the spec Python sends, with the same patterns as the map) and the event
 * markers with their popups. Data text is inserted with textContent, never as HTML, and only
 * http(s) addresses become links. */
(function () {
  "use strict";
  var N = (window.Naqsha = window.Naqsha || {});
  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function forTheEye(text) {
    // A span a screen reader skips: an arrow beside a button's name, which it would read out.
    var span = el("span", text);
    span.setAttribute("aria-hidden", "true");
    return span;
  }
  function nameMap(map) {
    // The map is a named landmark (its page inside the dashboard's frame has no other), and
    // folium's page, which forbids zooming (user-scalable=no), lets a reader zoom when it is
    // opened alone.
    var box = map.getContainer();
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "Map");
    var viewport = document.querySelector("meta[name=viewport]");
    if (viewport && /user-scalable\s*=\s*no/.test(viewport.content)) viewport.setAttribute("content", "width=device-width, initial-scale=1");
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
      Object.keys(s.ids).forEach(function (kind) { defs.appendChild(pattern(s.ids[kind], s.colour, kind)); });
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
  function legendBox(spec, mapWidth) {
    var box = el("div", null, "naqsha-legend");
    // The title is a button that folds the legend away (and back), so it never has to hide
    // the part of the map a reader is looking at.
    // Its name is the title alone: the arrow is drawn for the eye and aria-expanded says the same.
    var toggle = el("button", spec.title, "naqsha-legend-toggle");
    toggle.type = "button";
    var arrow = toggle.appendChild(forTheEye(""));
    var body = el("div", null, "naqsha-legend-body");
    body.id = "naqsha-legend-body";
    toggle.setAttribute("aria-controls", body.id);
    function show(open) {
      box.classList.toggle("naqsha-legend-folded", !open);
      toggle.setAttribute("aria-expanded", String(open));
      arrow.textContent = open ? " ▾" : " ▸";
    }
    show(!(mapWidth < spec.fold_below_px));
    toggle.addEventListener("click", function (e) {
      e.stopPropagation();
      show(box.classList.contains("naqsha-legend-folded"));
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

  function keepTooltipsInView(map, legend) {
    // Leaflet draws controls above every pane, so a tooltip that reaches the legend would be
    // cut by it: while one does, the legend fades and lets the pointer through.
    function overlaps(a, b) {
      return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
    }
    function check() {
      // Tooltips still fading out (opacity 0) do not count.
      var box = legend.getBoundingClientRect();
      var under = Array.prototype.some.call(map.getPane("tooltipPane").children, function (tip) {
        return tip.style.opacity !== "0" && overlaps(tip.getBoundingClientRect(), box);
      });
      legend.classList.toggle("naqsha-legend-under", under);
    }
    map.on("mousemove tooltipopen", check);
    // A closing tooltip fades out for a moment; the legend comes back at once.
    map.on("tooltipclose", function () { legend.classList.remove("naqsha-legend-under"); });
  }

  function eventMarker(values) {
    var row = N.named("marker", values);
    var shape = N.opts.events[row.type] || { colour: N.opts.colours.other_event, letter: "?" };
    var icon = L.divIcon({
      className: "naqsha-ev naqsha-ev-" + row.type,
      html: "<span style=\"background:" + shape.colour + "\">" + shape.letter + "</span>",
      iconSize: [20, 20],
    });
    var marker = L.marker([row.lat, row.lon], { icon: icon, title: String(row.title) });
    marker.bindPopup(function () {
      var box = el("div", null, "naqsha-popup");
      box.appendChild(el("strong", row.date + " · " + row.title));
      if (row.place) box.appendChild(el("div", row.place));
      if (row.notes) {
        // The whole note, folded to a few lines with a button to unfold it: notes record the
        // differing tolls and claims, which a cut would hide.
        var notes = el("p", row.notes, "naqsha-notes naqsha-notes-folded");
        box.appendChild(notes);
        var more = el("button", "Show all", "naqsha-more");
        more.type = "button";
        more.setAttribute("aria-expanded", "false");
        more.addEventListener("click", function () {
          var folded = notes.classList.toggle("naqsha-notes-folded");
          more.textContent = folded ? "Show all" : "Show less";
          more.setAttribute("aria-expanded", String(!folded));
        });
        box.appendChild(more);
      }
      box.appendChild(el("div", "Fatalities: " + (row.fatalities === null || row.fatalities === "" ? "not reported" : row.fatalities)));
      if (row.precision) box.appendChild(el("div", row.precision, "naqsha-tip-note"));
      var url = safeUrl(row.url);
      var src = el("div", "Source: ");
      if (url) {
        var a = el("a", row.source || url);
        a.href = url;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        src.appendChild(a);
      } else {
        src.appendChild(el("span", row.source || row.url || "none given"));
      }
      box.appendChild(src);
      return box;
    });
    return marker;
  }

  function aggregateMarker(values) {
    var row = N.named("aggregate", values);
    var radius = 6 + Math.sqrt(row.count) * 1.5;
    var circle = L.circleMarker([row.lat, row.lon], { radius: Math.min(radius, 40), color: N.opts.colours.aggregate_line, weight: 1, fillColor: N.opts.colours.aggregate_fill, fillOpacity: 0.6 });
    circle.bindTooltip(function () {
      return el("div", row.place + ": " + row.count + " events, " + row.fatalities + " reported fatalities");
    });
    return circle;
  }

  N.named = function (kind, values) {
    // A row the server sent, as an object with the field names it sent in the options.
    var row = {};
    N.opts.fields[kind].forEach(function (name, i) { row[name] = values[i]; });
    return row;
  };
  N.el = el;
  N.forTheEye = forTheEye;
  N.nameMap = nameMap;
  N.safeUrl = safeUrl;
  N.addPatterns = addPatterns;
  N.legendBox = legendBox;
  N.keepTooltipsInView = keepTooltipsInView;
  N.eventMarker = eventMarker;
  N.aggregateMarker = aggregateMarker;
})();
