"""The pure core: the Deferred chain engine, combinators, timed calls, the thread pool and log
internals. Nothing under this package imports asyncio (a ruff rule by directory enforces it);
the asyncio side lives in :mod:`twistlike._aio`.
"""
