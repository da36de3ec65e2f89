"""A small HTTP/1.1 client for the remote backend and for publishing: keep-alive connections shared by
threads, answers awaited against a deadline (a request past it is abandoned by closing its connection),
and HTTP authentication, Basic or Digest (RFC 7617, RFC 7616), with credentials given by the caller.

Digest is answered before a large body is sent: a server such as Virtuoso resets a connection that sends
megabytes before its challenge, so :meth:`HttpClient.request` learns the challenge from a request without
a body and signs every later request itself.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import select
import threading
import time
import urllib.parse
import urllib.request
from collections import deque
from dataclasses import dataclass
from typing import NamedTuple

USER_AGENT = "collabkg"
_CHUNK = 256 * 1024
_IDLE_SECONDS = 4.0  # reuse a kept-alive connection only this long: servers close idle ones (Virtuoso at 10 s)


class Credentials(NamedTuple):
    user: str
    password: str


class HttpUnavailable(OSError):
    """The server could not be reached, or the connection broke; the message says which server and why."""


class ReplyTooLarge(ValueError):
    """The reply's body is larger than the caller accepts."""


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def message(self, limit: int = 300) -> str:
        """The body as one line of text, for error messages."""
        text = " ".join(self.body.decode("utf-8", "replace").split())
        return text if len(text) <= limit else text[:limit - 3] + "..."


def _digest_authorization(challenge: dict[str, str], credentials: Credentials, method: str, target: str,
                          count: int) -> str:
    """The ``Authorization`` header answering a Digest ``challenge`` (RFC 7616, qop ``auth``)."""
    algorithm = challenge.get("algorithm", "MD5").upper()
    digest = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}.get(algorithm.removesuffix("-SESS"))
    if digest is None:
        raise HttpUnavailable(f"the server asks for Digest {algorithm}, which is not supported (MD5, SHA-256)")

    def hashed(text: str) -> str:
        return digest(text.encode("utf-8")).hexdigest()

    realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
    client_nonce = os.urandom(8).hex()
    secret = hashed(f"{credentials.user}:{realm}:{credentials.password}")
    if algorithm.endswith("-SESS"):
        secret = hashed(f"{secret}:{nonce}:{client_nonce}")
    request = hashed(f"{method}:{target}")
    qops = [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]
    fields = {"username": credentials.user, "realm": realm, "nonce": nonce, "uri": target}
    if "auth" in qops:
        counter = f"{count:08x}"
        response = hashed(f"{secret}:{nonce}:{counter}:{client_nonce}:auth:{request}")
        extra = f', qop=auth, nc={counter}, cnonce="{client_nonce}"'
    else:
        response = hashed(f"{secret}:{nonce}:{request}")
        extra = ""
    fields["response"] = response
    header = "Digest " + ", ".join(f'{key}="{value}"' for key, value in fields.items())
    header += f", algorithm={challenge.get('algorithm', 'MD5')}{extra}"
    if "opaque" in challenge:
        header += f', opaque="{challenge["opaque"]}"'
    return header


def _parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    """(scheme, parameters) of a ``WWW-Authenticate`` header; Digest is preferred when both are offered."""
    scheme, _, rest = header.strip().partition(" ")
    parameters = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest)) if rest else {}
    return scheme.lower(), {key.lower(): value for key, value in parameters.items()}


class Exchange:
    """One request sent on a connection, whose answer is awaited."""

    def __init__(self, client: HttpClient, connection: http.client.HTTPConnection, reused: bool) -> None:
        self.client = client
        self.connection = connection
        self.reused = reused

    def wait(self, until: float) -> bool:
        """Wait until the answer starts to arrive or the monotonic time ``until``; True when it arrived."""
        sock = self.connection.sock
        if sock is None:
            return True  # closed under us: reading reports it
        remaining = until - time.monotonic()
        readable, _, _ = select.select([sock], [], [], max(0.0, remaining))
        return bool(readable)

    def read(self, deadline: float, max_bytes: int) -> Reply:
        """Read the whole answer before the monotonic ``deadline``; TimeoutError after it (the exchange is
        abandoned), :class:`ReplyTooLarge` past ``max_bytes``, :class:`HttpUnavailable` if the connection broke."""
        try:
            self._set_timeout(deadline)
            response = self.connection.getresponse()
            chunks: list[bytes] = []
            size = 0
            while True:
                self._set_timeout(deadline)
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    self.abandon()
                    raise ReplyTooLarge(f"the reply is larger than {max_bytes:,} bytes")
                chunks.append(chunk)
        except TimeoutError:
            self.abandon()
            raise TimeoutError("no complete answer before the deadline") from None
        except (http.client.HTTPException, OSError) as error:
            self.abandon()
            raise HttpUnavailable(f"{self.client.origin}: the connection broke ({type(error).__name__}: "
                                  f"{error})") from None
        reply = Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, b"".join(chunks))
        if response.will_close:
            self.abandon()
        else:
            self.client._give_back(self.connection)
        return reply

    def _set_timeout(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        if self.connection.sock is not None:
            self.connection.sock.settimeout(remaining)

    def abandon(self) -> None:
        """Close the connection: the server sees the client gone, and nothing more is read from it."""
        self.connection.close()


class HttpClient:
    """Requests to the server of ``url`` (http or https), sharing kept-alive connections between threads.

    >>> HttpClient("ftp://example.org/")
    Traceback (most recent call last):
    ...
    ValueError: ftp://example.org/: not an http:// or https:// URL
    """

    def __init__(self, url: str, credentials: Credentials | None = None, connect_timeout: float = 10.0) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{url}: not an http:// or https:// URL")
        self.url = url
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.origin = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
        self.credentials = credentials
        self.connect_timeout = connect_timeout
        self._idle: deque[tuple[http.client.HTTPConnection, float]] = deque()
        self._lock = threading.Lock()
        self._challenge: tuple[str, dict[str, str]] | None = None
        self._count = 0

    def target(self, url: str) -> str:
        """The request target (path and query) of ``url`` on this server."""
        parts = urllib.parse.urlsplit(url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    # -- connections ---------------------------------------------------------------------------------

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        now = time.monotonic()
        with self._lock:
            while self._idle:
                connection, since = self._idle.pop()
                if now - since < _IDLE_SECONDS and connection.sock is not None:
                    return connection, True
                connection.close()
        factory = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        return factory(self.host, self.port, timeout=self.connect_timeout), False

    def _give_back(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            self._idle.append((connection, time.monotonic()))

    def close(self) -> None:
        with self._lock:
            while self._idle:
                self._idle.pop()[0].close()

    # -- requests ------------------------------------------------------------------------------------

    def _authorization(self, method: str, target: str) -> dict[str, str]:
        if self.credentials is None or self._challenge is None:
            return {}
        scheme, parameters = self._challenge
        if scheme == "basic":
            token = base64.b64encode(f"{self.credentials.user}:{self.credentials.password}".encode()).decode()
            return {"Authorization": f"Basic {token}"}
        with self._lock:
            self._count += 1
            count = self._count
        return {"Authorization": _digest_authorization(parameters, self.credentials, method, target, count)}

    def send(self, method: str, target: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Exchange:
        """Send one request on a free connection; the answer is awaited with the returned exchange."""
        all_headers = {"User-Agent": USER_AGENT, **(headers or {}), **self._authorization(method, target)}
        for attempt in (1, 2):
            connection, reused = self._connection()
            try:
                connection.request(method, target, body=body, headers=all_headers)
                return Exchange(self, connection, reused)
            except OSError as error:
                connection.close()
                if reused and attempt == 1:
                    continue  # the server had closed this kept-alive connection: take a fresh one
                raise HttpUnavailable(f"{self.origin}: cannot send the request ({error.strerror or error})") \
                    from None
        raise AssertionError("unreachable")

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                timeout: float = 300.0, max_bytes: int = 1 << 30) -> Reply:
        """One request with its whole answer, signed with the credentials when the server asks for them.
        Raises :class:`HttpUnavailable` or TimeoutError."""
        target = self.target(url)
        reply: Reply | None = None
        for attempt in (1, 2, 3):
            if self.credentials is not None and self._challenge is None and body:
                self._learn_challenge(target, headers)
            try:
                reply = self._exchange(method, target, body, headers, timeout, max_bytes)
            except HttpUnavailable:
                if self.credentials is None or attempt == 3:
                    raise
                self._challenge = None  # a stale nonce makes some servers drop a large body: ask again
                continue
            if reply.status != 401 or self.credentials is None or attempt == 3:
                return reply
            challenge = reply.headers.get("www-authenticate", "")
            self._challenge = _parse_challenge(challenge) if challenge else None
        assert reply is not None
        return reply

    def _learn_challenge(self, target: str, headers: dict[str, str] | None) -> None:
        """Ask without a body, so the server's challenge comes back before megabytes are sent."""
        accept = {"Accept": (headers or {}).get("Accept", "*/*")}
        reply = self._exchange("GET", target, None, accept, 60.0, 1 << 20)
        if reply.status == 401 and reply.headers.get("www-authenticate"):
            self._challenge = _parse_challenge(reply.headers["www-authenticate"])

    def _exchange(self, method: str, target: str, body: bytes | None, headers: dict[str, str] | None,
                  timeout: float, max_bytes: int) -> Reply:
        deadline = time.monotonic() + timeout
        for attempt in (1, 2):
            exchange = self.send(method, target, body, headers)
            try:
                return exchange.read(deadline, max_bytes)
            except HttpUnavailable:
                if exchange.reused and attempt == 1:
                    continue
                raise
        raise AssertionError("unreachable")
