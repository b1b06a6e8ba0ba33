import pytest
pytestmark = pytest.mark.e2e

def test_a(live_server, cast): pass
def test_b(live_server, cast): pass
def test_c(live_server, cast): pass
def test_d(live_server): pass
def test_e(live_server): pass
