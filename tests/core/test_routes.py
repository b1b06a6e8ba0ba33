"""One list of the site's plain routes, used by the hostile-input tests and the security probe benchmark."""

from __future__ import annotations

import ast
from pathlib import Path

from vangnet.core.routes import plain_get_urls

ROOT = Path(__file__).resolve().parents[2]


def test_plain_routes_have_no_parameters_and_cover_the_site() -> None:
    urls = plain_get_urls()
    assert urls == sorted(set(urls))
    assert {"/", "/cases/", "/info/contact/", "/log/", "/administration/users/"} <= set(urls)
    assert not any("<" in u or "(?P" in u for u in urls)
    assert not any(u.startswith("/cases/VN-") for u in urls)


def test_the_probe_and_the_tests_use_the_one_helper() -> None:
    users = (ROOT / "benchmarks" / "bench_security_probe.py", ROOT / "tests" / "security" / "test_hostile_input.py")
    for path in users:
        tree = ast.parse(path.read_text())
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        imported = {a.name for n in ast.walk(tree)
                    if isinstance(n, ast.ImportFrom) and n.module == "vangnet.core.routes" for a in n.names}
        assert "plain_get_urls" in imported and not defined & {"plain_get_urls", "_urls"}, path
