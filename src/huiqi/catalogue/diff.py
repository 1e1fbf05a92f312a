"""What publishing a version would change: every applicant in the database matched under the policies in force
and under them with the new version in place, measure by measure (who becomes eligible, ineligible or
undetermined; the ceilings granted after 从高不重复), and, for a population file, the simulated cost."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from huiqi.applicants import repository as applicants
from huiqi.applicants import service as applicant_service
from huiqi.catalogue.changes import FileChanges
from huiqi.rules.match import match
from huiqi.rules.policy import Policy

STATUSES = ("eligible", "undetermined", "ineligible")


@dataclass
class MeasureChange:
    """One measure: how many (applicant, matter) results moved from one status to another, and the ceilings
    granted before and after (whole yuan)."""

    policy: str
    measure: int
    title: str
    moves: Counter = field(default_factory=Counter)  # (before, after) → count; None: no result
    recapped: int = 0  # results whose status stayed while their ceiling changed (a cap or rate moved)
    granted_before: int = 0
    granted_after: int = 0

    def count(self, before: str | None, after: str | None) -> int:
        return self.moves[(before, after)]

    @property
    def became_eligible(self) -> int:
        return sum(n for (b, a), n in self.moves.items() if a == "eligible" and b != "eligible")

    @property
    def no_longer_eligible(self) -> int:
        return sum(n for (b, a), n in self.moves.items() if b == "eligible" and a != "eligible")

    @property
    def became_undetermined(self) -> int:
        return sum(n for (b, a), n in self.moves.items() if a == "undetermined" and b != "undetermined")

    @property
    def unchanged(self) -> int:
        """Results whose status and ceiling both stayed (those whose ceiling alone moved are ``recapped``)."""
        return sum(n for (b, a), n in self.moves.items() if a == b) - self.recapped

    @property
    def cost_change(self) -> int:
        return self.granted_after - self.granted_before


@dataclass
class PopulationChange:
    """The simulated totals of a population file by measure, before and after (whole yuan)."""

    path: str
    rows: list[tuple[str, int, int, int, int, int]]  # policy, measure, grants before, after, ceiling before, after


@dataclass
class PolicyDiff:
    """``policies``: each policy compared, by id, as people cite it (文号《标题》), a new one's too; ``file``: what the
    new version changes in the file itself (``changes.of``)."""

    as_of: date
    applicants: int
    measures: list[MeasureChange]
    population: PopulationChange | None = None
    policies: dict[str, str] = field(default_factory=dict)
    file: FileChanges | None = None
    # a published version is compared with the version it superseded (``earlier``; None: it was the first)
    published: bool = False
    earlier: int | None = None

    @property
    def before_label(self) -> str:
        return "上一版本" if self.published else "现行版本"

    @property
    def after_label(self) -> str:
        return "本版本" if self.published else "新版本"

    def cited(self, policy_id: str) -> str:
        """A measure's policy where several are compared ('' where one is): by its number and Chinese title, never its
        id (a new policy is in no list of those in force)."""
        return self.policies.get(policy_id, "") if len(self.policies) > 1 else ""

    @property
    def cost_before(self) -> int:
        return sum(m.granted_before for m in self.measures)

    @property
    def cost_after(self) -> int:
        return sum(m.granted_after for m in self.measures)


def replaced(in_force: list[Policy], new: Policy) -> list[Policy]:
    """The policies in force with ``new`` in place of its own earlier version (or added beside them)."""
    others = [p for p in in_force if p.id != new.id]
    return sorted([*others, new], key=lambda p: (p.issued, p.id))


def compare(before: list[Policy], after: list[Policy], cases: list, as_of: date,
            also: frozenset[str] = frozenset()) -> list[MeasureChange]:
    """Each case matched under both sets; the changes per measure of the policies that differ, and of those in
    ``also`` (the policy a successor succeeds, whose grants it may take over)."""
    changed = {p.id for p in after} ^ {p.id for p in before} | also | {
        p.id for p in after for q in before if p.id == q.id and p.version != q.version}
    titles = {(p.id, m.number): m.title for p in [*before, *after] for m in p.measures if m.monetary}
    found: dict[tuple[str, int], MeasureChange] = {
        key: MeasureChange(key[0], key[1], title) for key, title in sorted(titles.items()) if key[0] in changed}
    for case in cases:
        old, new = match(case, before, as_of), match(case, after, as_of)
        statuses: dict[tuple[str, int, str], list[str | None]] = {}
        ceilings: dict[tuple[str, int, str], list[int | None]] = {}
        for i, answer in enumerate((old, new)):
            for r in answer.results:
                statuses.setdefault((r.policy, r.measure, r.matter), [None, None])[i] = r.status
                ceilings.setdefault((r.policy, r.measure, r.matter), [None, None])[i] = r.ceiling
        for (policy, measure, matter), (b, a) in statuses.items():
            if (policy, measure) in found:
                found[(policy, measure)].moves[(b, a)] += 1
                if b == a != "ineligible" and len(set(ceilings[(policy, measure, matter)])) > 1:
                    found[(policy, measure)].recapped += 1
        for i, answer in enumerate((old, new)):
            for g in answer.grants:
                if (g.policy, g.measure) in found and g.ceiling is not None:
                    m = found[(g.policy, g.measure)]
                    if i == 0:
                        m.granted_before += g.ceiling
                    else:
                        m.granted_after += g.ceiling
    return list(found.values())


def database_cases(session: Session, as_of: date) -> list:
    """Every applicant of the record as a case (its current profile and all its matters) that the rules can read."""
    found = (applicant_service.readable_case(session, applicant=a, as_of=as_of)
             for a, _ in applicants.current_profiles(session))
    return [case for case in found if case is not None]


def population(path: Path, before: list[Policy], after: list[Policy], as_of: date) -> PopulationChange:
    """The population simulated under both sets, by measure."""
    from huiqi.simulate.engine import METRICS, Runner, Scenario
    from huiqi.simulate.population import read_population

    codes = {code: info for p in [*before, *after] for code, info in p.codes.items()}
    pop = read_population(path, codes)
    # The new set first: the grouping (by policy too when there are several) follows the first scenario.
    totals = Runner(pop, [Scenario("新版本", after), Scenario("在用版本", before)], as_of, ["measure"]).run()
    keys = [c for c in totals[0].columns if c not in METRICS]
    rows: dict[tuple, list[int]] = {}
    for i, frame in ((1, totals[0]), (0, totals[1])):
        for row in frame.iter_rows(named=True):
            key = tuple(row[k] for k in keys)
            rows.setdefault(key, [0, 0, 0, 0])
            rows[key][i] = int(row["grants"] or 0)
            rows[key][2 + i] = int(row["ceiling_sum"] or 0)
    shown = [(str(k[0]) if len(k) > 1 else "", int(k[-1]), *v) for k, v in sorted(rows.items(), key=str)]
    return PopulationChange(str(path), shown)  # type: ignore[arg-type]


def diff(session: Session, before: list[Policy], after: list[Policy], as_of: date,
         population_path: Path | None = None, also: frozenset[str] = frozenset()) -> PolicyDiff:
    cases = database_cases(session, as_of)
    found = PolicyDiff(as_of, len(cases), compare(before, after, cases, as_of, also),
                       policies={p.id: f"{p.number}《{p.title}》" for p in [*before, *after]})
    if population_path is not None:
        found.population = population(population_path, before, after, as_of)
    return found
