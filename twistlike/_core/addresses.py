"""Address literals: the one home of the checks Twisted's ``twisted.internet.abstract`` has.

Pure (no asyncio). Names carry no leading underscore: the module's own underscore keeps
them private to twistlike (see "Naming" in docs/index.md).
"""

from __future__ import annotations

import socket

__all__ = ["is_ipv6_address"]


def is_ipv6_address(addr: object) -> bool:
    """Whether ``addr`` is an IPv6 literal (a ``%scope`` suffix allowed), as Twisted decides.

    Twisted: twisted.internet.abstract.isIPv6Address. Anything that is not a string is not
    an address (False, never an exception).
    """
    if not isinstance(addr, str):
        return False
    try:
        socket.inet_pton(socket.AF_INET6, addr.split("%", 1)[0])
    except (OSError, ValueError):
        return False
    return True
