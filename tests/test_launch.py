"""The server fix of ``dashboard/launch.py``: Nagle's algorithm off on Streamlit's connections.

Its effect on the first map is measured by ``benchmarks/bench_scrub.py`` (README), not here:
these tests check the socket options themselves, from a bare socket up to a page served by
``python -m dashboard.launch``.
"""

from __future__ import annotations

import asyncio
import os
import socket
import textwrap

import pytest

from dashboard.launch import disable_nagle_in_streamlit, tcp_listener
from harness.browser import CHROMIUM, streamlit_server


def nodelay(sock: socket.socket) -> bool:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def listener_as_streamlit_makes_it() -> socket.socket:
    sock = socket.socket(family=socket.AF_INET)  # proto 0, as Streamlit's _bind_socket
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    sock.set_inheritable(True)
    return sock


def accepted_nodelay(listener: socket.socket) -> bool:
    """Serve one connection on ``listener`` with asyncio, as uvicorn does; return whether the
    accepted socket has TCP_NODELAY."""
    seen = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport):
            seen.append(nodelay(transport.get_extra_info("socket")))
            transport.close()

    async def serve_one() -> None:
        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        port = listener.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        while not seen:
            await asyncio.sleep(0.01)
        writer.close()
        server.close()

    asyncio.run(serve_one())
    return seen[0]


def test_the_listener_becomes_a_tcp_socket_with_nodelay_and_keeps_its_mode():
    listener = tcp_listener(listener_as_streamlit_makes_it())
    try:
        assert listener.proto == socket.IPPROTO_TCP
        assert nodelay(listener)
        assert not listener.getblocking()
        assert listener.get_inheritable()
    finally:
        listener.close()


def test_connections_accepted_by_asyncio_have_nodelay():
    assert accepted_nodelay(tcp_listener(listener_as_streamlit_makes_it()))


def test_a_unix_socket_is_left_alone():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        assert tcp_listener(sock) is sock
    finally:
        sock.close()


def test_the_installed_streamlit_binds_through_the_fix(monkeypatch):
    starlette_server = pytest.importorskip(
        "streamlit.web.server.starlette.starlette_server",
        reason="this Streamlit has no Starlette server (Tornado sets TCP_NODELAY itself)",
    )
    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)
    assert disable_nagle_in_streamlit()
    assert disable_nagle_in_streamlit()  # applied twice, wrapped once
    assert starlette_server._bind_socket.naqsha_tcp_listener
    listener = starlette_server._bind_socket("127.0.0.1", 0, 8)
    assert listener.proto == socket.IPPROTO_TCP
    assert accepted_nodelay(listener)


# Run inside the server's process: the TCP connections it holds open (the browser's page,
# script and websocket connections) and whether each has TCP_NODELAY.
PROBE_APP = textwrap.dedent(
    """
    import gc
    import socket

    import streamlit as st

    def connected(s):
        try:
            return s.fileno() >= 0 and s.getpeername() is not None
        except OSError:
            return False

    flags = [
        s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        for s in gc.get_objects()
        if isinstance(s, socket.socket) and s.family == socket.AF_INET
        and s.type == socket.SOCK_STREAM and connected(s)
    ]
    st.write(f"connections {len(flags)} nodelay {sum(flags)}")
    """
)


@pytest.mark.browser
def test_a_page_served_by_the_launcher_comes_over_connections_with_nodelay(tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's 'chromium' package")
    from harness.browser import chromium

    script = tmp_path / "probe_app.py"
    script.write_text(PROBE_APP, encoding="utf-8")
    with streamlit_server(str(script)) as url, chromium() as browser:
        page = browser.new_page()
        page.goto(url)
        text = page.get_by_text("connections").inner_text(timeout=60_000)
        page.close()
    _, connections, _, with_nodelay = text.split()
    assert int(connections) >= 1
    assert with_nodelay == connections
