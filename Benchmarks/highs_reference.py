#!/usr/bin/env python3
"""HiGHS (highspy, PyPI; dev-only, not a dependency) on an exported MPS: wall time of reading and
solving, repeated, min and median, and the objective. Usage:
    python3 Benchmarks/highs_reference.py model.mps [repeat] [solver: simplex|ipm|choose] [mip gap] [time limit s]"""
import statistics, sys, time
import highspy

path = sys.argv[1]
repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
method = sys.argv[3] if len(sys.argv) > 3 else "choose"
gap = float(sys.argv[4]) if len(sys.argv) > 4 else None
limit = float(sys.argv[5]) if len(sys.argv) > 5 else None
times, objective = [], None
for _ in range(repeat):
    start = time.perf_counter()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("solver", method)
    if gap is not None:
        h.setOptionValue("mip_rel_gap", gap)
    if limit is not None:
        h.setOptionValue("time_limit", limit)
    h.readModel(path)
    h.run()
    times.append(time.perf_counter() - start)
    objective = h.getInfo().objective_function_value
    status = h.modelStatusToString(h.getModelStatus())
print(f"HiGHS {method}: min {min(times):.3f} s, median {statistics.median(times):.3f} s, objective {objective!r}, status {status}")
