/// Duals of a MIP from the LP with its integer columns fixed, solved by sifting: start from the
/// columns the MIP solution uses (and every column that is not a plain `[0, ∞)` one), solve that
/// small LP, price every other column with its duals in Swift, add those that price out, and
/// repeat until none does. Then the small LP's optimum is the full LP's, and the reduced costs
/// computed over *all* columns prove it (``Solution/verify(against:)`` checks them again).
enum FixedLPSifting {
    static func solve(_ program: LinearProgram, mip: Solution, timeLimit: Double?, backend: SolverBackend = .glpk, cancellation: Cancellation? = nil) -> Solution? {
        guard program.sense == .minimize, mip.columnValues.count == program.columnCount else { return nil }
        var fixed = program
        for j in 0..<fixed.columnCount where fixed.isInteger[j] {
            let value = max(fixed.columnLower[j], min(fixed.columnUpper[j], mip.columnValues[j].rounded()))
            fixed.columnLower[j] = value
            fixed.columnUpper[j] = value
            fixed.isInteger[j] = false
        }
        let active = (0..<fixed.columnCount).map { mip.columnValues[$0] > 1e-9 }
        guard var solution = Sifting.solve(fixed, active: active, timeLimit: timeLimit, backend: backend, cancellation: cancellation) else { return nil }
        solution.status = mip.status
        solution.outcome = mip.outcome
        solution.method = mip.method
        solution.mipGap = mip.mipGap
        solution.nodes = mip.nodes
        solution.dualsFromFixedLP = true
        return solution
    }
}

/// Sifting (column generation over a known column set) for an LP: solve the LP restricted to the
/// `active` columns (plus every column that is not a plain `[0, ∞)` one), price all the others
/// with its duals in Swift, add those with a negative reduced cost, repeat. When none prices out,
/// the restricted optimum is optimal for the whole LP; the returned reduced costs cover every column.
public enum Sifting {
    /// - Parameter leastAdded: the fewest columns a round adds (when that many price out); tests
    ///   set it low so small LPs take many rounds.
    public static func solve(_ program: LinearProgram, active initial: [Bool], timeLimit: Double?, backend: SolverBackend = .glpk, cancellation: Cancellation? = nil,
                             leastAdded: Int = 1000) -> Solution? {
        guard program.sense == .minimize, !program.isMIP, initial.count == program.columnCount else { return nil }
        let n = program.columnCount
        let clock = ContinuousClock()
        let start = clock.now
        let priced = (0..<n).map { program.columnLower[$0] == 0 && program.columnUpper[$0] == .infinity }
        var active = (0..<n).map { !priced[$0] || initial[$0] }
        let scale = max(1, program.objective.reduce(0) { max($0, abs($1)) })
        var iterations = 0
        // The restricted LP lives in one GLPK problem: later rounds add columns and re-optimise
        // from the previous basis.
        var columns = (0..<n).filter { active[$0] }
        var builder = LinearProgram.Builder(name: "sifting")
        for j in columns {
            builder.addColumn(name: "", lower: program.columnLower[j], upper: program.columnUpper[j], cost: program.objective[j])
        }
        for i in 0..<program.rowCount { builder.addRow(name: "", lower: program.rowLower[i], upper: program.rowUpper[i]) }
        for (k, j) in columns.enumerated() {
            for e in program.columnStart[j]..<program.columnStart[j + 1] { builder.add(row: program.rowIndex[e], column: k, program.value[e]) }
        }
        builder.setObjectiveConstant(program.objectiveConstant)
        guard let restricted = try? builder.build(), let solver = try? backend.make(restricted) else { return nil }
        var presolve = true
        var removals = [UInt8](repeating: 0, count: n), removed = 0
        for _ in 0..<200 {
            // Cancelled (a newer edit on the what-if page): stop between rounds.
            if cancellation?.isCancelled == true { return nil }
            // The limit holds for the whole solve, not only each round.
            if let timeLimit, (clock.now - start).seconds >= timeLimit { return nil }
            let remaining = timeLimit.map { max(0.1, $0 - (clock.now - start).seconds) }
            var restrictedOptions = SolverOptions(lpMethod: .primalSimplex, presolve: presolve, timeLimit: remaining)
            restrictedOptions.textbookPricing = true
            guard let small = try? solver.solve(restrictedOptions),
                  small.status == .optimal, small.hasDuals else { return nil }
            presolve = false
            iterations += small.iterations
            Progress.report("sifting: \(columns.count) of \(n) columns in the restricted LP, \(iterations) simplex iterations")
            let (reduced, entering) = price(program, duals: small.rowDuals, priced: priced, active: active, scale: scale, keep: max(leastAdded, columns.count / 20))
            if entering.isEmpty {
                var solution = whole(program, columns: columns, restricted: small, reduced: reduced, iterations: iterations, seconds: (clock.now - start).seconds)
                solution.siftingRemovals = removed
                return solution
            }
            // Columns that price well above zero leave the restricted LP, so it stays near the size
            // of its basis and each simplex iteration stays cheap: above a tenth of the most
            // negative entering reduced cost (so nonbasic: basic columns price at 0), at value 0.
            // A column leaves at most twice, so the rounds end. Measured end to end on the 5-age
            // bench model: 10.6 s without, 7.6 s with (3 s: 7.8, 1: 10.1 s, 0.03: 7.9 s); on the
            // model without ages 0.73 against 0.56 s.
            if let most = entering.first?.1 {
                // (Never below a ten-millionth of the largest cost: a basic column's d is 0 up to rounding.)
                let threshold = max(-0.1 * most, 1e-7 * scale)
                var leaving = [Bool](repeating: false, count: columns.count), removing: [Int] = []
                for (k, j) in columns.enumerated() where priced[j] && removals[j] < 2 && small.columnValues[k] == 0 && reduced[j] > threshold {
                    leaving[k] = true
                    removing.append(k)
                    removals[j] += 1
                    active[j] = false
                }
                if !removing.isEmpty {
                    guard (try? solver.removeColumns(removing)) != nil else { return nil }
                    removed += removing.count
                    columns = columns.indices.filter { !leaving[$0] }.map { columns[$0] }
                }
            }
            // Add the most negative columns: a twentieth of the restricted LP's size, at least a
            // thousand. Measured on the 5-age bench model: a fifth a round grew the restricted LP
            // to 164k columns and took 13.1 s, a twentieth to 96k and 9.7 s; the others alike.
            let adding = entering.map(\.0).sorted()
            for j in adding { active[j] = true }
            columns += adding
            let entries = adding.map { j in (program.columnStart[j]..<program.columnStart[j + 1]).map { (row: program.rowIndex[$0], value: program.value[$0]) } }
            guard (try? solver.addColumns(lower: adding.map { program.columnLower[$0] }, upper: adding.map { program.columnUpper[$0] },
                                          cost: adding.map { program.objective[$0] }, entries: entries)) != nil else { return nil }
        }
        return nil
    }
}

extension Sifting {
    /// Every column priced with the restricted LP's duals, d = c − Aᵀy, and the `keep` priced
    /// columns not yet in it with the most negative d (they would lower the cost most), most
    /// negative first, ties by column.
    static func price(_ program: LinearProgram, duals y: [Double], priced: [Bool], active: [Bool], scale: Double, keep: Int) -> (reduced: [Double], entering: [(Int, Double)]) {
        let reduced = program.reducedCosts(y)
        var entering: [(Int, Double)] = []
        for (j, d) in reduced.enumerated() where priced[j] && !active[j] && d < -1e-9 * scale { entering.append((j, d)) }
        if entering.count > keep {
            // The keep-th smallest d by selection (linear), then only those at or below it are sorted.
            var values = entering.map(\.1)
            let threshold = select(&values, keep - 1)
            var below = entering.filter { $0.1 < threshold }
            for candidate in entering where candidate.1 == threshold && below.count < keep { below.append(candidate) }
            entering = below
        }
        entering.sort { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return (reduced, entering)
    }

    /// The `k`-th smallest of `values` (0-based) by quickselect; reorders `values`.
    static func select(_ values: inout [Double], _ k: Int) -> Double {
        var low = 0, high = values.count - 1
        while low < high {
            let pivot = values[low + (high - low) / 2]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j { values.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { high = j } else if k >= i { low = i } else { return values[k] }
        }
        return values[k]
    }

    /// The restricted optimum as the whole LP's solution: every column (0 for those left out,
    /// `fixed` at their values), the duals, and the reduced costs of every column.
    static func whole(_ program: LinearProgram, columns: [Int], restricted small: Solution, reduced: [Double], iterations: Int,
                      seconds: Double, fixed: [(column: Int, value: Double)] = []) -> Solution {
        var solution = Solution(status: .optimal, outcome: .completed, method: .sifting)
        solution.columnValues = [Double](repeating: 0, count: program.columnCount)
        for (k, j) in columns.enumerated() { solution.columnValues[j] = small.columnValues[k] }
        for (j, value) in fixed { solution.columnValues[j] = value }
        solution.rowActivities = program.rowActivities(solution.columnValues)
        solution.rowDuals = small.rowDuals
        solution.reducedCosts = reduced
        solution.objective = small.objective
        solution.hasDuals = true
        solution.iterations = iterations
        solution.solveSeconds = seconds
        return solution
    }
}

/// Sifting kept between solves of one LP whose bounds change: the decomposition's subproblem,
/// the placement LP at one plan after another. The restricted LP stays in one GLPK problem with
/// its basis and its columns; a new plan changes the fixed columns' bounds, the dual simplex
/// re-optimises from the last basis (still dual feasible: only bounds moved), every column is
/// priced in Swift, and those that price out join as in ``Sifting``.
///
/// It holds a GLPK problem: make, use and drop it on one thread.
final class WarmSifting {
    let program: LinearProgram
    private let solver: any LPSolver
    private var columns: [Int]
    private var position: [Int]
    private var active: [Bool]
    private let priced: [Bool]
    private let scale: Double
    private var solvedOnce = false
    private let backend: SolverBackend

    /// Nil when the LP is not one sifting takes (a MIP, a maximisation) or GLPK refuses it.
    init?(_ program: LinearProgram, active initial: [Bool], backend: SolverBackend) {
        guard program.sense == .minimize, !program.isMIP, initial.count == program.columnCount else { return nil }
        let n = program.columnCount
        self.program = program
        priced = (0..<n).map { program.columnLower[$0] == 0 && program.columnUpper[$0] == .infinity }
        active = (0..<n).map { [priced] in !priced[$0] || initial[$0] }
        scale = max(1, program.objective.reduce(0) { max($0, abs($1)) })
        columns = (0..<n).filter { [active] in active[$0] }
        position = [Int](repeating: -1, count: n)
        for (k, j) in columns.enumerated() { position[j] = k }
        var builder = LinearProgram.Builder(name: "warm-sifting")
        for j in columns { builder.addColumn(name: "", lower: program.columnLower[j], upper: program.columnUpper[j], cost: program.objective[j]) }
        for i in 0..<program.rowCount { builder.addRow(name: "", lower: program.rowLower[i], upper: program.rowUpper[i]) }
        for (k, j) in columns.enumerated() {
            for e in program.columnStart[j]..<program.columnStart[j + 1] { builder.add(row: program.rowIndex[e], column: k, program.value[e]) }
        }
        builder.setObjectiveConstant(program.objectiveConstant)
        guard let restricted = try? builder.build(), let solver = try? backend.make(restricted) else { return nil }
        self.solver = solver
        self.backend = backend
    }

    /// The LP with each of `fixed`'s columns (columns that are not priced: not `[0, ∞)` in
    /// ``program``) fixed at its value; nil when it does not solve to an optimum in time.
    func solve(fixing fixed: [(column: Int, value: Double)], timeLimit: Double?, cancellation: Cancellation?) -> Solution? {
        let n = program.columnCount
        let clock = ContinuousClock()
        let start = clock.now
        for (j, value) in fixed {
            guard position[j] >= 0, (try? solver.setColumnBounds(column: position[j], lower: value, upper: value)) != nil else { return nil }
        }
        var method: SolverOptions.LPMethod = solvedOnce ? .dualSimplex : .primalSimplex
        var iterations = 0
        for _ in 0..<200 {
            if cancellation?.isCancelled == true { return nil }
            // The limit holds for the whole solve, not only each round.
            if let timeLimit, (clock.now - start).seconds >= timeLimit { return nil }
            let remaining = timeLimit.map { max(0.1, $0 - (clock.now - start).seconds) }
            // No presolve, ever: a presolved solve here once gave duals whose cuts were wrong (see RobustDecomposition).
            var restrictedOptions = SolverOptions(lpMethod: method, presolve: false, timeLimit: remaining)
            restrictedOptions.textbookPricing = true
            guard let small = try? solver.solve(restrictedOptions) else { return nil }
            if small.status == .infeasible {
                // Infeasible with columns left out says nothing of the whole LP: GLPK solves the
                // whole LP once, apart; infeasible there is the answer, and otherwise the columns
                // its plan uses join (the restricted LP stays small and is then feasible).
                if !active.contains(false) { return Solution(status: .infeasible, outcome: .completed, method: .sifting) }
                var whole = program
                for (j, value) in fixed { whole.columnLower[j] = value; whole.columnUpper[j] = value }
                let remaining = timeLimit.map { max(0.1, $0 - (clock.now - start).seconds) }
                guard let apart = try? backend.make(whole).solve(SolverOptions(lpMethod: .dualSimplex, presolve: true, timeLimit: remaining)) else { return nil }
                if apart.status == .infeasible { return Solution(status: .infeasible, outcome: .completed, method: .sifting) }
                guard apart.status == .optimal else { return nil }
                let used = (0..<n).filter { !active[$0] && apart.columnValues[$0] > 1e-9 }
                guard !used.isEmpty, add(used) else { return nil }
                method = .primalSimplex
                continue
            }
            guard small.status == .optimal, small.hasDuals else { return nil }
            solvedOnce = true
            // After new columns the primal simplex continues (the basis stays primal feasible).
            method = .primalSimplex
            iterations += small.iterations
            let (reduced, entering) = Sifting.price(program, duals: small.rowDuals, priced: priced, active: active, scale: scale, keep: max(1000, columns.count / 20))
            if entering.isEmpty {
                return Sifting.whole(program, columns: columns, restricted: small, reduced: reduced, iterations: iterations,
                                     seconds: (clock.now - start).seconds, fixed: fixed)
            }
            guard add(entering.map(\.0).sorted()) else { return nil }
        }
        return nil
    }

    /// Puts these columns into the restricted LP (those not in it yet): where the next solve starts.
    func include(_ wanted: [Int]) {
        let adding = wanted.filter { !active[$0] }
        if !adding.isEmpty { _ = add(adding) }
    }

    /// Puts columns of ``program`` into the restricted LP.
    private func add(_ adding: [Int]) -> Bool {
        for (k, j) in adding.enumerated() { active[j] = true; position[j] = columns.count + k }
        columns += adding
        let entries = adding.map { j in (program.columnStart[j]..<program.columnStart[j + 1]).map { (row: program.rowIndex[$0], value: program.value[$0]) } }
        return (try? solver.addColumns(lower: adding.map { program.columnLower[$0] }, upper: adding.map { program.columnUpper[$0] },
                                       cost: adding.map { program.objective[$0] }, entries: entries)) != nil
    }
}
