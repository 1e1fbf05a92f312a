"""Messages: what each person is told (a message centre, and e-mail when an address and SMTP are set)."""
