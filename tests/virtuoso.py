"""A live Virtuoso for the tests and benchmarks: Debian's ``virtuoso-t`` (package virtuoso-opensource-7-bin,
installed by scripts/test.sh), started in the foreground on loopback ports with its own temporary database
and configuration, its administrator password changed at once, a publishing account that may write through
the Graph Store Protocol, and stopped afterwards."""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"
PUBLISHER = "collabkg_publisher"
#: Virtuoso's own limit on one query: above the tests' time limit (support.QUERY_TIMEOUT), so that it is the
#: collabkg server that stops runaway queries, yet low enough that an abandoned query frees the CPU soon
MAX_QUERY_SECONDS = 5

INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
ThreadsPerQuery = 2
MaxQueryMem = 500M

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
MaxClientConnections = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
Charset = UTF-8

[SPARQL]
; every row: the server must not cut answers short (its default is 10,000 rows)
ResultSetMaxRows = 10000000
MaxSortedTopRows = 10000000
MaxQueryExecutionTime = {max_seconds}
; the cost estimate refuses some cheap queries; the time limits above are what bounds work
MaxQueryCostEstimationTime = 0
"""


class VirtuosoUnavailable(RuntimeError):
    """Virtuoso is not installed or did not start; the message says what to do."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Virtuoso:
    folder: Path
    process: subprocess.Popen[bytes]
    http_port: int
    sql_port: int
    admin_password: str
    publisher_password: str

    @property
    def sparql(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def graph_store(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud-auth"

    @property
    def publish_env(self) -> dict[str, str]:
        """The environment `collabkg publish` takes its credentials from."""
        return {"COLLABKG_PUBLISH_USER": PUBLISHER, "COLLABKG_PUBLISH_PASSWORD": self.publisher_password}

    def sql(self, statements: str, password: str | None = None) -> str:
        """Run SQL statements with isql as the administrator; the output."""
        result = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", password or self.admin_password,
                                 f"exec={statements}"], capture_output=True, text=True, timeout=60, check=False)
        output = result.stdout + result.stderr
        if result.returncode != 0 or "*** Error" in output:
            raise VirtuosoUnavailable(f"isql failed: {output.strip()[:500]}")
        return output

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_virtuoso(folder: Path, max_seconds: int = MAX_QUERY_SECONDS) -> Virtuoso:
    """Start Virtuoso on free loopback ports with a new database in ``folder``; raise
    :class:`VirtuosoUnavailable` when it is not installed or does not start."""
    if shutil.which(VIRTUOSO) is None or shutil.which(ISQL) is None:
        raise VirtuosoUnavailable(f"{VIRTUOSO} is not installed: scripts/test.sh installs Debian's "
                                  "virtuoso-opensource-7-bin (apt-get install virtuoso-opensource-7-bin)")
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = _free_port(), _free_port()
    (folder / "virtuoso.ini").write_text(INI.format(folder=folder, http_port=http_port, sql_port=sql_port,
                                                    max_seconds=max_seconds))
    with open(folder / "stdout.log", "wb") as output:
        process = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                                   stdout=output, stderr=subprocess.STDOUT, cwd=folder)
    server = Virtuoso(folder, process, http_port, sql_port, "a" + secrets.token_hex(12), "p" + secrets.token_hex(12))
    try:
        _wait_until_online(server)
        # The administrator's password is changed before anything else: the default one is public.
        server.sql(f"set password dba {server.admin_password};", password="dba")
        server.sql(f"DB.DBA.USER_CREATE('{PUBLISHER}', '{server.publisher_password}'); "
                   f"GRANT SPARQL_UPDATE TO {PUBLISHER}; DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 1);")
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_online(server: Virtuoso, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    query = urllib.parse.urlencode({"query": "ASK { }"})
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise VirtuosoUnavailable(f"virtuoso-t exited with code {server.process.returncode}: "
                                      f"{server.log()[-1500:]}{(server.folder / 'stdout.log').read_text()[-500:]}")
        try:
            with urllib.request.urlopen(f"{server.sparql}?{query}", timeout=5) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    server.stop()
    raise VirtuosoUnavailable(f"virtuoso-t did not answer on {server.sparql} within {seconds:g} s")


def live_virtuoso(folder: Path) -> Virtuoso:
    """Start Virtuoso for a test, or fail it (never skip): CI must prove the remote backend works."""
    import pytest

    try:
        return start_virtuoso(folder)
    except VirtuosoUnavailable as error:
        pytest.fail(f"the remote-backend tests need a live Virtuoso: {error}")
