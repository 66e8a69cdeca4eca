"""N ``streamlit run`` processes behind a real nginx with sticky sessions (``deploy/``).

Used by ``tests/test_proxy.py`` and ``benchmarks/bench_concurrency.py --proxy N``. nginx runs as
a private process on a free localhost port with ``deploy/nginx.conf`` in a temporary folder,
which holds its pid, logs and temporary files; nothing under /etc or /var is touched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from harness.browser import ROOT, free_port, start_streamlit, stop, wait_healthy

DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
UPSTREAM_HEADER = "x-naqsha-upstream"
PLACEHOLDER = re.compile(r"\$\{(LISTEN|UPSTREAM_SERVERS)\}")


def nginx_or_skip() -> None:
    """Skip the calling test module, saying why, when nginx is not installed."""
    import pytest

    if not os.path.exists(NGINX):
        pytest.skip(
            f"no nginx at {NGINX}: install Debian's 'nginx' package to run the proxy tests",
            allow_module_level=True,
        )


def render(listen: str, upstream_ports: list[int]) -> str:
    """``deploy/naqsha.conf.template`` with its two placeholders filled in (as ``envsubst``
    would with the two names given; nginx's own ``$variables`` stay)."""
    servers = "\n    ".join(f"server 127.0.0.1:{port};" for port in upstream_ports)
    values = {"LISTEN": listen, "UPSTREAM_SERVERS": servers}
    template = (DEPLOY / "naqsha.conf.template").read_text(encoding="utf-8")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


@contextmanager
def nginx(upstream_ports: list[int], timeout: float = 10):
    """Run nginx on a free localhost port in front of ``upstream_ports``; yield its base URL.

    nginx runs in a temporary folder; its config and logs are copied to
    ``test-artifacts/nginx-<port>/`` when it stops, for reading after a failure.
    """
    port = free_port()
    prefix = Path(tempfile.mkdtemp(prefix=f"naqsha-nginx-{port}-"))
    shutil.copy(DEPLOY / "nginx.conf", prefix / "nginx.conf")
    (prefix / "naqsha.conf").write_text(render(f"127.0.0.1:{port}", upstream_ports))
    url = f"http://127.0.0.1:{port}"
    with open(prefix / "stderr.log", "w") as log:
        process = subprocess.Popen(
            [NGINX, "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf")],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_healthy(url, process, timeout, lambda: nginx_said(prefix))
        yield url
    finally:
        stop(process)
        artifacts = ROOT / "test-artifacts" / f"nginx-{port}"
        shutil.rmtree(artifacts, ignore_errors=True)
        shutil.copytree(prefix, artifacts, ignore=shutil.ignore_patterns("*_temp"))
        shutil.rmtree(prefix, ignore_errors=True)


def nginx_said(prefix: Path) -> str:
    """What a private nginx wrote to its stderr and error log."""
    return "".join(
        (prefix / name).read_text(errors="replace")
        for name in ("stderr.log", "error.log")
        if (prefix / name).exists()
    )


def upstream_of(headers) -> str:
    """The process (``127.0.0.1:PORT``) that served a response through the proxy: the last
    address of the header (nginx lists the ones it tried first). ``headers``: Playwright's dict
    (lower-case names) or urllib's message."""
    value = headers.get(UPSTREAM_HEADER)
    assert value, f"no {UPSTREAM_HEADER} header: {dict(headers)}"
    return value.split(",")[-1].strip()


@dataclass
class ProxiedApp:
    """The proxy's URL and the processes behind it, by their ``127.0.0.1:PORT``."""

    url: str
    script: str
    env: dict | None
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, object] = field(default_factory=dict)

    def kill(self, upstream: str) -> None:
        """End one process at once (SIGKILL), as a crash would."""
        self.processes[upstream].kill()
        self.processes[upstream].wait()

    def restart_dead(self, timeout: float = 90) -> None:
        """Start again, on the same port, every process that has ended."""
        for upstream, process in self.processes.items():
            if process.poll() is not None:
                port = int(upstream.rsplit(":", 1)[1])
                self.processes[upstream] = start_streamlit(
                    self.script, port, self.env, self.logs[upstream]
                )
        for upstream, process in self.processes.items():
            wait_healthy(f"http://{upstream}", process, timeout)


@contextmanager
def proxied_app(
    count: int, script: str = "dashboard/app.py", env: dict | None = None, timeout: float = 90
):
    """Start ``count`` ``streamlit run script`` processes and nginx in front; yield a
    :class:`ProxiedApp`; stop them all afterwards (also after a failure). Each process's log is
    ``test-artifacts/streamlit-<port>.log``."""
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    with ExitStack() as stack:
        app = ProxiedApp(url="", script=script, env=env)
        for _ in range(count):
            port = free_port()
            upstream = f"127.0.0.1:{port}"
            log = stack.enter_context(open(ROOT / "test-artifacts" / f"streamlit-{port}.log", "w"))
            app.logs[upstream] = log
            app.processes[upstream] = start_streamlit(script, port, env, log)
            # Stops the process started last at this port (restart_dead may replace it).
            stack.callback(lambda u=upstream: stop(app.processes[u]))
        for upstream, process in app.processes.items():
            wait_healthy(f"http://{upstream}", process, timeout)
        ports = [int(upstream.rsplit(":", 1)[1]) for upstream in app.processes]
        app.url = stack.enter_context(nginx(ports))
        yield app


def fetch(url: str, cookie: str | None = None) -> tuple[str, str | None]:
    """GET ``url`` (through the proxy), sending ``cookie`` if given; return the process that
    answered and the proxy's ``Set-Cookie: naqsha_route=...`` header, if any."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=5) as response:
        routes = [
            value
            for value in response.headers.get_all("Set-Cookie", [])
            if value.startswith("naqsha_route=")
        ]
        return upstream_of(response.headers), (routes or [None])[0]
