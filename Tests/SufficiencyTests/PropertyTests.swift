import Foundation
import PropertyBased
import Testing
import Yams
@testable import Sufficiency

/// Properties that must hold on any valid scenario, checked on random scenarios from
/// ``ScenarioGenome`` (every feature of the format) with PropertyBased: a new random seed each
/// run; a failure prints the shrunk genome and the `.fixedSeed(...)` that replays it. Each
/// property runs ``count`` cases (`PROPERTY_COUNT` in the environment; `Tests/properties.sh`
/// runs many more).
@Suite("Properties on random valid scenarios")
struct PropertyTests {
    static let count = Int(ProcessInfo.processInfo.environment["PROPERTY_COUNT"] ?? "") ?? 25

    /// The product generator's scenarios, for the larger models sifting needs.
    static func scenario(_ seed: UInt64) throws -> Scenario {
        var random = ScenarioGenerator.Random(state: seed &* 7919)
        let generator = ScenarioGenerator(zones: random.integer(1, 4), settings: random.integer(6, 14), needs: random.integer(2, 6),
                                          years: random.integer(1, 3), options: 0, seed: seed)
        let files = try generator.generate(travelFileName: "t.csv")
        let folder = try TemporaryFolder()
        try folder.write("t.csv", files.travelCSV)
        return try ScenarioDecoder.load(path: folder.write("s.json", files.scenarioJSON))
    }

    static func report(_ scenario: Scenario, _ options: SolverOptions = SolverOptions()) throws -> Report {
        try ScenarioSolver(options: options, compareOptions: .off).run(scenario).report
    }

    /// `scenario` solved by GLPK on the whole model and by `strategy`, otherwise alike.
    static func fullAnd(_ strategy: ScenarioSolver.Strategy, _ scenario: Scenario, options: SolverOptions = SolverOptions()) throws -> (full: ScenarioSolver.Run, other: ScenarioSolver.Run) {
        var full = ScenarioSolver(options: options, compareOptions: .off)
        full.strategy = .full
        var other = full
        other.strategy = strategy
        return (try full.run(scenario), try other.run(scenario))
    }

    static func close(_ a: Double?, _ b: Double?, _ relative: Double) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a - b) <= relative * max(1, abs(a), abs(b))
    }

    @Test("the generator reaches every feature of the format, and its scenarios are valid")
    func generatorCoversEveryFeature() async throws {
        var seen: ScenarioGenome.Features = []
        var random = ScenarioGenerator.Random(state: UInt64.random(in: 1...UInt64.max))
        for _ in 0..<2000 {
            let genome = ScenarioGenome((0..<120).map { _ in random.integer(0, 99) })
            seen.formUnion(genome.scenario().features)
            _ = try genome.decoded()
        }
        #expect(seen == .all, "never generated: \(ScenarioGenome.Features.all.subtracting(seen).rawValue)")
        await propertyCheck(count: Self.count * 4, input: ScenarioGenome.generator) { genome in
            #expect(throws: Never.self) { _ = try genome.decoded() }
        }
    }

    @Test("every solve verifies against the model and the scenario, or is explained; a plan's objective is what the scenario's prices give")
    func everySolveVerifies() async {
        await propertyCheck(count: Self.count, input: ScenarioGenome.generator) { genome in
            let scenario = try genome.decoded()
            let report = try Self.report(scenario)
            switch report.status {
            case "optimal":
                #expect(report.verification.passed, "\(report.verification.summary) \(report.verification.scenarioFailures)")
                #expect(report.verification.scenarioFailures.isEmpty && !report.verification.scenarioChecks.isEmpty)
            case "infeasible":
                #expect(!report.explanation.isEmpty, "an infeasible scenario with no explanation")
            default:
                Issue.record("status \(report.status)")
            }
        }
    }

    @Test("primal simplex, dual simplex and interior point agree (on the LP relaxation of a MIP)")
    func methodsAgree() async {
        await propertyCheck(count: Self.count, input: ScenarioGenome.generator) { genome in
            let scenario = try genome.decoded()
            let primal = try Self.report(scenario, SolverOptions(relax: true))
            guard primal.status == "optimal" else { return }
            let dual = try Self.report(scenario, SolverOptions(lpMethod: .dualSimplex, relax: true))
            #expect(Self.close(dual.objective, primal.objective, 1e-9), "dual \(dual.objective ?? .nan) primal \(primal.objective ?? .nan)")
            let interior = try Self.report(scenario, SolverOptions(lpMethod: .interior, relax: true))
            #expect(Self.close(interior.objective, primal.objective, 1e-6), "interior \(interior.objective ?? .nan) primal \(primal.objective ?? .nan)")
            #expect(interior.verification.passed, "\(interior.verification.summary)")
        }
    }

    @Test("sifting gives the full model's optimum (LPs)")
    func siftingEqualsFull() async {
        await propertyCheck(count: Self.count, input: ScenarioGenome.generator) { genome in
            let scenario = try genome.decoded()
            let (full, sifted) = try Self.fullAnd(.sifting, scenario, options: SolverOptions(relax: true))
            let a = full.report, b = sifted.report
            #expect(a.status == b.status)
            if a.status == "optimal" {
                #expect(Self.close(a.objective, b.objective, 1e-9), "full \(a.objective ?? .nan) sifting \(b.objective ?? .nan)")
                #expect(b.verification.passed, "\(b.verification.summary)")
            }
        }
    }

    @Test("more capacity never raises the cost; a dearer place never lowers it")
    func monotone() async {
        await propertyCheck(count: Self.count, input: ScenarioGenome.generator, Gen.int(in: 0...99)) { genome, pick in
            let scenario = try genome.decoded()
            let base = try Self.report(scenario)
            guard base.status == "optimal", let cost = base.objective else { return }
            let k = pick % scenario.settings.count
            var roomier = scenario
            roomier.settings[k].capacity = roomier.settings[k].capacity.map { $0.map { $0 + 10 } }
            let more = try Self.report(roomier)
            #expect(more.status == "optimal")
            #expect((more.objective ?? .infinity) <= cost + 1e-7 * max(1, abs(cost)), "setting \(k): \(more.objective ?? .nan) > \(cost)")
            var dearer = scenario
            dearer.settings[k].costByNeed = dearer.settings[k].costByNeed.map { $0 * 1.1 + 100 }
            let less = try Self.report(dearer)
            #expect((less.objective ?? -.infinity) >= cost - 1e-7 * max(1, abs(cost)), "setting \(k): \(less.objective ?? .nan) < \(cost)")
        }
    }

    @Test("no demand, no incumbents and no minimum policies: nothing placed, nothing spent but the forced options, each in its cheapest year")
    func zeroDemandCostsNothing() async {
        await propertyCheck(count: Self.count, input: ScenarioGenome.generator) { genome in
            var scenario = try genome.decoded()
            scenario.demand = scenario.demand.map { _ in 0 }
            scenario.incumbents = []
            scenario.policies = []
            scenario.finance.maxCumulativeDeficit = nil
            let report = try Self.report(scenario)
            #expect(report.status == "optimal")
            // A forced option is built whatever: in the year its charge is least, (1 + r)^−t × cost
            // upfront, or the annuity over the years of its life left in the horizon.
            let T = scenario.years.count, r = scenario.discountRate
            func discount(_ t: Int) -> Double { pow(1 + r, -Double(t)) }
            let forced = scenario.capitalOptions.filter { $0.decision == .forced }.map { option in
                (option.earliestYear...option.latestYear).map { t -> Double in
                    switch scenario.capital.accounting {
                    case .upfront: return discount(t) * option.capitalCost
                    case .annualised: return scenario.annuity(of: option.capitalCost) * (t...min(T - 1, t + scenario.capital.assetLifeYears - 1)).reduce(0) { $0 + discount($1) }
                    }
                }.min()!
            }.reduce(0, +)
            #expect(abs((report.objective ?? .nan) - forced) < 1e-6 * max(1, forced), "\(report.objective ?? .nan) against \(forced)")
            #expect(report.costs?.byYear.allSatisfy { $0.placements == 0 && $0.transport == 0 } == true)
            if forced == 0 { #expect(report.costs?.byYear.allSatisfy { $0.capitalCharge == 0 } == true) }
        }
    }

    @Test("the same scenario written as block YAML decodes to the same scenario as its JSON")
    func jsonYamlRoundTrip() async {
        await propertyCheck(count: Self.count, input: ScenarioGenome.generator) { genome in
            let object = genome.scenario().object
            let yaml = try Yams.serialize(node: Self.yamlNode(object))
            let fromYAML = try ScenarioDecoder.decode(Array(yaml.utf8), syntax: .yaml)
            let fromJSON = try ScenarioDecoder.decode(encode(object))
            #expect(fromYAML == fromJSON, "\(yaml)")
        }
    }

    /// A JSON value as a YAML node: text double-quoted (so `no` or `1e3` stay text), numbers and
    /// null plain, in block style.
    static func yamlNode(_ value: Any) -> Node {
        switch value {
        case let text as String: return Node(text, Tag(.str), .doubleQuoted)
        case let flag as Bool where type(of: value) == type(of: true as NSNumber) || value is Bool: return Node(flag ? "true" : "false")
        case let number as NSNumber: return Node(number.stringValue.contains(".") || number.stringValue.contains("e") ? "\(number.doubleValue)" : number.stringValue)
        case is NSNull: return Node("null")
        case let list as [Any]: return .sequence(Node.Sequence(list.map(yamlNode)))
        case let map as [String: Any]:
            return .mapping(Node.Mapping(map.keys.sorted().map { (Node($0, Tag(.str), .doubleQuoted), yamlNode(map[$0]!)) }))
        default: return Node("\(value)")
        }
    }

    @Test("the LP and MPS exports re-solved by glpsol give our objective")
    func exportsAgreeWithGlpsol() async throws {
        let folder = try TemporaryFolder()
        await propertyCheck(count: max(3, Self.count / 3), input: ScenarioGenome.generator) { genome in
            let scenario = try genome.decoded()
            let run = try ScenarioSolver(compareOptions: .off).run(scenario)
            guard run.report.status == "optimal", let ours = run.report.objective else { return }
            let solver = try GLPKSolver(program: run.model.program.withConstantAsColumn())
            let lp = folder.url.appendingPathComponent("g.lp").path, mps = folder.url.appendingPathComponent("g.mps").path
            try solver.lpData().write(to: URL(fileURLWithPath: lp))
            try solver.mpsData().write(to: URL(fileURLWithPath: mps))
            for path in [lp, mps] {
                // The LP file holds numbers to GLPK's printed precision: 1e-8 relative.
                if let theirs = try GlpsolReference.objective(mps: path) { #expect(Self.close(theirs, ours, 1e-8), "\(path): glpsol \(theirs), ours \(ours)") }
            }
        }
    }

    @Test("warm sifting (the decomposition's subproblem kept in one GLPK problem) gives GLPK's LP at plan after plan, and its duals are valid cuts")
    func warmSiftingMatchesFullLP() async {
        await propertyCheck(count: Self.count, input: ScenarioGenome.generator) { genome in
            let scenario = try genome.decoded()
            let model = try PlacementModel(scenario: scenario)
            let options = model.optionColumnStart.first.map { $0..<model.optionColumnStart.last! } ?? 0..<0
            guard !options.isEmpty, model.conflicts.isEmpty else { return }
            var lp = model.program
            lp.isInteger = [Bool](repeating: false, count: lp.columnCount)
            // From the cheapest placements only, so columns must price in.
            guard let warm = WarmSifting(lp, active: ScenarioSolver.cheapestPlacements(model), backend: .glpk) else { Issue.record("no warm sifting"); return }
            // Plans from the genome: each option shut or opened in one year of its window.
            var random = SeededGenerator(seed: UInt64(genome.genes.reduce(17) { ($0 &* 31 &+ $1) & 0xffff_ffff }))
            var evaluated: [(plan: [Double], value: Double, gradient: [Double])] = []
            for _ in 0..<4 {
                var plan = [Double](repeating: 0, count: options.count)
                for o in scenario.capitalOptions.indices {
                    let columns = (model.optionColumnStart[o] - options.lowerBound)..<(model.optionColumnStart[o + 1] - options.lowerBound)
                    let pick = Int(random.next() % UInt64(columns.count + 1))
                    if pick < columns.count { plan[columns.lowerBound + pick] = min(1, lp.columnUpper[options.lowerBound + columns.lowerBound + pick]) }
                }
                let fixing = options.enumerated().map { (column: $0.element, value: max(lp.columnLower[$0.element], min(lp.columnUpper[$0.element], plan[$0.offset]))) }
                var full = lp
                for (j, v) in fixing { full.columnLower[j] = v; full.columnUpper[j] = v }
                let reference = try GLPKSolver(program: full).solve(SolverOptions())
                let sifted = warm.solve(fixing: fixing, timeLimit: nil, cancellation: nil)
                guard reference.status == .optimal else {
                    if reference.status == .infeasible { #expect(sifted?.status == .infeasible, "GLPK: infeasible, warm sifting: \(sifted?.status.rawValue ?? "no answer")") }
                    continue
                }
                let solution = try #require(sifted, "warm sifting gave no answer where GLPK has an optimum \(reference.objective)")
                #expect(Self.close(solution.objective, reference.objective, 1e-7), "warm \(solution.objective), GLPK \(reference.objective)")
                #expect(solution.verify(against: full).passed, "\(solution.verify(against: full).summary)")
                evaluated.append((fixing.map(\.value), solution.objective, options.map { solution.reducedCosts[$0] }))
            }
            // Φ is convex in the fixed values: each evaluation's reduced costs bound every other from below.
            for a in evaluated {
                for b in evaluated {
                    let bound = a.value + zip(a.gradient, zip(b.plan, a.plan)).reduce(0) { $0 + $1.0 * ($1.1.0 - $1.1.1) }
                    #expect(b.value >= bound - 1e-6 * max(1, abs(b.value)), "cut from \(a.value) above \(b.value): \(bound)")
                }
            }
        }
    }

    @Test("a MIP's optimum is the best of its opening plans, each solved as an LP (brute force)")
    func mipEqualsBruteForce() async {
        await propertyCheck(count: Self.count, input: ScenarioGenome.generator) { genome in
            let scenario = try genome.decoded()
            let run = try ScenarioSolver(compareOptions: .off).run(scenario)
            let model = run.model
            let integerOptions = scenario.capitalOptions.indices.filter { !scenario.capitalOptions[$0].fractional }
            guard !integerOptions.isEmpty, model.conflicts.isEmpty else { return }
            // Every plan: each option never opened, or opened in one year of its window (an option
            // the scenario switches off: never; one it forces: in some year).
            var plans: [[Int?]] = [[]]
            for o in integerOptions {
                let years = Array(model.optionColumnStart[o]..<model.optionColumnStart[o + 1]).map { Optional($0) }
                let choices: [Int?] = switch scenario.capitalOptions[o].decision {
                case .on: [nil] + years
                case .off: [nil]
                case .forced: years
                }
                plans = plans.flatMap { plan in choices.map { plan + [$0] } }
            }
            var best: Double?
            for plan in plans {
                var program = model.program
                for (k, o) in integerOptions.enumerated() {
                    for column in model.optionColumnStart[o]..<model.optionColumnStart[o + 1] {
                        let open: Double = plan[k] == column ? 1 : 0
                        program.columnLower[column] = open
                        program.columnUpper[column] = open
                        program.isInteger[column] = false
                    }
                }
                let solution = try GLPKSolver(program: program).solve(SolverOptions())
                if solution.status == .optimal { best = min(best ?? .infinity, solution.objective) }
            }
            if let best {
                #expect(run.report.status == "optimal")
                #expect(Self.close(run.report.objective, best, 1e-7), "MIP \(run.report.objective ?? .nan), best plan \(best)")
            } else {
                #expect(run.report.status == "infeasible", "no plan is feasible, yet the MIP says \(run.report.status)")
            }
        }
    }

    @Test("every report renders in every format: charts inside their boxes, the workbook reads back with the JSON's finance")
    func everyFormatRenders() async {
        await propertyCheck(count: Self.count, input: ScenarioGenome.generator) { genome in
            let scenario = try genome.decoded()
            let report = try ScenarioSolver(compareOptions: .on).run(scenario).report
            let problems = HTMLTests.checkGeometry(ReportHTML.render(report))
            #expect(problems.isEmpty, "\(problems.prefix(3))")
            #expect(ReportTables.markdown(report).hasPrefix(OutputKind.markdownMarker))
            #expect(!ReportText.render(report).isEmpty)
            let long = FinancePlan.longTable(report)
            #expect(long.rows.count == report.years.count * FinancePlan.lines(report).count)
            let book = try WorkbookReader(ReportWorkbook.workbook(report).data())
            #expect(book.sheetOrder.first == "README")
            if report.costs != nil, let cumulative = book.numbers(sheet: "finance", label: "Cumulative deficit carried forward") {
                #expect(zip(cumulative, report.finance.map(\.cumulative)).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) })
            }
        }
    }

    @Test("the finance table adds up, line by line, as SPEC §3 defines it")
    func financeAddsUp() async {
        await propertyCheck(count: Self.count, input: ScenarioGenome.generator) { genome in
            let scenario = try genome.decoded()
            let report = try Self.report(scenario)
            guard let costs = report.costs else { return }
            var cumulative = scenario.finance.broughtForwardDeficit, unmet = 0.0
            for (t, line) in report.finance.enumerated() {
                #expect(Self.close(line.placementSpend, line.placementSpendByType.reduce(0) { $0 + $1.spend }, 1e-9))
                #expect(Self.close(line.placementSpend, costs.byYear[t].placements, 1e-9) && Self.close(line.transport, costs.byYear[t].transport, 1e-9))
                let block = line.placementSpend + (scenario.finance.transport == .highNeeds ? line.transport : 0) + scenario.finance.otherSpend[t]
                #expect(Self.close(line.highNeedsSpend, block, 1e-9))
                let mitigations = scenario.finance.mitigations.reduce(0) { $0 + $1.amount[t] }
                #expect(Self.close(line.inYear, block - mitigations - scenario.finance.grant[t] - scenario.finance.income[t], 1e-9))
                cumulative += line.inYear
                unmet += line.unmetCost
                #expect(Self.close(line.cumulative, cumulative, 1e-9) && Self.close(line.cumulativeIfAllPlaced, cumulative + unmet, 1e-9))
                #expect(Self.close(line.unmetChildren, report.unmet.reduce(0) { $0 + $1.children[t] }, 1e-9))
            }
        }
    }

    @Test("option comparisons: the programme-fixed LP gives the same payback at any size; a rejected option's LP extra cost is never below the exact one")
    func comparisonsAgree() async {
        await propertyCheck(count: Self.count, input: ScenarioGenome.generator) { genome in
            let scenario = try genome.decoded()
            guard !scenario.capitalOptions.isEmpty else { return }
            let exact = ScenarioSolver(compareOptions: .on)
            var fixed = ScenarioSolver(compareOptions: .on)
            fixed.exactComparisonColumns = 0
            let a = try exact.run(scenario).report, b = try fixed.run(scenario).report
            guard a.objective != nil else { return }
            #expect(a.withoutOptions?.objective.map { $0 >= a.objective! - 1e-6 * max(1, abs($0)) } ?? true, "the plan without options is cheaper than the optimum")
            for (x, y) in zip(a.options, b.options) {
                #expect(Self.close(x.yearlySaving, y.yearlySaving, 1e-6) && Self.close(x.paybackYears, y.paybackYears, 1e-6), "\(x.id): \(String(describing: x.yearlySaving)) vs \(String(describing: y.yearlySaving))")
                if !x.chosen, let exactCost = x.savingNeeded {
                    #expect(y.savingNeeded.map { $0 >= exactCost - 1e-6 * max(1, exactCost) } ?? true, "\(x.id): LP \(String(describing: y.savingNeeded)) below MIP \(exactCost)")
                    #expect(exactCost >= -1e-9)
                }
                if !x.chosen && !scenario.capitalOptions[scenario.capitalOptions.firstIndex { $0.id == x.id }!].fractional {
                    #expect(x.comparison != nil && y.comparison != nil, "\(x.id): no word on the extra cost")
                }
            }
        }
    }
}

@Suite("Sifting")
struct SiftingTests {
    @Test("sifting reaches the full LP's optimum, and its reduced costs over all columns verify", arguments: Array<UInt64>(1...6))
    func siftingMatchesFull(seed: UInt64) throws {
        let scenario = try PropertyTests.scenario(seed + 100)
        let (a, b) = try PropertyTests.fullAnd(.sifting, scenario)
        #expect(b.solution?.method == .sifting)
        #expect(abs(a.report.objective! - b.report.objective!) <= 1e-9 * max(1, a.report.objective!), "seed \(seed)")
        #expect(b.report.verification.passed && b.report.verification.model?.checkedDuals == true, "\(b.report.verification.summary)")
        #expect(b.solution!.reducedCosts.count == b.model.program.columnCount)
    }

    @Test("columns that price well above zero leave the restricted LP, and sifting still reaches the whole LP's optimum")
    func siftingRemovesColumns() throws {
        // Models with ages and several years (many columns a slot), sifted three columns a round
        // so they take many rounds and columns leave; the reference is GLPK on the whole LP.
        var removals = 0
        for seed: UInt64 in 1...8 {
            let generator = ScenarioGenerator(zones: 2 + Int(seed % 3), settings: 12, needs: 3, years: 3, options: 0, seed: seed, ages: 2 + Int(seed % 3))
            let files = try generator.generate(travelFileName: "t.csv")
            let folder = try TemporaryFolder()
            try folder.write("t.csv", files.travelCSV)
            let scenario = try ScenarioDecoder.load(path: folder.write("s.json", files.scenarioJSON))
            let model = try PlacementModel(scenario: scenario)
            let whole = try GLPKSolver(program: model.program).solve()
            guard let sifted = Sifting.solve(model.program, active: ScenarioSolver.cheapestPlacements(model), timeLimit: nil, leastAdded: 3) else {
                Issue.record("seed \(seed): sifting gave no answer"); continue
            }
            #expect(whole.status == .optimal && sifted.status == .optimal, "seed \(seed)")
            #expect(abs(whole.objective - sifted.objective) <= 1e-9 * max(1, abs(whole.objective)), "seed \(seed): whole \(whole.objective), sifted \(sifted.objective)")
            let check = sifted.verify(against: model.program)
            #expect(check.passed && check.checkedDuals, "seed \(seed): \(check.summary)")
            removals += sifted.siftingRemovals
        }
        #expect(removals > 0, "no column ever left the restricted LP: the test does not test removal")
    }
}
