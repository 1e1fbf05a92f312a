"""No stacking (从高不重复): per matter, support once, under the single highest ceiling.

"符合本政策措施，同时符合我省其他政策规定，按照从高不重复的原则予以支持". Only eligible results
compete; a null ceiling ranks below any number; on equal ceilings the lower measure number is
kept (then the policy loaded first). Support already received for the matter under another
provincial policy (``other_support``, X 元) is topped up to the higher of the two (差额补足): every
ceiling of the matter becomes ceiling − X, the winner still being picked on the ceilings before the
deduction; a kept ceiling at or below X, or a null one, gives nothing here. "另有规定的除外": where a
measure names another policy in ``stacks_with``, its support and that policy's stack: both are kept.
"""

from typing import Final

from huiqi.rules.answer import Grant, Result
from huiqi.rules.policy import Policy

OTHER_SUPPORT: Final = "other_support"


def rank_key(ceiling: int | None, measure: int, policy_order: int) -> tuple[int, int, int, int]:
    """Sort key: the kept result sorts first.

    >>> sorted([(None, 7), (5, 9), (5, 2)], key=lambda r: rank_key(r[0], r[1], 0))
    [(5, 2), (5, 9), (None, 7)]
    """
    return (0 if ceiling is not None else 1, -(ceiling or 0), measure, policy_order)


def blocked_by_other_support(ceiling: int | None, other_support: int | None) -> bool:
    """Whether support already received elsewhere leaves nothing to grant here (``ceiling`` before the deduction).

    A recorded 0 means nothing was received, so it blocks nothing.

    >>> blocked_by_other_support(1_000_000, 1_000_000), blocked_by_other_support(1_000_001, 1_000_000)
    (True, False)
    >>> blocked_by_other_support(None, 1), blocked_by_other_support(None, 0), blocked_by_other_support(5, None)
    (True, False, False)
    """
    if not other_support:
        return False
    return ceiling is None or ceiling <= other_support


def deducted(ceiling: int | None, other_support: int | None) -> int | None:
    """The ceiling after support already received elsewhere: ceiling − X, never below 0.

    >>> deducted(30_000_000, 20_000_000), deducted(1_000_000, 5_000_000), deducted(None, 1), deducted(5, None)
    (10000000, 0, None, 5)
    """
    if ceiling is None or not other_support:
        return ceiling
    return max(ceiling - other_support, 0)


Stacks = dict[tuple[str, int], tuple[str, ...]]  # (policy, measure) → the policies its support stacks with


def stacks_of(policies: list[Policy]) -> Stacks:
    """The measures that name policies whose support stacks with theirs (另有规定的除外)."""
    return {(p.id, m.number): m.stacks_with for p in policies for m in p.measures if m.stacks_with}


def stack(a: tuple[str, int], b: tuple[str, int], stacks_with: Stacks) -> bool:
    """Whether support under measures ``a`` and ``b`` (policy, number) stacks (另有规定的除外): they belong to
    different policies and one of them names the other's policy in ``stacks_with``.

    >>> named = {("new", 3): ("old",)}
    >>> stack(("new", 3), ("old", 5), named), stack(("old", 5), ("new", 3), named)
    (True, True)
    >>> stack(("new", 4), ("old", 5), named), stack(("new", 3), ("new", 4), named)
    (False, False)
    """
    return a[0] != b[0] and (b[0] in stacks_with.get(a, ()) or a[0] in stacks_with.get(b, ()))


def apply_no_stacking(results: list[Result], other_support: dict[str, int | None],
                      policy_order: dict[str, int], stacks_with: Stacks | None = None) -> list[Grant]:
    """Mark ``excluded_by`` on the results in place and return the grants, one per matter unless a policy names
    another whose support stacks with its measure's (``stacks_with``).

    In rank order a result is kept when it stacks with every result already kept; else the first kept one it
    does not stack with excludes it. Support received elsewhere is deducted from every kept result."""
    by_matter: dict[str, list[Result]] = {}
    for result in results:
        received = other_support.get(result.matter)
        result.ceiling_before_deduction = result.ceiling
        result.other_support = received
        result.ceiling = deducted(result.ceiling, received)
        if result.status == "eligible":
            by_matter.setdefault(result.matter, []).append(result)
    grants = []
    for matter, eligible in by_matter.items():
        eligible.sort(key=lambda r: rank_key(r.ceiling_before_deduction, r.measure, policy_order[r.policy]))
        for kept in _keep(eligible, stacks_with or {}):
            if blocked_by_other_support(kept.ceiling_before_deduction, other_support.get(matter)):
                kept.excluded_by = OTHER_SUPPORT
                continue
            grants.append(Grant(matter=matter, measure=kept.measure, ceiling=kept.ceiling, policy=kept.policy,
                                ceiling_before_deduction=kept.ceiling_before_deduction,
                                other_support=kept.other_support))
    return grants


def _keep(ranked: list[Result], stacks_with: Stacks) -> list[Result]:
    kept: list[Result] = []
    for result in ranked:
        me = (result.policy, result.measure)
        against = next((k for k in kept if not stack(me, (k.policy, k.measure), stacks_with)), None)
        if against is None:
            kept.append(result)
        else:
            result.excluded_by, result.excluded_by_policy = against.measure, against.policy
    return kept
