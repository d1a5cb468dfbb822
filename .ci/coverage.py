#!/usr/bin/env python3
"""Line coverage per source folder from `swift test --enable-code-coverage` (llvm-cov's JSON
export, path from `swift test --show-codecov-path`). Counts the library and the CLI's code as
the test process ran it; the CLI binary that end-to-end tests spawn is not instrumented, so the
CLI folder reads low. Usage: python3 .ci/coverage.py CODECOV.json"""
import json, os, sys
from collections import defaultdict

data = json.load(open(sys.argv[1]))
root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
folders = defaultdict(lambda: [0, 0])
for entry in data["data"]:
    for f in entry["files"]:
        path = os.path.relpath(f["filename"], root)
        if not path.startswith("Sources/"):
            continue
        folder = os.path.dirname(path)
        lines = f["summary"]["lines"]
        folders[folder][0] += lines["covered"]
        folders[folder][1] += lines["count"]
total = [sum(v[0] for v in folders.values()), sum(v[1] for v in folders.values())]
print(f"{'line coverage':<48} {'lines':>7} {'covered':>8}")
for folder in sorted(folders):
    covered, count = folders[folder]
    mark = "  < 80%" if count and covered / count < 0.8 else ""
    print(f"{folder:<40} {100 * covered / max(1, count):6.1f}% {count:>7} {covered:>8}{mark}")
print(f"{'all of Sources/':<40} {100 * total[0] / max(1, total[1]):6.1f}% {total[1]:>7} {total[0]:>8}")
