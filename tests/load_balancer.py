"""nginx in front of several ``collabkg serve`` processes, as in the README's "Deploying at scale": round-robin
over the processes, failing over to the others when one is down, and optionally caching answers, which it
revalidates with the servers' ETags once they are a second old. Debian's nginx-light (scripts/test.sh);
started in the foreground on loopback with its own configuration and stopped afterwards."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NGINX = "nginx"

CONFIG = """\
user root;
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    proxy_cache_path {folder}/cache keys_zone=collabkg:10m max_size=256m;
    upstream collabkg {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 2m;
        location / {{
            proxy_pass http://collabkg;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_next_upstream error timeout http_502;
{cache}
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""
#: answers are kept, served for a second, then revalidated with If-None-Match (a 304 costs the server no query)
CACHE = """\
            proxy_cache collabkg;
            proxy_cache_key $request_method$scheme$host$request_uri$http_accept;
            proxy_ignore_headers Cache-Control;
            proxy_cache_valid 200 1s;
            proxy_cache_revalidate on;
            proxy_cache_lock on;
            add_header X-Cache-Status $upstream_cache_status always;"""


class NginxUnavailable(RuntimeError):
    """nginx is not installed or did not start."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def nginx_in_front(upstreams: list[str], cache: bool = False) -> Iterator[str]:
    """Run nginx balancing over ``upstreams`` (base URLs on 127.0.0.1); yield its base URL."""
    if shutil.which(NGINX) is None:
        raise NginxUnavailable("nginx is not installed: scripts/test.sh installs Debian's nginx-light")
    folder = Path(tempfile.mkdtemp(prefix="collabkg-nginx-"))
    port = _free_port()
    servers = "\n".join(f"        server {url.removeprefix('http://').rstrip('/')} max_fails=1 fail_timeout=5s;"
                        for url in upstreams)
    (folder / "nginx.conf").write_text(CONFIG.format(folder=folder, port=port, servers=servers,
                                                     cache=CACHE if cache else ""))
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                error = process.stderr.read().decode() if process.stderr else ""
                raise NginxUnavailable(f"nginx exited: {error[-800:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise NginxUnavailable("nginx did not start listening in time") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()
        shutil.rmtree(folder, ignore_errors=True)
