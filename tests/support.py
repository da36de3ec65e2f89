"""Helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

# limits of the live test server (tests/api/conftest.py)
QUERY_TIMEOUT = 2
MAX_REQUEST_BYTES = 64 * 1024
MAX_RESULT_BYTES = 2_000_000


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed ``collabkg`` console script as a user would."""
    command = [str(Path(sys.executable).with_name("collabkg")), *args]
    return subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})},
                          cwd=cwd, timeout=600, check=False)


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout


# HTTP -------------------------------------------------------------------------------------------------------

@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def error_message(self) -> str:
        payload = json.loads(self.body)
        assert set(payload["error"]) == {"status", "title", "message"}  # the one error shape
        assert payload["error"]["status"] == self.status
        return str(payload["error"]["message"])


def call(url: str, method: str = "GET", data: bytes | None = None, headers: dict[str, str] | None = None,
         timeout: float = 30) -> Reply:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


@dataclass(frozen=True)
class Served:
    """A running ``collabkg serve``: which backend answers its queries, and its base URL."""

    name: str
    url: str


def get(server: str, query: str, accept: str | None = None, **params: str) -> Reply:
    url = f"{server}/sparql?" + urllib.parse.urlencode({"query": query, **params})
    return call(url, headers={"Accept": accept} if accept else {})


def count_from_json(reply: Reply) -> int:
    return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])


@contextmanager
def serving(store: Path, log: Path, *args: str,
            env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run ``collabkg serve`` on 127.0.0.1 (any free port) on ``store``; yield its base URL and process."""
    command = [str(Path(sys.executable).with_name("collabkg")), "serve", "--store", str(store),
               "--host", "127.0.0.1", "--port", "0", *args]
    with open(log, "w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})})
    match = None
    deadline = time.monotonic() + 120
    while match is None and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text())
    if match is None:
        process.kill()
        raise RuntimeError(f"server did not start: {log.read_text()}")
    try:
        yield f"http://127.0.0.1:{match.group(1)}", process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


class LoopbackListener:
    """A TCP listener on 127.0.0.1 that counts every connection made to it: the address the hostile
    queries in these tests try to make the server call."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.socket.close()


# browser -------------------------------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@contextmanager
def chromium(profile: Path) -> Iterator[Any]:
    """Debian's chromium, headless, driven by Selenium; ``profile`` is an empty folder for its profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic", "--window-size=1280,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


# Reports ----------------------------------------------------------------------------------------------------

PDF_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def write_pdf(path: Path, pages: list[list[str]]) -> None:
    """A PDF with a text layer, each page a list of paragraphs (fpdf2, a pure-Python writer; DejaVu Sans, the
    font Debian's fonts-dejavu-core installs, so that curly quotes and dashes are kept)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(PDF_FONT))
    pdf.set_font("DejaVu", size=10)
    for paragraphs in pages:
        pdf.add_page()
        for paragraph in paragraphs:
            pdf.multi_cell(0, 5, paragraph)
            pdf.ln(5)
    pdf.output(str(path))
