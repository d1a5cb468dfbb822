import Foundation
import PropertyBased
import Testing
@testable import Sufficiency

/// Futures and robust plans (SPEC §2 and §3 "Futures"). Expected values are worked out by hand
/// (the arithmetic in the comments) or by brute force over every opening plan.
@Suite("futures: one capital plan for several demand futures")
struct FuturesTests {
    /// Base 50 mainstream places at £10,000, an independent school at £60,000 without limit, two
    /// years, nobody leaves, no discounting. Three options that exclude each other: A +30 places
    /// for £0.5m, B +100 for £4m, C +60 for £1.5m. Each place used saves £50,000 a year, £100,000
    /// over the two years.
    static func abc(demand: Double = 115, futures: [[String: Any]], robust: String? = nil) -> [String: Any] {
        var object: [String: Any] = [
            "format": "sufficiency/1", "name": "abc", "years": ["y1", "y2"], "needs": ["ASD"], "unmetPenalty": 1_000_000,
            "demand": ["y1": ["ASD": demand], "y2": ["ASD": demand]],
            "settings": [["id": "ms", "type": "mainstream", "serves": "all", "capacity": 50, "costPerPlace": 10_000, "leavingRate": 0],
                         ["id": "ind", "type": "independent", "serves": "all", "capacity": NSNull(), "costPerPlace": 60_000, "leavingRate": 0]],
            "capitalOptions": [["id": "A", "expands": "ms", "places": 30, "capitalCost": 500_000, "earliestYear": "y1", "excludes": ["B", "C"]],
                               ["id": "B", "expands": "ms", "places": 100, "capitalCost": 4_000_000, "earliestYear": "y1", "excludes": ["C"]],
                               ["id": "C", "expands": "ms", "places": 60, "capitalCost": 1_500_000, "earliestYear": "y1"]],
            "futures": futures,
        ]
        if let robust { object["robust"] = ["objective": robust] }
        return object
    }

    static var lowHigh: [[String: Any]] { [["id": "low", "probability": 0.5, "demand": ["y1": ["ASD": 80], "y2": ["ASD": 80]]],
                                           ["id": "high", "probability": 0.5, "demandScale": 150.0 / 115]] }

    /// `count` futures with random probabilities (adding up to 1 exactly) and demand scales in `scales`.
    static func randomFutures(count: Int, scales: ClosedRange<Double>, _ rng: inout SeededGenerator) -> [[String: Any]] {
        var weights = (0..<count).map { _ in 0.2 + rng.uniform() }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }
        weights[count - 1] = 1 - weights.dropLast().reduce(0, +)
        return (0..<count).map { ["id": "f\($0)", "probability": weights[$0], "demandScale": scales.lowerBound + (scales.upperBound - scales.lowerBound) * rng.uniform()] }
    }

    func solve(_ object: [String: Any]) throws -> Report {
        let folder = try TemporaryFolder()
        let scenario = try ScenarioDecoder.load(path: try folder.write("s.json", json: object))
        return try ScenarioSolver(options: SolverOptions(), compareOptions: .off).run(scenario).report
    }

    @Test("the robust plan differs from both futures' own plans: C, where low alone takes A and high alone B")
    func robustDiffersFromEach() throws {
        // Without an option: low (80) 50 × 10k + 30 × 60k = 2.3m a year, 4.6m; high (150) 50 × 10k + 100 × 60k = 6.5m, 13m.
        // Net saving of an option over two years: 100k × places used − capital.
        //   low (30 short): A 3m − 0.5m = 2.5m, B 3m − 4m = −1m, C 3m − 1.5m = 1.5m  → A, W_low = 4.6m − 2.5m = 2.1m
        //   high (100 short): A 2.5m, B 10m − 4m = 6m, C 6m − 1.5m = 4.5m          → B, W_high = 13m − 6m = 7m
        //   expected: A (2.1m + 10.5m)/2 = 6.3m, B (5.6m + 7m)/2 = 6.3m, C (3.1m + 8.5m)/2 = 5.8m → C, RP = 5.8m
        // WS = (2.1m + 7m)/2 = 4.55m, EVPI = 1.25m. The mean future (115, 65 short): A 2.5m, B 6.5m − 4m = 2.5m,
        // C 6m − 1.5m = 4.5m → C as well: EEV = RP, VSS = 0.
        let report = try solve(Self.abc(futures: Self.lowHigh))
        #expect(report.status == "optimal" && report.verification.passed, "\(report.verification.summary)")
        #expect(report.options.filter(\.chosen).map(\.id) == ["C"])
        let robust = try #require(report.robust)
        #expect(abs(robust.expectedCost! - 5_800_000) < 1e-3 && abs(robust.value! - 5_800_000) < 1e-3)
        #expect(abs(robust.waitAndSee! - 4_550_000) < 1e-3 && abs(robust.evpi! - 1_250_000) < 1e-3)
        #expect(abs(robust.meanFuturePlanCost! - 5_800_000) < 1e-3 && abs(robust.vss!) < 1e-3)
        #expect(robust.futures.map(\.id) == ["low", "high"])
        #expect(abs(robust.futures[0].cost - 3_100_000) < 1e-3 && abs(robust.futures[1].cost - 8_500_000) < 1e-3)
        #expect(abs(robust.futures[0].ownBest - 2_100_000) < 1e-3 && abs(robust.futures[1].ownBest - 7_000_000) < 1e-3)
        // C's 60 places: low uses 30 of them, high all 60.
        #expect(robust.futures[0].newPlacesUsed == [30, 30] && robust.futures[1].newPlacesUsed == [60, 60])
        #expect(robust.failures.isEmpty && robust.checks.contains("EVPI ≥ 0") && robust.checks.contains("VSS ≥ 0"))
        // Each future alone picks its own.
        for (future, option) in [(0, "A"), (1, "B")] {
            var alone = Self.abc(futures: [])
            alone.removeValue(forKey: "futures")
            let demand = future == 0 ? 80.0 : 150.0
            alone["demand"] = ["y1": ["ASD": demand], "y2": ["ASD": demand]]
            #expect(try solve(alone).options.filter(\.chosen).map(\.id) == [option])
        }
    }

    @Test("minimax regret: C again, its largest regret 1.5m (high); A and B would regret 3.5m")
    func regret() throws {
        // Regrets: C low 3.1m − 2.1m = 1m, high 8.5m − 7m = 1.5m; A high 10.5m − 7m = 3.5m; B low 5.6m − 2.1m = 3.5m.
        let report = try solve(Self.abc(futures: Self.lowHigh, robust: "regret"))
        #expect(report.verification.passed, "\(report.verification.summary)")
        #expect(report.options.filter(\.chosen).map(\.id) == ["C"])
        let robust = try #require(report.robust)
        #expect(abs(robust.value! - 1_500_000) < 1e-3 && abs(robust.expectedCost! - 5_800_000) < 1e-3)
        #expect(robust.vss == nil && abs(robust.futures[0].regret - 1_000_000) < 1e-3)
    }

    @Test("brute force: the extensive form's plan is the best of every opening plan evaluated in every future")
    func bruteForce() throws {
        var rng = SeededGenerator(seed: UInt64(ProcessInfo.processInfo.environment["SUFFICIENCY_SEED"] ?? "") ?? 20261201)
        for round in 0..<6 {
            // Random futures over the ABC county (options may now open in y2 too).
            let object = Self.abc(futures: Self.randomFutures(count: 2 + Int(rng.next() % 2), scales: 0.5...1.7, &rng))
            let report = try solve(object)
            let folder = try TemporaryFolder()
            let scenario = try ScenarioDecoder.load(path: try folder.write("s.json", json: object))
            let models = try scenario.futures.indices.map { try PlacementModel(scenario: scenario.future($0)) }
            let optionColumns = RobustPlanning.optionRange(models[0]).count
            // Every plan: each option closed, or open in y1 or y2 (columns b[o,y1], b[o,y2]).
            var best = Double.infinity
            for code in 0..<Int(pow(3, Double(optionColumns / 2))) {
                var plan = [Double](repeating: 0, count: optionColumns), c = code
                for o in 0..<(optionColumns / 2) { if c % 3 > 0 { plan[2 * o + c % 3 - 1] = 1 }; c /= 3 }
                var expected = 0.0
                var feasible = true
                for (f, model) in models.enumerated() {
                    let solution = try SolveStrategy.solve(RobustPlanning.fixed(model, plan: plan), options: SolverOptions())
                    guard solution.status == .optimal else { feasible = false; break }
                    expected += scenario.futures[f].probability * solution.objective
                }
                if feasible { best = min(best, expected) }
            }
            let rp = try #require(report.robust?.expectedCost)
            #expect(abs(rp - best) <= 1e-6 * best, "round \(round): the extensive form's plan costs \(rp), the best of every plan \(best)")
            #expect(report.verification.passed)
        }
    }

    @Test("the decomposition gives the extensive form's plan and cost (random futures over the ABC county and Leicestershire's)")
    func decompositionEqualsExtensive() throws {
        var rng = SeededGenerator(seed: UInt64(ProcessInfo.processInfo.environment["SUFFICIENCY_SEED"] ?? "") ?? 7)
        let folder = try TemporaryFolder()
        var scenarios: [Scenario] = [try ScenarioDecoder.load(path: CLI.scenario("leicestershire-futures.json"))]
        for _ in 0..<5 {
            let futures = Self.randomFutures(count: 2 + Int(rng.next() % 3), scales: 0.4...1.8, &rng)
            scenarios.append(try ScenarioDecoder.load(path: try folder.write("d.json", json: Self.abc(futures: futures))))
        }
        for scenario in scenarios {
            var extensive = RobustPlanning(options: SolverOptions())
            extensive.method = .extensive
            var decomposition = extensive
            decomposition.method = .decomposition
            let a = try extensive.run(scenario), b = try decomposition.run(scenario)
            #expect(a.verification.passed && b.verification.passed, "\(b.verification.summary)")
            #expect(b.robust?.method.hasPrefix("the L-shaped decomposition") == true)
            let x = try #require(a.robust?.value), y = try #require(b.robust?.value)
            #expect(abs(x - y) <= 1e-6 * max(1, abs(x)), "\(scenario.name): extensive \(x), decomposition \(y)")
            #expect(a.options.filter(\.chosen).map(\.id) == b.options.filter(\.chosen).map(\.id) || abs(x - y) <= 1e-9 * abs(x))
        }
    }

    @Test("what the attack found: a time-out is not infeasible, regrets are never below 0, every format leads with the optimised figure, exports replace their own files")
    func attackFindings() throws {
        let folder = try TemporaryFolder()
        // Each future alone to a 5% gap: its own best is at most the plan's cost there, so no regret is below 0.
        var options = SolverOptions()
        options.mipGap = 0.05
        let scenario = try ScenarioDecoder.load(path: CLI.scenario("leicestershire-futures.json"))
        let gapped = try RobustPlanning(options: options).run(scenario)
        #expect(gapped.robust?.futures.allSatisfy { $0.regret >= 0 && $0.ownBest <= $0.cost } == true)
        #expect(gapped.robust?.sentences.contains { $0.contains("within the gap asked (5%)") } == true)
        // The optimised figure is the report's objective (every format and compare read it); the own demand's cost beside it.
        let report = try solve(Self.abc(futures: Self.lowHigh))
        #expect(report.objective == report.robust?.value && report.robust?.ownDemandCost != nil && report.robust?.ownDemandCost != report.objective)
        let path = try folder.write("abc.json", json: Self.abc(futures: Self.lowHigh))
        let html = try CLI.run(["solve", path, "--format", "html", "--no-timings"]).stdout
        #expect(html.contains("Expected cost over 2 futures (present value, capital included): <b>£5,800,000</b>"))
        #expect(html.range(of: "id=\"table-futures\"")!.lowerBound < html.range(of: "id=\"placements-by-type\"")!.lowerBound)
        let compare = try CLI.run(["compare", path, "--set", "futures[0].probability=0.6;futures[1].probability=0.4", "--format", "markdown"])
        #expect(compare.status == 0 && compare.stdout.contains("expected cost over the futures, RP"), "\(compare.stderr)")
        // A time limit that runs out is "no solution in time", not infeasible.
        let timed = try CLI.run(["solve", path, "--time-limit", "0.000001", "--format", "json", "--no-timings"])
        let timedReport = try JSONDecoder().decode(Report.self, from: Data(timed.stdout.utf8))
        #expect(timedReport.status == ModelStatus.noSolutionInTime.rawValue, "\(timedReport.status)")
        // The MIP by decomposition stopped by the clock before any bound: a feasible plan, no gap, valid JSON.
        var single = Self.abc(futures: [])
        single.removeValue(forKey: "futures")
        let singlePath = try folder.write("single.json", json: single)
        let stopped = try CLI.run(["solve", singlePath, "--mip-method", "decomposition", "--time-limit", "0.000001", "--format", "json", "--no-timings"])
        #expect([0, 2].contains(stopped.status), "\(stopped.stderr)")
        let stoppedReport = try JSONDecoder().decode(Report.self, from: Data(stopped.stdout.utf8))
        #expect(["feasible", "optimal", ModelStatus.noSolutionInTime.rawValue].contains(stoppedReport.status) && stoppedReport.solver.mipGap.map { $0.isFinite } ?? true)
        // export replaces its own LP and MPS (sealed), not a file it did not write.
        let mps = folder.url.appendingPathComponent("m.mps").path
        #expect(try CLI.run(["export", path, "--mps", mps]).status == 0 && (try CLI.run(["export", path, "--mps", mps]).status) == 0)
        try ("* Problem: mine\n" + (try String(contentsOfFile: mps, encoding: .utf8))).write(toFile: mps, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["export", path, "--mps", mps]).status == 1)
        #expect(try GlpsolReference.objective(mps: try { let p = folder.url.appendingPathComponent("n.mps").path; _ = try CLI.run(["export", path, "--mps", p]); return p }()).map { abs($0 - 5_800_000) < 1e-3 } == true)
    }

    /// The genome's scenario with two or three futures of scaled demand (equal probabilities), and
    /// `regret` for one genome in four; the futures come from the genome's genes, so they shrink with it.
    static func withFutures(_ genome: ScenarioGenome) -> [String: Any] {
        var object = genome.scenario().object
        let genes = genome.genes + [0, 0, 0, 0, 0]
        let count = 2 + genes[0] % 2
        object["futures"] = (0..<count).map { k -> [String: Any] in
            ["id": "f\(k)", "probability": 1.0 / Double(count), "demandScale": 0.5 + Double(genes[1 + k] % 100) / 100]
        }
        if genes[4] % 4 == 0 { object["robust"] = ["objective": "regret"] }
        return object
    }

    @Test("property: on random scenarios with futures the plan verifies in every future, EVPI and VSS are ≥ 0, no regret is below 0, and the decomposition agrees with the extensive form")
    func property() async {
        await propertyCheck(count: PropertyTests.count, input: ScenarioGenome.generator) { genome in
            let object = Self.withFutures(genome)
            let scenario = try ScenarioDecoder.decode(encode(object))
            var planner = RobustPlanning(options: SolverOptions())
            planner.method = .extensive
            let report = try planner.run(scenario)
            switch report.status {
            case "optimal":
                let robust = try #require(report.robust)
                #expect(report.verification.passed && robust.failures.isEmpty, "\(report.verification.summary)")
                #expect(report.objective == robust.value)
                #expect((robust.evpi ?? 0) >= -1e-6 * max(1, abs(robust.expectedCost ?? 0)))
                if let vss = robust.vss { #expect(vss >= -1e-6 * max(1, abs(robust.expectedCost ?? 0))) }
                #expect(robust.futures.allSatisfy { $0.regret >= 0 })
                if scenario.robustObjective == .expected, !scenario.capitalOptions.isEmpty, !scenario.capitalOptions.contains(where: \.fractional) {
                    planner.method = .decomposition
                    let other = try planner.run(scenario)
                    let a = try #require(robust.value), b = try #require(other.robust?.value)
                    #expect(abs(a - b) <= 1e-6 * max(1, abs(a)), "extensive \(a), decomposition \(b): \(other.robust?.method ?? "")")
                }
            case "infeasible":
                #expect(!report.explanation.isEmpty, "an infeasible plan over futures with no explanation")
            default:
                Issue.record("status \(report.status)")
            }
        }
    }

    @Test("property: the decomposition's proven optimum is branch and cut's, on random MIPs with whole options")
    func decompositionEqualsBranchAndCut() async {
        let compared = Locked(0)
        await propertyCheck(count: PropertyTests.count * 4, input: ScenarioGenome.generator) { genome in
            let scenario = try genome.decoded()
            guard !scenario.capitalOptions.isEmpty, !scenario.capitalOptions.contains(where: \.fractional) else { return }
            var a = ScenarioSolver(options: SolverOptions(), compareOptions: .off), b = a
            a.mipMethod = .branchAndCut
            b.mipMethod = .decomposition
            let x = try a.run(scenario).report, y = try b.run(scenario).report
            #expect(x.status == y.status)
            guard x.status == "optimal" else { return }
            #expect(y.verification.passed && y.verification.summary.contains("proved within the gap asked"), "\(y.verification.summary)")
            let p = try #require(x.objective), q = try #require(y.objective)
            #expect(abs(p - q) <= 1e-6 * max(1, abs(p)), "branch and cut \(p), decomposition \(q)")
            compared.withLock { $0 += 1 }
        }
        #expect(compared.withLock { $0 } > 0, "no random MIP with whole options was compared")
        print("decomposition = branch and cut on \(compared.withLock { $0 }) random MIPs")
    }

    @Test("futures are checked with their places: probabilities, ids, sizes, robust without futures")
    func validation() throws {
        let folder = try TemporaryFolder()
        func issues(_ futures: Any?, robust: Any? = nil) throws -> [ScenarioIssue] {
            var object = Self.abc(futures: [])
            if let futures { object["futures"] = futures } else { object.removeValue(forKey: "futures") }
            if let robust { object["robust"] = robust }
            return loadIssues(try folder.write("v.json", json: object))
        }
        let sum = try issues([["id": "a", "probability": 0.5], ["id": "b", "probability": 0.4]])
        #expect(sum.count == 1 && sum[0].path == "futures" && sum[0].message.contains("add up to 0.9, not 1"))
        let twice = try issues([["id": "a", "probability": 0.5], ["id": "a", "probability": 0.5]])
        #expect(twice.count == 1 && twice[0].path == "futures[1].id" && twice[0].kind == .duplicate)
        let bad = try issues([["id": "a", "probability": 0, "demandScale": -1], ["id": "b", "probability": 1, "demand": ["y1": ["ASD": 1]], "colour": "red"]])
        #expect(Set(bad.map(\.path)) == ["futures[0].probability", "futures[0].demandScale", "futures[1].colour", "futures[1].demand"])
        let many = try issues((0..<101).map { ["id": "f\($0)", "probability": 1.0 / 101] })
        #expect(many.count == 1 && many[0].kind == .limit)
        #expect(try issues([] as [Any]).first?.message == "must list at least one future")
        var fine = Self.abc(futures: [["id": "a", "probability": 1, "demandScale": 999]])  // 115 × 999 is well under 10 million
        fine["robust"] = ["objective": "expected"]
        #expect(try ScenarioDecoder.load(path: try folder.write("fine.json", json: fine)).futures[0].demand == [114_885, 114_885])
        let over = try issues([["id": "a", "probability": 1, "demand": ["y1": ["ASD": 20_000], "y2": ["ASD": 20_000]], "demandScale": 600]])
        #expect(over.count == 1 && over[0].path == "futures[0].demandScale" && over[0].kind == .limit)
        let orphan = try issues(nil, robust: ["objective": "regret"])
        #expect(orphan.count == 1 && orphan[0].path == "robust")
        let objective = try issues([["id": "a", "probability": 1]], robust: ["objective": "minimax"])
        #expect(objective.count == 1 && objective[0].path == "robust.objective")
        // A future's own demand in the CSV form, with its place in messages.
        let csv = try issues([["id": "a", "probability": 1, "demand": ["csv": "missing.csv"]]])
        #expect(csv.count == 1 && csv[0].path == "futures[0].demand.csv")
    }
}
