#!/usr/bin/env python3
"""The capital MIP side by side (issue 21, SPEC §7): ours against glpsol and HiGHS on the same
exported model, interleaved in one run, at each MIP gap asked, with the objectives checked.

For each scenario and gap, `repeat` times, interleaved:
  ours:   sufficiency-solve solve FILE --format json --compare-options off --mip-gap G
          (read, build, solve — the decomposition above 50,000 columns — verify, report)
  glpsol: glpsol --freemps model.mps --mipgap G            (branch and cut, GLPK's MIP presolver)
  HiGHS:  Benchmarks/highs_reference.py model.mps 1 choose G   (highspy, one thread)
then min and median wall time of each, the ratios, and a check that the objectives agree: two
proven optima within 1e-9 relative at gap 0, and within the gap of each other otherwise. A
reference stopped by --reference-time-limit has its time marked ">" (a lower bound) and its
objective is not compared.

    python3 Benchmarks/compare_mip.py [--repeat 3] [--gaps 0,0.01] [--reference-time-limit S] FILE...
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

CLI = os.environ.get("SUFFICIENCY", ".build/release/sufficiency-solve")
HIGHS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "highs_reference.py")


def run(command):
    start = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True)
    return time.perf_counter() - start, out


def ours(scenario, gap, folder):
    report = os.path.join(folder, "report.json")
    t, out = run([CLI, "solve", scenario, "--format", "json", "--output", report, "--compare-options", "off", "--mip-gap", gap])
    if out.returncode != 0:
        raise SystemExit(f"ours failed ({out.returncode}): {out.stderr[-400:]}")
    with open(report) as f:
        r = json.load(f)
    return t, r["objective"], r["status"] == "optimal" and r["verification"]["passed"], r["verification"]["summary"].split("; ")[-1]


def glpsol(mps, gap, folder, limit):
    solution = os.path.join(folder, "glpsol.txt")
    t, out = run(["glpsol", "--freemps", mps, "--mipgap", gap, "-o", solution] + (["--tmlim", str(int(limit))] if limit else []))
    status, objective = "", None
    for line in open(solution):
        if line.startswith("Status:"): status = line.split(":", 1)[1].strip()
        if line.startswith("Objective:"): objective = float(line.split("=")[1].split()[0])
    # Stopped at the gap asked, glpsol says INTEGER NON-OPTIMAL: within the gap unless the clock stopped it.
    stopped = "TIME LIMIT EXCEEDED" in out.stdout
    proved = status == "INTEGER OPTIMAL" or (status == "INTEGER NON-OPTIMAL" and float(gap) > 0 and not stopped)
    return t, objective, proved, status + (" (time limit)" if stopped else "")


def highs(mps, gap, limit):
    start = time.perf_counter()
    out = subprocess.run([sys.executable, HIGHS, mps, "1", "choose", gap] + ([str(limit)] if limit else []), capture_output=True, text=True)
    if out.returncode != 0:
        return time.perf_counter() - start, None, False, "failed"
    text = out.stdout.strip().splitlines()[-1]
    t = float(text.split("min ")[1].split(" s")[0])
    objective = float(text.split("objective ")[1].split(",")[0])
    status = text.split("status ")[1]
    return t, objective, status == "Optimal", status


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gaps", default="0,0.01")
    parser.add_argument("--reference-time-limit", type=float, default=None)
    parser.add_argument("--no-glpsol", action="store_true")
    parser.add_argument("--no-highs", action="store_true")
    parser.add_argument("scenarios", nargs="+")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; {subprocess.run(['glpsol', '--version'], capture_output=True, text=True).stdout.splitlines()[0]}", flush=True)
    table, failures = [], 0
    for scenario in args.scenarios:
        with tempfile.TemporaryDirectory() as folder:
            mps = os.path.join(folder, "model.mps")
            subprocess.run([CLI, "export", scenario, "--mps", mps], check=True)
            for gap in args.gaps.split(","):
                times = {"ours": [], "glpsol": [], "HiGHS": []}
                results = {}
                for k in range(args.repeat):
                    t, objective, proved, proof = ours(scenario, gap, folder)
                    times["ours"].append(t); results["ours"] = (objective, proved, proof)
                    if not args.no_glpsol:
                        t, objective, proved, status = glpsol(mps, gap, folder, args.reference_time_limit)
                        times["glpsol"].append(t); results["glpsol"] = (objective, proved, status)
                    if not args.no_highs:
                        t, objective, proved, status = highs(mps, gap, args.reference_time_limit)
                        times["HiGHS"].append(t); results["HiGHS"] = (objective, proved, status)
                    print(f"  {os.path.basename(scenario)} gap {gap} run {k + 1}: " + ", ".join(f"{name} {v[-1]:.2f} s" for name, v in times.items() if v), flush=True)
                for name, (objective, proved, status) in results.items():
                    print(f"    {name}: objective {objective!r}, {'proved' if proved else 'NOT proved'} ({status})", flush=True)
                # The objectives agree: every proved one within the gap (1e-9 at gap 0) of ours.
                g = max(float(gap), 1e-9)
                ours_objective = results["ours"][0]
                for name, (objective, proved, _) in results.items():
                    if name != "ours" and proved and objective is not None and abs(objective - ours_objective) > g * abs(objective) + 1e-6:
                        print(f"    OBJECTIVES DISAGREE: ours {ours_objective!r}, {name} {objective!r}", flush=True)
                        failures += 1
                if not results["ours"][1]:
                    failures += 1
                def cell(name):
                    values = times[name]
                    if not values: return "—"
                    mark = ">" if not results[name][1] else ""
                    return f"{mark}{min(values):.2f} / {mark}{statistics.median(values):.2f}"
                def ratio(name):
                    values = times[name]
                    if not values: return "—"
                    return ("≥ " if not results[name][1] else "") + f"{min(values) / min(times['ours']):.1f}×"
                table.append(f"| {os.path.basename(scenario)} | {gap} | {cell('ours')} | {cell('glpsol')} | {cell('HiGHS')} | {ratio('glpsol')} | {ratio('HiGHS')} |")
    print()
    print("| scenario | gap | ours min / median (s) | glpsol min / median (s) | HiGHS min / median (s) | glpsol / ours (min) | HiGHS / ours (min) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(table))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
