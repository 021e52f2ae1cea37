"""Regenerate docs/jupyter-screenshot.png: JupyterLab showing the output of `%grade q4`.

Usage: python tools/screenshot_jupyter.py [--out docs/jupyter-screenshot.png] [--nbconvert]

A short notebook (`%load_ext grader`, a `build_wide_mlp` with a mistake, `%grade q4`) is executed
in a real kernel with nbclient, trusted, opened in JupyterLab (a private server on a free port,
with its own config, data and settings folders) and photographed by headless Chromium. Needs
`pip install -e '.[docs]'` (JupyterLab) and Debian's `chromium`. With `--nbconvert` (or without
JupyterLab) the executed notebook is rendered by nbconvert's lab template instead, and the tool
says so.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
WINDOW = "1280,1120"
COLOURS = 128
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--hide-scrollbars")
WIDE_MLP = '''\
def build_wide_mlp(input_dim, n_classes):
    """Q4: one hidden layer with as many parameters as build_mlp(..., 3)."""
    import keras
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model'''
CELLS = ("#md ## Q4 — one wide hidden layer", "%load_ext grader", WIDE_MLP, "%grade q4 --lang en")
SETTINGS = {  # no news toast, no "what's new" panel: the screenshot shows the notebook only
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
}


def executed_notebook(folder: Path, env: dict[str, str]) -> Path:
    """Write the notebook, run it in a real kernel, trust it; return its path."""
    from nbclient import NotebookClient
    from nbformat.sign import NotebookNotary

    book = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(c[4:]) if c.startswith("#md ") else nbformat.v4.new_code_cell(c)
        for c in CELLS])
    book.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"}}
    client = NotebookClient(book, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    with client.setup_kernel(env=env):
        for index, cell in enumerate(book.cells):
            client.execute_cell(cell, index)
    NotebookNotary(data_dir=env["JUPYTER_DATA_DIR"]).sign(book)
    path = folder / "td_keras_q4.ipynb"
    path.write_text(nbformat.writes(book), encoding="utf-8")
    return path


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_lab(folder: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """Start a private JupyterLab server; return it and the URL of the notebook."""
    port, token = free_port(), secrets.token_hex(16)
    settings = Path(env["JUPYTERLAB_SETTINGS_DIR"])
    for name, values in SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values), encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={folder}", "--LabApp.news_url=", "--ServerApp.port_retries=0",
         *(["--allow-root"] if os.geteuid() == 0 else [])],  # CI runs as root
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        raise SystemExit("JupyterLab did not start")
    return server, f"{base}/doc/tree/td_keras_q4.ipynb?token={token}&reset"


def screenshot(url: str, png: Path, wait_ms: int) -> None:
    """Take a screenshot of a page with headless Chromium."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    subprocess.run([browser, *CHROMIUM_FLAGS, f"--screenshot={png}", f"--window-size={WINDOW}",
                    f"--virtual-time-budget={wait_ms}", url],
                   check=True, capture_output=True, timeout=300)


def nbconvert_page(notebook: Path) -> Path:
    """Render the executed notebook with nbconvert's lab template (the fallback)."""
    from nbconvert import HTMLExporter

    page = notebook.with_suffix(".html")
    body, _ = HTMLExporter(template_name="lab").from_filename(str(notebook))
    page.write_text(body, encoding="utf-8")
    return page


def shrink(png: Path, out: Path) -> None:
    """Save the screenshot as a small palette PNG."""
    from PIL import Image

    with Image.open(png) as image:
        image.convert("RGB").quantize(COLOURS).save(out, optimize=True)


def main() -> int:
    """Execute, open in JupyterLab, photograph."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "jupyter-screenshot.png")
    parser.add_argument("--nbconvert", action="store_true",
                        help="photograph nbconvert's rendering instead of JupyterLab")
    parser.add_argument("--wait-ms", type=int, default=30000,
                        help="how long the page may take to render (Chromium's virtual time)")
    args = parser.parse_args()
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        if not args.nbconvert:
            print("JupyterLab is not installed (pip install -e '.[docs]'): using nbconvert")
            args.nbconvert = True
    with tempfile.TemporaryDirectory(prefix="screenshot-jupyter-") as temporary:
        tmp = Path(temporary)
        folder = tmp / "lab"
        for name in ("lab", "config", "data", "run", "settings", "workspaces"):
            (tmp / name).mkdir()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "JUPYTER_CONFIG_DIR": str(tmp / "config"),
               "JUPYTER_DATA_DIR": str(tmp / "data"), "JUPYTER_RUNTIME_DIR": str(tmp / "run"),
               "JUPYTERLAB_SETTINGS_DIR": str(tmp / "settings"),
               "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces")}
        notebook = executed_notebook(folder, env)
        if args.nbconvert:
            screenshot(nbconvert_page(notebook).as_uri(), tmp / "full.png", 2000)
        else:
            server, url = start_lab(folder, env)
            try:
                screenshot(url, tmp / "full.png", args.wait_ms)
            finally:
                server.terminate()
                server.wait(timeout=30)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shrink(tmp / "full.png", args.out)
    source = "nbconvert" if args.nbconvert else "JupyterLab"
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} kB, {source})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
