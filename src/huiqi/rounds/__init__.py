"""Rounds (申报批次): which measures of a published policy are open for applications, until when, with what."""
