"""The one place where twistlike hands failures to stdlib logging.

Every error that Twisted would log (an unhandled error in a Deferred at garbage collection,
an exception in a timed call, in ``dataReceived`` ...) goes through :func:`log_failure`, so an
application's logging configuration sees it and tests can collect it: the record carries the
Failure in its ``failure`` attribute (``record.failure``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from twistlike.failure import Failure

__all__ = ["FAILURE_ATTR", "log_failure"]

#: Name of the LogRecord attribute that holds the logged Failure.
FAILURE_ATTR = "failure"


def log_failure(failure: Failure, why: str | None = None, *, namespace: str = "twistlike") -> None:
    """Log ``failure`` at ERROR level on the stdlib logger ``namespace``.

    The message is ``why`` (or ``"Unhandled Error"``) followed by the failure's traceback in
    Twisted's format; the Failure itself rides along as ``record.failure``.
    """
    logging.getLogger(namespace).error(
        "%s\n%s",
        why if why is not None else "Unhandled Error",
        failure.getTraceback(),
        extra={FAILURE_ATTR: failure, "why": why},
    )
