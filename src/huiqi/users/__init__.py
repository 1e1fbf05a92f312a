"""People and their scope: who may see and do what."""
