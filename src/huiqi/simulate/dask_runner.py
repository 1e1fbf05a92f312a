"""Run a simulation on a Dask cluster: the same compiled rules, partition by partition.

Workers read their partitions of the population themselves (the files must be reachable from
every worker, as with any Dask cluster), compute partial features, then evaluate their chunks;
only small partial totals travel back (and, for an impact analysis, each chunk's per-applicant sums).
Without a scheduler address, a LocalCluster is started.
"""

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from datetime import date

import polars as pl

from huiqi.rules.batch import combine_features, features, lookup
from huiqi.simulate.engine import Outcome, Runner, Scenario
from huiqi.simulate.population import Population

Spec = tuple[Population, list[Scenario], date, list[str], int, bool]


def _runner(spec: Spec) -> Runner:
    return Runner(*spec)


def _features(spec: Spec, start: int, length: int) -> pl.DataFrame | None:
    runner = _runner(spec)
    part = features(runner.matters().slice(start, length), runner.plans[0].ctx)
    return None if part is None else part.collect()


def _evaluate(spec: Spec, table: pl.DataFrame, start: int,
              length: int) -> tuple[list[pl.DataFrame], list[pl.DataFrame] | None]:
    return _runner(spec).step(table, start, length)


def run(spec: Spec, scheduler: str | None = None, workers: int = 2,
        progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Totals per group for each scenario (and the impact detail), computed on the cluster at ``scheduler``
    (or a local one)."""
    from distributed import Client, LocalCluster, as_completed

    spec = (replace(spec[0], rows=None), *spec[1:])  # workers find their own rows: do not ship them
    runner = _runner(spec)
    count = runner.population.matters.select(pl.len()).collect().item()
    chunks = runner.chunks(count)
    local = nullcontext() if scheduler else LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    with local as cluster, Client(scheduler or cluster) as client:
        parts = client.gather([client.submit(_features, spec, s, n, pure=False) for s, n in chunks])
        feats = combine_features(parts, runner.plans[0].ctx)
        table = lookup(runner.people(), None if feats is None else feats.lazy(), runner.plans[0].ctx).collect()
        [table_f] = client.scatter([table], broadcast=True)
        futures = [client.submit(_evaluate, spec, table_f, s, n, pure=False) for s, n in chunks]
        collector = runner.collector(table.height)
        if progress:  # the data read: the computing begun, as the one-process runner says it
            progress(0, len(chunks))
        for done, future in enumerate(as_completed(futures), start=1):
            collector.add(*future.result())
            if progress:
                progress(done, len(chunks))
    return collector.outcome()
