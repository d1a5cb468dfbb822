#!/usr/bin/env python3
"""Our end-to-end time and memory against glpsol's and HiGHS's on the same exported model, side by side in one run.

For each scenario: `sufficiency-solve export` writes the model as free MPS; then, interleaved,
`repeat` times each:
  ours:   sufficiency-solve solve FILE --format json --output /dev/null --compare-options off --mip-gap G
          (reads the scenario and its CSVs, builds the model, solves, verifies, writes the report)
  glpsol: glpsol --freemps model.mps --mipgap G -o solution.txt
          (reads the MPS, solves with the same method: primal simplex with presolve, branch and cut
          with the MIP presolver, and writes its solution)
  HiGHS:  Benchmarks/highs_reference.py model.mps 1 (highspy, one thread; timed inside Python, reading
          and solving the MPS), when highspy is installed and --no-highs is not given
glpsol is skipped with --no-glpsol (a model it takes minutes on).
Reports min and median wall time, the ratio ours / glpsol, and the peak resident memory of each.

    python3 Benchmarks/compare_glpsol.py [--repeat 3] [--mip-gap 0.01] scenarios/bench/*.json
"""
import argparse, json, os, resource, statistics, subprocess, sys, tempfile, time

CLI = os.environ.get("SUFFICIENCY", ".build/release/sufficiency-solve")


def timed(command):
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(command)}")
    return elapsed, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mip-gap", default="0.01")
    parser.add_argument("--no-glpsol", action="store_true")
    parser.add_argument("--no-highs", action="store_true")
    parser.add_argument("--reference-time-limit", type=float, default=None,
                        help="stop glpsol (--tmlim) and HiGHS (time_limit) after this many seconds; their time is then a lower bound")
    parser.add_argument("scenarios", nargs="+")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; {subprocess.run(['glpsol', '--version'], capture_output=True, text=True).stdout.splitlines()[0]}")
    rows = []
    for scenario in args.scenarios:
        with tempfile.TemporaryDirectory() as folder:
            mps = os.path.join(folder, "model.mps")
            subprocess.run([CLI, "export", scenario, "--mps", mps], check=True)
            ours, theirs, highs, our_mem, their_mem, columns = [], [], [], 0, 0, 0
            for k in range(args.repeat):
                report = os.path.join(folder, "report.json")
                t, m = timed([CLI, "solve", scenario, "--format", "json", "--output", report if k == 0 else os.devnull,
                              "--compare-options", "off", "--mip-gap", args.mip_gap])
                ours.append(t); our_mem = max(our_mem, m)
                if k == 0:
                    with open(report) as f:
                        columns = json.load(f)["solver"]["columns"]
                if not args.no_glpsol:
                    # Not -o /dev/null: glpsol removes its output file first, and as root that deletes the device.
                    limit = ["--tmlim", str(int(args.reference_time_limit))] if args.reference_time_limit else []
                    t, m = timed(["glpsol", "--freemps", mps, "--mipgap", args.mip_gap, "-o", os.path.join(folder, "glpsol.txt")] + limit)
                    theirs.append(t); their_mem = max(their_mem, m)
                if not args.no_highs:
                    out = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "highs_reference.py"), mps, "1", "choose", args.mip_gap]
                                         + ([str(args.reference_time_limit)] if args.reference_time_limit else []), capture_output=True, text=True)
                    if out.returncode == 0:
                        highs.append(float(out.stdout.split("min ")[1].split(" s")[0]))
                        print("   ", out.stdout.strip(), flush=True)
                if k == 0:
                    with open(report) as f:
                        r = json.load(f)
                    value = (r.get("robust") or {}).get("value", r.get("objective"))
                    print(f"    ours: objective {value!r}, status {r['status']}, gap {r['solver'].get('mipGap')}", flush=True)
                    if not args.no_glpsol:
                        for line in open(os.path.join(folder, "glpsol.txt")):
                            if line.startswith(("Status:", "Objective:")):
                                print("    glpsol", line.strip(), flush=True)
            def stat(values):
                return (min(values), statistics.median(values)) if values else (float("nan"), float("nan"))
            o, g, h = stat(ours), stat(theirs), stat(highs)
            row = (os.path.basename(scenario), columns, *o, *g, *h, o[0] / g[0] if theirs else float("nan"),
                   o[1] / g[1] if theirs else float("nan"), o[0] / h[0] if highs else float("nan"), our_mem, their_mem)
            rows.append(row)
            print("%-28s %8d cols  ours %.3f / %.3f  glpsol %.3f / %.3f  HiGHS %.3f / %.3f  ratio ours/glpsol min %.2f med %.2f, ours/HiGHS min %.2f  peak MB %.0f / %.0f" % row,
                  flush=True)
    print()
    print("| scenario | columns | ours min / median (s) | glpsol min / median (s) | HiGHS min / median (s) | ours / glpsol (min, median) | ours / HiGHS (min) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r[0]} | {r[1]:,} | {r[2]:.3f} / {r[3]:.3f} | {r[4]:.3f} / {r[5]:.3f} | {r[6]:.3f} / {r[7]:.3f} | {r[8]:.2f} / {r[9]:.2f} | {r[10]:.2f} |")

if __name__ == "__main__":
    main()
