"""`python -m benchmarks.candidates`: whether the items named as "kan gälla" are worth a look.

On the same assembled plans as `python -m benchmarks.topics` (lines of the corpus, some topics
left out, an oracle twin with every line tagged with its gold topics), for the training part and
the frozen test split, counts:
- false "saknar mål/aktivitet" findings (missing by the classifier, present by gold), and how
  many of them name at least one candidate (the hint that would let the nämnd correct it);
- true "saknar" findings that name a candidate anyway (a hint that misleads);
- named candidates whose line's gold topics do serve the finding's fokusområde, and those that do
  not.
Only counts are printed, never a line of the test split. Tune the near threshold on the training
part only.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.topics import _Untagged, assemble_plans, load_lines
from planchecker.checking.pipeline import Checker
from planchecker.common.model import Plan, Topic


@dataclass
class HintCounts:
    false_missing: int = 0
    false_missing_named: int = 0
    false_missing_served: int = 0  # naming an item that serves the area
    true_missing: int = 0
    true_missing_named: int = 0
    candidates_right: int = 0
    candidates_wrong: int = 0

    def add(self, other: HintCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _gold(written: Plan, tagged: Plan) -> dict[tuple[str, str], set[Topic]]:
    gold = {("goal", w.id): set(t.topics) for w, t in zip(written.goals, tagged.goals, strict=True)}
    gold |= {("activity", w.id): set(t.topics)
             for w, t in zip(written.activities, tagged.activities, strict=True)}
    return gold


def count_hints(checker: Checker, oracle: Checker, pairs: Sequence[tuple[Plan, Plan]]) -> HintCounts:
    counts = HintCounts()
    for number, (written, tagged) in enumerate(pairs):
        report = checker.check(written, f"plan-{number}.json")
        truth = oracle.check(tagged, f"plan-{number}.json")
        area_rules = {r.rule_id for r in report.requirements
                      if r.check == "item_for_area" and r.item in ("goal", "activity")}
        expected = {f.rule_id for f in truth.findings if f.rule_id in area_rules}
        gold = _gold(written, tagged)
        for finding in report.findings:
            if finding.rule_id not in area_rules:
                continue
            served = [bool(gold[(c.kind, c.id)] & set(finding.topics)) for c in finding.candidates]
            if finding.rule_id in expected:
                counts.true_missing += 1
                counts.true_missing_named += bool(finding.candidates)
            else:
                counts.false_missing += 1
                counts.false_missing_named += bool(finding.candidates)
                counts.false_missing_served += any(served)
            counts.candidates_right += sum(served)
            counts.candidates_wrong += len(served) - sum(served)
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.candidates", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=200, help="antal sammansatta planer")
    args = parser.parse_args(argv)
    checker = Checker()
    oracle = Checker(checker.catalogue, _Untagged())
    lines = load_lines()
    for split, name in (("train", "Träningsdelen"), ("test", "Testdelen (frusen)")):
        part = [line for line in lines if line.split == split]
        c = count_hints(checker, oracle, assemble_plans(part, args.plans))
        print(f"{name}, {args.plans} sammansatta planer: falska 'saknar' {c.false_missing}, "
              f"varav med kandidat {c.false_missing_named}; riktiga 'saknar' med kandidat "
              f"{c.true_missing_named}; kandidater som tjänar fokusområdet {c.candidates_right}, "
              f"som inte gör det {c.candidates_wrong}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
