#!/usr/bin/env python3
"""A bounded load test of `sufficiency-solve serve` on the loopback address.

It copies the shipped scenarios into a temporary workspace, works out the
expected objective of each scenario and of one edited variant of each
(demandScale=1.1) with the CLI (`solve FILE --format json --no-timings`,
`compare FILE --set demandScale=1.1 --format json`), starts
`serve --workspace WS --port 0`, then fires --requests requests at once from
as many threads (urllib): POST /api/validate and POST /api/solve with
"wait": true over those scenarios and edits, plus a few malformed requests
(bad JSON, "../etc/passwd", absolute paths, a link out of the workspace, an
unknown field edit) that must get a 4xx with a JSON error.

Every solve answer's objective must equal the CLI's within 1e-9 relative (for
leicestershire-futures.json that is the expected cost over its futures, the
CLI's top-level "objective").  It reports latency min/median/p95/max (overall
and by kind), the wall time, and the server's peak RSS (VmHWM from
/proc/PID/status).  Exit 1 on any wrong answer, any 5xx, a request that got no
answer, or the server dying; 0 otherwise.

Traffic goes only to 127.0.0.1, to the server this script starts; the
number of requests is bounded by --requests and each has a timeout.

Usage:
  python3 Benchmarks/load_serve.py [--requests 200] [--binary PATH] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIOS = os.path.join(ROOT, "scenarios")
SHIPPED = ["tutorial.json", "tutorial-phases.json", "leicester-city.json",
           "leicester-city-capital.json", "leicestershire.json", "leicestershire-futures.json"]
EDIT = "demandScale=1.1"
REL_TOL = 1e-9
REQUEST_TIMEOUT = 120.0


def default_binary() -> str:
    """$SUFFICIENCY_BIN, else the newest of .build/{release,debug}/sufficiency-solve."""
    env = os.environ.get("SUFFICIENCY_BIN")
    if env:
        return env
    built = [p for p in (os.path.join(ROOT, ".build", kind, "sufficiency-solve") for kind in ("release", "debug"))
             if os.access(p, os.X_OK)]
    if not built:
        return os.path.join(ROOT, ".build", "debug", "sufficiency-solve")
    return max(built, key=os.path.getmtime)


def close(a: float, b: float) -> bool:
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b), 1.0)


def die(msg: str) -> None:
    print(f"FAIL: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


def cli_json(binary: str, args: list[str], cwd: str) -> dict:
    p = subprocess.run([binary] + args, cwd=cwd, capture_output=True, timeout=300)
    if p.returncode != 0:
        die(f"CLI {' '.join(args)} exited {p.returncode}: {p.stderr.decode('utf-8', 'replace')[-1500:]}")
    return json.loads(p.stdout)


def expected_objectives(binary: str, ws: str) -> dict[tuple[str, str | None], float]:
    out: dict[tuple[str, str | None], float] = {}
    for name in SHIPPED:
        d = cli_json(binary, ["solve", name, "--format", "json", "--no-timings"], ws)
        if not isinstance(d.get("objective"), (int, float)):
            die(f"CLI solve {name}: no numeric top-level objective")
        out[(name, None)] = float(d["objective"])
        c = cli_json(binary, ["compare", name, "--set", EDIT, "--format", "json"], ws)
        labelled = [v for v in c.get("variants", []) if v.get("label") == EDIT]
        if len(labelled) != 1 or not isinstance(labelled[0].get("report", {}).get("objective"), (int, float)):
            die(f"CLI compare {name} --set {EDIT}: no variant labelled {EDIT!r} with an objective")
        out[(name, EDIT)] = float(labelled[0]["report"]["objective"])
    return out


class Server:
    def __init__(self, binary: str, ws: str, workers: int | None):
        args = [binary, "serve", "--workspace", ws, "--port", "0"]
        if workers:
            args += ["--workers", str(workers)]
        self.stderr_path = os.path.join(tempfile.gettempdir(), f"load-serve-{os.getpid()}.stderr")
        self.stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.stderr,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        self.base = ""
        lines: "queue.Queue[str | None]" = queue.Queue()

        def pump() -> None:
            assert self.proc.stdout
            for raw in self.proc.stdout:
                lines.put(raw.decode("utf-8", "replace").rstrip("\n"))
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                die(f"serve exited ({self.proc.wait()}) before listening: {self.stderr_tail()}")
            m = re.match(r"^Serving (.+) at (http://127\.0\.0\.1:\d+/)(\?token=\S+)?\s*$", line)
            if m:
                if m.group(3):
                    die("serve asked for a token on loopback; this script sends none")
                self.base = m.group(2)
                return
        self.stop()
        die(f"serve printed no 'Serving ... at http://127.0.0.1:PORT/' line in 20 s: {self.stderr_tail()}")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def status(self) -> dict[str, str]:
        out = {}
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    k, _, v = line.partition(":")
                    out[k] = v.strip()
        except OSError:
            pass
        return out

    def stderr_tail(self, n: int = 2000) -> str:
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-n:]
        except OSError:
            return ""

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                print("server ignored SIGTERM for 15 s; killing it", file=sys.stderr)
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.stderr.close()
        return self.proc.returncode


def post(base: str, route: str, body: bytes, content_type: str = "application/json"):
    """(status, parsed JSON or None, raw text, seconds); status 0 when no answer came."""
    req = urllib.request.Request(base + route, data=body, method="POST",
                                 headers={"Content-Type": content_type})
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    except Exception as e:  # refused, reset, timed out
        return 0, None, f"{type(e).__name__}: {e}", time.perf_counter() - t0
    dt = time.perf_counter() - t0
    text = raw.decode("utf-8", "replace")
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        parsed = None
    return status, parsed, text, dt


def build_requests(n: int, ws: str) -> list[dict]:
    """The malformed ones first (so they are never cut), then good ones cycled."""
    malformed = [
        {"kind": "bad", "route": "api/solve", "why": "bad JSON", "raw": b'{"path": "tutorial.json", "edits": [', },
        {"kind": "bad", "route": "api/validate", "why": "bad JSON", "raw": b'{not json at all', },
        {"kind": "bad", "route": "api/solve", "why": "../etc/passwd",
         "body": {"path": "../etc/passwd", "edits": [], "wait": True}},
        {"kind": "bad", "route": "api/validate", "why": "../etc/passwd",
         "body": {"path": "../etc/passwd", "edits": []}},
        {"kind": "bad", "route": "api/solve", "why": "absolute path /etc/passwd",
         "body": {"path": "/etc/passwd", "edits": [], "wait": True}},
        {"kind": "bad", "route": "api/validate", "why": "absolute path of a workspace file",
         "body": {"path": os.path.join(ws, "tutorial.json"), "edits": []}},
        {"kind": "bad", "route": "api/solve", "why": "a link out of the workspace",
         "body": {"path": "escape.json", "edits": [], "wait": True}},
        {"kind": "bad", "route": "api/solve", "why": "unknown field edit",
         "body": {"path": "tutorial.json", "edits": ["settings[3].noSuchField=1"], "wait": True},
         "problem_path": "settings[3].noSuchField"},
        {"kind": "bad", "route": "api/solve", "why": "unknown top-level field edit (object form)",
         "body": {"path": "leicester-city.json", "edits": [{"path": "noSuchThing", "value": 2}], "wait": True},
         "problem_path": "noSuchThing"},
        # validate answers an unknown field with 200 {"valid": false}: it is a finding, not an error.
        {"kind": "validate-invalid", "route": "api/validate", "why": "unknown field edit",
         "body": {"path": "tutorial.json", "edits": ["settings[3].noSuchField=1"]},
         "problem_path": "settings[3].noSuchField"},
    ]
    good: list[dict] = []
    for name in SHIPPED:
        for edit in (None, EDIT):
            edits = [edit] if edit else []
            good.append({"kind": "solve", "route": "api/solve", "scenario": name, "edit": edit,
                         "body": {"path": name, "edits": edits, "wait": True}})
            # The object form of the same edit, so both forms are exercised.
            if edit:
                k, v = edit.split("=")
                good.append({"kind": "solve", "route": "api/solve", "scenario": name, "edit": edit,
                             "body": {"path": name, "edits": [{"path": k, "value": float(v)}], "wait": True}})
            good.append({"kind": "validate", "route": "api/validate", "scenario": name, "edit": edit,
                         "body": {"path": name, "edits": edits}})
    out = list(malformed)
    i = 0
    while len(out) < n:
        out.append(dict(good[i % len(good)]))
        i += 1
    return out[:n]


def check(spec: dict, status: int, parsed, text: str, expected: dict) -> list[str]:
    """Problems with one answer (empty: fine)."""
    short = text[:300]
    if status == 0:
        return [f"no answer: {text}"]
    if status >= 500:
        return [f"HTTP {status}: {short}"]
    if not isinstance(parsed, dict):
        return [f"HTTP {status}, body is not a JSON object: {short!r}"]
    kind = spec["kind"]
    if kind == "bad":
        if not 400 <= status < 500:
            return [f"expected a 4xx, got HTTP {status}: {short}"]
        err, problems = parsed.get("error"), parsed.get("problems") or []
        if isinstance(err, str) and err:
            return []
        # A solve whose edit names an unknown field fails as a job: 422 with problems.
        if "problem_path" in spec and any(p.get("path") == spec["problem_path"] for p in problems):
            spec["no_error_key"] = True
            return []
        return [f"HTTP {status} without an \"error\" text (or a problem at {spec.get('problem_path')}): {short}"]
    if kind == "validate-invalid":
        if status != 200 or parsed.get("valid") is not False:
            return [f"expected 200 with valid=false, got HTTP {status}: {short}"]
        if not any(p.get("path") == spec["problem_path"] for p in parsed.get("problems") or []):
            return [f"valid=false but no problem at {spec['problem_path']}: {short}"]
        return []
    if status != 200:
        return [f"expected 200, got HTTP {status}: {short}"]
    if kind == "validate":
        if parsed.get("valid") is not True or parsed.get("problems"):
            return [f"expected valid=true and no problems: {short}"]
        return []
    # solve
    want = expected[(spec["scenario"], spec["edit"])]
    got = parsed.get("objective")
    errs = []
    if parsed.get("state") != "done":
        errs.append(f"state {parsed.get('state')!r}, expected 'done'")
    if parsed.get("exitCode") not in (0, None):
        errs.append(f"exitCode {parsed.get('exitCode')}")
    if not isinstance(got, (int, float)):
        errs.append(f"no numeric objective (got {got!r})")
    elif not close(float(got), want):
        errs.append(f"objective {got!r}, the CLI says {want!r} (rel diff {abs(got - want) / abs(want):.3g})")
    rep = parsed.get("report")
    if not isinstance(rep, dict):
        errs.append("no report in the answer")
    elif isinstance(got, (int, float)) and not close(float(rep.get("objective", float("nan"))), float(got)):
        errs.append(f"report.objective {rep.get('objective')!r} differs from objective {got!r}")
    return [e + f" [{spec['scenario']} edits={spec['body']['edits']}]" for e in errs]


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, int(round(q * (len(s) - 1)))))
    return s[k]


def fmt_stats(values: list[float]) -> str:
    if not values:
        return "n=0"
    ms = [v * 1000 for v in values]
    return (f"n={len(ms):4d}  min {min(ms):8.1f}  median {statistics.median(ms):8.1f}  "
            f"p95 {pct(ms, 0.95):8.1f}  max {max(ms):8.1f}  (ms)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=200, help="requests to fire at once (default 200)")
    ap.add_argument("--binary", default=default_binary(), help="the sufficiency-solve to test")
    ap.add_argument("--workers", type=int, default=None, help="serve --workers (default: serve's own)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary workspace")
    args = ap.parse_args()
    if args.requests < 1 or args.requests > 2000:
        die("--requests must be between 1 and 2000")
    args.binary = os.path.abspath(args.binary)
    if not os.access(args.binary, os.X_OK):
        die(f"no executable binary at {args.binary}")
    probe = subprocess.run([args.binary, "serve", "--help"], capture_output=True, timeout=20)
    if probe.returncode != 0:
        die(f"{args.binary} has no 'serve' command (serve --help exited {probe.returncode}); give --binary")

    ws = tempfile.mkdtemp(prefix="load-serve-ws-")
    outside = tempfile.mkdtemp(prefix="load-serve-outside-")
    server = None
    try:
        for name in SHIPPED:
            shutil.copy2(os.path.join(SCENARIOS, name), os.path.join(ws, name))
        shutil.copy2(os.path.join(SCENARIOS, "tutorial.json"), os.path.join(outside, "escape.json"))
        os.symlink(os.path.join(outside, "escape.json"), os.path.join(ws, "escape.json"))
        print(f"binary {args.binary}\nworkspace {ws}")

        t0 = time.perf_counter()
        expected = expected_objectives(args.binary, ws)
        print(f"expected objectives from the CLI ({time.perf_counter() - t0:.1f} s):")
        for (name, edit), v in expected.items():
            print(f"  {name:30s} {edit or '(as given)':16s} {v!r}")

        server = Server(args.binary, ws, args.workers)
        st = server.status()
        print(f"server pid {server.proc.pid} at {server.base}; RSS at start {st.get('VmRSS', '?')}")

        specs = build_requests(args.requests, ws)
        results: list[tuple | None] = [None] * len(specs)
        barrier = threading.Barrier(len(specs) + 1)

        def worker(i: int) -> None:
            spec = specs[i]
            body = spec["raw"] if "raw" in spec else json.dumps(spec["body"]).encode()
            try:
                barrier.wait(timeout=60)
            except threading.BrokenBarrierError:
                pass
            results[i] = post(server.base, spec["route"], body)

        rss_peak_sampled = [0]
        stop_sampling = threading.Event()

        def sampler() -> None:
            while not stop_sampling.is_set():
                v = server.status().get("VmRSS", "0 kB").split()[0]
                rss_peak_sampled[0] = max(rss_peak_sampled[0], int(v) if v.isdigit() else 0)
                stop_sampling.wait(0.05)

        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(len(specs))]
        for t in threads:
            t.start()
        samp = threading.Thread(target=sampler, daemon=True)
        samp.start()
        barrier.wait(timeout=60)
        wall0 = time.perf_counter()
        deadline = time.monotonic() + REQUEST_TIMEOUT + 30
        for t in threads:
            t.join(timeout=max(0.1, deadline - time.monotonic()))
        wall = time.perf_counter() - wall0
        stop_sampling.set()
        samp.join(timeout=2)

        failures: list[str] = []
        if any(t.is_alive() for t in threads):
            failures.append(f"{sum(t.is_alive() for t in threads)} requests still running after {wall:.0f} s")
        st = server.status()
        alive = server.alive()
        if not alive:
            failures.append(f"the server died (exit {server.proc.returncode}): {server.stderr_tail()}")
        else:
            # Still answering after the burst?
            s, p, text, _ = post(server.base, "api/validate", json.dumps({"path": "tutorial.json", "edits": []}).encode())
            if s != 200 or not isinstance(p, dict) or p.get("valid") is not True:
                failures.append(f"after the burst, validate tutorial.json got HTTP {s}: {text[:200]}")

        lat: dict[str, list[float]] = {}
        codes: dict[int, int] = {}
        no_error_key = 0
        for spec, res in zip(specs, results):
            if res is None:
                failures.append(f"{spec['route']} {spec.get('why') or spec.get('scenario')}: no result")
                continue
            status, parsed, text, dt = res
            codes[status] = codes.get(status, 0) + 1
            lat.setdefault(spec["kind"], []).append(dt)
            lat.setdefault("all", []).append(dt)
            for problem in check(spec, status, parsed, text, expected):
                what = spec.get("why") or spec.get("scenario")
                failures.append(f"POST /{spec['route']} ({spec['kind']}: {what}) body={spec.get('body', spec.get('raw'))!r}: {problem}")
            if spec.get("no_error_key"):
                no_error_key += 1

        n_solve = sum(1 for s in specs if s["kind"] == "solve")
        n_val = sum(1 for s in specs if s["kind"] == "validate")
        n_bad = len(specs) - n_solve - n_val
        print(f"\n{len(specs)} requests at once: {n_solve} solve (wait), {n_val} validate, "
              f"{n_bad} malformed/invalid; wall time {wall:.2f} s; {len(specs) / wall:.1f} requests/s")
        print("HTTP status counts: " + ", ".join(f"{k}: {v}" for k, v in sorted(codes.items())))
        print("latency:")
        for kind in ("all", "solve", "validate", "bad", "validate-invalid"):
            if kind in lat:
                print(f"  {kind:17s} {fmt_stats(lat[kind])}")
        print(f"server memory: peak RSS (VmHWM) {st.get('VmHWM', '?')}; RSS now {st.get('VmRSS', '?')}; "
              f"peak sampled every 50 ms {rss_peak_sampled[0]} kB; threads {st.get('Threads', '?')}")
        print("malformed/invalid requests:")
        for spec, res in zip(specs, results):
            if spec["kind"] in ("bad", "validate-invalid") and res is not None:
                err = res[1].get("error") if isinstance(res[1], dict) else None
                print(f"  /{spec['route']:13s} {spec['why']:42s} HTTP {res[0]}  {res[3] * 1000:7.1f} ms  "
                      + (f"error: {err[:70]}" if err else "(no \"error\" key)"))
        warm = sum(1 for spec, res in zip(specs, results)
                   if spec["kind"] == "solve" and res and isinstance(res[1], dict) and res[1].get("warm"))
        print(f"solves answered from a warm start: {warm} of {n_solve}")
        if no_error_key:
            print(f"note: {no_error_key} malformed solve(s) with an unknown field got a 4xx with \"problems\" "
                  f"but no \"error\" key (the job failed: state 'failed')")

        rc = server.stop()
        server_log = server.stderr_path
        server = None
        print(f"server stopped on SIGTERM (exit {rc})")
        if rc not in (0, -signal.SIGTERM, 130, 143):
            failures.append(f"the server exited {rc} on SIGTERM")
        if failures:
            print(f"\n{len(failures)} failure(s):", file=sys.stderr)
            for f in failures[:50]:
                print("  " + f, file=sys.stderr)
            if len(failures) > 50:
                print(f"  … and {len(failures) - 50} more", file=sys.stderr)
            if codes.get(503):
                print("  (a 503 'solves are waiting' means serve's queue, --max-queued 256 by default, was full)",
                      file=sys.stderr)
            print(f"server stderr kept in {server_log}", file=sys.stderr)
            print(f"FAIL: {len(failures)} problem(s)", file=sys.stderr)
            return 1
        os.unlink(server_log)
        print("PASS: every answer right, no 5xx, the server stayed up")
        return 0
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            print(f"kept workspace {ws}")
        else:
            shutil.rmtree(ws, ignore_errors=True)
        shutil.rmtree(outside, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
