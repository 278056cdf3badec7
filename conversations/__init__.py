"""Channel-neutral conversation state machines, one module per flow."""
