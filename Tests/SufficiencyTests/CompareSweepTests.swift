import Foundation
import Testing
@testable import Sufficiency

@Suite("Compare, sweep and scenario edits")
struct CompareSweepTests {
    @Test("edits address keys, positions and ids; a bad path is a clear error")
    func edits() throws {
        let path = CLI.scenario("tutorial.json")
        let edited = try ScenarioDecoder.load(path: path, edits: [
            ScenarioEdit(assignment: "settings[id=indep].costPerPlace=70000"),
            ScenarioEdit(assignment: "demand.growth=0.08"),
            ScenarioEdit(assignment: "settings[0].capacity=900"),
            ScenarioEdit(assignment: "finance.grant.2027/28=1"),
        ])
        #expect(edited.settings[3].costByNeed[0] == 70000)
        #expect(edited.settings[3].costByNeed[3] == 90000) // costByNeed still wins for PMLD
        #expect(edited.settings[0].capacity == [900, 900, 900])
        #expect(abs(edited.demand(year: 1, zone: 0, need: 0) - 600 * 1.08) < 1e-9)
        #expect(edited.finance.grant[1] == 1)
        for (assignment, message) in [("settings[id=nope].costPerPlace=1", "settings[id=nope]: no element has id \"nope\""),
                                      ("setings[0].capacity=1", "setings: no such key; did you mean \"settings\"?"),
                                      ("settings[9].capacity=1", "settings[9]: the list has 4 elements"),
                                      ("name.x=1", "name is text; cannot go into it")] {
            do {
                _ = try ScenarioDecoder.load(path: path, edits: [ScenarioEdit(assignment: assignment)])
                Issue.record("\(assignment) accepted")
            } catch {
                #expect("\(error)".contains(message), "\(assignment): \(error)")
            }
        }
        #expect(throws: ScenarioEdit.EditError.self) { try ScenarioEdit(assignment: "no-equals") }
        // A value that breaks a rule is reported like any bad input.
        #expect(throws: ScenarioErrors.self) { try ScenarioDecoder.load(path: path, edits: [ScenarioEdit(assignment: "settings[0].capacity=-5")]) }
    }

    @Test("a warm-started sweep gives the objectives of separate cold solves, with far fewer iterations")
    func sweepMatchesSeparateSolves() throws {
        let path = CLI.scenario("leicester-city.json")
        let values = try #require(Sweep.values("50000..90000:10000"))
        #expect(values == [50000, 60000, 70000, 80000, 90000])
        let warm = try Sweep().run(path: path, vary: "settings[id=independent].costPerPlace", values: values)
        let cold = try Sweep(cold: true).run(path: path, vary: "settings[id=independent].costPerPlace", values: values)
        #expect(warm.dropFirst().allSatisfy { $0.warm })
        #expect(cold.allSatisfy { !$0.warm })
        for (index, value) in values.enumerated() {
            let scenario = try ScenarioDecoder.load(path: path, edits: [ScenarioEdit(path: "settings[id=independent].costPerPlace", number: value)])
            let separate = try ScenarioSolver().run(scenario).report.objective!
            #expect(abs(warm[index].report.objective! - separate) <= 1e-9 * separate, "\(value)")
            #expect(abs(cold[index].report.objective! - separate) <= 1e-9 * separate, "\(value)")
            #expect(warm[index].report.verification.passed)
        }
        #expect(warm.reduce(0) { $0 + $1.iterations } < cold.reduce(0) { $0 + $1.iterations })
        #expect(Sweep.values("5..1:1") == nil && Sweep.values("1..5:0") == nil && Sweep.values("x") == nil)
    }

    @Test("a MIP sweep starts each point's root LP from the last one's basis, and gives the separate solves' optima")
    func mipSweepWarm() throws {
        let path = CLI.scenario("leicester-city-capital.json")
        let values = try #require(Sweep.values("40000..80000:20000"))
        let warm = try Sweep().run(path: path, vary: "settings[id=independent].costPerPlace", values: values)
        #expect(warm.dropFirst().allSatisfy { $0.warm } && !warm[0].warm)
        #expect(try Sweep(cold: true).run(path: path, vary: "settings[id=independent].costPerPlace", values: values).allSatisfy { !$0.warm })
        for (index, value) in values.enumerated() {
            let scenario = try ScenarioDecoder.load(path: path, edits: [ScenarioEdit(path: "settings[id=independent].costPerPlace", number: value)])
            let separate = try ScenarioSolver(compareOptions: .off).run(scenario).report.objective!
            #expect(abs(warm[index].report.objective! - separate) <= 1e-9 * separate, "\(value)")
            #expect(warm[index].report.verification.passed)
        }
    }

    @Test("compare on the command line: side by side with differences; a bad --set exits 1")
    func compareCLI() throws {
        let result = try CLI.run(["compare", CLI.scenario("tutorial.json"), "--set", "settings[id=indep].costPerPlace=70000", "--set", "demand.growth=0.08"])
        #expect(result.status == 0, "\(result.stderr)")
        // The tutorial's total as HiGHS gives it (EndToEndTests): 75,458,949.
        #expect(result.stdout.split(separator: "\n").contains { $0.hasPrefix("total cost, present value (£)") && $0.contains(" 75,458,949 ") })
        let separate = try ScenarioSolver().run(ScenarioDecoder.load(path: CLI.scenario("tutorial.json"), edits: [ScenarioEdit(assignment: "demand.growth=0.08")])).report.objective!
        #expect(result.stdout.contains(ReportText.money(separate)))
        let bad = try CLI.run(["compare", CLI.scenario("tutorial.json"), "--set", "settings[id=nope].costPerPlace=1"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("no element has id \"nope\""))
        let folder = try TemporaryFolder()
        let page = folder.url.appendingPathComponent("compare.html").path
        let files = try CLI.run(["compare", CLI.scenario("leicester-city.json"), CLI.scenario("leicester-city-capital.json"), "--html", page])
        #expect(files.status == 0)
        #expect(files.stdout.contains("options opened"))
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("<figure id=\"deficit\"") && html.contains("data-series=\"Leicester City: capital programme options"))
        let sweepPage = folder.url.appendingPathComponent("sweep.html").path
        let sweep = try CLI.run(["sweep", CLI.scenario("tutorial.json"), "--vary", "settings[id=indep].costPerPlace=60000..70000:5000", "--html", sweepPage])
        #expect(sweep.status == 0)
        #expect(try String(contentsOfFile: sweepPage, encoding: .utf8).contains("<figure id=\"cost\""))
    }
}

@Suite("Report formats: Markdown and CSV")
struct FormatTests {
    @Test("markdown tables and a CSV folder carry the report's numbers")
    func formats() throws {
        let markdown = try CLI.run(["solve", CLI.scenario("tutorial.json"), "--format", "markdown", "--no-timings"])
        #expect(markdown.status == 0)
        // The tutorial's first year: placements 20,778,000 with transport (1,053,000 of it, a General
        // Fund line), other spend 3,000,000, grant 20,000,000, 4,800,000 brought forward:
        // High Needs spend 19,725,000 + 3,000,000; in-year 2,725,000; cumulative 7,525,000.
        #expect(markdown.stdout.contains("| Total high needs spend | 22,725,000 |"), "\(markdown.stdout)")
        #expect(markdown.stdout.contains("| In-year deficit (+) / surplus (−) | 2,725,000 |"))
        #expect(markdown.stdout.contains("| Cumulative deficit carried forward | 7,525,000 |"))
        #expect(markdown.stdout.contains("| Home-to-school transport (General Fund, outside the block) | 1,053,000 |"))
        let folder = try TemporaryFolder()
        let out = folder.url.appendingPathComponent("report").path
        let csv = try CLI.run(["solve", CLI.scenario("tutorial.json"), "--format", "csv", "--output", out])
        #expect(csv.status == 0, "\(csv.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files.contains("finance.csv") && files.contains("settings.csv") && files.contains("placements.csv"))
        let finance = try String(contentsOfFile: out + "/finance.csv", encoding: .utf8)
        // One row per year and line (SPEC §4).
        let rows = finance.split(separator: "\n")
        #expect(rows[0] == "year,section,line,label,unit,amount")
        #expect(rows.contains("2026/27,position,inYear,In-year deficit (+) / surplus (−),money,2725000"))
        #expect(rows.contains("2026/27,position,cumulative,Cumulative deficit carried forward,money,7525000"))
        #expect(rows.contains("2026/27,general fund,transport,\"Home-to-school transport (General Fund, outside the block)\",money,1053000"))
        // Written again over the same folder: replaced whole, nothing left beside it.
        #expect(try CLI.run(["solve", CLI.scenario("tutorial.json"), "--format", "csv", "--output", out]).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["report"])
        #expect(try CLI.run(["solve", CLI.scenario("tutorial.json"), "--format", "csv"]).status == 1)
        let table = ReportTables.Table(name: "t", title: "t", header: ["a", "b"], rows: [["x,y", "say \"hi\""]])
        #expect(ReportTables.csv(table) == "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n")
    }
}

@Suite("HTML report")
struct HTMLTests {
    /// The `data-value` of every element of one chart, by series and category.
    func values(in html: String, chart: String) -> [String: Double] {
        guard let start = html.range(of: "<figure id=\"\(chart)\"") else { return [:] }
        let figure = html[start.lowerBound...]
        let end = figure.range(of: "</figure>")!.upperBound
        let text = String(figure[..<end])
        var result: [String: Double] = [:]
        let pattern = try! NSRegularExpression(pattern: "data-series=\"([^\"]*)\" data-category=\"([^\"]*)\" data-value=\"([^\"]*)\"")
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let series = String(text[Range(match.range(at: 1), in: text)!]), category = String(text[Range(match.range(at: 2), in: text)!])
            result["\(series)|\(category)"] = Double(text[Range(match.range(at: 3), in: text)!])
        }
        return result
    }

    /// Drawn values are rounded to the cent (or hundredth of a child).
    func near(_ drawn: Double?, _ value: Double) -> Bool { drawn.map { abs($0 - value) <= 0.006 } ?? false }

    @Test("the charts' numbers are the report's")
    func chartsMatchReport() throws {
        let result = try CLI.run(["solve", CLI.scenario("leicester-city-capital.json"), "--format", "html", "--no-timings"])
        #expect(result.status == 0)
        let html = result.stdout
        // One self-contained file: no scripts, nothing loaded from elsewhere.
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<svg"))
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="))
        let report = try JSONDecoder().decode(Report.self, from: Data(CLI.run(["solve", CLI.scenario("leicester-city-capital.json"), "--format", "json", "--no-timings"]).stdout.utf8))
        let bars = values(in: html, chart: "placements-by-type")
        for line in report.placementsByType {
            for (t, year) in report.years.enumerated() where line.children[t] != 0 {
                #expect(near(bars["\(line.type)|\(year)"], line.children[t]), "\(line.type) \(year)")
            }
        }
        let deficit = values(in: html, chart: "deficit")
        for (t, year) in report.years.enumerated() {
            #expect(near(deficit["with this plan|\(year)"], report.finance[t].cumulative))
            #expect(near(deficit["without the capital programme|\(year)"], report.withoutOptions!.finance[t].cumulative))
        }
        let costs = values(in: html, chart: "cost-stack")
        #expect(near(costs["placements|\(report.years[0])"], report.costs!.byYear[0].placements))
        // Utilisation of every capped setting, every year, in the table.
        let cells = try NSRegularExpression(pattern: "<td class=\"n (full|near|spare)\" data-value=\"([^\"]*)\"")
        let utilisation = cells.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { Double(html[Range($0.range(at: 2), in: html)!])! }
        let expected = report.settings.flatMap { line in line.utilisation.compactMap { $0 } }
        #expect(utilisation.count == expected.count && zip(utilisation, expected).allSatisfy { near($0, $1) })
    }

    /// Every element of every chart lies inside its SVG's box; tick labels fall on round numbers.
    static func checkGeometry(_ html: String) -> [String] {
        var problems: [String] = []
        func number(_ text: Substring, _ name: String) -> Double? {
            guard let range = text.range(of: " \(name)=\"") else { return nil }
            return Double(text[range.upperBound...].prefix { $0 != "\"" })
        }
        var rest = html[...]
        while let open = rest.range(of: "<svg ") {
            let close = rest.range(of: "</svg>", range: open.upperBound..<rest.endIndex)!
            let svg = rest[open.lowerBound..<close.upperBound]
            rest = rest[close.upperBound...]
            let box = svg[svg.range(of: "viewBox=\"0 0 ")!.upperBound...].prefix { $0 != "\"" }.split(separator: " ").map { Double($0)! }
            let (width, height) = (box[0], box[1])
            let elements = svg.components(separatedBy: "<").dropFirst().map { Substring($0) }
            var ticks: [Double] = []
            for element in elements {
                if element.hasPrefix("rect") {
                    let x = number(element, "x")!, y = number(element, "y")!, w = number(element, "width")!, h = number(element, "height")!
                    if x < -0.01 || y < -0.01 || x + w > width + 0.01 || y + h > height + 0.01 { problems.append("rect outside \(width)×\(height): \(element.prefix(120))") }
                } else if element.hasPrefix("circle") {
                    let x = number(element, "cx")!, y = number(element, "cy")!, r = number(element, "r")!
                    if x - r < 0 || y - r < 0 || x + r > width || y + r > height { problems.append("point outside: \(element.prefix(120))") }
                } else if element.hasPrefix("text") {
                    let content = String(element[element.index(after: element.firstIndex(of: ">")!)...])
                    let size = number(element, "font-size") ?? 12
                    let w = SVGChart.textWidth(content.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<"), size: size)
                    if let transform = element.range(of: "transform=\"translate(") {
                        let parts = element[transform.upperBound...].prefix { $0 != ")" }.split(separator: " ").map { Double($0)! }
                        if element.contains("rotate(-90)") {
                            if parts[1] - w / 2 < 0 || parts[1] + w / 2 > height || parts[0] - size < 0 { problems.append("axis title outside: \(content)") }
                        } else if parts[0] - w * 0.71 < -1 || parts[1] > height { problems.append("turned label outside: \(content)") }
                    } else if let x = number(element, "x"), let y = number(element, "y") {
                        let anchor = element.contains("text-anchor=\"end\"") ? 1.0 : element.contains("text-anchor=\"middle\"") ? 0.5 : 0
                        if x - anchor * w < -1 || x + (1 - anchor) * w > width + 1 || y - size < -1 || y > height { problems.append("text outside \(width)×\(height): \(content)") }
                        if element.contains("class=\"tick\""), let value = number(element, "data-value") { ticks.append(value) }
                    }
                }
            }
            // Round ticks: an even step of 1, 2, 2.5 or 5 × 10^k.
            if ticks.count > 1 {
                let step = ticks[1] - ticks[0]
                let mantissa = step / pow(10, floor(log10(step)))
                if ![1, 2, 2.5, 5].contains(where: { abs($0 - mantissa) < 1e-6 }) { problems.append("ticks not round: \(ticks)") }
                for k in 1..<ticks.count where abs(ticks[k] - ticks[k - 1] - step) > 1e-6 * max(1, step) { problems.append("ticks not even: \(ticks)") }
            }
        }
        return problems
    }

    @Test("every chart of every page on the shipped scenarios: inside its box, round ticks, names escaped")
    func geometryAndEscaping() throws {
        for file in ["tutorial.json", "tutorial-phases.json", "leicester-city-capital.json", "leicestershire.json"] {
            let page = try CLI.run(["solve", CLI.scenario(file), "--format", "html", "--no-timings"])
            #expect(page.status == 0)
            let problems = Self.checkGeometry(page.stdout)
            #expect(problems.isEmpty, "\(file): \(problems.prefix(5))")
        }
        let compare = try CLI.run(["compare", CLI.scenario("tutorial.json"), "--set", "settings[id=indep].costPerPlace=70000",
                                   "--label", "a long label that will not fit under its bar at all=demand.growth=0.12", "--format", "html"])
        #expect(Self.checkGeometry(compare.stdout).isEmpty, "\(Self.checkGeometry(compare.stdout).prefix(5))")
        let sweep = try CLI.run(["sweep", CLI.scenario("tutorial.json"), "--vary", "settings[id=indep].costPerPlace=50000..80000:2500", "--format", "html"])
        #expect(Self.checkGeometry(sweep.stdout).isEmpty, "\(Self.checkGeometry(sweep.stdout).prefix(5))")
        // A name with markup is shown, never run.
        var object = tiny(demand: [5], settings: [["id": "<b>x</b>", "name": "<script>alert(1)</script> & co", "type": "special", "serves": "all", "capacity": 2, "costPerPlace": 1000]])
        object["name"] = "<img onerror=alert(1)> \"quoted\""
        let html = ReportHTML.render(try solve(object).report)
        #expect(!html.contains("<script>") && !html.contains("<img") && !html.contains("<b>x</b>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co") && html.contains("&quot;quoted&quot;"))
        #expect(Self.checkGeometry(html).isEmpty)
    }

    @Test("ticks: round steps covering the range, money written −£4.6m")
    func ticks() {
        #expect(SVGChart.ticks(0, 1368.1) == [0, 250, 500, 750, 1000, 1250, 1500])
        #expect(SVGChart.ticks(-4.6e6, 24.9e6) == [-5e6, 0, 5e6, 1e7, 1.5e7, 2e7, 2.5e7])
        #expect(SVGChart.tickLabel(-4.6e6, .money) == "−£4.6m" && SVGChart.tickLabel(2.5e5, .money) == "£250k" && SVGChart.tickLabel(0, .money) == "£0")
        #expect(SVGChart.tickLabel(1.5e9, .money) == "£1.5bn" && SVGChart.tickLabel(1250, .children) == "1,250")
    }

    @Test("compare and sweep in every format: labels, every year, the same numbers as separate solves")
    func everyFormat() throws {
        let folder = try TemporaryFolder()
        let tutorial = CLI.scenario("tutorial.json")
        let variant = "settings[id=indep].costPerPlace=70000"
        let json = try CLI.run(["compare", tutorial, "--set", variant, "--label", "growth 12%=demand.growth=0.12", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let document = try JSONDecoder().decode(ComparisonFormats.ComparisonDocument.self, from: Data(json.stdout.utf8))
        #expect(document.variants.map(\.label) == ["as given", variant, "growth 12%"])
        let separate = try ScenarioSolver().run(ScenarioDecoder.load(path: tutorial, edits: [ScenarioEdit(assignment: "demand.growth=0.12")])).report
        #expect(document.variants[2].report.objective == separate.objective)
        // CSV: one row per measure and year, a column per variant; the workbook holds the same numbers.
        let csv = folder.url.appendingPathComponent("cmp").path
        #expect(try CLI.run(["compare", tutorial, "--set", variant, "--label", "growth 12%=demand.growth=0.12", "--format", "csv", "--output", csv]).status == 0)
        let rows = try String(contentsOfFile: csv + "/comparison.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(rows[0] == "measure,year,as given,\(variant),growth 12%,\(variant) − as given,growth 12% − as given")
        let last = separate.years.last!
        let independent = try #require(rows.first { $0.hasPrefix("independent children,\(last),") })
        // The fifth column is the variant's own; the last, its difference to the first.
        let cells = independent.split(separator: ",", omittingEmptySubsequences: false)
        #expect(Double(cells[4]) == separate.placementsByType.first { $0.type == "independent" }!.children.last!)
        #expect(abs(Double(cells[6])! - (Double(cells[4])! - Double(cells[2])!)) < 1e-9)
        for year in separate.years { #expect(rows.contains { $0.hasPrefix("unmet children,\(year),") }) }
        let book = folder.url.appendingPathComponent("cmp.xlsx").path
        #expect(try CLI.run(["compare", tutorial, "--set", variant, "--label", "growth 12%=demand.growth=0.12", "--format", "xlsx", "--output", book]).status == 0)
        let read = try WorkbookReader(Data(contentsOf: URL(fileURLWithPath: book)))
        let total = try #require(read.sheets["comparison"]?.first { $0[0] == .text("total cost, present value (£)") })
        #expect(total[4] == .number(separate.objective!) || abs((total[4].flatMap { if case .number(let v) = $0 { return v }; return nil } ?? 0) - separate.objective!) < 1e-6)
        let markdown = try CLI.run(["compare", tutorial, "--set", variant, "--format", "markdown"])
        #expect(markdown.stdout.hasPrefix(OutputKind.markdownMarker) && markdown.stdout.contains("| total cost, present value (£) | all | 75,458,949 |"))
        // Files are labelled by their scenario's name.
        let files = try CLI.run(["compare", tutorial, CLI.scenario("tutorial-phases.json"), "--format", "json"])
        let named = try JSONDecoder().decode(ComparisonFormats.ComparisonDocument.self, from: Data(files.stdout.utf8))
        #expect(named.variants.map(\.label) == named.variants.map(\.report.scenario))

        // Sweep: every point by year in CSV and JSON; an infeasible point shows no numbers, not zeros.
        let sweepCSV = folder.url.appendingPathComponent("sweep").path
        #expect(try CLI.run(["sweep", tutorial, "--vary", "settings[id=indep].costPerPlace=60000..70000:5000", "--format", "csv", "--output", sweepCSV]).status == 0)
        let sweepRows = try String(contentsOfFile: sweepCSV + "/sweep.csv", encoding: .utf8).split(separator: "\n")
        #expect(sweepRows.count == 1 + 3 * separate.years.count)
        let sweepJSON = try CLI.run(["sweep", tutorial, "--vary", "settings[id=indep].costPerPlace=60000..70000:5000", "--format", "json"])
        let points = try JSONDecoder().decode(ComparisonFormats.SweepDocument.self, from: Data(sweepJSON.stdout.utf8)).points
        #expect(points.map(\.value) == [60000, 65000, 70000])
        #expect(abs(points[2].report.objective! - document.variants[1].report.objective!) <= 1e-9 * document.variants[1].report.objective!)
        // A minimum above what can be placed at one point: that point shows no numbers, not zeros.
        let infeasible = try CLI.run(["sweep", tutorial, "--vary", "finance.maxCumulativeDeficit=0..30000000:30000000", "--format", "table"])
        let zero = try #require(infeasible.stdout.split(separator: "\n").first { $0.hasPrefix("0 ") })
        #expect(zero.contains("infeasible") && zero.contains("—") && !zero.contains(" 0 "), "\(infeasible.stdout)")
    }
}
