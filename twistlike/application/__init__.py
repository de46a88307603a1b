"""Services and applications: Twisted's twisted.application on asyncio.

Twisted: twisted.application.

* :mod:`twistlike.application.service`: Service, MultiService, Application, IService.
* :mod:`twistlike.application.internet`: TCPServer, ClientService, TimerService, ...
* :mod:`twistlike.application.strports`: services from endpoint description strings.
* :mod:`twistlike.application.twistd`: the runner, ``python -m twistlike twistd``.
* :func:`running`: run a service tree inside an existing asyncio application.

See docs/services.md.
"""

from twistlike._aio.services import running

__all__ = ["running"]

running.__module__ = __name__
