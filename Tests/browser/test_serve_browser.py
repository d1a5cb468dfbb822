#!/usr/bin/env python3
"""End-to-end check of `sufficiency-solve serve` in headless Chromium.

What it does, in order:
  1. copies the shipped scenarios (scenarios/*.json) into a fresh temporary
     workspace and starts `serve --workspace WS --port 0`, reading the port
     from the "Serving ... at http://127.0.0.1:PORT/" line on stdout;
  2. opens /scenario?path=tutorial.json and waits for the first solve
     (#total gets a non-empty data-objective), which must equal the CLI's
     `solve tutorial.json --format json --no-timings`;
  3. finds the independent school's cost field from the panel JSON
     (GET /api/scenario), types 70000 into it and waits for the re-solve; the
     new objective must equal the CLI's
     `compare tutorial.json --set 'settings[3].costPerPlace=70000' --format json`
     for that variant (relative 1e-9), and #total must show it in pounds;
  4. saves a variant through #variant/#save, checks the file appears in the
     workspace and that `solve <saved file>` gives the same objective; checks
     that tutorial.json is byte-identical to before;
  5. takes screenshots of the scenario page (viewport and whole page), the
     report iframe, the compare page (/compare?path=tutorial.json&path=<saved>)
     and the list page at 1400 px and 390 px wide into $SCREENSHOT_DIR
     (default /tmp/serve-shots) and prints their paths.

It fails (never skips) when chromium, chromedriver or selenium are missing.
The server is always stopped at the end.  Exit 0 on success, 1 on failure.

Usage:
  pip install selenium
  python3 Tests/browser/test_serve_browser.py [--binary PATH] [--keep]

Environment: SUFFICIENCY_BIN (the binary; default the newer of
.build/release and .build/debug/sufficiency-solve), CHROMIUM (default /usr/bin/chromium),
CHROMEDRIVER (default /usr/bin/chromedriver), SCREENSHOT_DIR.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = os.path.join(ROOT, "scenarios")
SHIPPED = ["tutorial.json", "tutorial-phases.json", "leicester-city.json",
           "leicester-city-capital.json", "leicestershire.json", "leicestershire-futures.json"]
NEW_COST = 70000
VARIANT_NAME = "indep fees 70k"
REL_TOL = 1e-9
SOLVE_TIMEOUT = 30.0
START = time.monotonic()


class Failure(Exception):
    pass


def log(msg: str) -> None:
    print(f"[{time.monotonic() - START:6.1f}s] {msg}", flush=True)


def fail(msg: str) -> None:
    raise Failure(msg)


def close(a: float, b: float) -> bool:
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b), 1.0)


def sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


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


# ---------------------------------------------------------------- the server

class Server:
    def __init__(self, binary: str, workspace: str):
        self.binary, self.workspace = binary, workspace
        self.proc: subprocess.Popen | None = None
        self.base = ""
        self.token = ""
        self.stdout_lines: list[str] = []
        self.stderr_path = os.path.join(tempfile.gettempdir(), f"serve-browser-{os.getpid()}.stderr")

    def start(self, timeout: float = 20.0) -> None:
        self.stderr_file = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--workspace", self.workspace, "--port", "0"],
            stdout=subprocess.PIPE, stderr=self.stderr_file, stdin=subprocess.DEVNULL,
            start_new_session=True)
        lines: "queue.Queue[str | None]" = queue.Queue()

        def pump() -> None:  # keeps reading so the server never blocks on a full pipe
            assert self.proc and self.proc.stdout
            for raw in self.proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.stdout_lines.append(line)
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + timeout
        pattern = re.compile(r"^Serving (.+) at (http://127\.0\.0\.1:(\d+)/)(\?token=(\S+))?\s*$")
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                fail(f"serve printed no 'Serving ... at http://127.0.0.1:PORT/' line within {timeout:.0f} s; "
                     f"stdout so far: {self.stdout_lines!r}; stderr: {self.stderr_tail()}")
            try:
                line = lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                fail(f"serve exited (code {self.proc.wait()}) before listening; stderr: {self.stderr_tail()}")
            m = pattern.match(line)
            if m:
                served = m.group(1)
                if os.path.realpath(served) != os.path.realpath(self.workspace):
                    fail(f"serve says it serves {served!r}, expected the workspace {self.workspace!r}")
                self.base = m.group(2)
                self.token = m.group(5) or ""
                log(f"server pid {self.proc.pid} listening at {self.base} (workspace {served})")
                return

    def url(self, path: str) -> str:
        url = self.base + path.lstrip("/")
        if self.token:
            url += ("&" if "?" in url else "?") + "token=" + urllib.parse.quote(self.token)
        return url

    def get_json(self, path: str) -> dict:
        req = urllib.request.Request(self.url(path))
        if self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stderr_tail(self, n: int = 2000) -> str:
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-n:]
        except OSError:
            return "(no stderr)"

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                log("server did not stop on SIGTERM within 10 s; killing it")
                self.proc.kill()
                self.proc.wait(timeout=5)
        log(f"server stopped (exit code {self.proc.returncode})")
        try:
            self.stderr_file.close()
        except Exception:
            pass

    def discard_log(self) -> None:
        try:
            os.unlink(self.stderr_path)
        except OSError:
            pass


# ---------------------------------------------------------------- the CLI

def cli_json(binary: str, args: list[str], cwd: str) -> dict:
    p = subprocess.run([binary] + args, cwd=cwd, capture_output=True, timeout=60)
    if p.returncode != 0:
        fail(f"CLI {' '.join(args)} exited {p.returncode}: {p.stderr.decode('utf-8', 'replace')[-1500:]}")
    try:
        return json.loads(p.stdout)
    except json.JSONDecodeError as e:
        fail(f"CLI {' '.join(args)} printed no JSON ({e}): {p.stdout[:300]!r}")
    raise AssertionError  # unreachable


def cli_solve_objective(binary: str, file: str, cwd: str) -> float:
    d = cli_json(binary, ["solve", file, "--format", "json", "--no-timings"], cwd)
    if not isinstance(d.get("objective"), (int, float)):
        fail(f"CLI solve {file}: no numeric top-level 'objective' (keys {sorted(d)[:20]})")
    return float(d["objective"])


def cli_compare_objective(binary: str, file: str, edit: str, cwd: str) -> float:
    d = cli_json(binary, ["compare", file, "--set", edit, "--format", "json"], cwd)
    variants = d.get("variants") or []
    chosen = [v for v in variants if v.get("label") == edit]
    if not chosen:
        chosen = [v for v in variants if v.get("label") != "as given"]
    if len(chosen) != 1:
        fail(f"CLI compare {file} --set {edit}: can't find the variant in labels "
             f"{[v.get('label') for v in variants]}")
    obj = (chosen[0].get("report") or {}).get("objective")
    if not isinstance(obj, (int, float)):
        fail(f"CLI compare {file} --set {edit}: the variant's report has no numeric objective")
    return float(obj)


# ---------------------------------------------------------------- the browser

def require_browser():
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    chromedriver = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
    missing = [p for p in (chromium, chromedriver) if not os.access(p, os.X_OK)]
    if missing:
        fail(f"missing {', '.join(missing)}: install Debian's chromium and chromium-driver "
             f"(apt-get install chromium chromium-driver)")
    try:
        import selenium  # noqa: F401
        from selenium import webdriver  # noqa: F401
    except ImportError as e:
        fail(f"selenium is not importable ({e}): pip install selenium")
    return chromium, chromedriver


def start_browser(chromium: str, chromedriver: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--hide-scrollbars", "--window-size=1400,1000", "--force-device-scale-factor=1",
              "--lang=en-GB", "--no-first-run", "--no-default-browser-check"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver path keeps Selenium Manager from trying to download anything.
    service = Service(executable_path=chromedriver, log_output=subprocess.DEVNULL)
    driver = webdriver.Chrome(service=service, options=opts)
    driver.set_page_load_timeout(30)
    return driver


def set_width(driver, width: int, height: int) -> None:
    """Viewport exactly WIDTH x HEIGHT CSS px (window size alone is not exact)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    got = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    if got[0] != width:
        fail(f"could not make the viewport {width} px wide (innerWidth {got[0]})")


def full_page_png(driver, path: str, max_height: int = 8000) -> None:
    """Screenshot of the whole page, not just the viewport."""
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    width = driver.execute_script("return window.innerWidth")
    height = min(max_height, int(size["height"]) + 1)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    with open(path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))


def browser_errors(driver) -> list[str]:
    try:
        entries = driver.get_log("browser")
    except Exception:
        return []
    out = []
    for e in entries:
        if e.get("level") == "SEVERE" and "favicon.ico" not in e.get("message", ""):
            out.append(e.get("message", ""))
    return out


def wait_for(desc: str, predicate, timeout: float = SOLVE_TIMEOUT, server: Server | None = None,
             driver=None, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    last_exc = None
    while time.monotonic() < deadline:
        if server is not None and not server.alive():
            fail(f"server died while waiting for {desc}; stderr: {server.stderr_tail()}")
        try:
            v = predicate()
            if v:
                return v
        except Exception as e:  # stale element etc.: try again
            last_exc = e
        time.sleep(interval)
    extra = ""
    if driver is not None:
        try:
            extra = (f"; #state={driver.find_element('id', 'state').text!r}"
                     f" #total={driver.find_element('id', 'total').text!r}"
                     f" #problems={driver.find_element('id', 'problems').text!r}")
        except Exception:
            pass
        errs = browser_errors(driver)
        if errs:
            extra += f"; browser errors: {errs}"
    fail(f"timed out after {timeout:.0f} s waiting for {desc}{extra}"
         + (f" (last error: {last_exc})" if last_exc else ""))


def objective_on_page(driver) -> str:
    return driver.find_element("id", "total").get_attribute("data-objective") or ""


def wait_settled_objective(driver, server: Server, previous: str | None, desc: str) -> float:
    """Wait until #total's data-objective is set (and differs from PREVIOUS, if given), the
    page says 'solved in', and the value holds still for a second (no later solve pending)."""
    state = {"value": None, "since": 0.0}

    def settled():
        v = objective_on_page(driver)
        st = driver.find_element("id", "state").text
        if not v or (previous is not None and v == previous) or not st.startswith("solved in"):
            state["value"] = None
            return False
        now = time.monotonic()
        if v != state["value"]:
            state["value"], state["since"] = v, now
            return False
        return now - state["since"] >= 1.0

    wait_for(desc, settled, server=server, driver=driver)
    v = objective_on_page(driver)
    try:
        return float(v)
    except ValueError:
        fail(f"#total data-objective is not a number: {v!r}")
    raise AssertionError


def pounds(x: float) -> str:
    return "£{:,}".format(int(round(x)))


# ---------------------------------------------------------------- the test

def run(binary: str, keep: bool) -> list[str]:
    binary = os.path.abspath(binary)
    chromium, chromedriver = require_browser()
    if not os.access(binary, os.X_OK):
        fail(f"no executable binary at {binary}")
    probe = subprocess.run([binary, "serve", "--help"], capture_output=True, timeout=20)
    if probe.returncode != 0:
        fail(f"{binary} has no 'serve' command (serve --help exited {probe.returncode}); give --binary")
    shots_dir = os.environ.get("SCREENSHOT_DIR", "/tmp/serve-shots")
    os.makedirs(shots_dir, exist_ok=True)

    workspace = tempfile.mkdtemp(prefix="serve-browser-ws-")
    for name in SHIPPED:
        src = os.path.join(SCENARIOS, name)
        if not os.path.isfile(src):
            fail(f"shipped scenario missing: {src}")
        shutil.copy2(src, os.path.join(workspace, name))
    tutorial = os.path.join(workspace, "tutorial.json")
    tutorial_hash = sha256(tutorial)
    log(f"workspace {workspace} with {len(SHIPPED)} scenarios")

    server = Server(binary, workspace)
    driver = None
    shots: list[str] = []
    ok = False
    try:
        server.start()

        # The field to change, from the panel JSON rather than assumed.
        scen = server.get_json("/api/scenario?path=tutorial.json")
        with open(tutorial, encoding="utf-8") as f:
            doc = json.load(f)
        indep = [i for i, s in enumerate(doc["settings"]) if s.get("type") == "independent"]
        if len(indep) != 1:
            fail(f"expected one independent setting in tutorial.json, found {indep}")
        idx = indep[0]
        field_path = f"settings[{idx}].costPerPlace"
        fields = [f for g in scen["panel"]["groups"] for f in g["fields"]]
        matches = [f for f in fields if f["path"] == field_path]
        if len(matches) != 1:
            fail(f"the panel has {len(matches)} fields with path {field_path}; paths: {[f['path'] for f in fields]}")
        field = matches[0]
        if field.get("kind") != "number" or field.get("settingType") != "independent":
            fail(f"panel field {field_path} is not the independent school's number field: {field}")
        original_cost = field.get("number")
        if original_cost != doc["settings"][idx]["costPerPlace"]:
            fail(f"panel shows {field_path}={original_cost}, the file has {doc['settings'][idx]['costPerPlace']}")
        if original_cost == NEW_COST:
            fail(f"{field_path} is already {NEW_COST}; the test would change nothing")
        log(f"field {field_path} ({field['label']!r}) = {original_cost} in the panel and the file")
        edit = f"{field_path}={NEW_COST}"

        cli_base = cli_solve_objective(binary, "tutorial.json", workspace)
        cli_edited = cli_compare_objective(binary, "tutorial.json", edit, workspace)
        log(f"CLI: tutorial.json objective {cli_base!r}; with {edit}: {cli_edited!r}")

        driver = start_browser(chromium, chromedriver)
        set_width(driver, 1400, 1000)
        driver.get(server.url("/scenario?path=tutorial.json"))

        first = wait_settled_objective(driver, server, None, "the first solve (#total data-objective)")
        if not close(first, cli_base):
            fail(f"first solve on the page: data-objective {first!r}, CLI solve says {cli_base!r}")
        log(f"first solve on the page: {first!r} (matches the CLI)")
        first_text = objective_on_page(driver)

        el = driver.find_element("id", "f-" + field_path)
        shown = el.get_attribute("value")
        if float(shown) != float(original_cost):
            fail(f"input #f-{field_path} shows {shown!r}, the panel JSON says {original_cost}")
        el.clear()
        el.send_keys(str(NEW_COST))
        if el.get_attribute("value") != str(NEW_COST):
            fail(f"typed {NEW_COST} into #f-{field_path} but it holds {el.get_attribute('value')!r}")
        edited = wait_settled_objective(driver, server, first_text, "the re-solve after the edit")
        if not close(edited, cli_edited):
            fail(f"after {edit} the page shows data-objective {edited!r}, "
                 f"CLI compare --set {edit} says {cli_edited!r} (rel diff {abs(edited - cli_edited) / abs(cli_edited):.3g})")
        log(f"after the edit the page shows {edited!r} (matches the CLI compare)")
        if "changed" not in (el.get_attribute("class") or ""):
            fail(f"the edited field is not marked changed (class={el.get_attribute('class')!r})")
        total_text = driver.find_element("id", "total").text
        if pounds(edited) not in total_text:
            fail(f"#total reads {total_text!r}, expected it to show {pounds(edited)}")
        state_text = driver.find_element("id", "state").text
        log(f"#total: {total_text!r}; #state: {state_text!r}")

        # The report iframe shows the edited plan.
        frame = driver.find_element("id", "report")
        src = frame.get_attribute("src") or ""
        if "/api/jobs/" not in src or "format=html" not in src:
            fail(f"#report iframe src is {src!r}, expected a job's HTML report")
        driver.switch_to.frame(frame)
        try:
            body = wait_for("the report iframe to load", lambda: driver.find_element("tag name", "body").text.strip(),
                            server=server, timeout=15)
        finally:
            driver.switch_to.default_content()
        if pounds(edited) not in body:
            fail(f"the report iframe does not mention the total {pounds(edited)}; it begins {body[:300]!r}")
        log(f"report iframe loaded from {src} and shows {pounds(edited)}")

        # Save a variant.
        before = set(os.listdir(workspace))
        driver.find_element("id", "variant").send_keys(VARIANT_NAME)
        driver.find_element("id", "save").click()
        saved_text = wait_for("#saved to say 'saved as …'",
                              lambda: (t := driver.find_element("id", "saved").text) and t, server=server, timeout=15)
        m = re.search(r"saved as (\S+\.json)", saved_text)
        if not m:
            fail(f"#saved reads {saved_text!r}, expected 'saved as FILE.json'")
        saved = m.group(1)
        new_files = set(os.listdir(workspace)) - before
        if new_files != {saved}:
            fail(f"after saving, new files in the workspace are {sorted(new_files)}, expected just {saved}")
        if not saved.startswith("tutorial--"):
            fail(f"the variant was saved as {saved}, expected tutorial--NAME.json beside the scenario")
        saved_obj = cli_solve_objective(binary, saved, workspace)
        if not close(saved_obj, edited):
            fail(f"CLI solve {saved}: {saved_obj!r}, the page showed {edited!r}")
        log(f"saved {saved}; CLI solve of it gives {saved_obj!r} (matches the page)")
        with open(os.path.join(workspace, saved), encoding="utf-8") as f:
            saved_doc = json.load(f)
        if saved_doc["settings"][idx]["costPerPlace"] != NEW_COST:
            fail(f"{saved} has {field_path}={saved_doc['settings'][idx]['costPerPlace']}, expected {NEW_COST}")
        if sha256(tutorial) != tutorial_hash:
            fail("tutorial.json in the workspace changed: the server must never change a scenario file")
        if sha256(tutorial) != sha256(os.path.join(SCENARIOS, "tutorial.json")):
            fail("tutorial.json in the workspace differs from the shipped one")
        log("tutorial.json is byte-identical to before")
        if not driver.find_elements("id", "compare"):
            fail("after saving, the page offers no 'Compare side by side' button (#compare)")

        errs = browser_errors(driver)
        if errs:
            fail(f"the scenario page logged errors: {errs}")

        # Screenshots at both widths.
        compare_url = server.url("/compare?path=tutorial.json&path=" + urllib.parse.quote(saved))
        for width, height in ((1400, 1000), (390, 844)):
            set_width(driver, width, height)
            driver.execute_script("window.scrollTo(0, 0)")
            time.sleep(0.3)
            p = os.path.join(shots_dir, f"scenario-{width}.png")
            driver.save_screenshot(p); shots.append(p)
            p = os.path.join(shots_dir, f"scenario-{width}-full.png")
            full_page_png(driver, p); shots.append(p)
            frame = driver.find_element("id", "report")
            driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", frame)
            time.sleep(0.3)
            p = os.path.join(shots_dir, f"report-{width}.png")
            frame.screenshot(p); shots.append(p)
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                log(f"note: at {width} px the scenario page scrolls sideways by {overflow} px")

        for width, height in ((1400, 1000), (390, 844)):
            set_width(driver, width, height)
            driver.get(compare_url)
            wait_for("the compare page", lambda: "Comparison" in driver.find_element("tag name", "h1").text,
                     server=server, timeout=20)
            text = driver.find_element("tag name", "body").text
            for needed in (pounds(cli_base), pounds(edited), saved):
                if needed not in text:
                    fail(f"the compare page does not show {needed!r}")
            p = os.path.join(shots_dir, f"compare-{width}.png")
            driver.save_screenshot(p); shots.append(p)
            p = os.path.join(shots_dir, f"compare-{width}-full.png")
            full_page_png(driver, p); shots.append(p)
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                log(f"note: at {width} px the compare page scrolls sideways by {overflow} px")
        errs = browser_errors(driver)
        if errs:
            fail(f"the compare page logged errors: {errs}")

        # The list page: it must list the saved variant as a variant of tutorial.json.
        for width, height in ((1400, 1000), (390, 844)):
            set_width(driver, width, height)
            driver.get(server.url("/"))
            wait_for("the list page", lambda: saved in driver.find_element("tag name", "body").text,
                     server=server, timeout=20)
            p = os.path.join(shots_dir, f"index-{width}.png")
            driver.save_screenshot(p); shots.append(p)
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                log(f"note: at {width} px the list page scrolls sideways by {overflow} px")
        listed = server.get_json("/api/scenarios")["scenarios"]
        entry = [s for s in listed if s.get("path") == saved]
        if len(entry) != 1 or entry[0].get("variantOf") != "tutorial.json":
            fail(f"/api/scenarios lists the saved variant as {entry}, expected variantOf tutorial.json")

        if not server.alive():
            fail(f"the server died; stderr: {server.stderr_tail()}")
        ok = True
        return shots
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:
                pass
        server.stop()
        if ok:
            server.discard_log()
        else:
            log(f"server stderr kept in {server.stderr_path}")
        if keep:
            log(f"kept workspace {workspace}")
        else:
            shutil.rmtree(workspace, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=default_binary(), help="sufficiency-solve to test")
    ap.add_argument("--keep", action="store_true", help="keep the temporary workspace")
    args = ap.parse_args()
    log(f"binary {args.binary}")
    try:
        shots = run(args.binary, args.keep)
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr, flush=True)
        print("0 passed, 1 failed")
        return 1
    except Exception:
        traceback.print_exc()
        print("FAIL: unexpected error (above)", file=sys.stderr, flush=True)
        print("0 passed, 1 failed")
        return 1
    print("screenshots:")
    for p in shots:
        print("  " + p)
    log("PASS")
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
