import Foundation

/// Runs the whole chain for one scenario: build the model, solve it with GLPK, verify the
/// answer in Swift and build the report.
public struct ScenarioSolver {
    public var options: SolverOptions
    /// Whether to also solve the plan without any capital option, and without (or with) each
    /// option in turn, for the "with and without the programme" comparison, each chosen option's
    /// payback and each rejected option's extra cost (see ``OptionComparisons``).
    public enum Comparisons: String, Sendable, CaseIterable {
        case on, off
        /// The same as on, at every model size (kept for scripts that name it).
        case auto
    }
    public var compareOptions: Comparisons
    /// Up to this many columns a rejected option's extra cost is the exact best plan that builds
    /// it (a MIP per opening year); above, the programme with it added (an LP per year).
    public static let autoComparisonColumns = 20_000
    /// The size up to which this run works out a rejected option's exact extra cost (a MIP).
    public var exactComparisonColumns = ScenarioSolver.autoComparisonColumns

    /// How an LP is solved: GLPK on the whole model, or sifting from the cheapest placements.
    public enum Strategy: String, Sendable, CaseIterable {
        case full, sifting
        /// Dantzig–Wolfe decomposition by (zone, need) block (``BlockDecomposition``).
        case blocks
        /// For LPs (not MIPs), simplex method: the decomposition by block for models with age
        /// groups and more than ``ScenarioSolver/autoBlockColumns`` columns, sifting for others with
        /// more than ``ScenarioSolver/autoSiftingColumns``, GLPK on the whole model below.
        case auto
    }
    public var strategy: Strategy = .auto
    /// How a plan over futures is found (see ``RobustPlanning/Method``).
    public var futuresMethod: RobustPlanning.Method = .auto
    /// How a MIP with whole capital options is solved: GLPK's branch and cut on the whole model,
    /// or the L-shaped decomposition over the options (Benders: a GLPK master MIP over the
    /// decisions, the placement LP as the subproblem, its reduced costs as cuts).
    public enum MIPMethod: String, Sendable, CaseIterable {
        case branchAndCut = "branch-and-cut", decomposition
        /// The decomposition above ``ScenarioSolver/autoDecompositionColumns`` columns (whole options only), branch and cut below.
        case auto
    }
    public var mipMethod: MIPMethod = .auto
    /// Measured on the 40-option bench model (233,293 columns): a proven optimum in 14.9 s by the
    /// decomposition against 64.6 s by branch and cut; small MIPs solve in well under a second either way.
    public static let autoDecompositionColumns = 50_000
    /// The solver backend every solve of the run uses.
    public var backend: SolverBackend = .glpk
    /// Where the optimal basis of each model shape is kept between runs: a run whose model has
    /// the shape of an earlier one (an edit of a cost, a capacity, a rate, an option's switch)
    /// starts its simplex from that basis (the what-if page's warm re-solve). Nil: every run cold.
    public var basisStore: BasisStore?
    public static let autoSiftingColumns = 100_000
    /// Measured end to end (release build, min of 3): the 5-age bench model (953,665 columns)
    /// 3.5 s by blocks against 9.4 s by sifting; without ages blocks and sifting are alike
    /// (0.81 and 0.86 s on gen-z50-s120-y5), and sifting is ahead on one-year models (0.15
    /// against 0.29 s on gen-z150-s300-y1): a block of one year is one row.
    public static let autoBlockColumns = 20_000
    /// Placement columns per (zone, need, year) in the first restricted model of a sifting solve.
    /// Measured on the bench models (end to end, one run each): 1 column a slot against 8 gave
    /// 0.86 s against 1.08 s on gen-z150-s300-y1, 1.45 against 1.57 s on gen-z50-s120-y5 and
    /// 19.8 against 48.5 s on its 5-age version, whose first restricted LP at 8 took 40 s.
    public static let siftingStartColumns = 1

    public init(options: SolverOptions = SolverOptions(), compareOptions: Comparisons = .auto) {
        self.options = options
        self.compareOptions = compareOptions
    }

    /// The result of one run.
    public struct Run: Sendable {
        public var model: PlacementModel
        public var solution: Solution?
        public var report: Report
        /// Whether the solve started from a kept basis (``basisStore``).
        public var warm = false
    }

    /// Solves `scenario`. Infeasible or unbounded scenarios are results, not errors; only an
    /// internal inconsistency (a bug) throws.
    public func run(_ scenario: Scenario) throws -> Run {
        if !scenario.futures.isEmpty {
            // A plan over demand futures: the capital decisions shared (see ``RobustPlanning``).
            var planner = RobustPlanning(options: options)
            planner.backend = backend
            planner.method = futuresMethod
            var report = try planner.run(scenario)
            if strategy == .sifting || strategy == .blocks {
                report.notes.append("--strategy \(strategy.rawValue) applies to the LP of a scenario without futures; a plan over futures is solved as --futures-method says")
            }
            var own = scenario
            own.futures = []
            return Run(model: try PlacementModel(scenario: own, relax: options.relax), solution: nil, report: report)
        }
        let clock = ContinuousClock()
        let buildStart = clock.now
        let model = try PlacementModel(scenario: scenario, relax: options.relax)
        let buildSeconds = (clock.now - buildStart).seconds
        var statistics = Report.SolverStatistics(program: model.program, solution: nil, buildSeconds: buildSeconds)

        // Conflicts found while building (a minimum above a maximum) need no solver.
        guard model.conflicts.isEmpty else {
            var report = Report(model: model, solution: nil, verification: nil, explanation: Infeasibility.explain(model), statistics: statistics)
            report.provenance = Report.Provenance(scenario: scenario, options: options, method: "none (conflicting bounds found while building)")
            return Run(model: model, solution: nil, report: report)
        }
        let decompose = mipMethod == .decomposition || (mipMethod == .auto && model.program.columnCount > Self.autoDecompositionColumns)
        if decompose, model.program.isMIP, !options.relax, model.conflicts.isEmpty,
           let run = try decomposed(scenario, model: model, buildSeconds: buildSeconds) {
            return run
        }
        let sift = (strategy == .sifting || (strategy == .auto && model.program.columnCount > Self.autoSiftingColumns))
            && (!model.program.isMIP || options.relax) && options.lpMethod != .interior
        var solution: Solution
        let siftStart = clock.now
        var options = self.options
        let shape = basisStore.map { _ in BasisStore.Shape(model.program) }
        let startingBasis = shape.flatMap { basisStore?.basis(for: $0) }
        if shape != nil, !sift, options.lpMethod != .interior {
            options.keepBasis = true
            options.startingBasis = startingBasis
        }
        // With a basis store (the what-if page) a model below sifting's size keeps the whole-model
        // simplex, which re-solves warm; the decomposition keeps no basis.
        let blockColumns = basisStore == nil ? Self.autoBlockColumns : Self.autoSiftingColumns
        let byBlock = (strategy == .blocks || (strategy == .auto && model.ageCount > 1 && model.program.columnCount > blockColumns))
            && (!model.program.isMIP || options.relax) && options.lpMethod != .interior
        if byBlock, let solved = BlockDecomposition.solve(model.program, rowBlock: Self.rowBlocks(model), timeLimit: options.secondsLeft,
                                                          backend: backend, cancellation: options.cancellation) {
            solution = solved
        } else if byBlock && options.outOfTime {
            solution = Solution(status: .noSolutionInTime, outcome: .timeLimitReached, method: .blocks)
            solution.solveSeconds = (clock.now - siftStart).seconds
        } else if sift, let sifted = Sifting.solve(model.program, active: Self.cheapestPlacements(model), timeLimit: options.secondsLeft, backend: backend, cancellation: options.cancellation) {
            solution = sifted
        } else if sift && options.outOfTime {
            // Sifting ran out of time: loading the whole model into GLPK only to stop at once
            // would overrun the limit further.
            solution = Solution(status: .noSolutionInTime, outcome: .timeLimitReached, method: .sifting)
            solution.solveSeconds = (clock.now - siftStart).seconds
        } else {
            // Sifting that stopped short falls back to the whole model, with what is left of the limit.
            solution = try SolveStrategy.solve(model.program, options: options, backend: backend)
        }
        var notes: [String] = []
        // A strategy asked for by name that did not answer is said, not hidden.
        let asked: SolveMethod? = strategy == .blocks ? .blocks : strategy == .sifting ? .sifting : nil
        if let asked, solution.method != asked, !options.outOfTime {
            let why = model.program.isMIP && !options.relax ? "it solves LPs (and --relax); the capital MIP was solved by \(solution.method.rawValue)"
                : options.lpMethod == .interior ? "it solves with the simplex; --method interior solved the whole model"
                : asked == .blocks ? "the LP does not split into blocks it takes, or has no feasible plan (which GLPK on the whole model then proves); solved by \(solution.method.rawValue)"
                : "it gave no answer; solved by \(solution.method.rawValue)"
            notes.append("--strategy \(strategy.rawValue) was not used: \(why)")
        }
        if options.lpMethod == .interior, solution.status == .solverFailure, !model.program.isMIP || options.relax, !options.outOfTime {
            // GLPK's interior point can stop short on numerical trouble; the simplex then answers.
            var simplex = options
            simplex.lpMethod = .primalSimplex
            if let again = try? SolveStrategy.solve(model.program, options: simplex, backend: backend), again.status != .solverFailure {
                if case .failed(_, let message) = solution.outcome {
                    notes.append("GLPK's interior point stopped (\(message)); solved with the primal simplex instead")
                }
                solution = again
            }
        }
        statistics = Report.SolverStatistics(program: model.program, solution: solution, buildSeconds: buildSeconds)
        let warm = options.startingBasis != nil
        if let shape, let basis = solution.basis { basisStore?.keep(basis, for: shape) }
        solution.basis = nil
        options = self.options

        var verification: Verification?
        var explanation: [String] = []
        let verifyStart = clock.now
        if solution.status.hasSolution {
            // Interior point stops at a tolerance of its own: hold it to a looser one.
            verification = solution.verify(against: model.program, tolerance: solution.method == .interior ? 1e-5 : 1e-6)
            if let failed = verification, !failed.passed, !model.program.isMIP || options.relax {
                // GLPK's simplex can stop at a basis its own tolerances call optimal that is not
                // (a badly scaled model): solve again another way and keep an answer that verifies.
                for (method, presolve) in [(SolverOptions.LPMethod.dualSimplex, false), (.primalSimplex, false)] {
                    var retry = options
                    retry.lpMethod = method
                    retry.presolve = presolve
                    guard !options.outOfTime, let again = try? backend.make(model.program).solve(retry), again.status == .optimal else { continue }
                    let check = again.verify(against: model.program)
                    if check.passed {
                        notes.append("GLPK's first answer (\(solution.method.rawValue)) failed verification (\(failed.summary)); solved again with the \(method == .dualSimplex ? "dual" : "primal") simplex without presolve, which verifies")
                        solution = again
                        verification = check
                        break
                    }
                }
            }
        } else if solution.status == .infeasible {
            explanation = Infeasibility.explain(model, options: options)
        } else if solution.status == .solverFailure {
            if case .failed(let code, let message) = solution.outcome { explanation = ["GLPK stopped without an answer: \(message) (its return code \(code))"] }
            else { explanation = ["GLPK stopped without an answer"] }
        } else if solution.status == .noSolutionInTime {
            explanation = ["the time limit ran out before any plan that meets every rule was found"]
        }
        statistics = Report.SolverStatistics(program: model.program, solution: solution, buildSeconds: buildSeconds)
        var report = Report(model: model, solution: solution, verification: verification, explanation: explanation, statistics: statistics)
        report.provenance = Report.Provenance(scenario: scenario, options: options,
                                              method: solution.method.rawValue + (options.relax && model.program.isMIP ? " (the LP relaxation)" : "") + (warm ? " (warm start)" : ""))
        report.notes += notes
        report.solver.verifySeconds = (clock.now - verifyStart).seconds
        if compareOptions != .off && !options.relax && !scenario.capitalOptions.isEmpty && solution.status.hasSolution {
            try addOptionComparisons(to: &report, model: model, solution: solution)
            if report.options.contains(where: { $0.comparison?.hasPrefix("not worked out: the time limit") == true }) {
                report.notes.append("the time limit ran out before every option comparison was solved; the options table says which were not worked out")
            }
        } else if !scenario.capitalOptions.isEmpty && solution.status.hasSolution {
            let why = options.relax ? "not worked out: --relax solves the LP relaxation, whose options are fractional" : "not worked out: --compare-options off"
            for k in report.options.indices { report.options[k].comparison = why }
        }
        return Run(model: model, solution: solution, report: report, warm: warm)
    }

    /// The MIP by the L-shaped decomposition (one "future": the scenario itself), its plan's LP
    /// solved and verified as any LP, the decomposition's bounds as the proof in the verification
    /// line. Nil when the decomposition does not apply (fractional options) or fails; the caller
    /// then uses branch and cut.
    func decomposed(_ scenario: Scenario, model: PlacementModel, buildSeconds: Double) throws -> Run? {
        let decomposition = RobustDecomposition(models: [model], probabilities: [1], options: options, backend: backend)
        guard let result = try? decomposition.run(seeds: []) else { return nil }
        let program = RobustPlanning.fixed(model, plan: result.plan)
        var lp = options
        lp.timeLimit = options.secondsLeft
        // The decomposition's own solve of the plan's LP when it kept one (verified below as any).
        var solution = try result.planSolution ?? RobustPlanning(options: options).solve(program, model: model)
        guard solution.status == .optimal else { return nil }
        let verification = solution.verify(against: program)
        solution.dualsFromFixedLP = true
        var report = Report(model: model, solution: solution, verification: verification, explanation: [],
                            statistics: Report.SolverStatistics(program: model.program, solution: solution, buildSeconds: buildSeconds))
        // Stopped by the clock before the master gave a bound: no gap to report (an infinite one is not a number in JSON).
        let gap: Double? = result.lower.isFinite ? (result.upper - result.lower) / max(1, abs(result.upper)) : nil
        let proofHolds = gap.map { g in result.lower <= solution.objective * (1 + 1e-9) + 1e-6 && g <= max(options.mipGap, 1e-7) + 1e-12 } ?? false
        let bound = gap.map { String(format: "lower bound %@, plan %@, gap %.4f%%", ReportText.pounds(result.lower), ReportText.pounds(solution.objective), 100 * $0) }
            ?? "no lower bound yet, plan \(ReportText.pounds(solution.objective))"
        report.verification.summary += "; decomposition: \(result.iterations) iterations, \(result.cuts) cuts, \(bound)" + (proofHolds ? " (proved within the gap asked)" : " (NOT within the gap asked)")
        if !proofHolds && !result.stoppedByTime { report.verification.passed = false }
        report.status = (result.stoppedByTime && !proofHolds ? ModelStatus.feasible : ModelStatus.optimal).rawValue
        report.solver.mipGap = gap
        report.provenance = Report.Provenance(scenario: scenario, options: options, method: "L-shaped decomposition (GLPK master MIP, placement LP subproblems)")
        if strategy == .sifting || strategy == .blocks {
            report.notes.append("--strategy \(strategy.rawValue) was not used: it solves LPs (and --relax); the capital MIP was solved by the L-shaped decomposition")
        }
        if compareOptions != .off {
            try addOptionComparisons(to: &report, model: model, solution: solution)
        }
        return Run(model: model, solution: solution, report: report)
    }

    /// Each row's block for ``BlockDecomposition``: the demand rows of one zone and need (every
    /// age group and year) form a block; every other row links them.
    static func rowBlocks(_ model: PlacementModel) -> [Int] {
        var block = [Int](repeating: -1, count: model.program.rowCount)
        let index = model.index
        for slot in 0..<index.slotCount where model.demandRow[slot] >= 0 {
            block[model.demandRow[slot]] = index.zone(ofSlot: slot) * index.needs + index.need(ofCohort: index.cohort(ofSlot: slot))
        }
        return block
    }

    /// The first columns of a sifting solve: for each zone, need and year the few placement columns
    /// with the lowest cost (the cost of a start, persistence included); unmet columns are always in.
    static func cheapestPlacements(_ model: PlacementModel) -> [Bool] {
        var active = [Bool](repeating: false, count: model.program.columnCount)
        func slot(_ column: Int) -> Int {
            model.index.slot(year: Int(model.placementYear[column]), zone: Int(model.placementZone[column]), need: Int(model.placementNeed[column]), age: Int(model.placementAge[column]))
        }
        // A slot's placement columns are built one after another: one pass over the runs.
        var first = 0
        while first < model.placementCount {
            var end = first + 1
            while end < model.placementCount && slot(end) == slot(first) { end += 1 }
            for column in (first..<end).sorted(by: { model.program.objective[$0] < model.program.objective[$1] }).prefix(siftingStartColumns) {
                active[column] = true
            }
            first = end
        }
        for column in model.placementCount..<model.program.columnCount { active[column] = true }
        return active
    }

    /// The plan without the programme, each chosen option's yearly saving and payback, and each
    /// rejected option's extra cost (see ``OptionComparisons``).
    func addOptionComparisons(to report: inout Report, model: PlacementModel, solution: Solution) throws {
        var comparisons = OptionComparisons(model: model, solution: solution, options: options, backend: backend)
        let exact = model.program.columnCount <= exactComparisonColumns
        try comparisons.add(to: &report, mip: exact)
    }
}

/// The optimal bases of recent model shapes, for warm re-solves (``ScenarioSolver/basisStore``).
/// Shared between threads; a basis is plain data, loaded into each run's own GLPK problem.
public final class BasisStore: @unchecked Sendable {
    /// A model's shape: its sizes and where its matrix has entries (values, costs and bounds
    /// may differ). Two shapes equal by hash are compared in full.
    public struct Shape: Hashable, Sendable {
        var rows: Int, columns: Int
        var columnStart: [Int], rowIndex: [Int], isInteger: [Bool]
        public init(_ program: LinearProgram) {
            rows = program.rowCount; columns = program.columnCount
            columnStart = program.columnStart; rowIndex = program.rowIndex; isInteger = program.isInteger
        }
    }
    private let lock = NSLock()
    private var bases: [Shape: LPBasis] = [:]
    private var order: [Shape] = []
    /// The most shapes kept (the oldest forgotten first).
    public let capacity: Int
    public init(capacity: Int = 16) { self.capacity = capacity }

    public func basis(for shape: Shape) -> LPBasis? {
        lock.lock(); defer { lock.unlock() }
        return bases[shape]
    }

    public func keep(_ basis: LPBasis, for shape: Shape) {
        lock.lock(); defer { lock.unlock() }
        if bases.updateValue(basis, forKey: shape) == nil { order.append(shape) }
        while order.count > capacity { bases[order.removeFirst()] = nil }
    }
}
