"""Typed errors of the expgraph client.

Every error the server answers carries the body {"error": {"code", "message", "details"}}
(and "field" when the error is about one request field);
the client raises the class that fits its HTTP status, with the server's machine-readable
``code`` (``"not_found"``, ``"ontology_violation"``, ``"read_only_query"``, ...) kept as it is.
"""

from __future__ import annotations

import json
from typing import Mapping, Optional


class ExpgraphError(Exception):
    """An error answered by the server, or a failure to reach it (``status`` None)."""

    def __init__(self, status: Optional[int], code: str, message: str,
                 details: Optional[list] = None, retry_after: Optional[float] = None):
        super().__init__(f"{code}: {message}" if status is None else
                         f"HTTP {status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = list(details or [])
        # Seconds the server asked to wait before retrying (429), when it said so.
        self.retry_after = retry_after
        # The request field the error is about ("channel", "filter.segment"), when the server
        # said: an ``unknown_context_key``'s ``details`` are the closest keys for that field.
        self.field: Optional[str] = None


class ConnectionFailed(ExpgraphError):
    """The server could not be reached, or the connection broke mid-answer."""

    def __init__(self, message: str):
        super().__init__(None, "connection_failed", message)


class Timeout(ConnectionFailed):
    """No answer within the client's ``timeout`` (seconds, per request)."""

    def __init__(self, message: str):
        ExpgraphError.__init__(self, None, "timeout", message)


class BadRequest(ExpgraphError):
    """400: malformed JSON, an unknown field, a bad parameter, a Cypher syntax error."""


class Unauthenticated(ExpgraphError):
    """401: no API key, or one the server does not know."""


class PermissionDenied(ExpgraphError):
    """403: the key's role is below the one the route needs."""


class NotFound(ExpgraphError):
    """404: no such node, type or route."""


class Conflict(ExpgraphError):
    """409: a conflicting write."""


class TooLarge(ExpgraphError):
    """413: the request body is over the server's limit."""


class Unprocessable(ExpgraphError):
    """422: well-formed but refused: a query limit, a write clause, disabled search, ..."""


class OntologyViolation(Unprocessable):
    """422 ``ontology_violation``: the write breaks the ontology; ``details`` lists how."""


class ReadReplica(ExpgraphError):
    """421 ``read_replica``: a write sent to a read replica. ``primary`` is the URL of the
    primary to send it to (the ``Expgraph-Primary`` header), None when the server did not say."""

    def __init__(self, status, code, message, details=None, retry_after=None,
                 primary: Optional[str] = None):
        super().__init__(status, code, message, details, retry_after)
        self.primary = primary


class Overloaded(ExpgraphError):
    """429: too many requests at once, or a query over its time limit (``query_timeout``)."""


class ServerError(ExpgraphError):
    """5xx: a fault in the server."""


_BY_STATUS = {400: BadRequest, 401: Unauthenticated, 403: PermissionDenied, 404: NotFound,
              409: Conflict, 413: TooLarge, 421: ReadReplica, 422: Unprocessable,
              429: Overloaded}


def error_from_response(status: int, body: bytes, headers: Mapping[str, str]) -> ExpgraphError:
    """The typed error for an HTTP error answer (its body need not be the JSON envelope)."""
    code, message, details = f"http_{status}", body.decode("utf-8", "replace")[:500], []
    field = None
    try:
        envelope = json.loads(body)["error"]
        code, message = envelope["code"], envelope["message"]
        details = envelope.get("details") or []
        field = envelope.get("field")
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    retry_after = None
    if headers.get("Retry-After"):
        try:
            retry_after = float(headers["Retry-After"])
        except ValueError:
            pass
    if status == 421:
        primary = headers.get("Expgraph-Primary") or (details[0] if details else None)
        error: ExpgraphError = ReadReplica(status, code, message, details, retry_after, primary)
    else:
        if code == "ontology_violation":
            cls = OntologyViolation
        elif status >= 500:
            cls = ServerError
        else:
            cls = _BY_STATUS.get(status, ExpgraphError)
        error = cls(status, code, message, details, retry_after)
    error.field = field if isinstance(field, str) else None
    return error
