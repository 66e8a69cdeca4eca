"""Real parts for the tests and the benchmarks: ``streamlit run`` servers, Debian's Chromium
(``browser``), nginx in front of several servers (``proxy``) and Node.js for the map's own
JavaScript (``node``). Installed with the project, so both import it the same way."""
