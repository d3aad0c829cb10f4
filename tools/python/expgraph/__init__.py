"""expgraph: a Python client for the expgraph knowledge-graph service.

    from expgraph import Client
    graph = Client("http://127.0.0.1:8080", api_key="egk_...")
    rows = graph.query("MATCH (e:Experiment) RETURN e.key AS key, e.status AS status")

Standard library only; ``Client.query_df`` needs pandas. See tools/python/README.md.
"""

from .client import Client
from .errors import (BadRequest, Conflict, ConnectionFailed, ExpgraphError, NotFound,
                     OntologyViolation, Overloaded, PermissionDenied, ReadReplica, ServerError,
                     Timeout, TooLarge, Unauthenticated, Unprocessable)

__version__ = "0.1.0"

__all__ = ["Client", "ExpgraphError", "ConnectionFailed", "Timeout", "BadRequest",
           "Unauthenticated", "PermissionDenied", "NotFound", "Conflict", "TooLarge", "Unprocessable",
           "OntologyViolation", "ReadReplica", "Overloaded", "ServerError", "__version__"]
