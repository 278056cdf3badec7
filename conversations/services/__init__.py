"""The application services: the handlers that run the commands flows issue, each in a unit
of work (``bus`` routes a command to its handler), the views that answer their queries
(``views``), and the sweeps the scheduler runs."""
