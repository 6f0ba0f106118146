"""Item precision/recall, kind accuracy and link accuracy of `planchecker import`, per format.

    .venv/bin/python -m benchmarks.imports            # real-text corpus, its frozen test split
    .venv/bin/python -m benchmarks.imports --tune     # real-text corpus, the training documents
    .venv/bin/python -m benchmarks.imports --all      # every document (the tuning ones too)
    .venv/bin/python -m benchmarks.imports --paraphrased  # the first, paraphrased corpus
    .venv/bin/python -m benchmarks.imports --write DIR  # also write the fixtures to DIR
    .venv/bin/python -m benchmarks.imports --tune --misses  # each training document's misses

Two corpora: the real-text one (real_corpus.py: 32 published documents whose item texts are
verbatim, the default) and the first, paraphrased one (corpus.py: texts shortened and reworded
from published plans, near-perfect partly because of that). Each corpus spec is laid out in its published structure, written as .docx, .html and .pdf, read
back through the whole import (format reader, structure step, plan) and compared with its gold
items. An item matches a gold item by its text (folded); its kind and its mål are then judged.
"Samma rapport" counts the documents whose check gives the same findings (rule, status and the
items concerned, by text) as the same plan typed into the template with the same nämnd.
"""

from __future__ import annotations

import argparse
import functools
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks.imports.corpus import CORPUS, TEST_SPLIT
from benchmarks.imports.real_corpus import REAL_CORPUS, REAL_TEST_SPLIT
from benchmarks.imports.render import (OCR_DAMAGE, SUFFIXES, WRITERS, Gold, damaged,
                                       fixture_key, gold, layout, stressed, write_pdf)
from planchecker.checking.pipeline import check_plan
from planchecker.common.model import Activity, Goal, Indicator, Namnd, Plan, Risk, fold
from planchecker.reading import sniffing
from planchecker.reading.docimport import NamndHints
from planchecker.reading.limits import Limits
from planchecker.reading.problem_sink import ProblemSink
from planchecker.reading.reader import read_document, read_plan


def read_real(path: Path, spec: dict[str, Any]) -> tuple[Plan | None, list[str]]:
    """A real document read as a planner would import it: the nämnd, its type and the year given
    as options (`--namnd --typ --ar`), since most of these documents do not say all three."""
    hints = NamndHints(name=spec["organisation"], type="facknämnd",
                       year=int(spec["year"]) if spec["year"] else 2024)
    data = path.read_bytes()
    sink = ProblemSink(str(path), Limits.from_env())
    imported = read_document(data, path.suffix, sniffing.sniff(data), sink, hints)
    if imported is None or sink.items:
        return None, [p.describe() for p in sink.items]
    return imported.plan, []


def predicted(plan: Plan) -> list[Gold]:
    goals = {goal.id: goal.text for goal in plan.goals}
    items = [Gold("goal", g.text, goals.get(g.parent) if g.parent else None) for g in plan.goals]
    items += [Gold("indicator", i.text, goals.get(i.goal_id) if i.goal_id else None)
              for i in plan.indicators]
    items += [Gold("activity", a.text, goals.get(a.goal_id) if a.goal_id else None)
              for a in plan.activities]
    items += [Gold("risk", r.text, None) for r in plan.risks]
    return items


def key(text: str) -> str:
    """How texts are compared: folded, and typographic characters as a PDF fixture without a
    Unicode font writes them (render.TYPOGRAPHIC), so the comparison never depends on the font."""
    return fold(fixture_key(text))


def score(found: list[Gold], wanted: list[Gold]) -> dict[str, int]:
    by_text = {key(item.text): item for item in wanted}
    counts = {"found": len(found), "gold": len(wanted), "matched": 0, "kind": 0, "link": 0}
    seen: set[str] = set()
    for item in found:
        text = key(item.text)
        expected = by_text.get(text)
        if expected is None or text in seen:
            continue
        seen.add(text)
        counts["matched"] += 1
        counts["kind"] += item.kind == expected.kind
        counts["link"] += key(item.parent or "") == key(expected.parent or "")
    return counts


def misses(found: list[Gold], wanted: list[Gold]) -> list[str]:
    """What one document's import got wrong, line by line: for tuning on the training half only
    (the command refuses to print it for test documents)."""
    by_text = {key(item.text): item for item in wanted}
    found_keys = {key(item.text) for item in found}
    lines = [f"  saknas   {w.kind:9} {w.text[:90]!r} (under {str(w.parent)[:40]!r})"
             for w in wanted if key(w.text) not in found_keys]
    for item in found:
        expected = by_text.get(key(item.text))
        if expected is None:
            lines.append(f"  extra    {item.kind:9} {item.text[:90]!r}")
        elif item.kind != expected.kind:
            lines.append(f"  slag     {item.kind:9} ska vara {expected.kind}: {item.text[:70]!r}")
        elif key(item.parent or "") != key(expected.parent or ""):
            lines.append(f"  länk     {item.kind:9} {item.text[:60]!r} under "
                         f"{str(item.parent)[:40]!r}, ska vara {str(expected.parent)[:40]!r}")
    return lines


def typed_plan(spec: dict[str, Any], namnd: Namnd, damage: bool) -> Plan:
    """The same plan as a planner would type it into the template: the gold items with ids."""
    def text(value: str) -> str:
        return value.translate(OCR_DAMAGE) if damage else value

    goal_ids: dict[str, str] = {}
    plan: dict[str, list[Any]] = {"goals": [], "indicators": [], "activities": [], "risks": []}
    risk_ids: dict[str, str] = {}
    for item in gold(spec):
        if item.kind == "risk":
            risk_ids[item.text] = f"R{len(risk_ids) + 1}"
    measures = {risk[3]: risk_ids[risk[0]] for risk in spec.get("risks", []) if risk[3]}
    for item in gold(spec):
        parent = goal_ids.get(item.parent) if item.parent else None
        if item.kind == "goal":
            goal_ids[item.text] = f"M{len(plan['goals']) + 1}"
            plan["goals"].append(Goal(id=goal_ids[item.text], text=text(item.text), parent=parent))
        elif item.kind == "indicator":
            plan["indicators"].append(Indicator(id=f"I{len(plan['indicators']) + 1}",
                                                goal_id=parent, text=text(item.text)))
        elif item.kind == "activity":
            risks = [measures[item.text]] if item.text in measures and not parent else []
            plan["activities"].append(Activity(id=f"A{len(plan['activities']) + 1}",
                                               goal_id=parent, text=text(item.text),
                                               risk_ids=risks))
    for risk in spec.get("risks", []):
        plan["risks"].append(Risk(id=risk_ids[risk[0]], text=text(risk[0]), probability=risk[1],
                                  consequence=risk[2], measure=text(risk[3]) or None))
    return Plan(namnd=namnd, **plan)


def report_key(plan: Plan) -> list[tuple[str, str, tuple[str, ...]]]:
    """The findings of a plan's check, their subjects named by text rather than by id."""
    names = {item.id: key(item.text) for kind in ("goals", "indicators", "activities", "risks")
             for item in getattr(plan, kind)}
    report = check_plan(plan)
    return sorted((f.rule_id, f.status, tuple(sorted(names.get(s, s) for s in f.subjects)))
                  for f in report.findings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.imports")
    parser.add_argument("--all", action="store_true", help="every document, not the test split")
    parser.add_argument("--tune", action="store_true",
                        help="only the documents outside the test split (for tuning)")
    parser.add_argument("--write", type=Path, help="write the fixtures to this folder")
    parser.add_argument("--damaged", action="store_true",
                        help="stress: å, ä, ö without their marks, as after OCR")
    parser.add_argument("--stress", action="store_true",
                        help="stress: long items that wrap; in PDFs a running header and footer "
                        "and RSA tables without ruling lines")
    parser.add_argument("--paraphrased", action="store_true",
                        help="the first corpus, whose texts are paraphrased (not the real-text one)")
    parser.add_argument("--misses", action="store_true",
                        help="with --tune: list each training document's missed, extra and "
                        "wrongly kinded or linked items")
    args = parser.parse_args(argv)
    if args.misses and not args.tune:
        parser.error("--misses lists items only for the training documents (--tune): the test "
                     "split's items are not looked at while tuning")
    corpus, test_split = (CORPUS, TEST_SPLIT) if args.paraphrased else (REAL_CORPUS,
                                                                         REAL_TEST_SPLIT)
    specs = [s for s in corpus
             if args.all or (s["id"] not in test_split if args.tune else s["id"] in test_split)]
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.write or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for number, spec in enumerate(specs):
            if args.stress:
                spec = stressed(spec)
            blocks, wanted = layout(spec), gold(spec)
            if args.damaged:
                blocks = damaged(blocks)
            writers = dict(WRITERS)
            if args.stress:
                writers["pdf"] = functools.partial(write_pdf, running=True,
                                                   v_align="TOP" if number % 2 else "MIDDLE")
            for doc_format, write in writers.items():
                path = folder / f"{spec['id']}{SUFFIXES[doc_format]}"
                path.write_bytes(write(blocks))
                if args.paraphrased:
                    result = read_plan(path)
                    plan, problems = result.plan, [p.describe() for p in result.problems]
                else:
                    plan, problems = read_real(path, spec)
                if plan is None:
                    failures.append(f"{path.name} ({spec['layout']}): {problems}")
                    counts = {"found": 0, "gold": len(wanted), "matched": 0, "kind": 0, "link": 0,
                              "same_report": 0}
                else:
                    counts = score(predicted(plan), wanted)
                    if args.misses:
                        failures += [f"{path.name} ({spec['layout']}):\n" + "\n".join(lines)
                                     for lines in [misses(predicted(plan), wanted)] if lines]
                    typed = typed_plan(spec, plan.namnd, args.damaged)
                    same = report_key(plan) == report_key(typed)
                    counts["same_report"] = int(same)
                    if not same:
                        failures.append(f"{path.name}: rapporten skiljer sig från den "
                                        "inskrivna planens")
                    if counts["matched"] < counts["gold"] or counts["found"] > counts["matched"]:
                        failures.append(f"{path.name} ({spec['layout']}): {counts}")
                for key, value in counts.items():
                    totals[doc_format][key] += value
                totals[doc_format]["documents"] += 1
    split = "alla dokument" if args.all else "inställningsdelen" if args.tune else "testdelen"
    split += f" ({len(specs)} dokument)" + (", å/ä/ö utan prickar" if args.damaged else "")
    split += ", långa rader och sidhuvud" if args.stress else ""
    corpus_name = "omskrivna korpusen" if args.paraphrased else "korpusen med ordagranna texter"
    print(f"Import, {corpus_name}, {split}")
    print(f"{'format':8} {'precision':>9} {'recall':>7} {'slag':>6} {'mål-länk':>9} {'poster':>7}"
          f" {'samma rapport':>14}")
    for doc_format, c in totals.items():
        precision = c["matched"] / c["found"] if c["found"] else 0.0
        recall = c["matched"] / c["gold"] if c["gold"] else 0.0
        kind = c["kind"] / c["matched"] if c["matched"] else 0.0
        link = c["link"] / c["matched"] if c["matched"] else 0.0
        same_reports = f"{c['same_report']} av {c['documents']}"
        print(f"{doc_format:8} {precision:9.3f} {recall:7.3f} {kind:6.3f} {link:9.3f} "
              f"{c['gold']:7d} {same_reports:>14}")
    for line in failures:
        print("avvikelse:", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
