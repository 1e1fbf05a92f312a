"""Three-valued logic, exact money and a few helpers shared by the variables.

OpenFisca has no nulls, so a missing fact is explicit: every input that may be missing has a
``<name>_known`` boolean next to it (Enum inputs have an ``unknown`` member instead). A condition
is a three-valued number: 0 false, 1 unknown, 2 true; Kleene's ``and`` is then ``min``, ``or`` is
``max``, and a rule's status (0 ineligible, 1 undetermined, 2 eligible) is the ``and`` of its
conditions. A measure a matter does not reach has status -1.
"""

from functools import reduce

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

F, U, T = 0, 1, 2
NOT_REACHED = -1
UNSPECIFIED = -1  # a ceiling the text leaves to implementing rules (null); ranks below any amount
PERIOD = DateUnit.DAY  # everything is evaluated at one as-of date


def tri(value: np.ndarray, known: np.ndarray | bool = True) -> np.ndarray:
    """A boolean fact and its known flag as 0/1/2."""
    return np.where(known, np.where(value, T, F), U).astype(np.int8)


def both(*conditions: np.ndarray) -> np.ndarray:
    """Kleene ``and``."""
    return reduce(np.minimum, conditions)


def either(*conditions: np.ndarray) -> np.ndarray:
    """Kleene ``or``."""
    return reduce(np.maximum, conditions)


def one_of(values, *members) -> np.ndarray:
    """``value in [members]`` for an Enum input whose ``unknown`` member means missing."""
    indices = np.asarray(values)
    unknown = values.possible_values.unknown.index
    return tri(np.isin(indices, [m.index for m in members]), indices != unknown)


def reached(matter, period, *codes: str) -> np.ndarray:
    """The matter carries at least one of ``codes``."""
    return reduce(np.logical_or, [matter(f"code_{c}", period) for c in codes])


def best_status(*rules: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """A measure's status: the best status among the rules the matter reaches (-1 if none)."""
    return reduce(np.maximum, [np.where(reach, status, NOT_REACHED) for reach, status in rules])


def rate_ceiling(cap: int, percent: int, base: np.ndarray, known: np.ndarray) -> np.ndarray:
    """min(cap, floor(percent% × base)) in whole yuan; unspecified when the base is missing."""
    amount = base.astype(np.int64) * percent // 100
    return np.where(known, np.minimum(amount, cap), UNSPECIFIED)


def division(codes: np.ndarray, known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GB/T 4754 division (the first two digits) of byte-string codes, and whether it is readable."""
    head = codes.astype("S2")
    readable = known & np.char.isdigit(head)
    return np.where(readable, head, b"0").astype(np.int64), readable


class Money(Variable):
    """Whole yuan as int64 (OpenFisca's ``int`` is int32, too small for investments in yuan)."""

    def __init__(self, baseline_variable=None) -> None:
        super().__init__(baseline_variable)
        self.dtype = np.int64
