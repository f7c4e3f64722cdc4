"""Pure rules over plain values: no web framework, no database, today's date passed in."""
