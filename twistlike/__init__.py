"""twistlike: Twisted's API on asyncio.

Port Twisted code by changing imports (``twisted.internet.defer`` -> ``twistlike.defer``,
``from twisted.internet import reactor`` -> ``from twistlike import reactor``); the code then
runs on any asyncio event loop, uvloop included.

Importing twistlike touches no event loop; the reactor is created on first access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0.dev0"

__all__ = ["__version__", "reactor"]

if TYPE_CHECKING:
    from twistlike._aio.reactor import AsyncioReactor

    reactor: AsyncioReactor


def __getattr__(name: str) -> object:
    # `from twistlike import reactor` imports the reactor module on first use only.
    if name == "reactor":
        from twistlike._aio.reactor import reactor

        return reactor
    raise AttributeError(f"module 'twistlike' has no attribute {name!r}")
