import CGLPK
import Foundation
import Testing
@testable import Sufficiency

/// `object` set to read its demand from `demand.csv`, written to `folder` as `s.json`; the path.
func demandCSVScenario(in folder: TemporaryFolder, _ object: inout [String: Any]) throws -> String {
    object["demand"] = ["csv": "demand.csv"]
    return try folder.write("s.json", json: object)
}

/// Issue 14: valid inputs must give the right numbers, bad ones a located error, and GLPK must
/// never abort the process or write on standard output. Each test failed before its fix.
@Suite("Nothing wrong: exact exports, linear readers, GLPK on a leash", .serialized)
struct NothingWrongTests {
    // MARK: 1. Exports carry the objective's constant

    @Test("the LP and MPS exports of every shipped scenario re-solve in glpsol to the objective we report")
    func exportsResolveInGlpsol() throws {
        let folder = try TemporaryFolder()
        for file in expectedObjectives.keys.sorted() {
            let solved = try CLI.run(["solve", CLI.scenario(file), "--format", "json", "--no-timings"])
            let report = try JSONDecoder().decode(Report.self, from: Data(solved.stdout.utf8))
            // With futures the export is the extensive form: its optimum is the plan's expected cost.
            let ours = try #require(report.robust?.value ?? report.objective)
            let lp = folder.url.appendingPathComponent("\(file).lp").path, mps = folder.url.appendingPathComponent("\(file).mps").path
            let exported = try CLI.run(["export", CLI.scenario(file), "--lp", lp, "--mps", mps])
            #expect(exported.status == 0, "\(exported.stderr)")
            for path in [lp, mps] {
                guard let theirs = try GlpsolReference.objective(mps: path) else { continue }
                // Before the fix: glpsol on the tutorial's LP gave 67,176,297.57 against our 75,458,949.48.
                #expect(abs(theirs - ours) <= 1e-9 * abs(ours), "\(path): glpsol \(theirs), ours \(ours)")
            }
        }
    }

    // MARK: 2. Places on long lines and with old line ends

    @Test("columns are right on a one-line file; CR-only line ends count as lines")
    func placesOnLongLinesAndCRFiles() throws {
        let minified = String(decoding: encode(baseScenario()), as: UTF8.self)
        // A non-ASCII name first: columns count characters, not bytes.
        let named = minified.replacingOccurrences(of: "\"name\":\"test\"", with: "\"name\":\"Ûñïçødé test\"")
        let broken = named.replacingOccurrences(of: "\"unmetPenalty\":100000", with: "\"unmetPenalty\":-5")
        let found = issues(Array(broken.utf8))
        let offset = try #require(broken.range(of: "-5")).lowerBound
        let column = broken[..<offset].count + 1
        #expect(found.map(\.path) == ["unmetPenalty"])
        #expect(found.first?.location == Sufficiency.SourceLocation(line: 1, column: column))

        // The same error in a file with CR-only line ends: line 3, as with LF; column 57 by hand
        // ("years": [...],  is 22 characters, "needs": [...],  18, "unmetPenalty":  16).
        let text = "{\r\"format\": \"sufficiency/1\",\r\"years\": [\"2026/27\"], \"needs\": [\"ASD\"], \"unmetPenalty\": -5,\r\"settings\": []}"
        let crIssues = issues(Array(text.utf8))
        #expect(crIssues.contains { $0.path == "unmetPenalty" && $0.location == Sufficiency.SourceLocation(line: 3, column: 57) }, "\(crIssues)")
        let crlf = issues(Array(text.replacingOccurrences(of: "\r", with: "\r\n").utf8))
        #expect(crlf.contains { $0.path == "unmetPenalty" && $0.location == Sufficiency.SourceLocation(line: 3, column: 57) }, "\(crlf)")
    }

    // MARK: 3. GLPK on a leash

    @Test("a GLPK abort becomes exit 70 with GLPK's message on standard error, never SIGABRT")
    func glpkAbortIsExit70() async {
        let result = await #expect(processExitsWith: .exitCode(70), observing: [\.standardOutputContent, \.standardErrorContent]) {
            GLPKSolver.installHooks()
            let problem = glp_create_prob()
            // Column 5 of an empty problem: GLPK calls its error routine, which would abort().
            glp_set_col_name(problem, 5, "x")
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("glp_set_col_name"), "\(stderr)")
        #expect(stderr.contains("internal error: GLPK stopped"), "\(stderr)")
        let stdout = String(decoding: result?.standardOutputContent ?? [], as: UTF8.self)
        #expect(!stdout.contains("glp_set_col_name"), "GLPK wrote on standard output: \(stdout)")
    }

    @Test("--verbose: the solver's log goes to standard error, the JSON report on standard output stays JSON")
    func verboseKeepsStdoutClean() throws {
        let result = try CLI.run(["solve", CLI.scenario("tutorial.json"), "--format", "json", "--verbose", "--no-timings"])
        #expect(result.status == 0)
        #expect((try? JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))) != nil, "stdout is not a JSON report")
        #expect(result.stderr.contains("OPTIMAL") || result.stderr.contains("obj ="), "the GLPK log is missing from stderr")
    }

    @Test("a non-zero number below 1e-9 is a located error in JSON, YAML and CSV")
    func tinyNumbersRefused() throws {
        var object = baseScenario()
        var options = object["capitalOptions"] as! [[String: Any]]
        options[0]["capitalCost"] = 1e-300   // with another option at 1 under budget 0 this aborted GLPK's scaling
        options[1]["capitalCost"] = 1
        object["capitalOptions"] = options
        object["capital"] = ["budget": 0, "accounting": "upfront"]
        let found = issues(encode(object))
        #expect(found.map(\.path) == ["capitalOptions[0].capitalCost"])
        #expect(found.first?.message == "is too small to be meant (non-zero but below 1e-9 in size): write 0, got 1e-300")
        #expect(found.first?.kind == .outOfRange)
        let yaml = issues(Array("format: sufficiency/1\nyears: [a]\nneeds: [ASD]\nunmetPenalty: -1e-12\nsettings: []\n".utf8), syntax: .yaml)
        #expect(yaml.contains { $0.path == "unmetPenalty" && $0.message.hasPrefix("is too small") && $0.location?.line == 4 }, "\(yaml)")
        // The smallest allowed value is kept.
        object["capitalOptions"] = [options[1]]
        object["unmetPenalty"] = 1e-9
        #expect(issues(encode(object)).isEmpty)

        let folder = try TemporaryFolder()
        var csvScenario = baseScenario()
        let path = try demandCSVScenario(in: folder, &csvScenario)
        try folder.write("demand.csv", "year,need,children\n2026/27,ASD,1e-20\n2027/28,ASD,1\n")
        let csvIssues = loadIssues(path)
        #expect(csvIssues.map(\.description) == ["is too small to be meant (non-zero but below 1e-9 in size): write 0, got 1e-20 (demand.csv, line 2, column 13)"])
    }

    // MARK: 4. Names

    @Test("ids of 250 characters, and ids that differ only by a space or an underscore, solve and export for glpsol")
    func longAndClashingIDs() throws {
        var object = tiny(years: ["2026/27", "2027/28"], demand: [30, 34], settings: [
            ["id": "dsp north", "type": "dsp", "serves": "all", "capacity": 10, "costPerPlace": 20000],
            ["id": "dsp_north", "type": "dsp", "serves": "all", "capacity": 10, "costPerPlace": 21000],
            ["id": String(repeating: "s", count: 250), "type": "special", "serves": "all", "capacity": 5, "costPerPlace": 30000],
            ["id": String(repeating: "s", count: 249) + "t", "type": "special", "serves": "all", "capacity": 5, "costPerPlace": 31000],
            ["id": "a-b", "type": "independent", "serves": "all", "capacity": 4, "costPerPlace": 60000],
            ["id": "a~b", "type": "independent", "serves": "all", "capacity": NSNull(), "costPerPlace": 61000],
        ])
        object["needs"] = [String(repeating: "n", count: 250)]
        object["demand"] = ["2026/27": [String(repeating: "n", count: 250): 30], "2027/28": [String(repeating: "n", count: 250): 34]]
        object["defaults"] = ["leavingRate": 1]
        object["unmetPenalty"] = 100_000
        let folder = try TemporaryFolder()
        let path = try folder.write("names.json", json: object)
        let solved = try CLI.run(["solve", path, "--format", "json", "--no-timings"])
        #expect(solved.status == 0, "\(solved.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(solved.stdout.utf8))
        // By hand, each year: 10 at 20,000, 10 at 21,000, 5 at 30,000, 5 at 31,000, then 4 at 60,000
        // and the rest at 61,000: 2026/27 (30): 715,000; 2027/28 (34): 715,000 + 240,000 = 955,000.
        #expect(abs((report.objective ?? 0) - 1_670_000) < 1e-6, "\(report.objective ?? -1)")
        let lp = folder.url.appendingPathComponent("m.lp").path, mps = folder.url.appendingPathComponent("m.mps").path
        let exported = try CLI.run(["export", path, "--lp", lp, "--mps", mps])
        #expect(exported.status == 0, "\(exported.stderr)")
        for file in [lp, mps] {
            if let objective = try GlpsolReference.objective(mps: file) { #expect(abs(objective - 1_670_000) < 1e-6, "\(file)") }
        }
        let names = PlacementModel.sanitize("dsp north") + " " + PlacementModel.sanitize("dsp_north") + " " + PlacementModel.sanitize("a~b")
        #expect(names == "dsp%20north dsp_north a%7Eb")
    }

    @Test("names longer than GLPK's 255 bytes are shortened to distinct names")
    func namesFitGLPK() {
        var program = LinearProgram()
        let long = String(repeating: "é", count: 200)   // 400 bytes
        program.addColumn(name: "x[\(long)]")
        program.addColumn(name: "x[\(long)]")
        program.addRow(name: "r[\(long)]")
        #expect(program.columnNames.allSatisfy { $0.utf8.count <= 255 })
        #expect(Set(program.columnNames).count == 2)
        #expect(program.columnNames[1].hasSuffix("#2") && program.rowNames[0].hasSuffix("#1"))
        #expect((try? program.validate()) != nil)
    }

    // MARK: 5. YAML

    @Test("YAML anchors, aliases and explicit tags are refused before any expansion, with their place")
    func yamlAliasesAndTags() throws {
        var bomb = "format: sufficiency/1\nmetadata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 { bomb += "  a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let found = issues(Array(bomb.utf8), syntax: .yaml)
        // Every anchor and alias is reported where it is (10 anchors, 90 aliases), none expanded.
        #expect(found.filter { $0.message.contains("YAML anchors") }.count == 10)
        #expect(found.filter { $0.message.contains("YAML aliases") }.count == 90)
        #expect(found.contains { $0.message.contains("anchors (&a0)") && $0.location == Sufficiency.SourceLocation(line: 3, column: 7) }, "\(found.prefix(3))")
        let tag = issues(Array("format: sufficiency/1\ndiscountRate: !!int abc\n".utf8), syntax: .yaml)
        #expect(tag.contains { $0.message.contains("explicit YAML tags (!!int)") && $0.location == Sufficiency.SourceLocation(line: 2, column: 15) }, "\(tag)")
        let alias = issues(Array("format: sufficiency/1\nname: *nowhere\n".utf8), syntax: .yaml)
        #expect(alias.contains { $0.message.contains("aliases") && $0.location?.line == 2 }, "\(alias)")
        // Other problems are reported with them, and YAML numbers follow JSON's syntax.
        let mixed = issues(Array("format: sufficiency/1\nname: &n x\nbogus: 1\nunmetPenalty: 017\nyears: [a]\nneeds: [A]\ndemand: {a: {A: 1:20}}\nsettings: []\n".utf8), syntax: .yaml)
        #expect(mixed.contains { $0.path == "bogus" }, "\(mixed)")
        #expect(mixed.contains { $0.path == "unmetPenalty" && $0.message.contains("\"017\" is not a number as JSON writes them") })
        #expect(mixed.contains { $0.path == "demand.a.A" && $0.message.contains("\"1:20\"") })
    }

    // MARK: 6. CSV readers

    @Test("CSV cells: NUL, hex, a plus sign, a repeated header, an extra cell are located errors")
    func csvCells() throws {
        let folder = try TemporaryFolder()
        var object = baseScenario()
        let path = try demandCSVScenario(in: folder, &object)
        let cases: [(String, String)] = [
            ("year,need,children\n2027/28,ASD,1\n2026/27,ASD,40\u{0}30\n", "not valid CSV: a control character (byte 0x00) in a cell (demand.csv, line 3, column 15)"),
            ("year,need,children\n2026/27,ASD,0x10\n2027/28,ASD,1\n", "must be a number, got \"0x10\" (demand.csv, line 2, column 13)"),
            ("year,need,children\n2026/27,ASD,+5\n2027/28,ASD,1\n", "must be a number, got \"+5\" (demand.csv, line 2, column 13)"),
            ("year,need,children,need\n2026/27,ASD,5,SEMH\n", "the header names column \"need\" twice (columns 2 and 4) (demand.csv, line 1, column 20)"),
            ("year,need,children\n2026/27,ASD,5,7\n2027/28,ASD,1\n", "this row has 4 cells but the header has 3 columns (demand.csv, line 2, column 15)"),
        ]
        for (csv, message) in cases {
            try folder.write("demand.csv", csv)
            #expect(loadIssues(path).map(\.description) == [message], "\(csv.debugDescription)")
        }
    }

    // MARK: 7, 8. Limits and problems all at once

    @Test("100,000 settings with an option that expands one are accepted; a new setting beyond that is not")
    func settingsLimitCountsNewSettingsOnly() throws {
        var object = tiny(demand: [1], settings: (0..<100_000).map { ["id": "s\($0)", "type": "special", "serves": "all", "capacity": 1, "costPerPlace": 1000] })
        object["capitalOptions"] = [["id": "grow", "expands": "s0", "places": 5, "capitalCost": 10]]
        #expect(issues(encode(object)).isEmpty)
        object["capitalOptions"] = [["id": "new", "newSetting": ["id": "n", "type": "dsp", "serves": "all", "costPerPlace": 1], "places": 5, "capitalCost": 10]]
        #expect(issues(encode(object)).map(\.message) == ["more than 100000 settings (new ones included)"])
    }

    @Test("demand CSV rows adding up past 10 million name the row that does it")
    func demandOverflowNamesTheRow() throws {
        let folder = try TemporaryFolder()
        var object = baseScenario()
        let path = try demandCSVScenario(in: folder, &object)
        try folder.write("demand.csv", "year,need,children\n2026/27,ASD,6000000\n2026/27,SEMH,1\n2026/27,ASD,6000000\n2027/28,ASD,1\n")
        #expect(loadIssues(path).map(\.description) == ["demand for ASD in 2026/27 adds up to more than 10 million children by this row (demand.csv, line 4, column 13)"])
    }

    @Test("a setting with a broken capacity map hides neither a bad policy share nor an unknown excludes target")
    func everyProblemAtOnce() {
        var object = baseScenario()
        var settings = object["settings"] as! [[String: Any]]
        settings[1]["capacity"] = ["2026/27": 5]           // 2027/28 missing
        object["settings"] = settings
        object["policies"] = [["type": "independent", "maxShare": 1.5]]
        var options = object["capitalOptions"] as! [[String: Any]]
        options[1]["excludes"] = ["nope"]
        object["capitalOptions"] = options
        let paths = Set(issues(encode(object)).map(\.path))
        #expect(paths == ["settings[1].capacity", "policies[0].maxShare", "capitalOptions[1].excludes[0]"], "\(paths)")
    }

    // MARK: 9. Time limits

    @Test("--time-limit cannot bound --method interior (GLPK's interior point has no limit): a usage error")
    func interiorHasNoTimeLimit() throws {
        let result = try CLI.run(["solve", CLI.scenario("tutorial.json"), "--method", "interior", "--time-limit", "5"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("GLPK's interior point method has no time limit"), "\(result.stderr)")
    }

    @Test("once the command's deadline has passed, no option comparison is solved and the report says so")
    func deadlineStopsComparisons() throws {
        let object = capitalScenario(options: [dspOption("A", cost: 20000)])
        let scenario = try ScenarioDecoder.decode(encode(object))
        var engine = ScenarioSolver(options: SolverOptions(), compareOptions: .on)
        var run = try engine.run(scenario)
        #expect(run.report.withoutOptions != nil && run.report.options[0].paybackYears != nil)
        run.report.withoutOptions = nil
        run.report.options[0].paybackYears = nil
        engine.options.deadline = ContinuousClock.now - .seconds(1)
        #expect(engine.options.secondsLeft == 0 && engine.options.outOfTime)
        run.report.options[0].comparison = nil
        try engine.addOptionComparisons(to: &run.report, model: run.model, solution: try #require(run.solution))
        #expect(run.report.withoutOptions == nil && run.report.options[0].paybackYears == nil)
        #expect(run.report.options[0].comparison == "not worked out: the time limit ran out first")
    }

    // MARK: 10. Formulas and markup

    @Test("text cells that would be formulas are written as text in CSV; Markdown and HTML escape names")
    func noFormulasNoMarkup() throws {
        var object = baseScenario()
        var settings = object["settings"] as! [[String: Any]]
        settings[0]["id"] = "=HYPERLINK(\"http://x\",\"y\")"
        settings[1]["id"] = "<b>sp</b>|x"
        object["settings"] = settings
        object["incumbents"] = []
        object["capitalOptions"] = [["id": "sp-exp", "expands": "<b>sp</b>|x", "places": 5, "capitalCost": 500000]]
        let run = try solve(object)
        let tables = ReportTables.tables(run.report)
        let csv = tables.map(ReportTables.csv).joined()
        #expect(csv.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""), "\(csv)")
        #expect(!csv.contains(",=HYPERLINK") && !csv.contains("\n=HYPERLINK"))
        // Negative numbers stay numbers.
        #expect(ReportTables.spreadsheetSafe("-4600000.5") == "-4600000.5")
        #expect(ReportTables.spreadsheetSafe("-x") == "'-x" && ReportTables.spreadsheetSafe("@SUM(A1)") == "'@SUM(A1)")
        #expect(ReportTables.spreadsheetSafe("\tx") == "'\tx" && ReportTables.spreadsheetSafe("+1") == "'+1")
        let markdown = ReportTables.markdown(run.report)
        #expect(!markdown.contains("<b>") && markdown.contains("&lt;b&gt;sp&lt;/b&gt;\\|x"), "\(markdown)")
        #expect(!ReportHTML.render(run.report).contains("<b>sp</b>"))
    }

    // MARK: 11. The scenario check can fail

    @Test("the scenario check fails on a plan that breaks the scenario's capacity")
    func scenarioCheckCatchesABadPlan() throws {
        let run = try solve(baseScenario())
        var solution = try #require(run.solution)
        #expect(ScenarioCheck.run(model: run.model, solution: solution).failures.isEmpty)
        // Ten more ASD starts in mainstream (capacity 20) in the first year.
        let column = try #require((0..<run.model.placementCount).first {
            run.model.scenario.settings[Int(run.model.placementSetting[$0])].id == "ms" && run.model.placementYear[$0] == 0
        })
        solution.columnValues[column] += 10
        let check = ScenarioCheck.run(model: run.model, solution: solution)
        #expect(!check.failures.isEmpty)
        #expect(check.failures.contains { $0.contains("ms") }, "\(check.failures)")
    }
}

/// Issue 16, item 5: the verifier's mutation test. A model built with a deliberate defect solves
/// and verifies against itself; the independent check against the scenario must catch each one.
@Suite("Mutation check of the verifier")
struct VerifierMutationTests {
    @Test("each deliberate defect in the model builder is caught by the scenario check", arguments: PlacementModel.Mutations.all.map(\.rawValue))
    func caught(raw: Int) throws {
        let mutation = PlacementModel.Mutations(rawValue: raw)
        // Persistence (leaving rate 0.2 by default), incumbents, a binding capacity and costs all matter here.
        var object = baseScenario()
        object["incumbents"] = [["setting": "sp", "need": "ASD", "children": 4], ["setting": "indep", "need": "ASD", "children": 2]]
        var settings = object["settings"] as! [[String: Any]]
        settings[0]["capacity"] = 8   // mainstream, the cheapest, binds
        object["settings"] = settings
        let scenario = try ScenarioDecoder.decode(encode(object))
        let honest = try PlacementModel(scenario: scenario)
        let honestSolution = try GLPKSolver(program: honest.program).solve(SolverOptions())
        #expect(ScenarioCheck.run(model: honest, solution: honestSolution).failures.isEmpty)

        let model = try PlacementModel(scenario: scenario, relax: false, mutations: mutation)
        let solution = try GLPKSolver(program: model.program).solve(SolverOptions())
        #expect(solution.status == .optimal)
        #expect(solution.verify(against: model.program).passed, "the defective model's own solution should fit it")
        let check = ScenarioCheck.run(model: model, solution: solution)
        #expect(!check.failures.isEmpty, "mutation \(raw) went unnoticed")
    }
}

/// Found by trying to break the fixes of issue 14 (a second attack): each failed before its fix.
@Suite("Nothing wrong, second round")
struct NothingWrongSecondRoundTests {
    /// The tutorial, edited.
    static func tutorial(_ edit: (inout [String: Any]) -> Void) throws -> [String: Any] {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: CLI.scenario("tutorial.json")))) as! [String: Any]
        edit(&object)
        return object
    }

    @Test("money and counts of any size are formatted, never trapped on")
    func hugeNumbersFormat() {
        #expect(ReportText.money(1.9e19) == "19,000,000,000,000,000,000")
        #expect(ReportText.money(-2.5e20) == "−250,000,000,000,000,000,000")
        #expect(ReportText.children(3e19) == "30,000,000,000,000,000,000")
        #expect(ReportTables.number(4e20) == "400000000000000000000")
        // Full precision (SPEC §4), in JSON's number syntax: the shortest text that reads back to the same double.
        #expect(ReportTables.number(56.00000000000001) == "56.00000000000001" && ReportTables.number(39.99999999999999) == "39.99999999999999")
        #expect(ReportTables.number(70.744) == "70.744" && ReportTables.number(-0.0000001) == "-1e-07" && ReportTables.number(-0.0) == "0")
        for value in [0.1 + 0.2, 1.0 / 3, 2.5e-300, 123456789.123456789] { #expect(Double(ReportTables.number(value)) == value) }
    }

    @Test("a horizon whose inflation or discounting leaves the solver's range is refused where it is set")
    func pricesWithinRange() throws {
        let inflated = try Self.tutorial { $0["years"] = (0..<100).map { "y\($0)" }; $0["inflation"] = 0.3; $0["demand"] = ["base": ["ASD": 10], "growth": 0]
            $0["finance"] = ["grant": 1] }
        let found = issues(encode(inflated))
        #expect(found.map(\.path) == ["inflation"], "\(found)")
        #expect(found.first?.message.hasPrefix("raises costs 190718085459 times over the 100 years") == true)
        let discounted = try Self.tutorial { $0["years"] = (0..<100).map { "y\($0)" }; $0["discountRate"] = 0.2; $0["inflation"] = 0
            $0["demand"] = ["base": ["ASD": 10], "growth": 0]; $0["finance"] = ["grant": 1] }
        #expect(issues(encode(discounted)).map(\.path) == ["discountRate"])
    }

    @Test("a leaving rate of 0.999999 solves to HiGHS's objective (tiny persistence shares dropped)")
    func nearlyEveryoneLeaves() throws {
        let object = try Self.tutorial { object in
            var settings = object["settings"] as! [[String: Any]]
            settings[0]["leavingRate"] = 0.999999
            object["settings"] = settings
        }
        let run = try solve(object)
        // HiGHS 1.16 on our MPS export of this file (the attack's r1): 75,458,949.48, as the tutorial.
        #expect(run.report.verification.passed, "\(run.report.verification.summary)")
        #expect(abs(run.report.objective! - 75_458_949.48) < 0.01, "\(run.report.objective!)")
    }

    @Test("a simplex answer that fails verification is solved again another way, and the report says so")
    func resolvedWhenVerificationFails() throws {
        // The attack's r2: the tutorial over 90 years with 2% growth. GLPK's primal simplex stopped
        // at a basis that is not optimal (dual infeasible by 6,512); HiGHS 1.16 on our MPS export
        // gives 4,422,342,489.501602.
        let object = try Self.tutorial { object in
            object["years"] = (0..<90).map { "y\($0)" }
            var demand = object["demand"] as! [String: Any]
            demand["growth"] = 0.02
            object["demand"] = demand
            object["finance"] = ["grant": 20_000_000, "otherSpend": 3_000_000, "broughtForwardDeficit": 4_800_000]
        }
        let run = try solve(object)
        #expect(run.report.verification.passed, "\(run.report.verification.summary)")
        #expect(abs(run.report.objective! - 4_422_342_489.501602) <= 1e-9 * 4.4e9, "\(run.report.objective!)")
    }

    @Test("the scenario's size is checked against GLPK's column limit before any model is built")
    func tooManyColumns() {
        var object = tiny(years: ["a", "b"], demand: [1, 1], settings: (0..<100).map { ["id": "s\($0)", "type": "special", "serves": "all", "capacity": 1, "costPerPlace": 1] })
        object["needs"] = (0..<1000).map { "n\($0)" }
        object["demand"] = ["base": Dictionary(uniqueKeysWithValues: (0..<1000).map { ("n\($0)", 1) }), "growth": 0]
        object["zones"] = (0..<600).map { "z\($0)" }
        object["demand"] = ["base": ["z0": ["n0": 1]], "growth": 0]
        // 100 county-wide settings × 1,000 needs × 2 years × 600 zones = 120 million columns.
        let found = issues(encode(object))
        #expect(found.map(\.path) == ["settings"], "\(found)")
        #expect(found.first?.message.contains("GLPK takes at most 100,000,000") == true)
    }

    @Test("an option dearer than the budget stays shut, in the relaxation too")
    func budgetShutsOptions() throws {
        var object = capitalScenario(options: [dspOption("A", cost: 1e-9), dspOption("B", cost: 1)], capital: ["budget": 0])
        object["capitalOptions"] = [dspOption("A", cost: 1e-9), dspOption("B", cost: 1)]
        for relax in [false, true] {
            let run = try solve(object, options: SolverOptions(relax: relax))
            #expect(run.report.options.allSatisfy { !$0.chosen }, "relax \(relax): \(run.report.options)")
            #expect(run.report.verification.passed)
        }
        // A budget of half the cost lets half of a fractional option be built, no more.
        object["capitalOptions"] = [dspOption("A", cost: 20000, extra: ["fractional": true])]
        object["capital"] = ["budget": 10000]
        let half = try solve(object)
        #expect(abs(half.report.options[0].amount - 0.5) < 1e-9, "\(half.report.options[0])")
    }

    @Test("a demand CSV or projection with no rows for a year is an error, as a demand table missing a year is")
    func demandFilesGiveEveryYear() throws {
        let folder = try TemporaryFolder()
        var object = baseScenario()
        let path = try demandCSVScenario(in: folder, &object)
        try folder.write("demand.csv", "year,need,children\n")
        #expect(loadIssues(path).map(\.message) == ["has no rows for 2026/27, 2027/28: a demand table must give every year (a row with 0 children says there are none)"])
        object["demand"] = ["projection": "p.csv", "labels": ["years": ["2026": "2026/27", "2027": "2027/28"]]]
        let projection = try folder.write("p.json", json: object)
        try folder.write("p.csv", "calendar-year,need,population\n2026.0,ASD,600\n2027.0,ASD,600\n")
        #expect(loadIssues(projection).first?.message.hasPrefix("has no rows for 2026/27, 2027/28") == true)
    }

    @Test("CSV text columns are spreadsheet-safe even when they look like numbers")
    func textColumnsInCSV() throws {
        var object = baseScenario()
        object["years"] = ["-3", "2027/28"]
        object["demand"] = ["-3": ["ASD": 10, "SEMH": 5], "2027/28": ["ASD": 12, "SEMH": 6, "PMLD": 1]]
        var settings = object["settings"] as! [[String: Any]]
        settings[1]["capacity"] = ["-3": 5, "2027/28": 6]
        settings[0]["id"] = "-1e5"
        object["settings"] = settings
        object["capitalOptions"] = [["id": "sp-exp", "expands": "sp", "places": 5, "capitalCost": 500000]]
        object["finance"] = ["grant": 1000000, "otherSpend": ["-3": 100000], "broughtForwardDeficit": 50000]
        let run = try solve(object)
        let csv = ReportTables.tables(run.report).map(ReportTables.csv).joined()
        #expect(csv.contains("\n'-3,") && !csv.contains("\n-3,"), "\(csv.prefix(600))")
        #expect(csv.contains("'-1e5") && !csv.contains(",-1e5,") && !csv.contains("\n-1e5,"))
        #expect(!csv.contains(".,") && !csv.contains(".\n"))
    }
}
