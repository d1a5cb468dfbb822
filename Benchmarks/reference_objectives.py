#!/usr/bin/env python3
"""Independent objectives for the shipped scenarios: exports each scenario's model as free MPS
with our CLI, then solves it with HiGHS (highspy, from PyPI; a dev tool, not a dependency of the
product) and with glpsol, and prints the objectives to paste into the end-to-end test.

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


def glpsol_objective(mps):
    with tempfile.NamedTemporaryFile(suffix=".txt") as out:
        subprocess.run(["glpsol", "--freemps", mps, "-w", out.name], capture_output=True, check=True)
        lines = open(out.name).read().split("\n")
        # Plain text solution: "s bas|mip ROWS COLS PRIM DUAL OBJ" (LP) or "s mip ROWS COLS STATUS OBJ".
        for line in lines:
            if line.startswith("s "):
                return float(line.split()[-1])
    return None


for scenario in sys.argv[1:]:
    with tempfile.TemporaryDirectory() as folder:
        mps = os.path.join(folder, "model.mps")
        subprocess.run([CLI, "export", scenario, "--mps", mps], check=True)
        status, highs = highs_objective(mps)
        glpk = glpsol_objective(mps)
        print(f"{scenario}: HiGHS {status} {highs!r}  glpsol {glpk!r}")
