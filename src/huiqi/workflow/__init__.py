"""The application workflow as data: states, and which role may take which step from where."""
