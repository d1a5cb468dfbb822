import Foundation
import Sufficiency

/// The pages of `serve`: plain HTML, one stylesheet and a little JavaScript inline, nothing
/// fetched from elsewhere (the page works offline).
enum Pages {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }

    /// The line the page shows above the report: what the plan costs, and its status.
    static func headline(_ report: Report) -> String {
        if let robust = report.robust, let value = robust.value {
            return "\(robust.objective == "regret" ? "Largest regret" : "Expected cost") over \(robust.futures.count) futures: \(ReportText.pounds(value)) (\(report.status))"
        }
        if let objective = report.objective { return "Total cost (present value): \(ReportText.pounds(objective)) (\(report.status))" }
        return "No plan: \(report.status)" + (report.explanation.first.map { " — \($0)" } ?? "")
    }

    static let style = """
    :root{--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--accent:#0b5cad;--bad:#b42318;--ok:#1a7f37;--paper:#fff;--soft:#f6f8fa}
    *{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);background:var(--soft)}
    header{background:var(--paper);border-bottom:1px solid var(--line);padding:10px 16px;display:flex;gap:16px;align-items:baseline;flex-wrap:wrap}
    header a{color:var(--accent);text-decoration:none}h1{font-size:1.25rem;margin:0}h2{font-size:1.05rem;margin:.2rem 0 .4rem}
    main{padding:12px 16px}.muted{color:var(--muted)}.bad{color:var(--bad)}.ok{color:var(--ok)}
    .layout{display:grid;grid-template-columns:minmax(300px,380px) 1fr;gap:14px;align-items:start}
    @media (max-width:900px){.layout{grid-template-columns:1fr}}
    .panel,.card{background:var(--paper);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
    .panel{max-height:calc(100vh - 90px);overflow:auto}@media (max-width:900px){.panel{max-height:none}}
    details{border-top:1px solid var(--line);padding:6px 0}details>summary{cursor:pointer;font-weight:600}
    label{display:block;margin:6px 0 2px;font-size:.9rem}input,select,button{font:inherit}
    input[type=number],input[type=text],select{width:100%;padding:5px 7px;border:1px solid var(--line);border-radius:6px}
    input.changed,select.changed{border-color:var(--accent);background:#eef5ff}input.invalid{border-color:var(--bad);background:#fff1f0}
    .problem{color:var(--bad);font-size:.85rem;margin-top:2px}.note{color:var(--muted);font-size:.85rem;margin:2px 0 4px}
    button{background:var(--accent);color:#fff;border:0;border-radius:6px;padding:6px 12px;cursor:pointer}button.quiet{background:#fff;color:var(--accent);border:1px solid var(--accent)}
    .status{display:flex;gap:12px;align-items:baseline;flex-wrap:wrap;position:sticky;top:0;z-index:2;margin:10px 16px 0;box-shadow:0 2px 6px rgba(0,0,0,.06)}
    #total{font-size:1.3rem;font-weight:700}#total.stale{color:var(--muted);text-decoration:line-through}iframe.stale{opacity:.35}
    td{overflow-wrap:anywhere}table.list{width:100%}@media (max-width:600px){#total{font-size:1.05rem}.list td{font-size:.9rem}}
    iframe{width:100%;height:calc(100vh - 190px);min-height:480px;border:1px solid var(--line);border-radius:8px;background:#fff}
    .downloads a{margin-right:10px}table{border-collapse:collapse}td,th{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left}
    .row{display:flex;gap:6px}.row>*{flex:1}
    """

    static func page(title: String, body: String, attributes: String = "") -> String {
        """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title><style>\(style)</style></head><body\(attributes)>
        <header><h1><a href="/">Sufficiency</a></h1><span class="muted">what-if over the placement plan</span></header>
        \(body)</body></html>
        """
    }

    static func index(scenarios: [Workspace.Entry]) -> String {
        var rows = ""
        for entry in scenarios {
            let link = "/scenario?path=\(query(entry.path))"
            rows += "<tr><td><a href=\"\(escape(link))\">\(escape(entry.name))</a></td><td class=\"muted\">\(escape(entry.path))</td><td class=\"muted\">\(entry.variantOf.map { "variant of " + escape($0) } ?? "")</td></tr>"
        }
        let body = scenarios.isEmpty
            ? "<main><div class=\"card\"><p>No scenario files (<code>.json</code>, <code>.yaml</code> naming <code>sufficiency/1</code>) in this workspace.</p></div></main>"
            : "<main><div class=\"card\"><h2>Scenarios in the workspace</h2><table class=\"list\"><tr><th>scenario</th><th>file</th><th></th></tr>\(rows)</table></div></main>"
        return page(title: "Sufficiency — scenarios", body: body)
    }

    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    static func compare(_ comparison: String) -> String {
        // The comparison page of `compare --format html`, under the app's header.
        let marker = "<body>"
        guard let range = comparison.range(of: marker) else { return comparison }
        return comparison.replacingCharacters(in: range, with: marker + "<p style=\"margin:8px 16px\"><a href=\"/\">← Sufficiency: all scenarios</a></p>")
    }

    static func scenario(path: String, token: String?) -> String {
        let body = """
        <div class="card status" role="status"><span id="total" data-objective="">…</span><span id="state" class="muted">loading</span>
          <span id="warm" class="muted"></span><button id="cancel" class="quiet" type="button" hidden>Cancel</button></div>
        <main class="layout">
        <section class="panel" aria-label="Assumptions">
          <h2 id="name">Loading…</h2><p class="note">Change an assumption: the plan re-solves at once. Changed fields are blue.</p>
          <div id="fileproblems" class="problem"></div>
          <form id="panel" onsubmit="return false"></form>
          <details open><summary>Save or compare</summary>
            <label for="variant">Save these changes as a variant named</label>
            <div class="row"><input id="variant" type="text" placeholder="e.g. fees up 8%"><button id="save" type="button">Save</button></div>
            <div id="saved" class="note"></div>
            <div id="variants"></div>
            <p><button id="reset" class="quiet" type="button">Back to the file's values</button></p>
          </details>
        </section>
        <section>
          <div id="problems" class="problem"></div>
          <p class="downloads muted" id="downloads"></p>
          <iframe id="report" title="The report" src="about:blank"></iframe>
        </section>
        </main>
        <script>\(script)</script>
        """
        return page(title: "Sufficiency — \(path)", body: body, attributes: " data-path=\"\(escape(path))\" data-token=\"\(escape(token ?? ""))\"")
    }

    static let script = #"""
    "use strict";
    const path = document.body.dataset.path, token = document.body.dataset.token;
    const tq = token ? "&token=" + encodeURIComponent(token) : "";
    let fields = [], current = null, timer = null, variants = [];
    const $ = id => document.getElementById(id);
    function api(url, options) {
      options = options || {};
      options.headers = Object.assign({"Content-Type": "application/json"}, options.headers || {});
      if (token) options.headers["Authorization"] = "Bearer " + token;
      return fetch(url, options);
    }
    const money = v => "£" + Math.round(v).toLocaleString("en-GB");
    function input(field) {
      if (field.kind === "choice") {
        const s = document.createElement("select");
        for (const c of field.choices) { const o = document.createElement("option"); o.value = c; o.textContent = c; s.appendChild(o); }
        s.value = field.choice; return s;
      }
      const i = document.createElement("input"); i.type = "number"; i.step = "any";
      if (field.min !== undefined && field.min !== null) i.min = field.min;
      if (field.max !== undefined && field.max !== null) i.max = field.max;
      i.value = field.number === null || field.number === undefined ? "" : field.number; return i;
    }
    function original(field) { return field.kind === "choice" ? field.choice : (field.number === null || field.number === undefined ? "" : String(field.number)); }
    function build(panel) {
      const form = $("panel"); form.innerHTML = ""; fields = [];
      for (const group of panel.groups) {
        const d = document.createElement("details"); d.open = group.title === "Cost per place" || group.title === "Demand" || group.title === "Capital options";
        const s = document.createElement("summary"); s.textContent = group.title; d.appendChild(s);
        if (group.note) { const n = document.createElement("p"); n.className = "note"; n.textContent = group.note; d.appendChild(n); }
        if (group.title === "Cost per place") {
          const types = [...new Set(group.fields.map(f => f.settingType))];
          for (const type of types) {
            const l = document.createElement("label"); l.textContent = "Every " + type + " cost, % change"; const p = document.createElement("input");
            p.type = "number"; p.step = "any"; p.value = ""; p.dataset.type = type; p.id = "pct-" + type; l.htmlFor = p.id;
            p.addEventListener("input", () => { const k = parseFloat(p.value) || 0;
              for (const f of fields) if (f.field.settingType === type && f.field.unit === "£" && f.field.path.includes("cost")) { f.el.value = Math.round(f.field.number * (1 + k / 100)); mark(f); }
              changed(); });
            d.appendChild(l); d.appendChild(p);
          }
        }
        for (const field of group.fields) {
          const l = document.createElement("label"); l.textContent = field.label + (field.unit && field.unit !== "£" ? " (" + field.unit + ")" : field.unit === "£" ? " (£)" : "");
          const el = input(field); el.id = "f-" + field.path; el.dataset.path = field.path; l.htmlFor = el.id;
          const problem = document.createElement("div"); problem.className = "problem";
          const entry = {field, el, problem}; fields.push(entry);
          el.addEventListener(field.kind === "choice" ? "change" : "input", () => { mark(entry); changed(); });
          d.appendChild(l); d.appendChild(el); d.appendChild(problem);
        }
        form.appendChild(d);
      }
    }
    function mark(f) { f.el.classList.toggle("changed", f.el.value !== original(f.field)); }
    function edits() {
      const out = [];
      for (const f of fields) {
        const v = f.el.value; if (v === original(f.field)) continue;
        if (f.field.kind === "choice") out.push({path: f.field.path, value: v});
        else if (v !== "") out.push({path: f.field.path, value: Number(v)});
        // A blank budget is no limit.
        else if (f.field.path === "capital.budget") out.push({path: f.field.path, value: null});
      }
      return out;
    }
    function changed() {
      // Text the browser cannot read as a number ("1e") is said so, not solved as the file's value.
      const bad = fields.filter(f => f.el.validity && f.el.validity.badInput);
      if (bad.length) { showProblems(bad.map(f => ({path: f.field.path, message: "not a number"}))); return; }
      clearTimeout(timer); timer = setTimeout(solve, 350);
    }
    function showProblems(problems) {
      for (const f of fields) { f.problem.textContent = ""; f.el.classList.remove("invalid"); }
      const rest = [];
      for (const p of problems || []) {
        const f = fields.find(x => x.field.path === p.path);
        if (f) { f.problem.textContent = p.message; f.el.classList.add("invalid"); } else rest.push((p.path ? p.path + ": " : "") + p.message + (p.line ? " (line " + p.line + ", column " + p.column + ")" : ""));
      }
      $("problems").textContent = rest.join("\n");
    }
    async function solve() {
      const body = {path, edits: edits()}; if (current) body.replaces = current;
      $("state").textContent = "solving…"; $("cancel").hidden = false;
      let r, job;
      try { r = await api("/api/solve", {method: "POST", body: JSON.stringify(body)}); job = await r.json(); }
      catch (e) { $("state").textContent = "the server did not answer"; return; }
      if (!r.ok) { $("state").textContent = "not solved"; $("total").classList.add("stale"); $("report").classList.add("stale"); showProblems(job.problems && job.problems.length ? job.problems : [{path: "", message: job.error}]); $("cancel").hidden = true; return; }
      current = job.id; poll(job.id);
    }
    const sleep = ms => new Promise(r => setTimeout(r, ms));
    async function poll(id) {
      let wait = 60;
      while (id === current) {
        const r = await api("/api/jobs/" + id); const j = await r.json();
        if (id !== current) return;
        if (j.state === "queued") $("state").textContent = "queued (" + (j.ahead || 0) + " ahead)";
        else if (j.state === "running") $("state").textContent = "solving… " + j.seconds.toFixed(1) + " s";
        else {
          $("cancel").hidden = true;
          if (j.state === "done") {
            showProblems([]); $("total").classList.remove("stale"); $("report").classList.remove("stale");
            $("total").textContent = j.headline; $("total").dataset.objective = j.objective === null || j.objective === undefined ? "" : String(j.objective);
            $("state").textContent = "solved in " + j.seconds.toFixed(2) + " s" + (j.exitCode ? " (exit " + j.exitCode + ")" : "");
            $("warm").textContent = j.warm ? "warm re-solve" : "";
            $("report").src = "/api/jobs/" + id + "/report?format=html&inline=1" + tq;
            $("downloads").innerHTML = "Download: " + ["json", "csv", "markdown", "html", "xlsx", "table"].map(f => '<a href="/api/jobs/' + id + '/report?format=' + f + tq + '">' + f + "</a>").join("");
          } else if (j.state === "failed") {
            $("state").textContent = "not solved: fix the fields in red (the plan shown is for the last values that solved)"; showProblems(j.problems);
            $("total").classList.add("stale"); $("report").classList.add("stale"); $("warm").textContent = "";
          }
          else $("state").textContent = "cancelled";
          return;
        }
        await sleep(wait); wait = Math.min(500, wait * 1.5);
      }
    }
    function listVariants() {
      const box = $("variants"); box.innerHTML = "";
      if (!variants.length) return;
      const h = document.createElement("p"); h.className = "note"; h.textContent = "Saved variants: tick to compare with the file"; box.appendChild(h);
      for (const v of variants) {
        const l = document.createElement("label"); const c = document.createElement("input"); c.type = "checkbox"; c.value = v.path; c.checked = true;
        l.appendChild(c); l.appendChild(document.createTextNode(" " + v.path)); box.appendChild(l);
      }
      const b = document.createElement("button"); b.type = "button"; b.className = "quiet"; b.id = "compare"; b.textContent = "Compare side by side";
      b.onclick = () => { const chosen = [...box.querySelectorAll("input:checked")].map(c => "&path=" + encodeURIComponent(c.value)).join("");
        if (chosen) location.href = "/compare?path=" + encodeURIComponent(path) + chosen + tq; };
      box.appendChild(b);
    }
    $("save").onclick = async () => {
      const name = $("variant").value.trim(); const e = edits();
      if (!name) { $("saved").textContent = "give the variant a name"; return; }
      if (!e.length) { $("saved").textContent = "change something first: a variant saves changes"; return; }
      const r = await api("/api/variants", {method: "POST", body: JSON.stringify({path, name, edits: e})}); const a = await r.json();
      if (r.ok) { $("saved").textContent = "saved as " + a.path + " (the file itself is unchanged)"; variants.push({path: a.path}); listVariants(); }
      else { $("saved").textContent = a.error; if (a.problems) showProblems(a.problems); }
    };
    $("cancel").onclick = async () => { if (current) { await api("/api/jobs/" + current, {method: "DELETE"}); } };
    $("reset").onclick = () => { for (const f of fields) { f.el.value = original(f.field); mark(f); } for (const p of document.querySelectorAll("[data-type]")) p.value = ""; changed(); };
    (async () => {
      const r = await api("/api/scenario?path=" + encodeURIComponent(path)); const a = await r.json();
      $("name").textContent = a.name || path;
      if (!r.ok || !a.panel) { $("fileproblems").textContent = (a.error || "the scenario has problems") + "\n" + (a.problems || []).map(p => p.path + ": " + p.message + (p.line ? " (line " + p.line + ")" : "")).join("\n"); return; }
      build(a.panel); variants = a.variants || []; listVariants(); solve();
    })();
    """#
}
