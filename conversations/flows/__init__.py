"""The conversations themselves: pure state machines with their views, one module per flow
(``registry`` names them for the engine). They import no service and no store: a flow asks
for work by returning commands, and reads the results the engine hands back."""
