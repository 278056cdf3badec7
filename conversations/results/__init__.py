"""What the service layer found out, one frozen dataclass per outcome (``QuoteReady``,
``OrderPlaced``, ``NoWorkerFound``…), grouped by area, one module each. Flows key their
transitions on these types; services return them. Neither flows nor services are imported here.
"""
