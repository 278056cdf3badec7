"""The application services: the handlers that run the commands flows issue, each in a unit
of work (``bus`` routes a command to its handler), and the sweeps the scheduler runs."""
