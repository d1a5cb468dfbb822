import Foundation

/// Two-stage robust capital planning over demand futures (SPEC §2 and §3 "Futures"): the capital
/// decisions b[o,t] are shared, the placements, unmet need and deficit are per future.
///
/// The plan is the optimum of the *extensive form*: one MIP holding a copy of the placement model
/// for every future (each built by ``PlacementModel`` from that future's demand, so its
/// persistence, demand cap and deficit rows are its own), the option columns and the rows that
/// hold only option columns (one a year, excludes, requires, budgets) once, and the objective
/// Σ_f p_f C_f + K (`expected`) or the largest regret R ≥ C_f + K − W_f (`regret`). Then, every
/// future alone: its own best plan W_f (wait and see), and the plan re-evaluated in it — the
/// placement LP with the capital decisions fixed, verified as any LP and checked against the
/// scenario — which must add up to the extensive form's objective. The mean future's best plan
/// evaluated the same way gives the EEV; EVPI = RP − WS and VSS = EEV − RP are checked ≥ 0.
public struct RobustPlanning: Sendable {
    public var options: SolverOptions
    public var backend: SolverBackend = .glpk
    /// How the plan is found: the extensive form in one MIP, or the L-shaped decomposition.
    public enum Method: String, Sendable, CaseIterable {
        case extensive, decomposition
        /// The decomposition when the extensive form would pass ``RobustPlanning/autoDecompositionColumns`` columns
        /// (with `expected` and whole options; the extensive form otherwise).
        case auto
    }
    public var method: Method = .auto
    public static let autoDecompositionColumns = 300_000

    public init(options: SolverOptions) { self.options = options }

    static func optionRange(_ model: PlacementModel) -> Range<Int> {
        guard let first = model.optionColumnStart.first, let last = model.optionColumnStart.last else { return 0..<0 }
        return first..<last
    }

    /// The placement LP of `model` with its option columns fixed at `plan` (one value per shared option column).
    /// `exact`: the values as given, fractions too (a point of the relaxation); otherwise whole options are rounded.
    static func fixed(_ model: PlacementModel, plan: [Double], exact: Bool = false) -> LinearProgram {
        var program = model.program
        for (k, j) in optionRange(model).enumerated() {
            let value = program.isInteger[j] && !exact ? plan[k].rounded() : plan[k]
            let v = max(program.columnLower[j], min(program.columnUpper[j], value))
            program.columnLower[j] = v
            program.columnUpper[j] = v
            program.isInteger[j] = false
        }
        return program
    }

    /// Runs `body` for 0 ..< count on up to as many threads as there are cores. GLPK keeps its
    /// state per thread, and each solve here makes, uses and frees its own problem on one thread.
    static func parallel<T>(_ count: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        let results = Locked([Result<T, any Error>?](repeating: nil, count: count))
        let workers = max(1, min(count, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var k = w
            while k < count {
                let outcome = Result { try body(k) }
                results.withLock { $0[k] = outcome }
                k += workers
            }
        }
        return try results.withLock { $0 }.map { try $0!.get() }
    }

    /// Solves a program as the rest of the tool does: sifting for large LPs, GLPK otherwise.
    func solve(_ program: LinearProgram, model: PlacementModel) throws -> Solution {
        var lp = options
        lp.timeLimit = options.secondsLeft
        if !program.isMIP, program.columnCount > ScenarioSolver.autoSiftingColumns, lp.lpMethod != .interior,
           let sifted = Sifting.solve(program, active: ScenarioSolver.cheapestPlacements(model), timeLimit: lp.secondsLeft, backend: backend, cancellation: lp.cancellation) {
            return sifted
        }
        // A large MIP of whole options (a future alone, the mean future) by the decomposition, as `solve` does.
        let options = Self.optionRange(model)
        if program.isMIP, !lp.relax, program.columnCount > ScenarioSolver.autoDecompositionColumns, program.columnCount == model.program.columnCount,
           !options.isEmpty, options.allSatisfy({ program.isInteger[$0] }), model.conflicts.isEmpty,
           let result = try? RobustDecomposition(models: [model], probabilities: [1], options: lp, backend: backend).run(seeds: []) {
            var solution = try result.planSolution ?? solve(Self.fixed(model, plan: result.plan), model: model)
            if solution.status == .optimal {
                let gap = result.lower.isFinite ? (result.upper - result.lower) / max(1, abs(result.upper)) : .greatestFiniteMagnitude
                solution.mipGap = result.lower.isFinite ? gap : nil
                // Its duals are the plan's LP's, the decisions fixed: as a MIP's are (SPEC §3).
                solution.dualsFromFixedLP = true
                if result.stoppedByTime && gap > lp.mipGap { solution.status = .feasible }
                return solution
            }
        }
        return try SolveStrategy.solve(program, options: lp, backend: backend)
    }

    /// The report of `model` with the capital plan fixed: an LP, verified and checked against the scenario.
    func evaluate(_ model: PlacementModel, plan: [Double]) throws -> Report {
        let program = Self.fixed(model, plan: plan)
        let solution = try solve(program, model: model)
        let verification = solution.status.hasSolution ? solution.verify(against: program) : nil
        let explanation = solution.status == .infeasible ? ["no placement plan meets every rule in this future with the capital programme chosen"] : []
        return Report(model: model, solution: solution, verification: verification, explanation: explanation,
                      statistics: Report.SolverStatistics(program: program, solution: solution))
    }

    /// The plan over every future of `scenario`, reported for the scenario's own demand with the
    /// futures, the measures and the checks in ``Report/robust``.
    public func run(_ scenario: Scenario) throws -> Report {
        precondition(!scenario.futures.isEmpty)
        let clock = ContinuousClock(), start = clock.now
        let futures = scenario.futures
        let F = futures.count
        let models = try futures.indices.map { f throws(LinearProgramError) in try PlacementModel(scenario: scenario.future(f), relax: options.relax) }
        var own = scenario
        own.futures = []
        let ownModel = try PlacementModel(scenario: own, relax: options.relax)
        var summary = Report.RobustSummary(objective: scenario.robustObjective.rawValue, method: "", value: nil, expectedCost: nil,
                                           waitAndSee: nil, meanFuturePlanCost: nil, evpi: nil, vss: nil, eevNotDefined: nil,
                                           futures: [], sentences: [], checks: [], failures: [])

        // Each future alone (its own best plan, W_f) and the mean future (whose plan gives the EEV), side by side.
        Progress.phase("each of the \(F) futures alone, and the mean future")
        let meanModel = try PlacementModel(scenario: scenario.meanFuture(), relax: options.relax)
        // With `regret` each future's own best is a constant of the objective: solved to a proven optimum.
        var exactPlanner = self
        if scenario.robustObjective == .regret { exactPlanner.options.mipGap = 0 }
        let exact = exactPlanner
        let alone = try Self.parallel(F + 1) { k -> Solution? in
            let model = k < F ? models[k] : meanModel
            guard model.conflicts.isEmpty else { return nil }
            return try (k < F ? exact : self).solve(model.program, model: model)
        }
        let meanSolution = alone[F]
        var own_best = [Double](repeating: .nan, count: F)
        var ownPlans: [[Double]] = []
        var ownCuts: [RobustDecomposition.Cut] = []
        var infeasibleAlone: [(Int, [String])] = []
        for f in 0..<F {
            guard let solution = alone[f] else { infeasibleAlone.append((f, Infeasibility.explain(models[f]))); continue }
            if solution.status.hasSolution {
                let check = solution.verify(against: models[f].program)
                if !check.passed { summary.failures.append("future \(futures[f].id) alone: \(check.summary)") }
                own_best[f] = solution.objective
                let range = Self.optionRange(models[f])
                ownPlans.append(range.map { solution.columnValues[$0] })
                if solution.hasDuals, solution.reducedCosts.count == models[f].program.columnCount, solution.status == .optimal || solution.mipGap != nil {
                    // The MIP's duals come from its LP with the decisions fixed: a cut at its own plan, free.
                    ownCuts.append(.init(future: f, plan: ownPlans.last!, value: solution.objective, gradient: range.map { solution.reducedCosts[$0] }))
                }
            } else if solution.status == .infeasible {
                infeasibleAlone.append((f, Infeasibility.explain(models[f], options: options)))
            } else {
                infeasibleAlone.append((f, ["no plan found for this future alone (\(solution.status.rawValue))"]))
            }
        }
        let outOfTime = alone.prefix(F).contains { $0?.status == .noSolutionInTime } || options.outOfTime
        if !infeasibleAlone.isEmpty {
            var report = Report(model: ownModel, solution: nil, verification: nil,
                                explanation: infeasibleAlone.flatMap { f, why in why.map { "future \(futures[f].id): \($0)" } },
                                statistics: Report.SolverStatistics(program: ownModel.program, solution: nil))
            report.provenance = Report.Provenance(scenario: scenario, options: options, method: "none (a future has no plan on its own)")
            summary.method = "not solved: \(infeasibleAlone.map { futures[$0.0].id }.joined(separator: ", ")) cannot be planned for even on \(infeasibleAlone.count == 1 ? "its" : "their") own"
            if outOfTime {
                report.status = ModelStatus.noSolutionInTime.rawValue
                report.explanation = ["the time limit ran out before each future could be planned for on its own (the first step of a plan over futures)"]
                summary.method = "not solved: the time limit ran out"
            }
            report.robust = summary
            return report
        }

        let probabilities = futures.map(\.probability), ids = futures.map { PlacementModel.sanitize($0.id) }
        let regret = scenario.robustObjective == .regret
        let columns = models.reduce(0) { $0 + $1.program.columnCount }
        let optionColumns = Self.optionRange(models[0])
        let wholeOptions = !optionColumns.isEmpty && optionColumns.allSatisfy { models[0].program.isInteger[$0] }
        if !regret && wholeOptions && (method == .decomposition || (method == .auto && columns > Self.autoDecompositionColumns)) {
            Progress.phase("the L-shaped decomposition over every future")
            let decomposition = RobustDecomposition(models: models, probabilities: probabilities, options: self.options, backend: backend)
            if let result = try? decomposition.run(seeds: ownPlans, known: ownCuts) {
                let gap = result.lower.isFinite ? (result.upper - result.lower) / max(1, abs(result.upper)) : .greatestFiniteMagnitude
                summary.method = "the L-shaped decomposition: one cut per future per iteration, \(result.iterations) iteration\(result.iterations == 1 ? "" : "s"), \(result.cuts) cuts; \(result.lower.isFinite ? "lower bound \(ReportText.pounds(result.lower)), upper bound \(ReportText.pounds(result.upper)), gap \(String(format: "%.4f%%", 100 * gap))" : "no lower bound yet, upper bound \(ReportText.pounds(result.upper))")\(result.stoppedByTime ? " (stopped by the time limit)" : "")"
                summary.lowerBound = result.lower.isFinite ? result.lower : nil
                summary.upperBound = result.upper
                return try finish(scenario, models: models, ownModel: ownModel, ownBest: own_best, plan: result.plan, summary: summary,
                                  mean: (meanModel, meanSolution),
                                  status: result.stoppedByTime && gap > self.options.mipGap ? .feasible : .optimal, start: start,
                                  extensive: nil, regretValue: nil, gapAllowance: max(self.options.mipGap, gap))
            }
        }

        // The extensive form.
        Progress.phase("the extensive form over every future")
        var form = try Self.extensiveForm(models, probabilities: probabilities, ids: ids, regret: regret ? own_best : nil, name: ownModel.program.name)
        var solution = try SolveStrategy.solve(form.program, options: self.options, backend: backend)
        var verification = solution.status.hasSolution ? solution.verify(against: form.program) : nil
        var regretValue: Double?
        if regret, solution.status.hasSolution, let r = form.regretColumn {
            // Among plans reaching the least largest regret, the one of least expected cost.
            regretValue = solution.columnValues[r]
            let bound = regretValue! + 1e-7 * max(1, abs(regretValue!))
            let second = try Self.extensiveForm(models, probabilities: probabilities, ids: ids, regret: own_best, regretBound: bound, name: ownModel.program.name)
            let again = try SolveStrategy.solve(second.program, options: self.options, backend: backend)
            if again.status.hasSolution {
                form = second
                solution = again
                verification = again.verify(against: second.program)
            }
        }
        summary.method = "the extensive form: one \(form.program.isMIP ? "MIP" : "LP") over all \(F) futures (\(ReportText.money(Double(form.program.columnCount))) columns, \(form.program.integerCount) integer, \(ReportText.money(Double(form.program.rowCount))) rows)"
        guard solution.status.hasSolution else {
            var report = Report(model: ownModel, solution: nil, verification: nil,
                                explanation: solution.status == .infeasible ? ["no single capital programme meets every rule in every future (each future can be planned for on its own)"]
                                    : ["no plan over the futures found (\(solution.status.rawValue))"],
                                statistics: Report.SolverStatistics(program: form.program, solution: solution))
            report.provenance = Report.Provenance(scenario: scenario, options: options, method: solution.method.rawValue)
            if solution.status == .noSolutionInTime {
                report.status = ModelStatus.noSolutionInTime.rawValue
                report.explanation = ["the time limit ran out before any plan over the futures was found"]
            }
            report.robust = summary
            return report
        }
        let plan = form.optionColumns.map { solution.columnValues[$0] }
        return try finish(scenario, models: models, ownModel: ownModel, ownBest: own_best, plan: plan, summary: summary,
                          mean: (meanModel, meanSolution), status: solution.status, start: start, extensive: (form.program, solution, verification), regretValue: regretValue,
                          gapAllowance: self.options.mipGap)
    }

    /// The plan in every future and in the scenario's own demand, the measures and their checks.
    func finish(_ scenario: Scenario, models: [PlacementModel], ownModel: PlacementModel, ownBest found: [Double], plan: [Double],
                summary start_summary: Report.RobustSummary, mean: (model: PlacementModel, solution: Solution?), status: ModelStatus, start: ContinuousClock.Instant,
                extensive: (program: LinearProgram, solution: Solution, verification: Verification?)?, regretValue: Double?,
                gapAllowance allowedGap: Double) throws -> Report {
        let clock = ContinuousClock()
        var summary = start_summary
        var own_best = found
        let futures = scenario.futures, F = futures.count
        let probabilities = futures.map(\.probability)
        let regret = scenario.robustObjective == .regret

        // The plan in every future, and in the scenario's own demand.
        Progress.phase("the plan in each future")
        let evaluated = try Self.parallel(F + 1) { k in try evaluate(k < F ? models[k] : ownModel, plan: plan) }
        let futureReports = Array(evaluated.prefix(F))
        var report = evaluated[F]
        var rp = 0.0
        for (f, future) in futures.enumerated() {
            let r = futureReports[f]
            let cost = r.objective ?? .nan
            rp += future.probability * cost
            // The plan is a plan for this future too: its own best is never above the plan's cost there
            // (it can be, as found, when each future alone was solved only to the gap asked).
            if cost < own_best[f] { own_best[f] = cost }
            if !r.verification.passed { summary.failures.append("future \(future.id) with the plan: \(r.verification.summary)") }
            summary.futures.append(Report.FutureLine(
                id: future.id, name: future.name, probability: future.probability, cost: cost, ownBest: own_best[f],
                regret: cost - own_best[f] <= 1e-9 * max(1, abs(cost)) ? 0 : cost - own_best[f], unmetChildren: r.unmet.reduce(into: [Double](repeating: 0, count: r.years.count)) { acc, line in
                    for t in acc.indices { acc[t] += line.children[t] } },
                cumulativeDeficit: r.finance.map(\.cumulative), newPlacesUsed: Self.newPlacesUsed(r, scenario: scenario)))
        }
        let ws = zip(probabilities, own_best).reduce(0) { $0 + $1.0 * $1.1 }
        summary.waitAndSee = ws
        summary.expectedCost = rp
        summary.value = regret ? regretValue : rp
        // The plan's futures, re-evaluated one LP each, add up to the extensive form's objective.
        let extensiveExpected = regret ? nil : (extensive?.solution.objective ?? summary.upperBound)
        let tolerance = 1e-6 * max(1, abs(rp))
        if let e = extensiveExpected {
            let source = extensive == nil ? "the decomposition's upper bound" : "the extensive form's objective"
            if abs(e - rp) <= tolerance + abs(extensive?.solution.mipGap ?? 0) * abs(e) { summary.checks.append("the plan re-evaluated in each future (\(F) LPs) adds up to \(source)") }
            else { summary.failures.append("the futures' costs with the plan add up to \(rp), \(source) says \(e)") }
        }
        let maxRegret = summary.futures.map(\.regret).max() ?? 0
        if let r = regretValue {
            if abs(maxRegret - r) <= tolerance { summary.checks.append("the largest regret of the re-evaluated futures is the extensive form's") }
            else { summary.failures.append("the re-evaluated futures' largest regret \(maxRegret) differs from the extensive form's \(r)") }
        }
        let gapAllowance = allowedGap * max(abs(rp), abs(ws)) + tolerance
        if rp - ws >= -gapAllowance { summary.checks.append("EVPI ≥ 0") } else { summary.failures.append("EVPI = RP − WS = \(rp - ws) < 0") }
        summary.evpi = rp - ws

        // The mean future's best plan, in every future (EEV), with `expected`.
        if let meanSolution = mean.solution, meanSolution.status.hasSolution {
            Progress.phase("the mean future's plan in each future")
            let meanPlan = Self.optionRange(mean.model).map { meanSolution.columnValues[$0] }
            let reports = try Self.parallel(F) { try evaluate(models[$0], plan: meanPlan) }
            if let bad = reports.indices.first(where: { reports[$0].objective == nil }) {
                summary.eevNotDefined = "the mean future's plan has no placement plan in future \(futures[bad].id)"
            } else {
                let eev = zip(probabilities, reports).reduce(0) { $0 + $1.0 * ($1.1.objective ?? 0) }
                summary.meanFuturePlanCost = eev
                if !regret {
                    summary.vss = eev - rp
                    if eev - rp >= -gapAllowance { summary.checks.append("VSS ≥ 0") } else { summary.failures.append("VSS = EEV − RP = \(eev - rp) < 0") }
                }
            }
        } else {
            summary.eevNotDefined = "the mean future has no plan (\(mean.solution?.status.rawValue ?? "conflicting bounds"))"
        }
        summary.sentences = Self.sentences(summary, regret: regret)

        // The report: the plan in the scenario's own demand, the extensive form's solve and checks.
        report.status = status.rawValue
        if let extensive { report.solver = Report.SolverStatistics(program: extensive.program, solution: extensive.solution) }
        report.solver.solveSeconds = (clock.now - start).seconds
        var parts = [report.verification.summary]
        if let verification = extensive?.verification { parts.append("extensive form: \(verification.summary)") }
        let allPassed = report.verification.passed && (extensive == nil || extensive?.verification?.passed == true) && summary.failures.isEmpty
        parts.append(summary.failures.isEmpty ? "every future re-evaluated and checked; \(summary.checks.joined(separator: "; "))" : "FAILED: \(summary.failures.joined(separator: "; "))")
        report.verification.passed = allPassed
        report.verification.summary = parts.joined(separator: "; ")
        report.notes.insert("With \(F) futures the capital plan is shared and chosen over all of them (\(regret ? "least largest regret" : "least expected cost")); the costs, placements and finance below are the scenario's own demand with that plan, and each future's are in the futures table.", at: 0)
        for k in report.options.indices { report.options[k].comparison = "not worked out with futures: each comparison would be a plan over every future" }
        report.provenance = Report.Provenance(scenario: scenario, options: options, method: "\(extensive?.solution.method.rawValue ?? "GLPK branch and cut (master) and dual simplex (futures)"), \(summary.method)")
        summary.ownDemandCost = report.objective
        report.objective = summary.value
        if options.mipGap > 0 && !regret {
            summary.sentences.append("Each future alone was solved to within the gap asked (\(String(format: "%g", options.mipGap * 100))%), so WS and EVPI are within that too; a future's own best is the better of what was found and the plan's cost there.")
        }
        summary.sentences.append("The mean future's plan is the solver's choice among plans equally good for the mean future; EEV is that plan's expected cost.")
        report.robust = summary
        return report
    }
}
