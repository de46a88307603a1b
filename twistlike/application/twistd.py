"""The twistd runner: ``python -m twistlike twistd -n -y app.tac``.

Twisted: twisted.scripts.twistd.

Options: ``-n/--nodaemon``, ``-y/--python``, ``-l/--logfile`` (``-`` for stdout),
``--pidfile``, ``-d/--rundir``, ``--umask``, ``-u/--uid``, ``-g/--gid``, ``--chroot``,
``--euid``, ``-r/--reactor`` (asyncio or uvloop), ``--logger``, and the twistlike-only
``--workers N``. See docs/services.md.
"""

from twistlike._aio.twistd import ServerOptions, main, run, runApp

__all__ = ["ServerOptions", "main", "run", "runApp"]

# This module is the public home of these names: show it in reprs, tracebacks and pickles.
for _name in __all__:
    globals()[_name].__module__ = __name__
del _name
