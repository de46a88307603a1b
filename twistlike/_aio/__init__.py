"""The asyncio side: the per-loop state, the reactor, the stream transports and the await
bridge. These are the only modules of twistlike that import asyncio.
"""
