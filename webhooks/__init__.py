"""The aiohttp application, its composition root and the ``daojia`` command."""

__version__ = "0.1.0"
