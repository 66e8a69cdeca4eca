/* The map's side channels to the page around it (Streamlit's), kept in one place because
 * streamlit-folium offers no supported way for either:
 *  - the date slider: the map restyles the moment Streamlit's slider moves (also while it is
 *    dragged, when Streamlit does not rerun), by watching the slider's aria-valuetext in the
 *    parent document (a browser test fails if Streamlit's slider stops carrying it);
 *  - the page address: the map writes ?date=…&unit=…&view=… with history.replaceState, because
 *    st.query_params makes Streamlit push a history entry and re-render the whole page on every
 *    step (12–18 ms a step, measured);
 *  - the detail panel: on a phone, the map's "Detail ↓" scrolls the page to it;
 *  - the frame's height: as tall as the window allows (streamlit-folium sets a fixed one),
 *    again when the page above the map or the window changes;
 *  - the rest of the page: the app's first run draws the date controls and the map only, and
 *    the map presses the app's button that loads the rest once it has drawn itself;
 *  - streamlit-folium's window.feature_group: it keeps every feature group it was ever sent
 *    there (its upstream issue 247), which grows the page's memory on every step, so each
 *    step empties it.
 * They work only when the map's frame has the same origin as the page; otherwise they do
 * nothing and the map follows the server's steps alone. */
(function () {
  "use strict";
  var N = (window.Naqsha = window.Naqsha || {});
  var host = (N.host = { selector: null, observer: null, detail: null, height: null });
  var inFrame = window.parent !== window;

  host.sliderDate = function () {
    // The date on the followed slider now: its aria-valuetext, which the app formats YYYY-MM-DD.
    if (!host.selector) return null;
    try {
      var input = window.parent.document.querySelector(host.selector);
      var text = input && input.getAttribute("aria-valuetext");
      return /^\d{4}-\d{2}-\d{2}$/.test(text || "") ? text : null;
    } catch (e) {
      return null;
    }
  };

  host.followSlider = function (selector, moved) {
    // Call moved(date) whenever the slider's date changes: on a key press, a button that moves
    // it, and while it is dragged.
    if (host.observer) host.observer.disconnect();
    host.selector = null;
    if (!selector || !inFrame) return;
    try {
      host.observer = new MutationObserver(function () {
        var day = host.sliderDate();
        if (day) moved(day);
      });
      host.observer.observe(window.parent.document.body, { subtree: true, attributes: true, attributeFilter: ["aria-valuetext"] });
      host.selector = selector;
      window.addEventListener("pagehide", function () { host.observer.disconnect(); });
    } catch (e) {
      // A host page on another origin.
    }
  };

  function detailElement() {
    // The app's detail panel (its selector comes from Python), when it is on the page.
    if (!host.detail || !inFrame) return null;
    try {
      return window.parent.document.querySelector(host.detail);
    } catch (e) {
      return null;
    }
  }

  host.attach = function (map, opts) {
    // The detail panel's selector, the map's height, and the button to press once drawn.
    host.detail = opts.detail || null;
    pressWhenDrawn(opts.pressWhenDrawn);
    var fit = opts.fitHeight;
    if (!fit || !inFrame || !window.frameElement || !window.Streamlit) return;
    try {
      // streamlit-folium sets the frame's height on every step; it is made to set this one.
      var lib = window.Streamlit;
      var setFrameHeight = lib.setFrameHeight;
      lib.setFrameHeight = function () { return setFrameHeight.call(lib, host.height); };
      fitHeight(map, fit);
      var refit = function () { fitHeight(map, fit); };
      window.parent.addEventListener("resize", refit);
      // Anything that grows or shrinks above the map resizes one of the frame's ancestors
      // (Streamlit's page scrolls inside a body of fixed size).
      var watch = new ResizeObserver(refit);
      for (var box = window.frameElement.parentElement; box; box = box.parentElement) watch.observe(box);
      window.addEventListener("pagehide", function () {
        window.parent.removeEventListener("resize", refit);
        watch.disconnect();
      });
    } catch (e) {
      // A host page on another origin keeps the height Python gave.
    }
  };

  function fitHeight(map, fit) {
    // The window's height below the frame's top, within the bounds Python gives
    // (fit: min, max, margin), so that the map is as tall as the window allows.
    var room = window.parent.innerHeight - window.frameElement.getBoundingClientRect().top - fit.margin;
    var height = Math.round(Math.max(fit.min, Math.min(fit.max, room)));
    if (height === host.height) return;
    host.height = height;
    map.getContainer().style.height = height + "px";
    window.Streamlit.setFrameHeight();
    map.invalidateSize();
  }

  function pressWhenDrawn(selector) {
    // Whenever the page shows the button that loads the rest of it (a page's first run, or a
    // new session after a server restart) and the map has drawn itself (naqsha.js then sets
    // data-naqsha-date), press that button, once.
    if (!selector || !inFrame) return;
    var press = function () {
      if (!document.body.hasAttribute("data-naqsha-date")) return;
      var button = window.parent.document.querySelector(selector);
      if (!button || button.naqshaPressed) return;
      button.naqshaPressed = true;
      button.click();
    };
    try {
      var drawn = new MutationObserver(press);
      drawn.observe(document.body, { attributes: true, attributeFilter: ["data-naqsha-date"] });
      var page = new MutationObserver(press);
      page.observe(window.parent.document.body, { childList: true, subtree: true });
      window.addEventListener("pagehide", function () { drawn.disconnect(); page.disconnect(); });
    } catch (e) {
      // A host page on another origin: the reader presses the button.
    }
  }

  host.showDetail = function () {
    var target = detailElement();
    if (!target) return;
    target.style.scrollMarginTop = "4rem"; // below Streamlit's header, which stays on top
    target.scrollIntoView({ block: "start" });
  };

  host.releaseSteps = function () {
    if (Array.isArray(window.feature_group)) window.feature_group = [];
  };

  host.shareAddress = function (state, map) {
    // The page's address follows the view so that it can be shared and reloaded exactly.
    if (!state || !inFrame) return;
    try {
      var loc = window.parent.location;
      var params = new URLSearchParams(loc.search);
      params.set("date", state.date);
      if (map) {
        var c = map.getCenter();
        params.set("view", [c.lat.toFixed(4), c.lng.toFixed(4), map.getZoom()].join(","));
      }
      if (state.selected) params.set("unit", state.selected);
      else params.delete("unit");
      var address = loc.pathname + "?" + params.toString() + loc.hash;
      if (address !== loc.pathname + loc.search + loc.hash) {
        window.parent.history.replaceState(window.parent.history.state, "", address);
      }
    } catch (e) {
      // A host page on another origin: leave its address alone.
    }
  };
})();
