"""The interface of resources that encode their responses (private).

Twisted: twisted.web.resource._IEncodingResource.
"""

# zope.interface ships no type information: interfaces subclass an Any, and their methods
# are declarations without bodies (as in twistlike/interfaces.py).
# mypy: allow-subclassing-any
# mypy: disable-error-code="empty-body"

from __future__ import annotations

from typing import Any

from twistlike._core.zi import Interface

__all__ = ["IEncodingResource"]


class IEncodingResource(Interface):
    """A resource that may encode its responses (EncodingResourceWrapper)."""

    def getEncoder(request: Any) -> Any:
        """Return an encoder for ``request``, or None."""
