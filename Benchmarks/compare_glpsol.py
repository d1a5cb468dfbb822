#!/usr/bin/env python3
"""Our end-to-end time and memory against glpsol's on the same exported model, side by side in one run.

For each scenario: `sufficiency-solve export` writes the model as free MPS; then, interleaved,
`repeat` times each:
  ours:   sufficiency-solve solve FILE --format json --output /dev/null --compare-options off --mip-gap G
          (reads the scenario and its CSVs, builds the model, solves, verifies, writes the report)
  glpsol: glpsol --freemps model.mps --mipgap G -o solution.txt
          (reads the MPS, solves with the same method: primal simplex with presolve, branch and cut
          with the MIP presolver, and writes its solution)
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
    parser.add_argument("scenarios", nargs="+")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; {subprocess.run(['glpsol', '--version'], capture_output=True, text=True).stdout.splitlines()[0]}")
    rows = []
    for scenario in args.scenarios:
        with tempfile.TemporaryDirectory() as folder:
            mps = os.path.join(folder, "model.mps")
            subprocess.run([CLI, "export", scenario, "--mps", mps], check=True)
            with open(mps) as f:
                head = [next(f) for _ in range(6)]
            columns = next(l for l in head if l.startswith("* Columns:")).split(":")[1].split()[0]
            ours, theirs, our_mem, their_mem = [], [], 0, 0
            for _ in range(args.repeat):
                t, m = timed([CLI, "solve", scenario, "--format", "json", "--output", os.devnull,
                              "--compare-options", "off", "--mip-gap", args.mip_gap])
                ours.append(t); our_mem = max(our_mem, m)
                # Not -o /dev/null: glpsol removes its output file first, and as root that deletes the device.
                t, m = timed(["glpsol", "--freemps", mps, "--mipgap", args.mip_gap, "-o", os.path.join(folder, "glpsol.txt")])
                theirs.append(t); their_mem = max(their_mem, m)
            row = (os.path.basename(scenario), int(columns), min(ours), statistics.median(ours), min(theirs),
                   statistics.median(theirs), min(ours) / min(theirs), statistics.median(ours) / statistics.median(theirs),
                   our_mem, their_mem)
            rows.append(row)
            print("%-28s %8d cols  ours min %.3f med %.3f  glpsol min %.3f med %.3f  ratio min %.2f med %.2f  peak MB %.0f / %.0f" % row,
                  flush=True)
    print()
    print("| scenario | columns | ours min / median (s) | glpsol min / median (s) | ratio min / median | peak MB ours / glpsol |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r[0]} | {r[1]:,} | {r[2]:.3f} / {r[3]:.3f} | {r[4]:.3f} / {r[5]:.3f} | {r[6]:.2f} / {r[7]:.2f} | {r[8]:.0f} / {r[9]:.0f} |")


if __name__ == "__main__":
    main()
