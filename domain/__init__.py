"""Pure business rules of daojia: no I/O, no frameworks, no clock."""
