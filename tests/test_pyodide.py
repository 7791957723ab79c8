"""The wheel in real Pyodide (the Python of xlwings Lite), run under node with no network.

The npm package ``pyodide`` holds the interpreter and the standard library; .ci/run installs it
into .ci/pyodide (or set IPSXL_PYODIDE to its folder). Pyodide's builds of pandas, numpy and
lxml come only from its CDN, which cannot be reached here, so what runs is the part of ipsxl
that needs none of them: the wheel installs, its dependencies as Pyodide's own environment
resolves them leave out python-calamine, and the reading guard, which forks or starts a thread
elsewhere, runs inline. The scripts themselves are run under Pyodide's limits in test_lite.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from checkout_wheel import built_wheel

ROOT = Path(__file__).resolve().parents[1]
RUNNER = Path(__file__).with_name("pyodide_run.mjs")
PYODIDE = Path(
    os.environ.get("IPSXL_PYODIDE", ROOT / ".ci" / "pyodide" / "node_modules" / "pyodide")
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("node") is None, reason="needs node"),
    pytest.mark.skipif(
        not (PYODIDE / "pyodide.mjs").is_file(),
        reason=f"needs the npm package pyodide in {PYODIDE} (see .ci/run)",
    ),
]

CODE = """
import json, sys
import importlib.metadata as metadata
from pathlib import Path

sys.path.append("/host")
from packaging.requirements import Requirement

requirements = [Requirement(r) for r in metadata.distribution("ipsxl").requires]
needed = sorted(
    r.name for r in requirements if r.marker is None or r.marker.evaluate({"extra": ""})
)

from ipsxl.files import guard, runtime
from ipsxl.files.limits import Limits

def read(path, limits, **kwargs):
    return path.name

result = guard.guarded(read, Path("book.xlsx"), Limits(max_seconds=5))
json.dumps({
    "platform": sys.platform,
    "needed": needed,
    "can_fork": runtime.can_fork(),
    "can_start_threads": runtime.can_start_threads(),
    "guarded": result,
})
"""


@pytest.fixture(scope="module")
def in_pyodide(tmp_path_factory: pytest.TempPathFactory) -> dict:
    import packaging

    work = tmp_path_factory.mktemp("pyodide")
    wheel = built_wheel(tmp_path_factory)  # the checkout's, as pip builds it
    host = work / "host"
    shutil.copytree(Path(packaging.__file__).parent, host / "packaging")
    done = subprocess.run(
        ["node", str(RUNNER), str(PYODIDE), str(wheel), str(host)],
        input=CODE,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_pyodide_installs_the_wheel_without_calamine(in_pyodide: dict) -> None:
    assert in_pyodide["platform"] == "emscripten"
    assert "python-calamine" not in in_pyodide["needed"]
    assert {"pandas", "xlwings", "openpyxl"} <= set(in_pyodide["needed"])


def test_pyodide_is_seen_to_have_no_processes_or_threads(in_pyodide: dict) -> None:
    assert in_pyodide["can_fork"] is False
    assert in_pyodide["can_start_threads"] is False


def test_the_guard_runs_inline_in_pyodide(in_pyodide: dict) -> None:
    assert in_pyodide["guarded"] == "book.xlsx"
