"""Applicants (申报单位): profiles kept as history, and their matters."""
