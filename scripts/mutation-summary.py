#!/usr/bin/env python3
"""Reads a Stryker.NET JSON report and merges its figures into artifacts/mutation/summary.json.

    mutation-summary.py REPORT SUMMARY KEY [--folders PREFIX]

KEY is the project or folder the run mutated (e.g. src/AcumaticaZendesk.Zendesk/Webhooks). With --folders, each
folder directly under PREFIX (e.g. src/AcumaticaZendesk.Sync) gets its own entry too. Entries of other targets already
in SUMMARY are kept. Per entry: {"score": 0-1, "killed": n, "survived": n, "noCoverage": n}; "killed" counts every
detected mutant (killed or timed out), the score is killed / (killed + survived + noCoverage); mutants that did not
compile or were ignored (ConfigureAwait) count nowhere.
"""
import json
import os
import sys

DETECTED = {"Killed", "Timeout"}


def figures(mutants):
    killed = sum(1 for m in mutants if m["status"] in DETECTED)
    survived = sum(1 for m in mutants if m["status"] == "Survived")
    no_coverage = sum(1 for m in mutants if m["status"] == "NoCoverage")
    valid = killed + survived + no_coverage
    return {
        "score": round(killed / valid, 4) if valid else None,
        "killed": killed,
        "survived": survived,
        "noCoverage": no_coverage,
    }


def main(argv):
    if len(argv) not in (4, 6) or (len(argv) == 6 and argv[4] != "--folders"):
        sys.exit(__doc__)
    report_path, summary_path, key = argv[1], argv[2], argv[3]
    folders_of = argv[5].rstrip("/") if len(argv) == 6 else None
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    project_root = report.get("projectRoot") or ""
    by_file = {}
    for path, entry in report.get("files", {}).items():
        full = path if os.path.isabs(path) else os.path.join(project_root, path)
        by_file[os.path.relpath(full, repo)] = entry.get("mutants", [])

    entries = {key: figures([m for ms in by_file.values() for m in ms])}
    if folders_of:
        groups = {}
        for path, mutants in by_file.items():
            rest = os.path.relpath(path, folders_of)
            folder = f"{folders_of}/{rest.split(os.sep)[0]}" if os.sep in rest else folders_of + " (root files)"
            groups.setdefault(folder, []).extend(mutants)
        entries.update({folder: figures(mutants) for folder, mutants in sorted(groups.items())})

    summary = {}
    if os.path.exists(summary_path):
        with open(summary_path, encoding="utf-8") as f:
            summary = json.load(f)
    summary.update(entries)
    os.makedirs(os.path.dirname(summary_path), exist_ok=True)
    with open(summary_path, "w", encoding="utf-8") as f:
        json.dump(dict(sorted(summary.items())), f, indent=2)
        f.write("\n")
    # The MTP runner reuses one test process for many mutants: a static mutant (in a static initializer) only takes
    # effect in the process that first touches its type, so its verdict is not to be trusted; list those that survived.
    for path, mutants in sorted(by_file.items()):
        for m in mutants:
            if m.get("static") and m["status"] == "Survived":
                line = m.get("location", {}).get("start", {}).get("line", "?")
                print(f"static mutant {m['id']} ({m.get('mutatorName')}) at {path}:{line} survived: check it by hand")
    for name, e in entries.items():
        score = "n/a" if e["score"] is None else f"{e['score'] * 100:.1f}%"
        print(f"{name}: {score} (killed {e['killed']}, survived {e['survived']}, no coverage {e['noCoverage']})")


if __name__ == "__main__":
    main(sys.argv)
