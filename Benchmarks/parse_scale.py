#!/usr/bin/env python3
"""Parsing is linear whatever the layout (SPEC §7): one scenario written twice, pretty-printed and
minified onto one line, timed by `validate` side by side, interleaved.

The scenario is `generate --zones Z --settings S` with its travel table written inline as a JSON
list (Z × S entries), which makes a file of about 50 MB minified at the defaults. Reports the size
of each layout, min and median wall time of `repeat` runs, and the ratio one-line / pretty.

    python3 Benchmarks/parse_scale.py [--zones 1000] [--settings 930] [--repeat 3]
"""
import argparse, csv, json, os, statistics, subprocess, tempfile, time

CLI = os.environ.get("SUFFICIENCY", ".build/release/sufficiency-solve")


def timed(command):
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr[:2000]}")
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--zones", type=int, default=1000)
    parser.add_argument("--settings", type=int, default=930)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = os.path.join(folder, "base.json")
        subprocess.run([CLI, "generate", "--zones", str(args.zones), "--settings", str(args.settings), "--output", base], check=True,
                       stdout=subprocess.DEVNULL)
        with open(base) as f:
            scenario = json.load(f)
        with open(os.path.join(folder, "base-travel.csv")) as f:
            travel = []
            for row in csv.DictReader(f):
                entry = {"zone": row["zone"], "setting": row["setting"]}
                if row.get("minutes"): entry["minutes"] = float(row["minutes"])
                if row.get("cost"): entry["cost"] = float(row["cost"])
                travel.append(entry)
        scenario["travel"] = travel
        layouts = {
            "pretty": json.dumps(scenario, indent=2),
            "one-line": json.dumps(scenario, separators=(",", ":")),
        }
        paths = {}
        for name, text in layouts.items():
            paths[name] = os.path.join(folder, f"{name}.json")
            with open(paths[name], "w") as f:
                f.write(text)
        times = {name: [] for name in layouts}
        for _ in range(args.repeat):
            for name, path in paths.items():
                times[name].append(timed([CLI, "validate", path, "--max-input-size", "1G"]))
        print(f"scenario: {args.zones} zones, {args.settings} settings, {len(travel)} travel entries inline")
        print(f"{'layout':<10} {'MB':>8} {'min s':>8} {'median s':>9}")
        for name in layouts:
            size = os.path.getsize(paths[name]) / 1e6
            print(f"{name:<10} {size:>8.1f} {min(times[name]):>8.2f} {statistics.median(times[name]):>9.2f}")
        ratio = statistics.median(times["one-line"]) / statistics.median(times["pretty"])
        print(f"one-line / pretty (median): {ratio:.2f}")


if __name__ == "__main__":
    main()
