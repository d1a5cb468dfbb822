#!/usr/bin/env python3
"""How fast `serve` re-solves each shipped scenario after an edit (SPEC §9: under a second).

Starts `serve` (release binary) on a copy of scenarios/, then for each scenario: one cold solve
as given, and REPEAT re-solves each with a different edit that keeps the model's shape (the cost
of the first setting up 1%, 2%, ...), timed end to end from the client (POST /api/solve with
"wait": true, the HTTP round trip included) and by the server (the job's "seconds"). Prints min and
median of the re-solves, how many started warm, and the cold solve, per scenario.

    python3 Benchmarks/serve_resolve.py [--binary .build/release/sufficiency-solve] [--repeat 5]
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time, urllib.request

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/release/sufficiency-solve")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios")
    workspace = tempfile.mkdtemp(prefix="serve-resolve-")
    names = sorted(n for n in os.listdir(root) if n.endswith(".json") and "--" not in n)
    for name in names: shutil.copy(os.path.join(root, name), workspace)
    server = subprocess.Popen([binary, "serve", "--workspace", workspace, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        base = line.strip().split(" at ")[-1].rstrip("/")
        def solve(path, edits):
            body = json.dumps({"path": path, "edits": edits, "wait": True}).encode()
            request = urllib.request.Request(base + "/api/solve", data=body, headers={"Content-Type": "application/json"})
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=600) as response: answer = json.loads(response.read())
            return time.perf_counter() - start, answer
        print(f"{'scenario':32} {'cold s':>8} {'re-solve min':>13} {'median':>8} {'server median':>14} {'warm':>6}")
        for name in names:
            document = json.load(open(os.path.join(workspace, name)))
            cost = document["settings"][0]["costPerPlace"]
            cold, first = solve(name, [])
            assert first["state"] == "done", first
            times, server_times, warm = [], [], 0
            for k in range(1, args.repeat + 1):
                elapsed, answer = solve(name, [{"path": "settings[0].costPerPlace", "value": round(cost * (1 + k / 100), 2)}])
                assert answer["state"] == "done" and answer["report"]["verification"]["passed"], answer.get("problems")
                times.append(elapsed); server_times.append(answer["seconds"]); warm += bool(answer.get("warm"))
            print(f"{name:32} {cold:8.3f} {min(times):13.3f} {statistics.median(times):8.3f} {statistics.median(server_times):14.3f} {warm:>3}/{args.repeat}")
    finally:
        server.terminate(); server.wait(timeout=10)
        shutil.rmtree(workspace, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main())
