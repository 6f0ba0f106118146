"""The rules reference (docs/rules.md), generated from the rule files and their test cases."""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from planchecker.checking.rulebook import (
    BASIS_LABELS,
    CATEGORY_LABELS,
    SEVERITY_LABELS,
    BoundRule,
    Catalogue,
    Pack,
    Source,
)
from planchecker.checking.rulecases import RuleCase
from planchecker.common.model import NAMND_TYPE_LABELS


def _applicability(bound: BoundRule) -> str:
    applies = bound.rule.applies
    types = (
        ", ".join(NAMND_TYPE_LABELS[t] for t in applies.namnd_types)
        if applies.namnd_types is not None
        else "alla nämnder och bolagsstyrelser"
    )
    parts = [f"planår {bound.years.label()}", types]
    if applies.when.sakerhetskanslig is not None:
        parts.append("endast säkerhetskänslig verksamhet" if applies.when.sakerhetskanslig
                     else "endast utan säkerhetskänslig verksamhet")
    if applies.when.periods:
        parts.append("vid " + ", ".join(applies.when.periods))
    return "; ".join(parts)


def _link(source: Source) -> str:
    return f" <{source.url}>" if source.url else ""


def _level(bound: BoundRule) -> str:
    rule = bound.rule
    text = f"{SEVERITY_LABELS[rule.severity]} ({rule.severity})"
    for namnd_type, severity in rule.severity_for.items():
        text += f", för {NAMND_TYPE_LABELS[namnd_type].lower()} {SEVERITY_LABELS[severity].lower()}"
    return text


def _pack_dates(pack: Pack) -> str:
    parts = []
    if pack.adopted is not None:
        parts.append(f"Antaget {pack.adopted}: för planer till och med {pack.adopted_year}, som"
                     " fastställdes innan programmet fanns, visas fel som bara vilar på programmet som varningar.")
    if pack.period is not None and pack.period.last is not None:
        parts.append(f"Programperiod {pack.period.label()}: efter {pack.period.last} används programmet tills"
                     " ett nyare är inläst, och fel som bara vilar på programmet visas som varningar.")
    return (" " + " ".join(parts)) if parts else ""


def _example(case: RuleCase) -> str:
    plan = case.plan.model_dump(mode="json", exclude_defaults=True)
    body = yaml.safe_dump(plan, allow_unicode=True, sort_keys=False, width=100).rstrip()
    return f"*{case.name}*\n\n```yaml\n{body}\n```"


def rule_section(bound: BoundRule, cases: Sequence[RuleCase]) -> str:
    rule = bound.rule
    lines = [
        f"### {rule.id}: {rule.title}",
        "",
        f"- Nivå: {_level(bound)}; kategori: "
        f"{CATEGORY_LABELS[rule.category]} (`{rule.category}`)",
        f"- Gäller: {_applicability(bound)}",
    ]
    if rule.area:
        lines.append(f"- Fokusområde: {rule.area} ({', '.join(t.value for t in bound.topics)})")
    lines += [
        f"- Grund: {BASIS_LABELS[rule.basis]}. {rule.basis_note}",
        f"- Källa: {rule.source.cite()}{_link(rule.source)}",
        f"- Kontroll: `{rule.check.model_dump_json()}`",
        "",
        f"Meddelande: {rule.message}",
    ]
    if rule.description:
        lines += ["", rule.description.strip()]
    failing = [c for c in cases if c.fires]
    passing = [c for c in cases if not c.fires]
    if failing:
        lines += ["", "Exempel där regeln slår till:", "", _example(failing[0])]
    if passing:
        lines += ["", "Exempel där regeln är uppfylld:", "", _example(passing[0])]
    return "\n".join(lines) + "\n"


def render_rules_markdown(catalogue: Catalogue, cases: Sequence[tuple[str, RuleCase]]) -> str:
    by_rule: dict[str, list[RuleCase]] = {}
    for _, case in cases:
        by_rule.setdefault(case.rule, []).append(case)
    lines = [
        "# Regelreferens",
        "",
        "Genererad från `rules/*.yaml` och `tests/rule_cases/*.yaml` med `planchecker rules docs`."
        " Redigera inte för hand.",
        "",
        "| Id | Nivå | Rubrik | Källa | Planår |",
        "|---|---|---|---|---|",
    ]
    for bound in catalogue.rules:
        rule = bound.rule
        lines.append(f"| {rule.id} | {SEVERITY_LABELS[rule.severity]} | {rule.title} | "
                     f"{rule.source.cite()} | {bound.years.label()} |")
    for pack in catalogue.packs:
        lines += ["", f"## {pack.title}", "",
                  f"Paket `{pack.id}`. Källa: {pack.source.cite()}{_link(pack.source)}.{_pack_dates(pack)}", ""]
        for bound in (r for r in catalogue.rules if r.pack.id == pack.id):
            lines.append(rule_section(bound, by_rule.get(bound.id, [])))
    return "\n".join(lines).rstrip() + "\n"
