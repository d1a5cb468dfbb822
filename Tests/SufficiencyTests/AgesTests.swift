import Foundation
import Testing
@testable import Sufficiency

/// Age groups, ageing and phase transfers (SPEC §2 Ages, §3 Ages), on cases worked by hand.
@Suite("Ages: cohorts move up, phase transfers")
struct AgesTests {
    /// One need, two single-year groups (w = 1: exact cohort ageing), no leaving, two years:
    /// a primary resource base (£10,000, 20 places) and an all-through special school (£30,000).
    static func twoGroups() -> [String: Any] {
        [
            "format": "sufficiency/1", "name": "two groups", "years": ["y1", "y2"], "needs": ["ASD"], "unmetPenalty": 100_000,
            "ages": [["id": "primary", "from": 6, "to": 6], ["id": "secondary", "from": 7, "to": 7]],
            "demand": ["y1": ["ASD": ["primary": 5, "secondary": 8]], "y2": ["ASD": ["primary": 6, "secondary": 5]]],
            "settings": [
                ["id": "prim-dsp", "type": "dsp", "serves": "all", "ages": ["primary"], "capacity": 20, "costPerPlace": 10_000, "leavingRate": 0],
                ["id": "all-sp", "type": "special", "serves": "all", "capacity": NSNull(), "costPerPlace": 30_000, "leavingRate": 0],
            ],
            "incumbents": [["setting": "prim-dsp", "need": "ASD", "age": "primary", "children": 8]],
        ]
    }

    @Test("a cohort of width 1 moves up whole; a primary-only base sends its children on as phase transfers")
    func exactCohort() throws {
        let run = try solve(Self.twoGroups())
        // By hand. y1: the 8 incumbents move up to secondary (m = 1); prim-dsp does not serve it, so
        // all 8 are phase transfers and need all-sp: 8 · 30,000; primary demand 5 in prim-dsp:
        // 5 · 10,000. y2: those 5 move up and transfer; the 8 in all-sp age out of the last group;
        // secondary 5 in all-sp: 5 · 30,000; primary 6 in prim-dsp: 6 · 10,000. Total 500,000.
        #expect(run.report.status == "optimal")
        #expect(abs(run.report.objective! - 500_000) < 1e-6, "\(run.report.objective!)")
        #expect(run.report.verification.passed, "\(run.report.verification.summary) \(run.report.verification.scenarioFailures)")
        #expect(run.report.verification.scenarioChecks.contains("phase transfers recomputed from the scenario"))
        let transfers = run.report.phaseTransfers
        #expect(transfers.map(\.year) == ["y1", "y2"])
        #expect(transfers.map(\.children) == [8, 5])
        #expect(transfers.allSatisfy { $0.fromAge == "primary" && $0.toAge == "secondary" && $0.need == "ASD" })
        #expect(transfers.allSatisfy { $0.costOfPlaceLeft == 10_000 && $0.costOfNewPlace == 30_000 && $0.newPlaceDearer == true })
        #expect(run.report.ages.map(\.age) == ["primary", "secondary"])
        #expect(run.report.ages[0].placed == [5, 6] && run.report.ages[1].placed == [8, 5])
    }

    @Test("a group of width 5: a fifth moves up each year; an all-through school keeps them")
    func widthFive() throws {
        let object: [String: Any] = [
            "format": "sufficiency/1", "name": "width five", "years": ["y1"], "needs": ["ASD"], "unmetPenalty": 100_000,
            "ages": [["id": "primary", "from": 2, "to": 6], ["id": "secondary", "from": 7, "to": 11]],
            "demand": ["y1": ["ASD": ["primary": 40, "secondary": 10]]],
            "settings": [["id": "sp", "type": "special", "serves": "all", "capacity": NSNull(), "costPerPlace": 1000, "leavingRate": 0]],
            "incumbents": [["setting": "sp", "need": "ASD", "age": "primary", "children": 50]],
        ]
        let run = try solve(object)
        // By hand: m = 1/5. Of the 50 primary incumbents 4/5 = 40 stay primary and 1/5 = 10 move up
        // and keep their all-through place: demand is met by those who stay, 50 · 1,000. No transfers.
        #expect(abs(run.report.objective! - 50_000) < 1e-6, "\(run.report.objective!)")
        #expect(run.report.phaseTransfers.isEmpty)
        #expect(run.report.verification.passed, "\(run.report.verification.summary)")
        #expect(run.model.placementConstant.reduce(0, +) == 50)
        // The same children in a primary-only base: the 10 who move up transfer (and go unmet here).
        var primaryOnly = object
        primaryOnly["settings"] = [["id": "dsp", "type": "dsp", "serves": "all", "ages": ["primary"], "capacity": NSNull(), "costPerPlace": 1000, "leavingRate": 0]]
        primaryOnly["incumbents"] = [["setting": "dsp", "need": "ASD", "age": "primary", "children": 50]]
        let transfer = try solve(primaryOnly)
        #expect(transfer.report.phaseTransfers.map(\.children) == [10])
        #expect(transfer.report.phaseTransfers.first?.costOfNewPlace == nil)   // no setting can take them: no new place, unmet
        #expect(abs(transfer.report.objective! - (40 * 1000 + 10 * 100_000)) < 1e-6)
        #expect(transfer.report.verification.passed, "\(transfer.report.verification.summary)")
    }

    @Test("capacity by age and a policy over some groups bind as written")
    func capacityByAgeAndPolicyAges() throws {
        var object = Self.twoGroups()
        var settings = object["settings"] as! [[String: Any]]
        settings[1]["capacityByAge"] = ["secondary": 6]
        settings.append(["id": "indep", "type": "independent", "serves": "all", "capacity": NSNull(), "costPerPlace": 60_000, "leavingRate": 0])
        object["settings"] = settings
        object["policies"] = [["type": "independent", "ages": ["secondary"], "maxChildren": 2]]
        let run = try solve(object)
        // y1 secondary 8: all-sp takes 6 (its cap), indep 2 (the policy's maximum). y2 secondary 5: all-sp.
        // 240,000 - 2 · 30,000 + 2 · 60,000 + 50,000 + 150,000 + 60,000 = 560,000.
        #expect(abs(run.report.objective! - 560_000) < 1e-6, "\(run.report.objective!)")
        #expect(run.report.ageCapacity.first?.capacity == [6, 6] && run.report.ageCapacity.first?.children == [6, 5])
        #expect(run.report.verification.passed, "\(run.report.verification.summary)")
        // One fewer place for the policy: the third child is unmet.
        object["policies"] = [["type": "independent", "ages": ["secondary"], "maxChildren": 1]]
        let tighter = try solve(object)
        #expect(abs(tighter.report.objective! - (560_000 - 60_000 + 100_000)) < 1e-6)
    }

    @Test("the age rules are checked with their places")
    func rules() {
        var object = Self.twoGroups()
        object["ages"] = [["id": "primary", "from": 6, "to": 6], ["id": "secondary", "from": 9, "to": 8], ["id": "primary", "from": 10, "to": 11]]
        let found = issues(encode(object)).map(\.path)
        #expect(found.contains("ages[1].to") && found.contains("ages[2].id"), "\(found)")
        var gap = Self.twoGroups()
        gap["ages"] = [["id": "primary", "from": 6, "to": 6], ["id": "secondary", "from": 8, "to": 9]]
        #expect(issues(encode(gap)).first?.path == "ages[1].from")
        var bounds = Self.twoGroups()
        bounds["ages"] = [["id": "primary", "from": -6, "to": 6], ["id": "secondary", "from": 7, "to": 21]]
        #expect(Set(issues(encode(bounds)).map(\.path)) == ["ages[0].from", "ages[1].to"])
        var many = Self.twoGroups()
        many["ages"] = (0..<27).map { ["id": "g\($0)", "from": $0 - 5, "to": $0 - 5] }
        many["demand"] = ["y1": ["ASD": ["g0": 1]], "y2": ["ASD": ["g0": 1]]]
        many["settings"] = [["id": "all-sp", "type": "special", "serves": "all", "capacity": NSNull(), "costPerPlace": 30_000]]
        many["incumbents"] = []
        let manyPaths: [String] = issues(encode(many)).map(\.path)
        #expect(manyPaths.contains("ages"), "\(manyPaths)")
        #expect(!manyPaths.contains { $0.hasPrefix("demand") }, "\(manyPaths)")
        var wrongAge = Self.twoGroups()
        wrongAge["incumbents"] = [["setting": "prim-dsp", "need": "ASD", "age": "secondary", "children": 8]]
        #expect(issues(encode(wrongAge)).map(\.message) == ["setting prim-dsp does not serve age group secondary"])
        var missingAge = Self.twoGroups()
        missingAge["incumbents"] = [["setting": "prim-dsp", "need": "ASD", "children": 8]]
        #expect(issues(encode(missingAge)).map(\.path) == ["incumbents[0].age"])
        var flat = Self.twoGroups()
        flat["demand"] = ["y1": ["ASD": 5], "y2": ["ASD": 6]]
        #expect(issues(encode(flat)).map(\.path) == ["demand.y1.ASD", "demand.y2.ASD"])
        var noAges = baseScenario()
        var settings = noAges["settings"] as! [[String: Any]]
        settings[0]["ages"] = ["primary"]
        noAges["settings"] = settings
        #expect(issues(encode(noAges)).map(\.message) == ["names age groups, but the scenario declares no ages"])
    }

    @Test("demand by age from a CSV with an age column")
    func demandCSV() throws {
        let folder = try TemporaryFolder()
        var object = Self.twoGroups()
        object["demand"] = ["csv": "demand.csv"]
        let path = try folder.write("s.json", json: object)
        try folder.write("demand.csv", "year,need,age,children\ny1,ASD,primary,5\ny1,ASD,secondary,8\ny2,ASD,primary,6\ny2,ASD,secondary,5\n")
        let fromCSV = try ScenarioSolver().run(ScenarioDecoder.load(path: path))
        #expect(abs(fromCSV.report.objective! - 500_000) < 1e-6)
        try folder.write("demand.csv", "year,need,age,children\ny1,ASD,tertiary,5\ny2,ASD,primary,1\n")
        #expect(loadIssues(path).first?.description.contains("age group \"tertiary\" is not declared") == true)
    }

    @Test("without ages a scenario is exactly v1: one group that does not age")
    func noAgesIsV1() throws {
        let run = try solve(baseScenario())
        #expect(run.report.ages.isEmpty && run.report.phaseTransfers.isEmpty)
        #expect(run.model.placementYounger.allSatisfy { $0 == -1 })
    }
}

/// Found by trying to break ages as a planner and a finance officer would: each failed before its fix.
@Suite("Ages, second round")
struct AgesSecondRoundTests {
    static func fixture(_ name: String) throws -> [String: Any] {
        let url = CLI.packageRoot.appendingPathComponent("Tests/SufficiencyTests/Fixtures/ages/\(name)")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    @Test("a primary base's leaving rate does not shrink a secondary school's floor (k̄ over settings serving the group)")
    func demandCapOverSettingsServingTheGroup() throws {
        // By hand: 100 in I (secondary, 20% leave): 80 stay, of whom 4/5 stay secondary: 64;
        // 70 in DP (primary only, no leaving): 10 move up and transfer. Secondary demand 80 holds
        // 64 + 10 = 74, so r = 1: I keeps 64, 10 transfer, 16 start in mainstream at £8,700.
        // Cost: 60 primary (DP 60 · 19,000) + 64 · 60,000 + 16 · 8,700 = 1,140,000 + 3,840,000 + 139,200.
        let run = try solve(Self.fixture("k.json"))
        #expect(run.report.phaseTransfers.map(\.children) == [10])
        #expect(run.report.placements.first { $0.setting == "I" }?.children == [64])
        #expect(abs(run.report.objective! - 5_119_200) < 1e-6, "\(run.report.objective!)")
        #expect(run.report.verification.passed)
    }

    @Test("the place left and the new place are costed alike (placement and transport)")
    func transferCostsWithTransport() throws {
        // 28 in a primary base (£19,000 + £5,000 transport): 4 move up to a £17,000 + £5,000 school.
        let run = try solve(Self.fixture("transport.json"))
        let line = try #require(run.report.phaseTransfers.first)
        #expect(line.children == 4 && line.costOfPlaceLeft == 24_000 && line.costOfNewPlace == 22_000 && line.newPlaceDearer == false)
    }

    @Test("the policies table counts the children already placed, as the scenario's bounds do")
    func policiesInScenarioTerms() throws {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: CLI.scenario("tutorial-phases.json")))) as! [String: Any]
        object["policies"] = [["settings": ["special-a"], "ages": ["primary"], "minChildren": 40, "maxChildren": 50]]
        let run = try solve(object)
        let first = try #require(run.report.policies.first)
        #expect(first.minimum == 40 && first.maximum == 50 && first.children >= 40 - 1e-9 && first.children <= 50 + 1e-9, "\(first)")
        #expect(ReportTables.tables(run.report).contains { $0.name == "policies" })
    }

    @Test("a cap on an age group's places that persistence breaks is explained in planner words")
    func capacityByAgeExplained() throws {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: CLI.scenario("tutorial-phases.json")))) as! [String: Any]
        var settings = object["settings"] as! [[String: Any]]
        settings[3]["capacityByAge"] = ["secondary": 30]
        object["settings"] = settings
        let run = try solve(object)
        // By hand: of the 45 secondary incumbents 0.95 stay and 4/5 of those stay secondary: 34.2;
        // of the 30 primary ones 0.95 stay and 1/7 move up: 4.07. 38.3 against 30 places.
        #expect(run.report.explanation.first == "special-a 2026/27: 38.3 secondary children are already placed there or move up but it has 30 secondary places", "\(run.report.explanation)")
    }

    @Test("an incumbent in a need or age its setting does not serve is reported even when the setting has other problems")
    func incumbentsCheckedBesideBrokenSettings() {
        var object = AgesTests.twoGroups()
        var settings = object["settings"] as! [[String: Any]]
        settings[0]["capacityByAge"] = ["secondary": 5]          // prim-dsp does not serve secondary
        object["settings"] = settings
        object["incumbents"] = [["setting": "prim-dsp", "need": "ASD", "age": "secondary", "children": 8]]
        let paths = Set(issues(encode(object)).map(\.path))
        #expect(paths == ["settings[0].capacityByAge.secondary", "incumbents[0].age"], "\(paths)")
    }
}
