import time
import pytest
from tests.e2e.support import login, axe_violations
pytestmark = pytest.mark.e2e

def test_probe(new_context, registered_signal):
    page = new_context(viewport={"width": 375, "height": 800}, is_mobile=True).new_page()
    login(page, "coordinator")
    page.goto("/cases/")
    print(page.evaluate("""() => { let el = document.querySelector('main table'); const out = [];
      while (el) { const cs = getComputedStyle(el); out.push(el.tagName + '.' + el.className + ' w=' + Math.round(el.getBoundingClientRect().width) + ' disp=' + cs.display + ' minw=' + cs.minWidth + ' ovx=' + cs.overflowX); el = el.parentElement; } return out.join('\\n'); }"""))
    print(page.evaluate("""() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().width > 380).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().width)).join('\\n')"""))
    t=time.perf_counter(); axe_violations(page); print("axe1", time.perf_counter()-t)
    t=time.perf_counter(); axe_violations(page); print("axe2", time.perf_counter()-t)
    page.goto("/cases/")
    t=time.perf_counter(); axe_violations(page); print("axe3", time.perf_counter()-t)
