"""Run the map's own JavaScript (``naqsha.js``) in Node's ``vm``, without a browser.

The script only touches ``window``, ``document`` and Leaflet inside its functions, so loading it
into a context holding an empty ``window`` defines ``window.Naqsha`` with its pure functions.
Tests skip, saying why, where Node is absent (Debian's ``nodejs`` package provides it).
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from dashboard.mapview.assets import JS_FILES, VENDOR_FILES

# The map's own scripts, in the order the page loads them (after Leaflet, which they only use
# inside functions).
MAP_SCRIPTS = [VENDOR_FILES[name] for name in JS_FILES if name.startswith("naqsha/")]
NODE = shutil.which("node") or shutil.which("nodejs")
RUNNER = """
const vm = require("vm"), fs = require("fs");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const context = { window: {} };
vm.createContext(context);
for (const file of input.files) vm.runInContext(fs.readFileSync(file, "utf8"), context, { filename: file });
const Naqsha = context.window.Naqsha;
const result = (new Function("Naqsha", "args", input.body))(Naqsha, input.args);
process.stdout.write(JSON.stringify(result));
"""


def node_or_skip() -> str:
    if NODE is None:
        pytest.skip("no Node.js: install Debian's 'nodejs' package to test naqsha.js on its own")
    return NODE


def run_naqsha(body: str, args=None):
    """Evaluate ``body`` (a function body that sees ``Naqsha`` and ``args``) after loading the
    map's scripts, and return what it returns, through JSON."""
    payload = json.dumps({"files": [str(path) for path in MAP_SCRIPTS], "body": body, "args": args})
    done = subprocess.run(
        [node_or_skip(), "-e", RUNNER], input=payload, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
