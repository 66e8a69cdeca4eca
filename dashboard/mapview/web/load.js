/* Reading the map's data files once per page: JSON over fetch() (a .json.gz unpacked in the
 * browser), or, for the static site opened from file://, a .js file that hands its data to
 * Naqsha.deliver. */
(function () {
  "use strict";
  var N = (window.Naqsha = window.Naqsha || {});

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

  N.load = getJson;
})();
