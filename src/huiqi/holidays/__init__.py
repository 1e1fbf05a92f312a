"""The working-day calendar as data: the package's years and those entered from the State Council's notices."""
