"""Fiscal simulation: populations, batch evaluation, reforms, reports, the Dask runner."""
