"""Load and check policy files: every mistake names the file, line, measure and field.

Shape is checked by the Pydantic models of ``spec``; meaning on top of it here: known codes,
expressions that parse and type-check, parameters of the right kind, clause words that really
are in the clause, measures numbered once.
"""

import hashlib
import re
from dataclasses import replace
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from huiqi.errors import InputError, PolicyFileError
from huiqi.rules import expr, keys, syntax
from huiqi.rules.facts import CHOICES, FACTS, MONEY_FIELDS
from huiqi.rules.figures import unstated
from huiqi.rules.params import KINDS, DatedValue, Parameter, read_value
from huiqi.rules.policy import Ceiling, CodeInfo, Condition, DatedUnits, Measure, Policy, Rule
from huiqi.rules.spec import (
    MAX_CODE,
    CodeSpec,
    ConditionSpec,
    MeasureSpec,
    ParameterSpec,
    PolicySpec,
    RuleSpec,
    VocabularySpec,
)
from huiqi.validation import date_reason, field_path, problems

Path_ = tuple[Any, ...]
WINDOW_PARAMS = ("window_start", "window_end")
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when built with it: ten times faster


class _Loader(LOADER):  # type: ignore[misc,valid-type]
    """The safe loader, but a day the calendar lacks (2028-02-30) stays its text, for the spec to name the field
    and the line (the parser's own constructor raises a bare ValueError)."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def read_yaml(text: str, name: str, shape: keys.Key | None = None) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML; return the data and the line of every node path. ``shape``: the file's keys, to name a key given
    twice in Chinese (``keys.POLICY``); without it, by its path as written."""
    loader = _Loader(text)  # parsed once: the nodes give the lines, and the data is constructed from them
    try:
        root = loader.get_single_node()
        repeated = _repeated(root, ())  # before construction, which folds a merge (<<) into the mapping it extends
        data = None if root is None else loader.construct_document(root)
    except yaml.YAMLError as exc:
        line, column, said = syntax.explained(exc, text)
        at = f"（第 {column} 列）" if column else ""
        raise PolicyFileError([f"{name}:{line or '?'}: YAML 格式错误{at}：{said}"]) from None
    except RecursionError:
        raise PolicyFileError([f"{name}:?: YAML 格式错误：{syntax.ENDLESS}"]) from None
    except (ValueError, TypeError, AttributeError, OverflowError):  # the constructor's own, on a tagged scalar
        mark = _unreadable(loader, root)
        at = f"{mark.line + 1}: YAML 格式错误（第 {mark.column + 1} 列）" if mark else "?: YAML 格式错误"
        raise PolicyFileError([f"{name}:{at}：{syntax.TAGGED}"]) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    _walk(root, (), lines)
    if repeated:  # the parser keeps the last of a key given twice: a copy-paste slip would pass unseen
        report = _Reporter(name, data, lines, shape)
        for path in dict.fromkeys(repeated):
            report(path, "键重复")
        report.raise_if_any()
    return data, lines


def _unreadable(loader: Any, root: yaml.Node | None) -> Any:
    """Where the first scalar the constructor cannot read is (``!!int abc``), or None."""
    nodes, seen = [root], set()
    while nodes:
        node = nodes.pop(0)
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                loader.yaml_constructors.get(node.tag, type(loader).construct_undefined)(loader, node)
            except Exception:  # whatever the constructor raises: this is the scalar to place
                return node.start_mark
        elif isinstance(node, yaml.MappingNode):
            nodes += [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            nodes += node.value
    return None


def _repeated(node: yaml.Node | None, path: Path_) -> list[Path_]:
    """Each key given twice in one mapping, as written (a merge's ``<<`` and the keys it brings are not repeats: a
    key written beside a merge overrides the merged one, as YAML means)."""
    found: list[Path_] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key, value in node.value:
            own = key.value if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge" else None
            if own is not None and own in seen:
                found.append(path + (own,))
            seen.add(own if own is not None else id(key))
            found += _repeated(value, path + (key.value if isinstance(key, yaml.ScalarNode) else id(key),))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found += _repeated(item, path + (index,))
    return found


def _walk(node: yaml.Node | None, path: Path_, lines: dict[Path_, int]) -> None:
    """The line of every node path into ``lines``."""
    if node is None:
        return
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines[path + (key.value,)] = key.start_mark.line + 1
            _walk(value, path + (key.value,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), lines)


def _line(lines: dict[Path_, int], path: Path_) -> int | str:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return "?"


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


class _Builder:
    """Turns a validated ``PolicySpec`` into a ``Policy``, collecting every problem on the way."""

    def __init__(self, spec: PolicySpec, vocabulary: dict[str, CodeInfo], report: "_Reporter"):
        self.spec, self.report = spec, report
        self.codes = dict(vocabulary)
        self.broken: set[str] = set()  # parameters already reported, so their uses are not reported again
        self.window = {
            "window_start": Parameter("window_start", "有效期起始日", "date",
                                      (DatedValue(spec.issued, spec.window.start, spec.window.source),)),
            "window_end": Parameter("window_end", "有效期截止日", "date", (
                DatedValue(spec.issued, spec.window.end, spec.window.source),
                *(DatedValue(c.since, c.value, c.source) for c in spec.window.end_changes),
            )),
        }

    def build(self, version: str, path: str) -> Policy:
        spec = self.spec
        self._codes()
        params = self._parameters(spec.parameters, ("parameters",))
        general = tuple(self._condition(c, ("general", i), {**self.window, **params}, self._policy_text())
                        for i, c in enumerate(spec.general))
        measures = tuple(self._measure(m, ("measures", i), params) for i, m in enumerate(spec.measures))
        self._numbering()
        if spec.succeeds == spec.id:
            self.report(("succeeds",), "政策不能接续它自己：这里应写它所接续的另一项政策的编号（id）")
        if spec.window.end < spec.window.start:
            self.report(("window", "end"), "有效期截止日早于起始日")
        for i, change in enumerate(spec.window.end_changes):
            if isinstance(change.value, str):
                self.report(("window", "end_changes", i, "value"), date_reason(change.value))
            elif not isinstance(change.value, date) or change.since <= spec.issued:
                self.report(("window", "end_changes", i), "应为发布日之后的日期变更：生效日期与新截止日都应是日期")
        return Policy(
            id=spec.id, title=spec.title, issuer=spec.issuer, number=spec.number, issued=spec.issued,
            window_start=self.window["window_start"], window_end=self.window["window_end"],
            window_source=spec.window.source, preamble=spec.preamble, closing=spec.closing,
            validity=spec.validity, stacking=spec.stacking, source=spec.source, general=general,
            codes=self.codes, measures=measures, parameters=params, version=version, path=path,
            situations=tuple(spec.situations), succeeds=spec.succeeds,
        )

    def _policy_text(self) -> str:
        s = self.spec
        return _squash(s.title + s.preamble + s.closing + s.validity + s.stacking)

    def _codes(self) -> None:
        for code, info in self.spec.codes.items():
            if len(code) > MAX_CODE:
                self.report(("codes", code), f"代码不能超过 {MAX_CODE} 个字符")
            known = self.codes.get(code)
            if known and (known.type, known.label) != (info.type, info.label):
                self.report(("codes", code), f"与通用词汇中的代码 {code!r} 定义不同")
            for why in _choice_problems(code, info):
                self.report(("codes", code, "choices"), why)
            self.codes[code] = _code_info(code, info)

    def _numbering(self) -> None:
        seen: set[int] = set()
        for i, measure in enumerate(self.spec.measures):
            if measure.number in seen:
                self.report(("measures", i, "number"), f"措施编号 {measure.number} 重复")
            seen.add(measure.number)

    def _parameters(self, specs: dict[str, ParameterSpec], at: Path_) -> dict[str, Parameter]:
        params = {}
        for name, spec in specs.items():
            where = at + (name,)
            if name in FACTS or name in WINDOW_PARAMS or name in expr.FUNCTIONS:
                self.report(where, f"参数名 {name!r} 与事实或内置名称重名")
            values = []
            for i, dated in enumerate(spec.values):
                try:
                    values.append(DatedValue(dated.since, read_value(spec.kind, dated.value), dated.source))
                except ValueError as exc:
                    self.report(where + ("values", i, "value"), str(exc))
                    self.broken.add(name)
            if [v.since for v in values] != sorted({v.since for v in values}):
                self.report(where + ("values",), "各取值的起始日期应递增且不重复")
            earliest = min(self.spec.issued, self.spec.window.start)
            if values and min(v.since for v in values) < earliest:
                self.report.warn(where + ("values", 0, "since"),
                                 f"起始日期 {min(v.since for v in values)} 早于政策的发布日期和有效期起始日"
                                 f"（{earliest}），这一取值在此前不会用到：请核对")
            if values:
                params[name] = Parameter(name, spec.label, spec.kind, tuple(values))
        return params

    def _figures(self, spec: MeasureSpec, own: dict[str, Parameter], at: Path_) -> None:
        """Warn of a money value that the text it cites does not state (clause 最高100万元, value 150万元). The first
        value, and any whose source names this measure (措施3：…), cites the measure's clause; a later one citing
        another document (辽财…：提高至150万元) cites its source."""
        names = re.compile(rf"^措施{spec.number}(?!\d)")
        for name, param in own.items():
            if param.kind != "money" or len(param.values) != len(spec.parameters[name].values):
                continue
            for i, dated in enumerate(param.values):
                own_clause = i == 0 or bool(names.match(dated.source))
                text, cited = (spec.clause, f"措施{spec.number}的条款原文") if own_clause else (dated.source, "其依据")
                why = unstated(dated.value, text, cited)
                if why:
                    self.report.warn(at + (name, "values", i, "value"), f"{why}：请核对取值或条文")

    def _measure(self, spec: MeasureSpec, at: Path_, policy_params: dict[str, Parameter]) -> Measure:
        own = self._parameters(spec.parameters, at + ("parameters",))
        self._figures(spec, own, at + ("parameters",))
        scope = {**self.window, **policy_params, **own}
        clause = _squash(spec.clause)
        rules = tuple(self._rule(r, at + ("rules", i), scope, clause, monetary=True, default=spec.kind)
                      for i, r in enumerate(spec.rules))
        services = tuple(self._rule(r, at + ("services", i), scope, clause, monetary=False)
                         for i, r in enumerate(spec.services))
        local = tuple(self._rule(r, at + ("local", i), scope, clause, monetary=False)
                      for i, r in enumerate(spec.local))
        if spec.kind == "service" and (rules or not services):
            self.report(at + ("kind",), "服务类措施不设资金规则，应至少有一个服务条目")
        if spec.kind != "service" and not rules:
            self.report(at + ("rules",), "资金类措施应至少有一条规则")
        first = DatedUnits(self.spec.issued, tuple(spec.units), f"措施{spec.number}（责任单位）")
        units: tuple[DatedUnits, ...] = (first,)
        units += tuple(DatedUnits(u.since, tuple(u.value), u.source) for u in spec.units_changes)
        if [u.since for u in units] != sorted({u.since for u in units}):
            self.report(at + ("units_changes",), "责任单位的变更日期应晚于发布日期并递增")
        if spec.stacks_with and spec.kind == "service":
            self.report(at + ("stacks_with",), "服务类措施没有资金，不存在叠加支持")
        return Measure(spec.number, spec.chapter, spec.title, spec.clause, spec.kind, units, own,
                       rules, services, local, tuple(spec.stacks_with), tuple(spec.serves))

    def _rule(self, spec: RuleSpec, at: Path_, scope: dict[str, Parameter], clause: str,
              monetary: bool, default: str = "award") -> Rule:
        if _squash(spec.clause) not in clause:
            self.report(at + ("clause",), "这段条文不在本措施的条文中（应原文摘录）")
        for i, code in enumerate(spec.reaches):
            if code not in self.codes:
                self.report(at + ("reaches", i), f"未知事项代码 {code!r}")
        quotable = clause + self._policy_text()
        conditions = tuple(self._condition(c, at + ("conditions", i), scope, quotable)
                           for i, c in enumerate(spec.conditions))
        ceiling = None
        if monetary:
            if not spec.reaches:
                self.report(at + ("reaches",), "资金规则应列出它适用的事项代码")
            ceiling = self._ceiling(spec, at + ("ceiling",), scope)
        elif spec.ceiling is not None:
            self.report(at + ("ceiling",), "服务和地方鼓励条目不设上限")
        self._plain(spec, at)
        kind = spec.kind or (default if default != "service" else "award")
        return Rule(spec.name, spec.clause, tuple(spec.reaches), conditions, ceiling, kind, spec.reading)

    def _ceiling(self, spec: RuleSpec, at: Path_, scope: dict[str, Parameter]) -> Ceiling | None:
        c = spec.ceiling
        if c is None:
            self.report(at, "资金规则应写明上限：上限金额参数，或比例参数与计算基数，或写明未定额")
            return None
        if c.unspecified:
            if c.cap or c.rate or c.base:
                self.report(at, "写明未定额的，不能再写上限金额参数、比例参数或计算基数")
            return Ceiling()
        if not (c.cap or c.rate):
            self.report(at, "应写明上限金额参数或比例参数，或写明未定额")
        if bool(c.rate) != bool(c.base):
            self.report(at, "比例参数与计算基数应同时写明")
        if c.base and c.base not in MONEY_FIELDS:
            self.report(at + ("base",), f"计算基数应为金额事实：{_money_facts()}")
        return Ceiling(self._param(scope, c.cap, "money", at + ("cap",)),
                       self._param(scope, c.rate, "rate", at + ("rate",)), c.base)

    def _param(self, scope: dict[str, Parameter], name: str | None, kind: str, at: Path_) -> Parameter | None:
        if name is None or name in self.broken:
            return None
        param = scope.get(name)
        if param is None:
            self.report(at, f"未知参数 {name!r}")
            return None
        if param.kind != kind:
            self.report(at, f"参数 {name!r} 是{KINDS[param.kind]}，此处应为{KINDS[kind]}")
            return None
        return param

    def _plain(self, spec: RuleSpec | ConditionSpec, at: Path_) -> None:
        """The texts people read name no fact or choice by the program's name, as in 其他（other）."""
        for key in ("name", "clause", "reading"):
            found = _IDENTIFIER.search(getattr(spec, key) or "")
            if found:
                self.report(at + (key,), f"给人看的文字不应出现程序名称{found.group()}，请写中文名称")

    def _condition(self, spec: ConditionSpec, at: Path_, scope: dict[str, Parameter], clause: str) -> Condition:
        if _squash(spec.clause) not in clause:
            self.report(at + ("clause",), "这段条文不在条文中（应原文摘录）")
        self._plain(spec, at)

        def resolve(name: str) -> Any:
            return scope.get(name) or FACTS.get(name)

        try:
            node = expr.parse(spec.when, resolve, frozenset(self.codes))
        except expr.ExprError as exc:
            col = f"（第{exc.col + 1}列）" if exc.col is not None else ""
            self.report(at + ("when",), f"{exc}{col}：{spec.when}")
            node = expr.Lit("bool", False)
        return Condition(spec.name, spec.clause, spec.when, node, spec.reading)


class _Reporter:
    def __init__(self, name: str, data: Any, lines: dict[Path_, int], root: keys.Key | None = keys.POLICY):
        self.name, self.data, self.lines, self.root = name, data, lines, root
        self.items: list[tuple[int | str, str]] = []
        self.warnings: list[tuple[int | str, str]] = []  # doubtful, not wrong: said, never refused

    def __call__(self, path: Path_, reason: str) -> None:
        line = _line(self.lines, path)
        self.items.append((line, f"{self.name}:{line}: {self.where(path)}：{reason}"))

    def warn(self, path: Path_, reason: str) -> None:
        line = _line(self.lines, path)
        self.warnings.append((line, f"{self.name}:{line}: {self.where(path)}：{reason}"))

    def warned(self) -> tuple[str, ...]:
        return tuple(said for _, said in sorted(self.warnings, key=lambda item: str(item[0]).zfill(9)))

    def where(self, path: Path_) -> str:
        """The place in Chinese (``keys.label``): a measure's by its number, 措施5 条款原文."""
        if self.root is None:
            return field_path(path)
        if self.root is keys.POLICY and len(path) >= 2 and path[0] == "measures" and isinstance(path[1], int):
            number = _get(self.data, path[:2] + ("number",))
            measure = f"措施{number}" if isinstance(number, int) else f"第 {path[1] + 1} 条措施"
            rest = path[2:]
            return f"{measure} {keys.label(rest, _get(self.data, path[:2]), keys.MEASURE)}" if rest else measure
        return keys.label(path, self.data, self.root)

    def raise_if_any(self) -> None:
        """The mistakes in the order of the file's lines, so that the officer mends it from the top down."""
        if self.items:
            ordered = sorted(self.items, key=lambda item: (0, item[0]) if isinstance(item[0], int) else (1, 0))
            raise PolicyFileError([said for _, said in ordered])


_IDENTIFIER = re.compile(r"[（(][a-z][a-z0-9]*(?:_[a-z0-9]+)*[）)]")  # a bare program name in brackets


def _squash(text: str) -> str:
    """Text without whitespace, for comparing clause words with the clause."""
    return re.sub(r"\s+", "", text)


def _money_facts() -> str:
    """The money facts a rate may apply to, each with its Chinese name: investment（投资额（元））."""
    return "、".join(f"{name}（{FACTS[name].label}）" for name in sorted(MONEY_FIELDS))


def _code_info(code: str, spec: CodeSpec) -> CodeInfo:
    return CodeInfo(code, spec.type, spec.label, tuple(spec.fields), spec.group or spec.type,
                    tuple((f, tuple(values)) for f, values in spec.choices.items()))


def _choice_problems(code: str, spec: CodeSpec) -> list[str]:
    """A code's own choices must be fields it names, and values of those fields."""
    out = []
    for name, values in spec.choices.items():
        if name not in spec.fields:
            out.append(f"代码 {code} 的可选值中的 {name!r} 不在它的字段中")
        known = CHOICES.get(name, {})
        out += [f"代码 {code} 的 {name} 取值 {v!r} 不是该字段的可选值" for v in values if v not in known]
    return out


def _validated(model: Any, data: Any, report: _Reporter) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for path, why in problems(exc):
            report(path, why)
        report.raise_if_any()


@cache
def vocabulary() -> dict[str, CodeInfo]:
    """The shipped matter codes (policies/vocabulary.yaml)."""
    text = resources.files("huiqi.policies").joinpath("vocabulary.yaml").read_text("utf-8")
    data, lines = read_yaml(text, "vocabulary.yaml", keys.VOCABULARY)
    spec = _validated(VocabularySpec, data, _Reporter("vocabulary.yaml", data, lines, keys.VOCABULARY))
    unknown = [(c, f) for c, s in spec.codes.items() for f in s.fields if f not in FACTS]
    wrong = [f"vocabulary.yaml: {why}" for c, s in spec.codes.items() for why in _choice_problems(c, s)]
    if unknown or wrong:
        raise PolicyFileError([f"vocabulary.yaml: 代码 {c} 的字段 {f!r} 不是已知事实" for c, f in unknown] + wrong)
    return {code: _code_info(code, s) for code, s in spec.codes.items()}


def load_text(text: str, name: str, *, path: str = "", changes: Any = None) -> Policy:
    """Load a policy from YAML text; ``changes`` (a callable on the raw data) applies a reform."""
    data, lines = read_yaml(text, name, keys.POLICY)
    if changes is not None:
        data = changes(data)
    report = _Reporter(name, data, lines)
    if data is None:
        raise PolicyFileError([f"{name}: 文件为空（没有任何政策内容，或只有注释）"])
    if not isinstance(data, dict):
        report((), "政策文件应是一个键值表")
        report.raise_if_any()
    spec = _validated(PolicySpec, data, report)
    version = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    policy = _Builder(spec, vocabulary(), report).build(version, path)
    report.raise_if_any()
    return replace(policy, text=text, warnings=report.warned())


def read_file(path: Path, what: str = "政策文件") -> str:
    """A policy file's (or ``what`` file's: 改革方案) text; a missing, unreadable or non-UTF-8 file is a
    PolicyFileError said in Chinese."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PolicyFileError([f"{path}: 没有这个文件"]) from None
    except IsADirectoryError:
        raise PolicyFileError([f"{path}: 这是一个文件夹，不是{what}"]) from None
    except PermissionError:
        raise PolicyFileError([f"{path}: 没有读取这个文件的权限"]) from None
    except OSError as exc:
        raise PolicyFileError([f"{path}: 无法读取{what}（{exc.strerror or exc}）"]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PolicyFileError([f"{path}:{line}: 文件不是 UTF-8 编码（可能是 GBK 等）：请用 UTF-8 另存后再试"]) from None


def load_file(path: str | Path, **kwargs: Any) -> Policy:
    """Load a policy file; a missing or unreadable file is a PolicyFileError."""
    path = Path(path)
    return load_text(read_file(path), str(path), path=str(path), **kwargs)


def in_catalogue_order(policies: list[Policy]) -> list[Policy]:
    """Policies as the catalogue orders those in force (``catalogue.service.published``): oldest issued first, then by
    id, numbered so (the order decides between measures of different policies that 从高不重复 ranks alike)."""
    return [replace(p, order=i) for i, p in enumerate(sorted(policies, key=lambda p: (p.issued, p.id)))]


def load_folder(folder: Path, refs: list[str] | None = None) -> list[Policy]:
    """The policies of every ``.yaml`` file in ``folder`` (as ``huiqi policy export`` writes the catalogue), in the
    catalogue's order; with ``refs``, those of these ids only."""
    if not folder.is_dir():
        raise InputError([("--catalogue", f"{folder} 不是文件夹：应为 huiqi policy export 导出政策目录的文件夹")])
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise InputError([("--catalogue", f"文件夹 {folder} 中没有政策文件（.yaml）："
                                          f"请先运行 huiqi policy export {folder}")])
    policies = in_catalogue_order([load_file(f) for f in files])
    ids = [p.id for p in policies]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise PolicyFileError([f"{folder}: 政策 {duplicate!r} 有两个文件"])
    missing = next((ref for ref in refs or [] if ref not in ids), None)
    if missing:
        raise InputError([("--policy", f"文件夹 {folder} 中没有政策“{missing}”（有：{'、'.join(ids)}）")])
    return [p for p in policies if not refs or p.id in refs]


def shipped_paths() -> dict[str, Path]:
    """The policy files shipped with the product, by policy id (file stem)."""
    folder = Path(str(resources.files("huiqi.policies")))
    return {p.stem: p for p in sorted(folder.glob("*.yaml")) if p.name != "vocabulary.yaml"}


@cache
def shipped(policy_id: str) -> Policy:
    """A shipped policy by id."""
    paths = shipped_paths()
    if policy_id not in paths:
        raise PolicyFileError([f"没有名为 {policy_id!r} 的内置政策（可用：{', '.join(paths)}）"])
    return load_file(paths[policy_id])


def load_many(refs: list[str] | None = None) -> list[Policy]:
    """Policies by shipped id or file path, numbered in the order given; all shipped ones by default."""
    refs = refs or list(shipped_paths())
    policies = []
    for order, ref in enumerate(refs):
        if ref not in shipped_paths() and not Path(ref).exists():
            raise PolicyFileError([f"没有政策“{ref}”：既不是内置政策编号（可用：{', '.join(shipped_paths())}），"
                                   "也没有这个文件"])
        policy = shipped(ref) if ref in shipped_paths() else load_file(ref)
        policies.append(replace(policy, order=order))
    ids = [p.id for p in policies]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise PolicyFileError([f"政策 {duplicate!r} 被加载了两次"])
    return policies
