"""Fixtures of the security tests: a real OpenID Connect provider on 127.0.0.1 (oidc-provider-mock)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import werkzeug.serving


@pytest.fixture(scope="module")
def provider_url() -> Iterator[str]:
    """The issuer URL of a real OpenID provider (oidc-provider-mock, built on Authlib) served by werkzeug in a
    thread on a free port of 127.0.0.1, for the tests of one module."""
    import oidc_provider_mock

    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(require_nonce=True),
                                          threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
