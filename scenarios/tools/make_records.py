#!/usr/bin/env python3
"""Synthetic council records in witan.send's transitions shape, for the examples and the benchmark.

  python3 scenarios/tools/make_records.py tutorial   # scenarios/records/tutorial-transitions.csv (+ labels)
  python3 scenarios/tools/make_records.py county OUT.csv [--years 10 --children 15000 --seed 1]

`tutorial`: five years (calendar years 2021-2025, so the last census is January 2026 and the first
planning year 2026/27) of a small county shaped like scenarios/tutorial-phases.json: ASD and SEMH,
Reception to Year 11, council codes MMSIB (mainstream), ARP-P / ARP-S (primary and secondary
resource bases, ASD only), SPEC (special) and INDEP (independent). Each year a child leaves with a
small chance (everyone after Year 11), some mainstream children move to special or independent
schools, and the primary resource base's Year 6 children transfer at the move to secondary.
Joiners grow 7% a year. `county`: a bigger history for `project`'s speed: 6 needs x 5 settings
(30 need-setting states), academic years -3 to 20, about CHILDREN children in the first census.
The draws are Python's own (random.Random(seed)), independent of the tool's generator.
"""
import csv
import json
import random
import sys


def tutorial(path, labels_path, seed=2026):
    rng = random.Random(seed)
    children = []  # [setting, need, ay]
    for ay in range(0, 12):
        for _ in range(7):
            children.append(["MMSIB", "AUT", ay])
        for _ in range(5):
            children.append(["MMSIB", "SEMH", ay])
        if ay <= 6:
            for _ in range(5):
                children.append(["ARP-P", "AUT", ay])
        else:
            for _ in range(3):
                children.append(["ARP-S", "AUT", ay])
        for _ in range(5):
            children.append(["SPEC", rng.choice(["AUT", "SEMH"]), ay])
        for _ in range(2):
            children.append(["INDEP", "SEMH", ay])
    rows = []
    for year in range(2021, 2026):
        nxt = []
        for setting, need, ay in children:
            if ay == 11 or rng.random() < 0.05:
                rows.append([year, setting, need, ay, "NONSEND", "NONSEND", ay + 1])
                continue
            to = setting
            u = rng.random()
            if setting == "MMSIB":
                if u < 0.03:
                    to = "SPEC"
                elif u < 0.03 + (0.03 if need == "SEMH" else 0.01):
                    to = "INDEP"
            elif setting == "ARP-P" and ay == 6:
                to = "ARP-S" if u < 0.6 else ("MMSIB" if u < 0.85 else "SPEC")
            elif setting == "SPEC" and u < 0.02:
                to = "INDEP"
            rows.append([year, setting, need, ay, to, need, ay + 1])
            nxt.append([to, need, ay + 1])
        growth = 1.07 ** (year - 2021)
        for ay in range(0, 12):
            for need, base in (("AUT", 2.0), ("SEMH", 1.3)):
                for _ in range(round(base * growth + rng.random())):
                    setting = "MMSIB"
                    if need == "AUT" and ay <= 6 and rng.random() < 0.2:
                        setting = "ARP-P"
                    elif rng.random() < 0.1:
                        setting = "SPEC"
                    rows.append([year, "NONSEND", "NONSEND", ay - 1, setting, need, ay])
                    nxt.append([setting, need, ay])
        children = nxt
    write(path, rows)
    with open(labels_path, "w") as f:
        json.dump({"needs": {"AUT": "ASD", "SEMH": "SEMH"},
                   "settings": {"MMSIB": "ms", "ARP-P": "dsp-primary", "ARP-S": "dsp-secondary", "SPEC": "special-a", "INDEP": "indep"}},
                  f, indent=2, sort_keys=True)
        f.write("\n")


def county(path, years=10, total=15000, seed=1):
    rng = random.Random(seed)
    needs = ["ASD", "SEMH", "SLCN", "MLD", "SLD", "PMLD"]
    settings = ["MS", "RB", "SP", "IND", "FE"]
    ages = list(range(-3, 21))
    children = []
    per = total / len(ages)
    for ay in ages:
        for _ in range(round(per)):
            setting = "FE" if ay >= 12 else rng.choice(["MS", "MS", "MS", "RB", "SP", "IND"])
            children.append([setting, rng.choice(needs), ay])
    rows = []
    for year in range(2026 - years, 2026):
        nxt = []
        for setting, need, ay in children:
            if ay == 20 or rng.random() < (0.25 if ay >= 12 else 0.06):
                rows.append([year, setting, need, ay, "NONSEND", "NONSEND", ay + 1])
                continue
            to = setting
            if ay + 1 == 12:
                to = "FE" if rng.random() < 0.7 else "SP"
            elif rng.random() < 0.05:
                to = rng.choice(settings[:4])
            rows.append([year, setting, need, ay, to, need, ay + 1])
            nxt.append([to, need, ay + 1])
        for ay in ages:
            for _ in range(round(per * 0.12 * 1.05 ** (year - 2026 + years))):
                setting = "FE" if ay >= 12 else rng.choice(["MS", "MS", "RB", "SP"])
                need = rng.choice(needs)
                rows.append([year, "NONSEND", "NONSEND", ay - 1, setting, need, ay])
                nxt.append([setting, need, ay])
        children = nxt
    write(path, rows)


def write(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["calendar-year", "setting-1", "need-1", "academic-year-1", "setting-2", "need-2", "academic-year-2"])
        w.writerows(rows)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "tutorial":
        tutorial("scenarios/records/tutorial-transitions.csv", "scenarios/records/tutorial-labels.json")
    elif len(sys.argv) >= 3 and sys.argv[1] == "county":
        args = dict(zip(sys.argv[3::2], sys.argv[4::2]))
        county(sys.argv[2], int(args.get("--years", 10)), int(args.get("--children", 15000)), int(args.get("--seed", 1)))
    else:
        sys.exit(__doc__)
