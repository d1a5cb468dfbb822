import Foundation

/// The capital comparisons of SPEC §4, at every model size: the plan without the programme, each
/// chosen option's yearly saving and payback (the programme without it and without the chosen
/// options that require it), and each rejected option's extra cost.
///
/// They are cheap because the capital decisions are fixed: each comparison is the placement LP
/// with the option columns set to the programme and changed where the comparison says, solved
/// warm — from the optimal basis in one GLPK problem for models up to
/// ``ScenarioSolver/autoSiftingColumns`` columns, by sifting from the plan's own placements
/// above that. A rejected option is tried in each year it may open, the years in order of the
/// lower bound the optimal plan's reduced costs give (weak duality: the LP cannot get cheaper
/// than objective + Σ d_j Δ_j), and a year whose bound cannot beat the best found is not solved.
/// On models of at most ``ScenarioSolver/exactComparisonColumns`` columns a rejected option's extra
/// cost is the exact "best plan that builds it" (``bestPlanOpening(_:in:)``, a MIP per opening year) instead.
struct OptionComparisons {
    let model: PlacementModel
    let options: SolverOptions
    let backend: SolverBackend
    /// The placement LP with every option column fixed at the programme.
    let base: LinearProgram
    /// The programme: each option column's value in the plan.
    let plan: [Double]
    /// The plan's placements, where sifting starts.
    let support: [Bool]
    let large: Bool
    /// The warm GLPK problem of a small model (bounds changed and put back per comparison).
    var warm: (any LPSolver)?
    /// The most options compared (each is up to one LP per opening year).
    static let maxOptions = 200

    init(model: PlacementModel, solution: Solution, options: SolverOptions, backend: SolverBackend) {
        self.model = model
        self.backend = backend
        var lpOptions = options
        lpOptions.relax = false
        if lpOptions.lpMethod == .interior { lpOptions.lpMethod = .primalSimplex }
        self.options = lpOptions
        var fixed = model.program
        var plan = [Double](repeating: 0, count: fixed.columnCount)
        let optionColumns = model.optionColumnStart.first.map { $0..<model.optionColumnStart.last! } ?? 0..<0
        for j in optionColumns {
            let value = fixed.isInteger[j] ? solution.columnValues[j].rounded() : solution.columnValues[j]
            plan[j] = max(fixed.columnLower[j], min(fixed.columnUpper[j], value))
            fixed.columnLower[j] = plan[j]
            fixed.columnUpper[j] = plan[j]
            fixed.isInteger[j] = false
        }
        base = fixed
        self.plan = plan
        large = fixed.columnCount > ScenarioSolver.autoSiftingColumns
        var active = ScenarioSolver.cheapestPlacements(model)
        for j in 0..<model.placementCount where solution.columnValues[j] > 1e-9 { active[j] = true }
        support = active
    }

    /// The placement LP with the option columns in `changes` set to their new values.
    mutating func solve(_ changes: [Int: Double]) throws -> (solution: Solution, program: LinearProgram) {
        var program = base
        for (j, value) in changes { program.columnLower[j] = value; program.columnUpper[j] = value }
        var lp = options
        lp.timeLimit = options.secondsLeft
        if large {
            if let sifted = Sifting.solve(program, active: support, timeLimit: lp.secondsLeft, backend: backend, cancellation: lp.cancellation) { return (sifted, program) }
            return (try SolveStrategy.solve(program, options: lp, backend: backend), program)
        }
        if warm == nil {
            warm = try backend.make(base)
        } else {
            lp.presolve = false
        }
        let solver = warm!
        for (j, value) in changes { try solver.setColumnBounds(column: j, lower: value, upper: value) }
        defer { for j in changes.keys { try? solver.setColumnBounds(column: j, lower: base.columnLower[j], upper: base.columnUpper[j]) } }
        var solution = try solver.solve(lp)
        if solution.status != .optimal && solution.status != .infeasible {
            // A warm start that stopped short: once more from scratch.
            solution = try SolveStrategy.solve(program, options: options, backend: backend)
        }
        return (solution, program)
    }

    /// The report of one comparison's plan.
    func reportOf(_ solved: (solution: Solution, program: LinearProgram)) -> Report {
        let verification = solved.solution.status.hasSolution ? solved.solution.verify(against: solved.program) : nil
        var statistics = Report.SolverStatistics(program: solved.program, solution: solved.solution)
        statistics.solveSeconds = nil
        return Report(model: model, solution: solved.solution, verification: verification, explanation: [], statistics: statistics)
    }

    /// The best plan that opens option `o` in year `t`, the whole programme re-optimised (a MIP).
    func bestPlanOpening(_ o: Int, in t: Int) throws -> Report {
        var program = model.program
        let column = columns(o).lowerBound + t - model.scenario.capitalOptions[o].earliestYear
        // An option dearer than the budget cannot be forced open: that plan does not exist.
        guard program.columnUpper[column] >= 1 else {
            return Report(model: model, solution: nil, verification: nil, explanation: ["over the capital budget"], statistics: Report.SolverStatistics(program: program, solution: nil))
        }
        program.columnLower[column] = 1
        return reportOf((try SolveStrategy.solve(program, options: options, backend: backend), program))
    }

    /// Columns of option `o`.
    func columns(_ o: Int) -> Range<Int> { model.optionColumnStart[o]..<model.optionColumnStart[o + 1] }

    /// Options that require `o`, directly or through others.
    func dependants(of o: Int) -> [Int] {
        let all = model.scenario.capitalOptions
        return reachable(from: o) { next in all.indices.filter { all[$0].requires.contains(next) } }
    }

    /// Options `o` requires, directly or through others.
    func requirements(of o: Int) -> [Int] {
        reachable(from: o) { model.scenario.capitalOptions[$0].requires }
    }

    /// Every option reached from `o` by following `step`, `o` itself left out, sorted.
    private func reachable(from o: Int, _ step: (Int) -> [Int]) -> [Int] {
        var found: Set<Int> = [], frontier = [o]
        while let next = frontier.popLast() {
            for p in step(next) where p != o && found.insert(p).inserted { frontier.append(p) }
        }
        return found.sorted()
    }

    /// Fills in the comparisons on `report` (the optimal plan's).
    mutating func add(to report: inout Report, mip: Bool) throws {
        let s = model.scenario, T = s.years.count
        let outOfTime = "not worked out: the time limit ran out first"
        func stamp(_ indices: [Int], _ text: String) { for k in indices where report.options[k].comparison == nil { report.options[k].comparison = text } }
        guard !options.outOfTime else { stamp(Array(report.options.indices), outOfTime); return }

        // Options the scenario decides (decision off or forced) are no choice of the plan's.
        for o in s.capitalOptions.indices {
            switch s.capitalOptions[o].decision {
            case .forced: report.options[o].comparison = "forced in the scenario (decision: forced): built whatever it saves, the year chosen by the plan"
            case .off: report.options[o].comparison = "switched off in the scenario (decision: off): not considered"
            case .on: break
            }
        }
        let decided = Set(s.capitalOptions.indices.filter { s.capitalOptions[$0].decision != .on })
        // Without the programme: every option the plan chose closed (forced ones kept).
        var closed: [Int: Double] = [:]
        for o in s.capitalOptions.indices where !decided.contains(o) { for j in columns(o) { closed[j] = 0 } }
        let without = reportOf(try solve(closed))
        report.withoutOptions = without.asAlternative
        let withSpend = report.spendWithUnmet
        let chosen = report.options.indices.filter { report.options[$0].chosen && !decided.contains($0) }
        for (k, o) in chosen.enumerated() {
            Progress.report("option comparisons: payback of chosen option \(k + 1) of \(chosen.count)")
            guard k < Self.maxOptions else { stamp([o], "not worked out: more than \(Self.maxOptions) options chosen"); continue }
            guard !options.outOfTime else { stamp(chosen, outOfTime); break }
            guard let opening = report.options[o].openingYear, let t0 = s.years.firstIndex(of: opening) else { continue }
            let group = [o] + dependants(of: o).filter { report.options[$0].chosen }
            var changes: [Int: Double] = [:]
            for p in group { for j in columns(p) { changes[j] = 0 } }
            let alternative = reportOf(try solve(changes))
            let names = group.dropFirst().map { s.capitalOptions[$0].id }
            report.options[o].savingIncludes = names
            let what = names.isEmpty ? "the programme without it" : "the programme without it and \(names.joined(separator: ", ")), which require\(names.count == 1 ? "s" : "") it"
            guard alternative.costs != nil else {
                report.options[o].comparison = "\(what) has no plan (\(alternative.status)): the programme needs it to meet every rule"
                continue
            }
            let withoutSpend = alternative.spendWithUnmet
            let saving = (t0..<T).reduce(0.0) { $0 + withoutSpend[$1] - withSpend[$1] } / Double(T - t0)
            let capital = group.reduce(0.0) { $0 + report.options[$1].amount * s.capitalOptions[$1].capitalCost }
            report.options[o].yearlySaving = saving
            report.options[o].paybackYears = saving > 1e-6 ? capital / saving : nil
            // Children it places who would otherwise have no place: the plan builds it for them
            // (each unplaced child costs the unmet penalty in the model), whatever the money says.
            let placedByIt = (t0..<T).reduce(0.0) { $0 + alternative.finance[$1].unmetChildren - report.finance[$1].unmetChildren } / Double(T - t0)
            var text = "against \(what), placements re-optimised"
            if placedByIt > 0.05 {
                text += "; without it \(ReportText.children(placedByIt)) more children a year would have no place (the saving counts each at their cost if placed)"
            }
            if saving <= 1e-6 { text += "; it saves no money a year, so no payback" + (placedByIt > 0.05 ? ": it is built to place children" : "") }
            report.options[o].comparison = text
        }

        // Options not chosen: the extra cost of building it (best opening year).
        guard let objective = report.objective else { return }
        let rejected = report.options.indices.filter { !report.options[$0].chosen && !s.capitalOptions[$0].fractional && !decided.contains($0) }
        let baseSolution = try solve([:])
        let reduced = baseSolution.solution.hasDuals ? baseSolution.solution.reducedCosts : []
        for (k, o) in rejected.enumerated() {
            Progress.report("option comparisons: extra cost of rejected option \(k + 1) of \(rejected.count)")
            guard k < Self.maxOptions else { stamp([o], "not worked out: more than \(Self.maxOptions) options rejected"); continue }
            guard !options.outOfTime else { stamp(rejected, outOfTime); break }
            let option = s.capitalOptions[o]
            var best: (cost: Double, year: Int)?
            var reasons: Set<String> = []
            if mip {
                for t in option.earliestYear...option.latestYear {
                    guard !options.outOfTime else { break }
                    let forced = try bestPlanOpening(o, in: t)
                    if let other = forced.objective, forced.status == ModelStatus.optimal.rawValue, other < (best?.cost ?? .infinity) { best = (other, t) }
                    else if forced.objective == nil { reasons.insert(forced.explanation.first ?? forced.status) }
                }
                if let best { report.options[o].comparison = "the best plan that builds it (in \(s.years[best.year])), the whole programme re-optimised" }
            } else {
                // Each opening year as changes to the programme, with its lower bound.
                var trials: [(year: Int, changes: [Int: Double], bound: Double)] = []
                for t in option.earliestYear...option.latestYear {
                    guard let changes = opening(o, in: t, report: report, reasons: &reasons) else { continue }
                    let bound = reduced.isEmpty ? 0 : changes.reduce(0.0) { $0 + reduced[$1.key] * ($1.value - plan[$1.key]) }
                    trials.append((t, changes, bound))
                }
                for trial in trials.sorted(by: { ($0.bound, $0.year) < ($1.bound, $1.year) }) {
                    guard !options.outOfTime else { break }
                    if let best, objective + trial.bound >= best.cost - 1e-9 * max(1, abs(best.cost)) { break }
                    let solved = try solve(trial.changes)
                    if solved.solution.status == .optimal, solved.solution.verify(against: solved.program).passed {
                        if solved.solution.objective < (best?.cost ?? .infinity) { best = (solved.solution.objective, trial.year) }
                    } else {
                        reasons.insert("in \(s.years[trial.year]) no plan meets every rule (\(solved.solution.status.rawValue))")
                    }
                }
                if let best {
                    report.options[o].comparison = "the programme with it added in its best year (\(s.years[best.year])), placements re-optimised; the other options kept as chosen (the whole MIP is re-solved only up to \(ScenarioSolver.autoComparisonColumns) columns)"
                }
            }
            if let best {
                report.options[o].savingNeeded = max(0, best.cost - objective)
                if best.cost < objective - 1e-7 * max(1, abs(objective)) {
                    report.options[o].comparison = (report.options[o].comparison ?? "") + "; building it would make the plan \(ReportText.pounds(objective - best.cost)) cheaper (present value): the plan is within the MIP gap, not a proven optimum"
                }
            } else if options.outOfTime {
                report.options[o].comparison = outOfTime
            } else {
                report.options[o].comparison = "no plan can build it: " + (reasons.isEmpty ? "no year it may open in" : reasons.sorted().joined(separator: "; "))
            }
        }
    }

    /// The option columns to change so that option `o` opens in year `t` with the rest of the
    /// programme: what it requires opened by then (in `t` when not already), what it excludes
    /// closed (with the options that require those). Nil, with a reason, when that cannot be.
    func opening(_ o: Int, in t: Int, report: Report, reasons: inout Set<String>) -> [Int: Double]? {
        let s = model.scenario
        var changes: [Int: Double] = [:]
        func open(_ p: Int, _ year: Int) { for j in columns(p) { changes[j] = j - columns(p).lowerBound + s.capitalOptions[p].earliestYear == year ? 1 : 0 } }
        func openingYear(_ p: Int) -> Int? { report.options[p].openingYear.flatMap { s.years.firstIndex(of: $0) } }
        open(o, t)
        var opened = [o]
        for p in requirements(of: o) {
            if let year = openingYear(p), year <= t, report.options[p].amount >= 1 - 1e-6 { continue }
            let option = s.capitalOptions[p]
            if option.decision == .off { reasons.insert("it needs \(option.id), which the scenario switches off"); return nil }
            guard option.earliestYear <= t && t <= option.latestYear else {
                reasons.insert("in \(s.years[t]) it needs \(option.id), which cannot open by then")
                return nil
            }
            open(p, t)
            opened.append(p)
        }
        // Excluded options the programme has: closed, with what requires them.
        for p in opened {
            let excluded = s.capitalOptions.indices.filter { s.capitalOptions[p].excludes.contains($0) || s.capitalOptions[$0].excludes.contains(p) }
            for q in excluded {
                if opened.contains(q) {
                    reasons.insert("it needs \(s.capitalOptions[q].id), which it excludes"); return nil
                }
                if s.capitalOptions[q].decision == .forced {
                    reasons.insert("it excludes \(s.capitalOptions[q].id), which the scenario forces"); return nil
                }
                for r in [q] + dependants(of: q) where report.options[r].chosen {
                    if opened.contains(r) { reasons.insert("it needs \(s.capitalOptions[r].id), which requires an option it excludes"); return nil }
                    for j in columns(r) { changes[j] = 0 }
                }
            }
        }
        return changes
    }
}
