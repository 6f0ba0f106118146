"""Regenerate the bundled sample plans from sample_plans/source/*.yaml.

Writes sample_plans/<stem>.xlsx for every source and one JSON twin (skarpnack-sdn-2021.json), so
that people can open realistic plans in Excel and tests can run the .xlsx and .json readers on the
same plan. The YAML sources are the only thing edited by hand; see sample_plans/README.md for the
deliberate gaps in each plan.

    python tools/make_sample_plans.py           # write the outputs that changed
    python tools/make_sample_plans.py --check   # write nothing; exit 1 if an output is stale

Exit codes: 0 up to date (or written), 1 stale outputs (--check), 2 a source could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from planchecker.common.model import Plan
from planchecker.reading.reader import read_plan
from planchecker.reading.template import write_plan_xlsx

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "sample_plans"
JSON_TWIN = "skarpnack-sdn-2021"
OUTPUT_SUFFIXES = (".xlsx", ".json")
_ITEM_LISTS = ("goals", "indicators", "activities", "risks", "documents", "waivers")


class SourceError(Exception):
    """A source plan could not be read; the message lists every problem in Swedish."""


def load_source(path: Path) -> Plan:
    result = read_plan(path)
    if result.plan is None or result.problems:
        lines = [f"  - {problem.describe()}" for problem in result.problems]
        raise SourceError("\n".join([f"{path.name} kunde inte läsas:", *lines]))
    return result.plan


def plan_json(plan: Plan) -> bytes:
    """The plan as the .json reader takes it: model order kept, no locations, one final newline."""
    exclude = {kind: {"__all__": {"location"}} for kind in _ITEM_LISTS}
    data = plan.model_dump(mode="json", exclude=exclude)
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def build_outputs(samples_dir: Path) -> dict[Path, bytes]:
    """Every output file and its exact bytes, in source order; nothing is written."""
    sources = sorted((samples_dir / "source").glob("*.yaml"))
    if JSON_TWIN not in {source.stem for source in sources}:
        raise SourceError(f"Källan {JSON_TWIN}.yaml saknas i {samples_dir / 'source'}.")
    outputs: dict[Path, bytes] = {}
    for source in sources:
        plan = load_source(source)
        outputs[samples_dir / f"{source.stem}.xlsx"] = write_plan_xlsx(plan)
        if source.stem == JSON_TWIN:
            outputs[samples_dir / f"{source.stem}.json"] = plan_json(plan)
    return outputs


def stale_outputs(outputs: dict[Path, bytes]) -> list[Path]:
    return [p for p, data in outputs.items() if not p.is_file() or p.read_bytes() != data]


def orphan_outputs(samples_dir: Path, outputs: dict[Path, bytes]) -> list[Path]:
    """Generated-looking files without a source, e.g. left behind when a source was renamed."""
    found = (p for p in sorted(samples_dir.iterdir()) if p.suffix in OUTPUT_SUFFIXES)
    return [path for path in found if path not in outputs]


def check(samples_dir: Path, outputs: dict[Path, bytes]) -> int:
    stale = stale_outputs(outputs)
    orphans = orphan_outputs(samples_dir, outputs)
    for path in stale:
        print(f"Inaktuell eller saknas: {path.name}")
    for path in orphans:
        print(f"Saknar källa: {path.name}")
    if stale or orphans:
        print("Kör python tools/make_sample_plans.py och ta bort filer som saknar källa.")
        return 1
    return 0


def write(samples_dir: Path, outputs: dict[Path, bytes]) -> int:
    for path in stale_outputs(outputs):
        path.write_bytes(outputs[path])
        print(f"Skrev {path.name}")
    for path in orphan_outputs(samples_dir, outputs):
        print(f"Saknar källa (ta bort den?): {path.name}")
    return 0


def main(argv: Sequence[str] | None = None, samples_dir: Path = SAMPLES_DIR) -> int:
    parser = argparse.ArgumentParser(
        description="Bygger exempelplanerna i sample_plans/ från källorna."
    )
    parser.add_argument(
        "--check", action="store_true", help="skriv inget; avsluta med 1 om någon fil är inaktuell"
    )
    args = parser.parse_args(argv)
    try:
        outputs = build_outputs(samples_dir)
    except SourceError as exc:
        print(exc, file=sys.stderr)
        return 2
    return check(samples_dir, outputs) if args.check else write(samples_dir, outputs)


if __name__ == "__main__":
    sys.exit(main())
