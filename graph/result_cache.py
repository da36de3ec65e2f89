"""An in-memory cache of query results for an immutable store: bounded in bytes, least recently used out
first, keyed on the query as the engine sees it (the gate's text, format, dataset) and the store version, and
emptied when a new version is published."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class CacheKey:
    version: str
    query: str
    format_name: str | None
    has_dataset: bool
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]

    def etag(self) -> str:
        """An entity tag for the answer: the same version and request give the same tag."""
        return hashlib.sha256(repr(self).encode("utf-8")).hexdigest()[:32]


class ResultCache:
    """
    >>> cache = ResultCache(max_bytes=100)
    >>> key = CacheKey("v1", "ASK {}", "json", False, (), ())
    >>> cache.put(key, b"12345"); cache.get(key)
    b'12345'
    >>> cache.put(CacheKey("v2", "ASK {}", "json", False, (), ()), b"x"); cache.get(key) is None
    True
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[CacheKey, bytes] = OrderedDict()
        self._bytes = 0
        self._version = ""
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def _follow(self, version: str) -> None:
        if version != self._version:
            self._entries.clear()
            self._bytes = 0
            self._version = version

    def get(self, key: CacheKey) -> bytes | None:
        with self._lock:
            self._follow(key.version)
            body = self._entries.get(key)
            if body is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return body

    def put(self, key: CacheKey, body: bytes) -> None:
        if len(body) > self.max_bytes // 4:
            return  # one answer may not push out most of the others
        with self._lock:
            self._follow(key.version)
            if key in self._entries:
                return
            self._entries[key] = body
            self._bytes += len(body)
            while self._bytes > self.max_bytes and self._entries:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted)
