"""The expgraph HTTP client: one object per server, standard library only.

Each method is one route of the HTTP API (GET /v1/openapi.json describes them all). Bodies of
the insight routes are passed through as keyword arguments, so a field the server learns is
usable without a new client. Errors raise expgraph.errors classes carrying the server's code.
A Client holds no connection between calls and may be shared by threads.
"""

from __future__ import annotations

import io
import json
import os
import pathlib
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, IO, Iterable, Iterator, List, Mapping, Optional, Union

from .errors import ConnectionFailed, ExpgraphError, Timeout, error_from_response

# Import bodies are sent in pieces of at most this many bytes (the server's default body limit
# is 16 MiB); each piece ends on a line boundary and the server numbers lines across pieces.
DEFAULT_IMPORT_CHUNK_BYTES = 8 << 20

# The server refuses a request it has not started on (too many at once, too many bodies held)
# with 429 or 503 and Retry-After; such a request changed nothing and is sent again, after the
# wait the server asked for, at most this long.
MAX_RETRY_WAIT_SECONDS = 30.0

JsonLines = Union[str, bytes, Iterable[Mapping[str, Any]], IO[str], IO[bytes], os.PathLike]


def _without_none(values: Mapping[str, Any]) -> Dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


class ListAnswer(list):
    """The list an answer is about (hits, patterns), as a plain list, with the rest of the
    answer beside it in ``answer`` (without the list itself)."""

    def __init__(self, items: Iterable[Any], answer: Mapping[str, Any]):
        super().__init__(items)
        self.answer: Dict[str, Any] = dict(answer)


class Hits(ListAnswer):
    """The hits of a search or similar-tests answer, best first, so that a job can tell
    "nothing similar" apart from a failed search and see how close the closest text came:
    ``nothing_similar`` and ``closest_similarity`` read the answer for both routes."""

    @property
    def nothing_similar(self) -> bool:
        return bool(self._matching().get("nothing_similar", False))

    @property
    def closest_similarity(self) -> Optional[float]:
        return self._matching().get("closest_similarity")

    def _matching(self) -> Mapping[str, Any]:
        # /v1/search answers these at the top; similar-tests under "text_match".
        return self.answer.get("text_match", self.answer)


class Patterns(ListAnswer):
    """The mined patterns, strongest evidence first. When the context asked for has too few
    tests the server mines a broader one: ``fallback`` then says which (``parent_segment``,
    ``any_segment``, ``any_channel``; None when the patterns are of the context asked for),
    ``context`` is the context they are of and ``message`` says so in words. A job that pools
    by channel must read ``fallback``: without it, every channel's patterns look alike."""

    @property
    def fallback(self) -> Optional[str]:
        return self.answer.get("fallback")

    @property
    def context(self) -> Dict[str, Any]:
        return self.answer.get("context") or {}

    @property
    def message(self) -> Optional[str]:
        return self.answer.get("message")


def _list_answer(kind: type, answer: Mapping[str, Any], field: str) -> Any:
    return kind(answer[field], {name: value for name, value in answer.items() if name != field})


def _hits(answer: Mapping[str, Any], field: str) -> Hits:
    return _list_answer(Hits, answer, field)


class Client:
    """A client of one expgraphd.

    ``url`` is the server's base URL (``http://127.0.0.1:8080``); ``api_key`` is sent as
    ``Authorization: Bearer <key>`` (default: the EXPGRAPH_API_KEY environment variable; none
    for a server started with ``--auth off``). ``timeout`` is in seconds, per request; no
    answer in time raises ``Timeout``. ``retries``: how many times a request the server refused
    unstarted (429 or 503 with ``Retry-After``, e.g. too many requests at once) is sent again
    after the wait it asks for; then ``Overloaded`` (or ``ServerError``) is raised.
    """

    def __init__(self, url: str = "http://127.0.0.1:8080", api_key: Optional[str] = None,
                 timeout: float = 60.0, retries: int = 2):
        self.url = url.rstrip("/")
        self.api_key = api_key if api_key is not None else os.environ.get("EXPGRAPH_API_KEY")
        self.timeout = timeout
        self.retries = retries

    # --- queries -------------------------------------------------------------------------

    def query(self, cypher: str, params: Optional[Mapping[str, Any]] = None, *,
              limit: Optional[int] = None, timeout_ms: Optional[int] = None,
              memory_limit_mb: Optional[int] = None) -> List[Dict[str, Any]]:
        """Runs an openCypher read query; returns its rows as dicts keyed by column name."""
        result = self.query_result(cypher, params, limit=limit, timeout_ms=timeout_ms,
                                   memory_limit_mb=memory_limit_mb)
        columns = result["columns"]
        return [dict(zip(columns, row)) for row in result["rows"]]

    def query_result(self, cypher: str, params: Optional[Mapping[str, Any]] = None, *,
                     limit: Optional[int] = None, timeout_ms: Optional[int] = None,
                     memory_limit_mb: Optional[int] = None) -> Dict[str, Any]:
        """The server's whole answer to a query: ``{columns, rows, stats}`` (or the plan)."""
        body = _without_none({"query": cypher, "params": dict(params) if params else None,
                              "limit": limit, "timeout_ms": timeout_ms,
                              "memory_limit_mb": memory_limit_mb})
        return self._json("POST", "/v1/query", body=body)

    def query_df(self, cypher: str, params: Optional[Mapping[str, Any]] = None, **limits: Any):
        """Runs a query into a pandas DataFrame, one column per returned column, in order.

        Needs pandas (``pip install './tools/python[pandas]'`` or Debian's python3-pandas).
        """
        try:
            import pandas
        except ImportError as error:
            raise ImportError("Client.query_df needs pandas: pip install pandas, or install "
                              "Debian's python3-pandas") from error
        result = self.query_result(cypher, params, **limits)
        return pandas.DataFrame(result["rows"], columns=result["columns"])

    # --- search and insights -------------------------------------------------------------

    def search(self, text: Optional[str] = None, *, types: Optional[List[str]] = None,
               k: Optional[int] = None, mode: Optional[str] = None,
               filter: Optional[Mapping[str, Any]] = None, **fields: Any) -> Hits:
        """Similar hypotheses, learnings, experiments and assets, best first (POST /v1/search).

        A list of hits; ``.nothing_similar``, ``.closest_similarity`` and ``.answer`` (the
        rest of the answer: mode, embedder, min_similarity, message) beside it.
        """
        body = _without_none({"text": text, "types": types, "k": k, "mode": mode,
                              "filter": filter, **fields})
        return _hits(self._json("POST", "/v1/search", body=body), "hits")

    def similar_tests(self, hypothesis: Optional[str] = None, **fields: Any) -> Hits:
        """Past tests like a draft one, best first (POST /v1/recommendations/similar-tests).

        Fields: channel, segment, metric, campaign, asset_kinds, k, as_of (see the API page).
        A list of tests; ``.nothing_similar``, ``.closest_similarity`` and ``.answer`` beside it.
        """
        body = _without_none({"hypothesis": hypothesis, **fields})
        return _hits(self._json("POST", "/v1/recommendations/similar-tests", body=body),
                     "recommendations")

    def patterns(self, **filters: Any) -> Patterns:
        """Features shared by concluded tests with their pooled lift (GET /v1/patterns).

        Filters: channel, segment, metric, min_tests, limit, experiments. A list of patterns;
        ``.fallback``, ``.context``, ``.message`` and ``.answer`` beside it say whether they
        are of the context asked for or of a broader one (too few tests in it).
        """
        answer = self._json("GET", "/v1/patterns", params=_without_none(filters))
        return _list_answer(Patterns, answer, "patterns")

    def forecast(self, candidates: Iterable[Mapping[str, str]],
                 hypothesis: Optional[str] = None, **fields: Any) -> Dict[str, Any]:
        """Forecasts candidate variants ``[{"name", "text"}]`` of a draft test (POST /v1/forecast).

        Returns the whole answer: per candidate p_best, p_beats, expected lift and intervals
        when a model is trained, the meta-analytic estimate, and what they rest on.
        """
        body = _without_none({"hypothesis": hypothesis,
                              "candidates": [dict(candidate) for candidate in candidates],
                              **fields})
        return self._json("POST", "/v1/forecast", body=body)

    def program_stats(self, *, from_: Optional[str] = None, to: Optional[str] = None,
                      team: Optional[str] = None, **filters: Any) -> Dict[str, Any]:
        """Program metrics (GET /v1/stats/program) from ``from_`` to ``to`` (YYYY-MM-DD) of
        ``team``'s experiments. ``from`` is a Python keyword: the argument is ``from_``
        (``**{"from": ...}`` works too). ``months`` has a row only for months with activity.
        A team key naming no Team raises ``Unprocessable`` (``unknown_context_key``)."""
        params = _without_none({"from": from_, "to": to, "team": team, **filters})
        return self._json("GET", "/v1/stats/program", params=params)

    # --- nodes ---------------------------------------------------------------------------

    def get_node(self, type: str, key: str) -> Dict[str, Any]:
        """A node: ``{type, key, properties, version, created_at, updated_at}``."""
        return self._json("GET", self._node_path(type, key))

    def put_node(self, type: str, key: str, properties: Mapping[str, Any]) -> Dict[str, Any]:
        """Creates or replaces a node; the answer's ``outcome`` says which."""
        return self._json("PUT", self._node_path(type, key), body={"properties": dict(properties)})

    # --- bulk ----------------------------------------------------------------------------

    def export(self, types: Optional[Iterable[str]] = None,
               since: Optional[str] = None) -> Iterator[Dict[str, Any]]:
        """The graph as import records (``{"node": ...}`` then ``{"edge": ...}``), streamed.

        A generator: records are read from the connection as they are consumed, so a graph of
        any size is followed in constant memory. ``since`` is a date or RFC 3339 datetime.
        """
        params = _without_none({"types": ",".join(types) if types else None, "since": since})
        response = self._open("GET", "/v1/export", params=params)
        try:
            for line in response:
                if line.strip():
                    yield json.loads(line)
        except OSError as error:
            raise _connection_error("the export stream broke", error) from error
        finally:
            response.close()

    def import_jsonl(self, records: JsonLines, *, atomic: Optional[bool] = None,
                     batch_size: Optional[int] = None,
                     chunk_bytes: int = DEFAULT_IMPORT_CHUNK_BYTES) -> Dict[str, Any]:
        """Imports JSON Lines (POST /v1/import) and returns the server's report.

        ``records``: dicts (``{"node": {...}}`` or ``{"edge": {...}}``), JSON Lines text or
        bytes, an open file, or a path (a ``str`` of one line that is not a JSON object is
        taken as a path: ``import_jsonl("export.jsonl")`` reads that file). Bad lines are reported by line number and the rest
        written; with ``atomic=True`` all lines are sent in one body and written all or
        nothing. Larger inputs go in bodies of at most ``chunk_bytes``, the reports summed.
        """
        lines = _jsonl_lines(records)
        params = _without_none({"atomic": None if atomic is None else str(bool(atomic)).lower(),
                                "batch_size": batch_size})
        if atomic:
            chunk_bytes = 1 << 62
        report: Optional[Dict[str, Any]] = None
        first_line, line_number = 1, 0
        chunk: List[bytes] = []
        size = 0

        def send() -> None:
            nonlocal report, chunk, size, first_line
            answer = self._json("POST", "/v1/import", params={**params, "first_line": first_line},
                                data=b"".join(chunk), content_type="application/x-ndjson")
            report = answer if report is None else _merge_reports(report, answer)
            first_line, chunk, size = line_number + 1, [], 0

        for line in lines:
            if chunk and size + len(line) > chunk_bytes:
                send()
            line_number += 1
            chunk.append(line)
            size += len(line)
        if chunk or report is None:
            send()
        return report  # type: ignore[return-value]

    # --- the change feed ------------------------------------------------------------------

    def changes(self, since: int = 0, *, types: Optional[Iterable[str]] = None,
                limit: Optional[int] = None, wait: Optional[int] = None):
        """Change-log records after sequence ``since`` (GET /v1/changes), oldest first.

        Returns ``(records, next_since)``: pass ``next_since`` as the next ``since`` (it moves
        past records the ``types`` filter skipped). ``wait`` (seconds, at most 30) holds an
        empty answer until a change arrives.
        """
        params = _without_none({"since": since, "types": ",".join(types) if types else None,
                                "limit": limit, "wait": wait})
        timeout = max(self.timeout, (wait or 0) + 10)
        with self._open("GET", "/v1/changes", params=params, timeout=timeout) as response:
            try:
                records = [json.loads(line) for line in response if line.strip()]
            except OSError as error:
                raise _connection_error("GET /v1/changes", error) from error
            next_since = int(response.headers.get("Expgraph-Next-Since", since))
        if records:
            next_since = max(next_since, records[-1]["sequence"])
        return records, next_since

    def follow(self, since: int = 0, *, types: Optional[Iterable[str]] = None,
               wait: int = 25) -> Iterator[Dict[str, Any]]:
        """Every change after ``since``, then each new one as it happens, without end.

        Each record carries its ``sequence``: store the last one handled and pass it as
        ``since`` after a restart to see every change exactly once.
        """
        while True:
            records, since = self.changes(since, types=types, wait=wait)
            yield from records

    # --- the API itself ------------------------------------------------------------------

    def openapi(self) -> Dict[str, Any]:
        """The server's OpenAPI 3.1 description (GET /v1/openapi.json)."""
        return self._json("GET", "/v1/openapi.json")

    def whoami(self) -> Dict[str, Any]:
        """The client's key as the server sees it (GET /v1/auth/me): ``{"name", "role",
        "authentication"}``, role reader, writer or admin; authentication "off" when the server
        checks no keys (every request is then "anonymous" with the admin role)."""
        return self._json("GET", "/v1/auth/me")

    # --- plumbing ------------------------------------------------------------------------

    @staticmethod
    def _node_path(type: str, key: str) -> str:
        return "/v1/nodes/{}/{}".format(urllib.parse.quote(type, safe=""),
                                        urllib.parse.quote(key, safe=""))

    def _open(self, method: str, path: str, *, params: Optional[Mapping[str, Any]] = None,
              body: Any = None, data: Optional[bytes] = None,
              content_type: str = "application/json", timeout: Optional[float] = None):
        url = self.url + path
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        headers = {"Accept": "application/json"}
        if body is not None:
            data = json.dumps(body).encode("utf-8")
        if data is not None:
            headers["Content-Type"] = content_type
        if self.api_key:
            headers["Authorization"] = "Bearer " + self.api_key
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        for attempt in range(self.retries + 1):
            try:
                return urllib.request.urlopen(request, timeout=timeout or self.timeout)
            except urllib.error.HTTPError as http_error:
                with http_error:
                    error = error_from_response(http_error.code, http_error.read(),
                                                http_error.headers)
            except (urllib.error.URLError, OSError) as failure:
                raise _connection_error(f"{method} {url}", failure) from failure
            if not _refused_unstarted(error) or attempt == self.retries:
                raise error
            time.sleep(min(error.retry_after, MAX_RETRY_WAIT_SECONDS))
        raise AssertionError("unreachable")

    def _json(self, method: str, path: str, **options: Any) -> Any:
        with self._open(method, path, **options) as response:
            try:
                return json.loads(response.read())
            except OSError as error:
                raise _connection_error(f"{method} {path}", error) from error


def _refused_unstarted(error: ExpgraphError) -> bool:
    """Whether the server refused the request before acting on it and said when to retry."""
    return error.status in (429, 503) and error.retry_after is not None


def _connection_error(what: str, error: BaseException) -> ConnectionFailed:
    """``Timeout`` when ``error`` is a time-out (urllib wraps some in URLError), else
    ``ConnectionFailed``."""
    reason = getattr(error, "reason", error)
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return Timeout(f"{what}: no answer in time ({reason})")
    return ConnectionFailed(f"{what}: {reason}")


def _names_a_file(text: str) -> bool:
    """Whether a str given as records is a file's path rather than JSON Lines: a record
    starts with "{", and a path is one line that does not."""
    stripped = text.strip()
    return bool(stripped) and "\n" not in stripped and not stripped.startswith("{")


def _jsonl_lines(records: JsonLines) -> Iterator[bytes]:
    """Each record of ``records`` as one line of UTF-8 JSON, newline-terminated."""
    if isinstance(records, str) and _names_a_file(records):
        records = pathlib.Path(records)
    if isinstance(records, (str, bytes)):
        text = records.encode("utf-8") if isinstance(records, str) else records
        source: Iterable[Any] = io.BytesIO(text)
    elif isinstance(records, os.PathLike):
        with open(records, "rb") as file:
            yield from _jsonl_lines(file)
        return
    else:
        source = records
    for record in source:
        if isinstance(record, Mapping):
            yield (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
            continue
        # Blank lines are sent too: the server counts them, so its line numbers stay the file's.
        line = record.encode("utf-8") if isinstance(record, str) else record
        yield line if line.endswith(b"\n") else line + b"\n"


def _merge_reports(total: Dict[str, Any], part: Dict[str, Any]) -> Dict[str, Any]:
    merged = dict(total)
    merged["lines"] = total["lines"] + part["lines"]
    merged["rejected"] = total["rejected"] + part["rejected"]
    merged["rejections"] = total["rejections"] + part["rejections"]
    for kind in ("nodes", "edges"):
        merged[kind] = {outcome: total[kind].get(outcome, 0) + count
                        for outcome, count in part[kind].items()}
    return merged
