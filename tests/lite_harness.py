"""Run ipsxl.lite the way xlwings Lite does, in a process of its own; used by test_lite.py.

    python lite_harness.py [pyodide] < request.json > answer.json

Lite imports xlwings with XLWINGS_ON_SERVER=true (so ``func`` and ``script`` register custom
functions and scripts), runs the workbook's ``main.py`` as a module, lists what it registered
(``custom_scripts_meta``, ``custom_functions_meta``), and calls a script with the workbook as an
``xlwings.Book`` over the JSON Excel sent (``custom_scripts_call``) or a function with the cell
values (``custom_functions_call``). This does the same with ``main.py`` being
``from ipsxl.lite import *``.

With ``pyodide``, the process first takes on what Pyodide lacks: ``sys.platform`` is
"emscripten", ``os.fork`` is gone, starting a thread raises RuntimeError (as it does there), and
python-calamine and the modules Pyodide does not ship cannot be imported.

The request: {"book": <Excel's JSON>, "scripts": [function names], "calls": [Lite's call data]};
each script runs on the workbook as the request has it.
The answer: {"scripts": meta, "functions": meta, "actions": {name: actions}, "results": [...]}.
"""

from __future__ import annotations

import os
import sys
import threading

if sys.argv[1:] == ["pyodide"]:
    sys.platform = "emscripten"
    del os.fork

    def _no_threads(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    threading.Thread.start = _no_threads  # type: ignore[method-assign]

    class _NotInPyodide:
        """Python-calamine (absent from older Pyodide releases) and the standard modules
        Pyodide does not ship cannot be imported."""

        missing = ("python_calamine", "resource", "pwd", "grp", "_multiprocessing")

        def find_spec(self, name: str, path: object = None, target: object = None) -> None:
            if name.split(".")[0] in self.missing:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    sys.meta_path.insert(0, _NotInPyodide())

os.environ["XLWINGS_ON_SERVER"] = "true"

import asyncio  # noqa: E402
import copy  # noqa: E402
import json  # noqa: E402
import types  # noqa: E402

import xlwings as xw  # noqa: E402
from xlwings.server import (  # noqa: E402
    custom_functions_call,
    custom_functions_meta,
    custom_scripts_call,
    custom_scripts_meta,
)


def main() -> None:
    request = json.load(sys.stdin)
    module = types.ModuleType("main")
    exec("from ipsxl.lite import *", module.__dict__)  # the workbook's main.py

    answer: dict = {
        "scripts": custom_scripts_meta(module),
        "functions": custom_functions_meta(module)["functions"],
        "actions": {},
        "results": [],
        "platform": sys.platform,
    }
    for name in request.get("scripts", []):
        book = xw.Book(json=copy.deepcopy(request["book"]))  # the Book keeps and changes it
        asyncio.run(custom_scripts_call(module, name, typehint_to_value={xw.Book: book}))
        answer["actions"][name] = book.json()["actions"]
    for call in request.get("calls", []):
        answer["results"].append(asyncio.run(custom_functions_call(call, module)))
    json.dump(answer, sys.stdout, default=str)


if __name__ == "__main__":
    main()
