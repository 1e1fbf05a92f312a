"""Offers (政策直达): what the rules make eligible in an open round, brought to the enterprise unasked."""
