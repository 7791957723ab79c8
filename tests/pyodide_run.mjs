// Runs Python code in Pyodide under node, with no network: the npm package carries the
// interpreter and the standard library. Used by test_pyodide.py.
//
//   node pyodide_run.mjs PYODIDE_DIR WHEEL HOST_DIR < code.py
//
// The wheel is unpacked into Pyodide's site-packages as micropip would install it; HOST_DIR
// (pure-Python packages of the test's own environment) is mounted at /host. The code's last
// expression is printed.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [pyodideDir, wheel, hostDir] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep });
pyodide.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel");
pyodide.FS.mkdirTree("/host");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: hostDir }, "/host");
console.log(pyodide.runPython(readFileSync(0, "utf8")));
