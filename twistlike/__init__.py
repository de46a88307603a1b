"""twistlike: Twisted's API on asyncio.

Port Twisted code by changing imports (``twisted.internet.defer`` -> ``twistlike.defer``);
the code then runs on any asyncio event loop, uvloop included.
"""

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
