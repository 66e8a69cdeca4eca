"""Hand this process to ``streamlit run``, with Nagle's algorithm off on its connections.

Streamlit's Starlette server (1.5x and later) creates its listening socket as
``socket.socket(family=...)``, whose ``proto`` is 0. Sockets accepted from it inherit that
``proto``, and asyncio turns on ``TCP_NODELAY`` only for sockets whose ``proto`` is
``IPPROTO_TCP``. With Nagle's algorithm on, a response written as headers then body waits for
the browser's delayed acknowledgement of the headers: 40 ms on Linux for every file after the
first on a kept-alive connection. A first page load fetches about 150 of Streamlit's script
chunks over six connections, so this alone cost the first map about 0.4 s (2.41 s → 1.98 s,
median of five fresh browsers; see the README). The fix: give the listening socket the ``proto``
it has (``IPPROTO_TCP``) and ``TCP_NODELAY``.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable


def tcp_listener(sock: socket.socket) -> socket.socket:
    """The same listening socket, as a Python object whose ``proto`` is ``IPPROTO_TCP`` and
    with ``TCP_NODELAY`` set, so that asyncio disables Nagle's algorithm on every connection
    accepted from it. Sockets that are not TCP (a Unix socket) are returned unchanged."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.type != socket.SOCK_STREAM:
        return sock
    if sock.proto != socket.IPPROTO_TCP:
        blocking, inheritable = sock.getblocking(), sock.get_inheritable()
        sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
        sock.setblocking(blocking)
        sock.set_inheritable(inheritable)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _listening_with_tcp(bind: Callable[..., socket.socket]) -> Callable[..., socket.socket]:
    def bind_tcp(*args, **kwargs) -> socket.socket:
        return tcp_listener(bind(*args, **kwargs))

    bind_tcp.naqsha_tcp_listener = True  # type: ignore[attr-defined]
    return bind_tcp


def disable_nagle_in_streamlit() -> bool:
    """Make Streamlit's server bind its socket through :func:`tcp_listener`.

    Returns whether the server module was found (Streamlit before the Starlette server used
    Tornado, which sets ``TCP_NODELAY`` itself). ``tests/test_launch.py`` checks it with the
    installed Streamlit, so a release that renames the function fails a test rather than
    silently losing the fix.
    """
    try:
        from streamlit.web.server.starlette import starlette_server
    except ImportError:
        return False
    bind = getattr(starlette_server, "_bind_socket", None)
    if bind is None:
        return False
    if not getattr(bind, "naqsha_tcp_listener", False):
        starlette_server._bind_socket = _listening_with_tcp(bind)
    return True


def run_streamlit(script: str, options: list[str]) -> int:
    """Run ``streamlit run script *options`` in this process."""
    from streamlit.web import cli as streamlit_cli

    disable_nagle_in_streamlit()
    sys.argv = ["streamlit", "run", script, *options]
    return streamlit_cli.main()


if __name__ == "__main__":  # python -m dashboard.launch SCRIPT [streamlit options]
    raise SystemExit(run_streamlit(sys.argv[1], sys.argv[2:]))
