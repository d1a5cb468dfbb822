#!/usr/bin/env python3
"""Independent objectives for the shipped scenarios: exports each scenario's model as free MPS
and as CPLEX LP with our CLI, solves both files with HiGHS (highspy, from PyPI; a dev tool, not a
dependency of the product) and with glpsol, checks the four agree (relative 1e-9), and prints
HiGHS's objective on the MPS in the form `expectedObjectives` in
Tests/SufficiencyTests/EndToEndTests.swift takes. The exports carry the objective's constant as a
column fixed at 1, so every reader sees the objective we report.

    pip install highspy
    swift build -c release
    python3 Benchmarks/reference_objectives.py scenarios/*.json
"""
import os, subprocess, sys, tempfile

import highspy

CLI = os.environ.get("SUFFICIENCY", ".build/release/sufficiency-solve")


def highs_objective(mps):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.readModel(mps)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    return status, h.getInfo().objective_function_value


def glpsol_objective(path):
    flag = "--lp" if path.endswith(".lp") else "--freemps"
    with tempfile.NamedTemporaryFile(suffix=".txt") as out:
        subprocess.run(["glpsol", flag, path, "-w", out.name], capture_output=True, check=True)
        lines = open(out.name).read().split("\n")
        # Plain text solution: "s bas|mip ROWS COLS PRIM DUAL OBJ" (LP) or "s mip ROWS COLS STATUS OBJ".
        for line in lines:
            if line.startswith("s "):
                return float(line.split()[-1])
    return None


lines = []
for scenario in sys.argv[1:]:
    with tempfile.TemporaryDirectory() as folder:
        mps, lp = os.path.join(folder, "model.mps"), os.path.join(folder, "model.lp")
        subprocess.run([CLI, "export", scenario, "--mps", mps, "--lp", lp], check=True)
        found = {}
        for name, path in (("mps", mps), ("lp", lp)):
            status, found[f"HiGHS {name}"] = highs_objective(path)
            if status != "Optimal":
                raise SystemExit(f"{scenario}: HiGHS on the {name} file: {status}")
            found[f"glpsol {name}"] = glpsol_objective(path)
        reference = found["HiGHS mps"]
        spread = max(abs(v - reference) for v in found.values()) / max(1.0, abs(reference))
        print(f"{scenario}: " + "  ".join(f"{k} {v!r}" for k, v in found.items()) + f"  (max relative difference {spread:.1e})")
        if spread > 1e-9:
            raise SystemExit(f"{scenario}: the readers disagree")
        lines.append(f'    "{os.path.basename(scenario)}": {reference!r},')
print("\n".join(lines))
