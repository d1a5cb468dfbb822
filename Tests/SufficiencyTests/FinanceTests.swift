import Foundation
import Testing
@testable import Sufficiency

/// One year, one need, 10 children: a special school at £20,000 (transport £5,000) with 6 places
/// and an unlimited independent school at £60,000 (transport £10,000). Every figure below is
/// worked out by hand from these numbers.
private func financeScenario(transport: String? = nil, cap: Double? = nil, indepPlaces: Any = NSNull(), penalty: Double = 5_000_000) -> [String: Any] {
    var finance: [String: Any] = ["grant": 300_000, "income": 20_000, "otherSpend": 50_000, "broughtForwardDeficit": 100_000,
                                  "mitigations": [["name": "plans ceased", "amount": 10_000]]]
    if let transport { finance["transport"] = transport }
    if let cap { finance["maxCumulativeDeficit"] = cap }
    return tiny(demand: [10], settings: [
        ["id": "special", "type": "special", "serves": "all", "capacity": 6, "costPerPlace": 20_000, "transportPerPlace": 5_000],
        ["id": "indep", "type": "independent", "serves": "all", "capacity": indepPlaces, "costPerPlace": 60_000, "transportPerPlace": 10_000],
    ], extra: ["finance": finance, "unmetPenalty": penalty])
}

@Suite("Finance as councils keep it, hand-worked")
struct FinanceTests {
    @Test("transport is a General Fund line by default; highNeeds puts it in the deficit")
    func transportOutsideTheBlock() throws {
        // Special 6 × 20,000 = 120,000; independent 4 × 60,000 = 240,000: placements 360,000.
        // Transport 6 × 5,000 + 4 × 10,000 = 70,000. High Needs spend 360,000 + 50,000 other = 410,000;
        // in-year 410,000 − 10,000 mitigations − 300,000 grant − 20,000 income = 80,000; cumulative 180,000.
        let general = try solve(financeScenario()).report
        let line = try #require(general.finance.first)
        #expect(general.verification.passed, "\(general.verification.summary)")
        #expect(line.placementSpend == 360_000 && line.transport == 70_000 && !line.transportInHighNeeds)
        #expect(line.placementSpendByType == [Report.TypeSpend(type: "special", spend: 120_000), Report.TypeSpend(type: "independent", spend: 240_000)])
        #expect(line.highNeedsSpend == 410_000 && line.mitigationsTotal == 10_000 && line.income == 20_000)
        #expect(line.mitigations == [Report.MitigationAmount(name: "plans ceased", amount: 10_000)])
        #expect(line.inYear == 80_000 && line.cumulative == 180_000 && line.cumulativeIfAllPlaced == 180_000)
        // With the block paying transport: 480,000 spend, in-year 150,000, cumulative 250,000.
        let block = try solve(financeScenario(transport: "highNeeds")).report.finance[0]
        #expect(block.highNeedsSpend == 480_000 && block.inYear == 150_000 && block.cumulative == 250_000 && block.transportInHighNeeds)
        // The objective counts transport either way: 360,000 + 70,000.
        #expect(general.objective == 430_000)
    }

    @Test("the deficit cap holds on the same figures: met with transport outside, infeasible inside")
    func capOnTheSameFigures() throws {
        let met = try solve(financeScenario(cap: 200_000))
        #expect(met.report.status == "optimal" && met.report.verification.passed)
        let missed = try solve(financeScenario(transport: "highNeeds", cap: 200_000))
        #expect(missed.report.status == "infeasible")
        // It misses by 250,000 − 200,000.
        #expect(missed.report.explanation.contains { $0.contains("misses it by £50,000") }, "\(missed.report.explanation)")
    }

    @Test("unmet children count at the dearest place, with transport only when the block pays it")
    func unmetAtTheDearestPlace() throws {
        // A penalty of 30,000 is less than an independent place (70,000 with transport): the four
        // children the special school cannot take are left unplaced, valued at the dearest fee.
        let general = try solve(financeScenario(indepPlaces: 2, penalty: 30_000)).report.finance[0]
        // Placed: special 120,000 + 0 independent (70,000 > 30,000 penalty): spend 170,000, in-year
        // 170,000 − 10,000 − 300,000 − 20,000 = −160,000; cumulative −60,000; if all placed −60,000 + 4 × 60,000.
        #expect(general.placementSpend == 120_000 && general.inYear == -160_000 && general.cumulative == -60_000)
        #expect(general.unmetChildren == 4 && general.unmetCost == 240_000 && general.cumulativeIfAllPlaced == 180_000)
        let block = try solve(financeScenario(transport: "highNeeds", indepPlaces: 2, penalty: 30_000)).report.finance[0]
        // With highNeeds at 70,000 (fee + transport): 4 × 70,000.
        #expect(block.unmetCost == 280_000)
    }
}

/// Three years, 10 children a year who all leave each year, independent places at 60,000 and a
/// special school with no places of its own at 20,000: each special place saves 40,000 a year.
/// A adds 5 places (50,000), B requires A and adds 3 (30,000), C adds 2 but costs 10 million and
/// can open from the second year. No discounting.
private func programmeScenario(budget: Double? = nil, lead: Int? = nil, cEarliest: String? = "y2") -> [String: Any] {
    var c: [String: Any] = ["id": "C", "expands": "special", "places": 2, "capitalCost": 10_000_000]
    if let cEarliest { c["earliestYear"] = cEarliest }
    if let lead { c["leadTimeYears"] = lead }
    var object = tiny(years: ["y1", "y2", "y3"], demand: [10, 10, 10], settings: [
        ["id": "special", "type": "special", "serves": "all", "capacity": 0, "costPerPlace": 20_000],
        ["id": "indep", "type": "independent", "serves": "all", "capacity": NSNull(), "costPerPlace": 60_000],
    ], extra: ["unmetPenalty": 1_000_000, "defaults": ["leavingRate": 1], "capitalOptions": [
        ["id": "A", "expands": "special", "places": 5, "capitalCost": 50_000],
        ["id": "B", "expands": "special", "places": 3, "capitalCost": 30_000, "requires": ["A"]],
        c,
    ]])
    if let budget { object["capital"] = ["budget": budget] }
    return object
}

@Suite("Capital comparisons at every size, hand-worked")
struct CapitalComparisonTests {
    func run(_ object: [String: Any], exactUpTo: Int = ScenarioSolver.autoComparisonColumns) throws -> Report {
        var engine = ScenarioSolver(compareOptions: .on)
        engine.exactComparisonColumns = exactUpTo
        return try engine.run(ScenarioDecoder.decode(encode(object))).report
    }

    @Test("payback is of the programme without the option and the options that require it")
    func paybackOfTheGroup() throws {
        let report = try run(programmeScenario())
        let a = try #require(report.options.first { $0.id == "A" }), b = try #require(report.options.first { $0.id == "B" })
        #expect(a.chosen && b.chosen && a.openingYear == "y1" && b.openingYear == "y1")
        // Without B: 3 fewer special places, 3 × 40,000 = 120,000 a year; payback 30,000 / 120,000.
        #expect(b.yearlySaving == 120_000 && b.paybackYears == 0.25 && b.savingIncludes.isEmpty)
        // Without A, B goes too: 8 × 40,000 = 320,000 a year; payback (50,000 + 30,000) / 320,000.
        #expect(a.yearlySaving == 320_000 && a.paybackYears == 0.25 && a.savingIncludes == ["B"])
        // Without the programme: 10 independent places a year, 600,000; with it 8 × 20,000 + 2 × 60,000 = 280,000.
        #expect(report.withoutOptions?.finance.map(\.placementSpend) == [600_000, 600_000, 600_000])
        #expect(report.finance.map(\.placementSpend) == [280_000, 280_000, 280_000])
        #expect(report.withoutOptions?.unmetChildren == [0, 0, 0])
    }

    @Test("a rejected option's extra cost: exact by MIP on small models, by the programme-fixed LP above, the same here")
    func rejectedOption() throws {
        // C in y2 saves 2 × 40,000 for two years: 10,000,000 − 160,000; in y3 only 80,000.
        for exactUpTo in [ScenarioSolver.autoComparisonColumns, 0] {
            let c = try #require(try run(programmeScenario(), exactUpTo: exactUpTo).options.first { $0.id == "C" })
            #expect(!c.chosen && c.savingNeeded == 9_840_000, "exact up to \(exactUpTo): \(String(describing: c.savingNeeded))")
            #expect(c.comparison?.contains("y2") == true, "\(String(describing: c.comparison))")
        }
    }

    @Test("budget available and used, spend by opening year")
    func budgetUsed() throws {
        let capital = try #require(try run(programmeScenario(budget: 100_000)).capital)
        #expect(capital.budget == 100_000 && capital.used == 80_000 && capital.left == 20_000)
        #expect(capital.byYear.map(\.spend) == [80_000, 0, 0] && capital.byYear[0].opening == ["A", "B"])
        // C cannot be built within the budget at all: said, not left blank.
        let c = try #require(try run(programmeScenario(budget: 100_000), exactUpTo: 0).options.first { $0.id == "C" })
        #expect(c.savingNeeded == nil && c.comparison?.hasPrefix("no plan can build it") == true, "\(String(describing: c.comparison))")
    }

    @Test("lead time: the earliest opening moves on, decide-by is opening − lead; impossible lead times are errors")
    func leadTime() throws {
        let scenario = try ScenarioDecoder.decode(encode(programmeScenario(lead: 2, cEarliest: nil)))
        #expect(scenario.capitalOptions[2].earliestYear == 2 && scenario.capitalOptions[2].leadTimeYears == 2)
        // C forced in to see its decide-by: cheap enough to pay (2 × 40,000 in y3 > 1,000).
        var object = programmeScenario(lead: 2, cEarliest: nil)
        var options = object["capitalOptions"] as! [[String: Any]]
        options[2]["capitalCost"] = 1_000
        object["capitalOptions"] = options
        let c = try #require(try run(object).options.first { $0.id == "C" })
        #expect(c.chosen && c.openingYear == "y3" && c.decideBy == "y1" && c.leadTimeYears == 2)
        // An explicit earliest year sooner than the lead time: a project under way, decided before the horizon.
        options[2]["earliestYear"] = "y1"
        options[2]["leadTimeYears"] = 2
        object["capitalOptions"] = options
        let early = try #require(try run(object).options.first { $0.id == "C" })
        #expect(early.openingYear == "y1" && early.decideBy == "2 years before y1")
        let found = issues(encode(programmeScenario(lead: 3, cEarliest: nil)))
        #expect(found.map(\.path) == ["capitalOptions[2].leadTimeYears"] && found[0].message.contains("leaves no year"), "\(found)")
        var late = programmeScenario(lead: 2, cEarliest: nil)
        options = late["capitalOptions"] as! [[String: Any]]
        options[2]["latestYear"] = "y2"
        late["capitalOptions"] = options
        #expect(issues(encode(late)).first?.message.contains("after latestYear (y2)") == true)
    }
}

@Suite("Finance and workbooks: what the attack on them found")
struct FinanceAttackTests {
    @Test("a binding deficit cap is shown with what more headroom would save; years a map leaves out are said to be 0")
    func capAndMissingYears() throws {
        // The cap at 180,000 binds exactly on the plan of FinanceTests (cumulative 180,000).
        var object = tiny(demand: [10], settings: [
            ["id": "special", "type": "special", "serves": "all", "capacity": 6, "costPerPlace": 20_000],
            ["id": "indep", "type": "independent", "serves": "all", "capacity": NSNull(), "costPerPlace": 60_000],
        ], extra: ["unmetPenalty": 5_000_000, "finance": ["grant": ["y1": 280_000], "broughtForwardDeficit": 0, "maxCumulativeDeficit": 1_000_000]])
        let report = try solve(object).report
        #expect(report.finance[0].cap == 1_000_000 && report.finance[0].capBinds == false && report.finance[0].capMarginalValue == 0)
        #expect(FinancePlan.lines(report).contains { $0.key == "cap" && $0.values == [1_000_000] })
        object["years"] = ["y1", "y2"]
        object["demand"] = ["y1": ["ASD": 10], "y2": ["ASD": 10]]
        let partial = try solve(object).report
        #expect(partial.provenance?.defaultsApplied.contains("finance.grant: 0 in y2 (not given)") == true, "\(String(describing: partial.provenance?.defaultsApplied))")
        object.removeValue(forKey: "finance")
        #expect(try solve(object).report.provenance?.defaultsApplied.contains { $0.hasPrefix("finance: none given") } == true)
    }

    @Test("an option built to place children says so when it saves no money")
    func builtToPlace() throws {
        // No setting can take the children but the option's: without it 3 go unplaced (penalty
        // 100,000 each in the model), valued in money at the dearest place that could take them.
        let object = tiny(demand: [3], settings: [
            ["id": "ms", "type": "mainstream", "serves": "all", "capacity": 0, "costPerPlace": 5_000],
        ], extra: ["unmetPenalty": 100_000, "capitalOptions": [
            ["id": "unit", "newSetting": ["id": "unit-s", "type": "dsp", "serves": "all", "costPerPlace": 8_000], "places": 3, "capitalCost": 1_000],
        ]])
        let option = try #require(try solve(object).report.options.first)
        #expect(option.chosen && option.paybackYears == nil)
        #expect(option.comparison?.contains("3 more children a year would have no place") == true && option.comparison?.contains("it is built to place children") == true,
                "\(String(describing: option.comparison))")
    }

    @Test("numbers that read as 0 but are not, control characters and direction overrides in names are refused")
    func inputRules() throws {
        var object = tiny(demand: [10], settings: [["id": "s", "type": "special", "serves": "all", "capacity": 1, "costPerPlace": 1]])
        object["finance"] = ["grant": 1]
        var bytes = Array(String(decoding: encode(object), as: UTF8.self).replacingOccurrences(of: "\"grant\":1", with: "\"grant\":1e-400").utf8)
        #expect(issues(bytes).first?.message.hasPrefix("is too small to be meant") == true)
        object["finance"] = ["mitigations": [["name": "a\tb", "amount": 1]]]
        #expect(issues(encode(object)).first?.path == "finance.mitigations[0].name")
        object["finance"] = ["mitigations": [["name": "ab\u{202E}cd", "amount": 1]]]
        #expect(issues(encode(object)).first?.message.contains("direction overrides") == true)
        object["finance"] = nil
        object["description"] = "two\nlines are fine in a description"
        bytes = encode(object)
        #expect(issues(bytes).isEmpty)
        #expect(Sweep.values("0.1..0.3:0.1") == [0.1, 0.2, 0.3])
    }

    @Test("outputs: a pipe nobody reads is refused, - is standard output, an edited workbook is not ours to replace")
    func outputs() throws {
        let folder = try TemporaryFolder()
        let pipe = folder.url.appendingPathComponent("p.json").path
        #expect(mkfifo(pipe, 0o600) == 0)
        let refused = try CLI.run(["solve", CLI.scenario("tutorial.json"), "--format", "json", "--output", pipe])
        #expect(refused.status == 1 && refused.stderr.contains("no program is reading"), "\(refused.stderr)")
        let dash = try CLI.run(["solve", CLI.scenario("tutorial.json"), "--format", "json", "--output", "-", "--no-timings"])
        #expect(dash.status == 0 && dash.stdout.contains("\"objective\""))
        // A workbook saved again by a spreadsheet (its modified time no longer its created time).
        let book = folder.url.appendingPathComponent("r.xlsx").path
        #expect(try CLI.run(["solve", CLI.scenario("tutorial.json"), "--format", "xlsx", "--output", book, "--no-timings"]).status == 0)
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", """
        import zipfile, sys
        src = sys.argv[1]; entries = [(i, zipfile.ZipFile(src).read(i.filename)) for i in zipfile.ZipFile(src).infolist()]
        with zipfile.ZipFile(src, 'w', zipfile.ZIP_DEFLATED) as z:
            for info, data in entries:
                if info.filename == 'docProps/core.xml':
                    data = data.replace(b'<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z', b'<dcterms:modified xsi:type="dcterms:W3CDTF">2026-12-01T10:00:00Z')
                z.writestr(info, data)
        """, book]
        try python.run()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
        let edited = try CLI.run(["solve", CLI.scenario("tutorial.json"), "--format", "xlsx", "--output", book])
        #expect(edited.status == 1 && edited.stderr.contains("is not an Excel workbook"), "\(edited.stderr)")
        let same = try CLI.run(["compare", CLI.scenario("tutorial.json"), "--set", "finance.grant=1", "--format", "html", "--output", folder.url.appendingPathComponent("x.html").path,
                                "--html", folder.url.appendingPathComponent("x.html").path])
        #expect(same.status == 1 && same.stderr.contains("the same file"))
        let twice = try CLI.run(["compare", CLI.scenario("tutorial.json"), "--label", "a=finance.grant=1", "--label", "a=finance.grant=2"])
        #expect(twice.status == 1 && twice.stderr.contains("two variants have that name"))
    }
}

@Suite("Infeasibility in the scenario's own terms")
struct PlannerWordsTests {
    @Test("a maximum below the children who stay names the policy, the year and the numbers")
    func maximumBelowStaying() throws {
        // 151 incumbents, 12% leave: 132.88 stay in the first year against at most 100.
        let object = tiny(demand: [200], settings: [
            ["id": "ms", "type": "mainstream", "serves": "all", "capacity": NSNull(), "costPerPlace": 8_700],
            ["id": "indep", "type": "independent", "serves": "all", "capacity": NSNull(), "costPerPlace": 63_500, "leavingRate": 0.12],
        ], extra: ["incumbents": [["setting": "indep", "need": "ASD", "children": 151]],
                   "policies": [["type": "independent", "maxChildren": 100]]])
        let report = try solve(object).report
        #expect(report.status == "infeasible")
        #expect(report.explanation.contains("policy 1 (type independent) y1: at most 100 children, but 132.9 children already placed there stay"), "\(report.explanation)")
        #expect(!report.explanation.contains { $0.contains("constraint ") })
    }

    @Test("a minimum share no setting can meet is explained by the policy, not by demand")
    func minimumShare() throws {
        // Mainstream must take 80% of 100 children but has 50 places: the policy is the rule that breaks.
        let object = tiny(demand: [100], settings: [
            ["id": "ms", "type": "mainstream", "serves": "all", "capacity": 50, "costPerPlace": 8_700],
            ["id": "indep", "type": "independent", "serves": "all", "capacity": NSNull(), "costPerPlace": 63_500],
        ], extra: ["policies": [["type": "mainstream", "minShare": 0.8]]])
        let report = try solve(object).report
        #expect(report.status == "infeasible")
        #expect(report.explanation.first?.hasPrefix("policy 1 (type mainstream) y1: needs at least 80 children but its settings can take at most 50") == true, "\(report.explanation)")
        #expect(!report.explanation.contains { $0.contains("constraint ") || $0.contains("demand[") })
    }

    @Test("two policies that cannot both hold: the elastic solve names a policy, never a row")
    func twoPolicies() throws {
        // 100 children: at least 80 in mainstream and at least half (50) in special is 130.
        let object = tiny(demand: [100], settings: [
            ["id": "ms", "type": "mainstream", "serves": "all", "capacity": NSNull(), "costPerPlace": 8_700],
            ["id": "sp", "type": "special", "serves": "all", "capacity": NSNull(), "costPerPlace": 25_000],
        ], extra: ["policies": [["type": "mainstream", "minChildren": 80], ["type": "special", "minShare": 0.5]]])
        let report = try solve(object).report
        #expect(report.status == "infeasible")
        // Either policy may give way by the 30 children: 80 against at most 50, or 50 against at most 20.
        let either = ["policy 1 (type mainstream) y1: at least 80 children, but at most 50 can be", "policy 2 (type special) y1: at least 50 children, but at most 20 can be"]
        #expect(report.explanation.count == 1 && either.contains { report.explanation[0].hasPrefix($0) }, "\(report.explanation)")
        // And the other policy is named beside it, at its bound.
        #expect(report.explanation[0].contains("; with policy 2 (type special) held at its minimum of 50")
                || report.explanation[0].contains("; with policy 1 (type mainstream) held at its minimum of 80"), "\(report.explanation)")
        #expect(!report.explanation.contains { $0.contains("constraint ") || $0.contains("[") })
    }
}

@Suite("The command line for people")
struct CommandLineForPeopleTests {
    @Test("--version, a mistyped command, - as standard input, exit codes in the help")
    func basics() throws {
        let version = try CLI.run(["--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("sufficiency-solve \(SufficiencyVersion.current) (GLPK "))
        let typo = try CLI.run(["slove", "x.json"])
        #expect(typo.status == 1 && typo.stderr.contains("'slove' is not a command; did you mean 'solve'?"), "\(typo.stderr)")
        let piped = try CLI.shell("\"$SUFF\" solve - --format json --no-timings < \"$SCENARIO\"", environment: ["SCENARIO": CLI.scenario("tutorial.json")])
        #expect(piped.status == 0, "\(piped.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(piped.stdout.utf8))
        #expect(report.provenance?.inputs.first?.name == "standard input")
        let help = try CLI.run(["--help"])
        #expect(help.stdout.contains("4 regression found by bench --baseline") && help.stdout.contains("130 interrupted"))
    }
}

@Suite("init from DfE's EHC plan statistics")
struct DfEInitTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/dfe-ehcp")
    static func file(_ name: String) throws -> (name: String, bytes: [UInt8]) {
        (name, [UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
    }

    @Test("Leicestershire: the published totals reproduced exactly, and the scenario validates and solves")
    func leicestershire() throws {
        let result = try DfEInit(laName: "Leicestershire").run(needFile: Self.file("sen_needs_all_plans_2025_leicestershire.csv"),
                                                              caseloadFile: Self.file("caseload_2026_leicestershire.csv"))
        // The caseload file's 2025/26 row: 8,812 plans; in school and college placements mainstream 4,064
        // with its resourced provision and SEN units, special 2,675, AP 13, FE 1,240.
        #expect(result.totalPlans == 8812)
        let placedTotal: Double = result.placed.values.reduce(0, +)
        #expect(placedTotal == 7992)  // 4,064 + 2,675 + 13 + 1,240
        #expect(result.placed["mainstream"]! + result.placed["resourced-provision"]! == 4064)
        #expect(result.placed["special"]! + result.placed["independent"]! == 2675 && result.placed["ap"] == 13 && result.placed["post16"] == 1240)
        // The need file's 2024/25 "All EHC plans" row, as published.
        let published: [String: Double] = ["ASD": 1990, "HI": 66, "MLD": 960, "MSI": 36, "OTH": 11, "PD": 224, "PMLD": 115, "SEMH": 1396,
                                           "SLCN": 1377, "SLD": 630, "SPLD": 309, "VI": 80]
        #expect(result.needSplit == published)
        let scenario = try ScenarioDecoder.decode(Array(result.scenarioJSON.utf8))
        #expect(scenario.years.first == "2026/27" && scenario.settings.count == 6)
        // Today's children are the incumbents: 7,992 in all, each group's as its capacity.
        let incumbents: Double = scenario.incumbents.reduce(0) { $0 + $1.children }
        #expect(abs(incumbents - 7992) < 0.05)
        #expect(scenario.description.contains("caseload_2026_leicestershire.csv, time_period 202526"))
        let report = try ScenarioSolver(compareOptions: .off).run(scenario).report
        #expect(report.status == "optimal" && report.verification.passed, "\(report.verification.summary)")
    }

    @Test("--ages: each group's children split by the caseload file's ages; the scenario ages and solves")
    func ages() throws {
        var engine = DfEInit(laName: "Leicestershire")
        engine.ages = true
        let result = try engine.run(needFile: Self.file("sen_needs_all_plans_2025_leicestershire.csv"), caseloadFile: Self.file("caseload_2026_leicestershire.csv"))
        let scenario = try ScenarioDecoder.decode(Array(result.scenarioJSON.utf8))
        #expect(scenario.ages.map(\.id) == ["primary", "secondary", "post16", "post19"])
        // FE's primary-age children in the caseload file's 2025/26 age rows: ages 5, 7, 8, 9 and 10 (Year 6)
        // have fe_total 1, 2, 2, 2 and 3: 10 of its 1,240.
        let post16 = scenario.settings.firstIndex { $0.id == "post16" }!
        let primaryInFE: Double = scenario.incumbents.filter { $0.setting == post16 && $0.age == 0 }.reduce(0) { $0 + $1.children }
        #expect(abs(primaryInFE - 10) < 0.01, "\(primaryInFE)")
        let all: Double = scenario.incumbents.reduce(0) { $0 + $1.children }
        #expect(abs(all - 7992) < 0.05)
        #expect(DfEInit.ageGroup(of: "age 10") == 0 && DfEInit.ageGroup(of: "age 11") == 1 && DfEInit.ageGroup(of: "age 16") == 2
                && DfEInit.ageGroup(of: "age 19") == 3 && DfEInit.ageGroup(of: "under 3") == 0 && DfEInit.ageGroup(of: "age 20 and over") == 3)
        let report = try ScenarioSolver(compareOptions: .off).run(scenario).report
        #expect(report.status == "optimal" && report.verification.passed)
    }

    @Test("suppressed cells are warned about and taken as 0; an unknown authority and bad costs are errors")
    func badInput() throws {
        let header = "time_period,time_identifier,geographic_level,la_name,breakdown_topic,breakdown,ehc_plans,number_asd,number_semh\n"
        let need = header + "202425,Academic year,Local authority,Testshire,All EHC plans,All EHC plans,30,x,20\n"
            + "202425,Academic year,Local authority,Testshire,Type of placement,Special - LA maintained,25,c,15\n"
        let result = try DfEInit(laName: "testshire").run(needFile: ("n.csv", Array(need.utf8)), caseloadFile: nil)
        #expect(result.warnings.contains("n.csv line 2, number_asd: \"x\" (suppressed or missing), taken as 0"), "\(result.warnings)")
        #expect(result.warnings.contains("n.csv line 3, number_asd: \"c\" (suppressed or missing), taken as 0"))
        #expect(result.placed["special"] == 15 && result.needSplit["SEMH"] == 20)
        #expect(throws: DfEInit.InitError.self) { try DfEInit(laName: "Nowhere").run(needFile: ("n.csv", Array(need.utf8)), caseloadFile: nil) }
        #expect(throws: DfEInit.InitError.self) { try DfEInit.readCosts(Array("type,costPerPlace\nspecial,-5\n".utf8), file: "c.csv") }
        let costs = try DfEInit.readCosts(Array("type,costPerPlace,transportPerPlace\nspecial,30000,7000\n".utf8), file: "c.csv")
        #expect(costs[.special]?.cost == 30000 && costs[.special]?.transport == 7000)
        // A file cut off mid-row, duplicate cost rows and short cost rows are errors; costs from a file are named.
        let real = try Self.file("sen_needs_all_plans_2025_leicestershire.csv")
        let cut = ("cut.csv", Array(real.bytes.prefix(1500)))
        #expect(throws: DfEInit.InitError.self) { try DfEInit(laName: "Leicestershire").run(needFile: cut, caseloadFile: nil) }
        #expect(throws: DfEInit.InitError.self) { try DfEInit.readCosts(Array("type,costPerPlace\nspecial,1\nspecial,2\n".utf8), file: "c.csv") }
        #expect(throws: DfEInit.InitError.self) { try DfEInit.readCosts(Array("type,costPerPlace,transportPerPlace\ndsp,20000\n".utf8), file: "c.csv") }
        var named = DfEInit(laName: "leicestershire")
        named.costs = costs
        named.costsSource = "c.csv"
        let withCosts = try named.run(needFile: real, caseloadFile: nil)
        #expect(withCosts.laName == "Leicestershire" && withCosts.scenarioJSON.contains("special £30,000 + £7,000 transport from c.csv"))
        let cli = try CLI.run(["init", "--sen2", Self.folder.appendingPathComponent("sen_needs_all_plans_2025_leicestershire.csv").path, "--la", "Atlantis"])
        #expect(cli.status == 1 && cli.stderr.contains("no local-authority rows for \"Atlantis\""))
    }
}

@Suite("Pages for people: what the attack on them found")
struct PagesAttackTests {
    @Test("the solve page has the value of one more place and names; charts shrink on a phone; an infeasible page does not claim a failed check")
    func solvePage() throws {
        let page = try CLI.run(["solve", CLI.scenario("tutorial.json"), "--format", "html", "--no-timings"]).stdout
        // The tutorial's mainstream place saves £62,900 in 2026/27 (the worked example).
        #expect(page.contains("<table id=\"table-marginal\">") && page.contains("<td>Mainstream schools</td><td class=\"n\" data-value=\"62900\">62,900</td>"))
        #expect(!page.contains("min-width:430px") && page.contains("@page{size:A4"))
        #expect(page.contains("<td>DSP North (resource base)</td>") || page.contains(">DSP North (resource base)<"))
        var object = tiny(demand: [10], settings: [["id": "s", "type": "special", "serves": "all", "capacity": 5, "costPerPlace": 1000]])
        object["policies"] = [["type": "special", "minChildren": 9]]
        let infeasible = ReportHTML.render(try solve(object).report)
        #expect(infeasible.contains("Verification: <b>not run (no plan to check)</b>") && !infeasible.contains("FAILED"))
    }

    @Test("sweep page: tables, not a pasted text report; swept values read as numbers; no false change of mix after points with no plan")
    func sweepPage() throws {
        let page = try CLI.run(["sweep", CLI.scenario("tutorial.json"), "--vary", "settings[id=indep].costPerPlace=50000..60000:5000", "--format", "html"]).stdout
        #expect(!page.contains("<pre>") && page.contains("<table id=\"table-sweep\">") && page.contains(">50,000<"))
        #expect(Sweep.label(50000) == "50,000" && Sweep.label(-5e6) == "−5,000,000" && Sweep.label(0.12) == "0.12")
        // Points 0 and 1 have no plan, 2 and 3 the same mix: no change anywhere.
        func point(_ report: Report) -> Sweep.Point { Sweep.Point(value: 0, report: report, warm: false, iterations: 0, solveSeconds: 0) }
        var none = try solve(tiny(demand: [1], settings: [["id": "s", "type": "special", "serves": "all", "capacity": 1, "costPerPlace": 1]])).report
        let plan = none
        none.costs = nil
        #expect(Sweep.mixChanges([point(none), point(none), point(plan), point(plan)]).isEmpty)
    }

    @Test("compare page: each variant's difference to the first; labels cut alike are numbered")
    func comparePage() throws {
        let page = try CLI.run(["compare", CLI.scenario("tutorial.json"), "--set", "settings[id=indep].costPerPlace=70000", "--format", "html"]).stdout
        #expect(page.contains("<th>settings[id=indep].costPerPlace=70000 − as given</th>"))
        // The tutorial's total 75,458,949 against 79,230,514 with dearer independent places: +3,771,565.
        #expect(page.contains(">3,771,565<"))
        let chart = SVGChart(id: "c", title: "t", yTitle: "y", xTitle: "x", categories: [String(repeating: "same prefix ", count: 4) + "A", String(repeating: "same prefix ", count: 4) + "B"],
                             series: [.init(name: "s", values: [1, 2])], unit: .children, kind: .stackedBars).svg()
        #expect(chart.contains(">1. ") && chart.contains(">2. "))
    }
}

@Suite("Progress on standard error", .serialized)
struct ProgressTests {
    @Test("nothing in the first two seconds, then at most a line a second; GLPK's lines become progress lines")
    func throttled() {
        let lines = Locked<[String]>([])
        Progress.sink.withLock { $0 = { text in lines.withLock { $0.append(text) } } }
        defer {
            Progress.configure(enabled: false, started: ContinuousClock.now)
            Progress.sink.withLock { $0 = { StandardStreams.writeError($0) } }
        }
        Progress.configure(enabled: true, started: ContinuousClock.now)
        Progress.report("too early")
        #expect(lines.withLock { $0 }.isEmpty)
        Progress.configure(enabled: true, started: ContinuousClock.now - .seconds(3))
        Progress.report("sifting: round 1")
        Progress.report("sifting: round 2")          // within a second of the last: dropped
        Progress.glpkLine("  *   120: obj = 1.0  \n")  // also dropped, same second
        Progress.report("forced", force: true)
        // (Other tests run beside this one and may report too: only this test's lines are counted.)
        let shown = lines.withLock { $0 }
        #expect(!shown.contains { $0.contains("too early") } && shown.contains { $0.hasPrefix("sufficiency-solve: [3.0 s] ") && $0.contains("forced") }, "\(shown)")
        #expect(shown.filter { $0.contains("sifting: round") }.count <= 1 && !shown.contains { $0.contains("obj = 1.0") && $0.contains("round 1") })
        Progress.phase("simplex")
        Progress.phase(nil)
        Progress.configure(enabled: false, started: ContinuousClock.now - .seconds(3))
        Progress.report("off", force: true)
        #expect(!lines.withLock { $0 }.contains { $0.contains("off\n") })
    }
}
