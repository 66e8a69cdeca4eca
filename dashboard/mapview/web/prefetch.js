/* Runs before the Leaflet bundle (the map page loads its scripts one after another) from a
 * data: address, so it costs no request of its own. It starts the downloads of the map's data
 * files at once, so that they arrive while Leaflet loads; naqsha.js's getJson then reads the
 * responses from Naqsha.responses instead of asking again. The Python side fills in __FILES__. */
/* global __FILES__ */
(function (N, files) {
  "use strict";
  N.responses = N.responses || {};
  files.forEach(function (url) {
    if (!N.responses[url]) N.responses[url] = fetch(url);
  });
})((window.Naqsha = window.Naqsha || {}), __FILES__);
