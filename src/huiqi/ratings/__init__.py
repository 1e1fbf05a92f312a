"""好差评: how enterprises rate each finished service, and what the departments did about the bad ratings."""
