"""公示: proposed awards shown to the public for a number of working days before approval."""
