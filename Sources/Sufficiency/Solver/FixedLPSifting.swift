/// Duals of a MIP from the LP with its integer columns fixed, solved by sifting: start from the
/// columns the MIP solution uses (and every column that is not a plain `[0, ∞)` one), solve that
/// small LP, price every other column with its duals in Swift, add those that price out, and
/// repeat until none does. Then the small LP's optimum is the full LP's, and the reduced costs
/// computed over *all* columns prove it (``Solution/verify(against:)`` checks them again).
enum FixedLPSifting {
    static func solve(_ program: LinearProgram, mip: Solution, timeLimit: Double?) -> Solution? {
        guard program.sense == .minimize, mip.columnValues.count == program.columnCount else { return nil }
        var fixed = program
        for j in 0..<fixed.columnCount where fixed.isInteger[j] {
            let value = max(fixed.columnLower[j], min(fixed.columnUpper[j], mip.columnValues[j].rounded()))
            fixed.columnLower[j] = value
            fixed.columnUpper[j] = value
            fixed.isInteger[j] = false
        }
        let n = fixed.columnCount
        // Columns priced: plain [0, ∞) ones; the rest are always in.
        let priced = (0..<n).map { fixed.columnLower[$0] == 0 && fixed.columnUpper[$0] == .infinity }
        var active = (0..<n).map { !priced[$0] || mip.columnValues[$0] > 1e-9 }
        let scale = max(1, fixed.objective.reduce(0) { max($0, abs($1)) })
        for _ in 0..<50 {
            let columns = (0..<n).filter { active[$0] }
            var builder = LinearProgram.Builder(name: "sifting")
            for j in columns {
                builder.addColumn(name: "", lower: fixed.columnLower[j], upper: fixed.columnUpper[j], cost: fixed.objective[j])
            }
            for i in 0..<fixed.rowCount { builder.addRow(name: "", lower: fixed.rowLower[i], upper: fixed.rowUpper[i]) }
            for (k, j) in columns.enumerated() {
                for e in fixed.columnStart[j]..<fixed.columnStart[j + 1] { builder.add(row: fixed.rowIndex[e], column: k, fixed.value[e]) }
            }
            builder.setObjectiveConstant(fixed.objectiveConstant)
            guard let restricted = try? builder.build(), let solver = try? GLPKSolver(program: restricted),
                  let small = try? solver.solve(SolverOptions(lpMethod: .primalSimplex, presolve: true, timeLimit: timeLimit)),
                  small.status == .optimal, small.hasDuals else { return nil }
            // Price every column: d = c − Aᵀy.
            let y = small.rowDuals
            var reduced = [Double](repeating: 0, count: n)
            var entering: [(Int, Double)] = []
            for j in 0..<n {
                var d = fixed.objective[j]
                for e in fixed.columnStart[j]..<fixed.columnStart[j + 1] { d -= fixed.value[e] * y[fixed.rowIndex[e]] }
                reduced[j] = d
                if priced[j] && !active[j] && d < -1e-9 * scale { entering.append((j, d)) }
            }
            if entering.isEmpty {
                var solution = mip
                solution.columnValues = [Double](repeating: 0, count: n)
                for (k, j) in columns.enumerated() { solution.columnValues[j] = small.columnValues[k] }
                solution.rowActivities = fixed.rowActivities(solution.columnValues)
                solution.rowDuals = y
                solution.reducedCosts = reduced
                solution.objective = small.objective
                solution.hasDuals = true
                solution.dualsFromFixedLP = true
                return solution
            }
            // Add the most negative columns, at least a thousand at a time.
            entering.sort { $0.1 < $1.1 }
            for (j, _) in entering.prefix(max(1000, columns.count / 10)) { active[j] = true }
        }
        return nil
    }
}
