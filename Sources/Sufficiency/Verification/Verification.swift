/// The result of re-checking a ``Solution`` against its ``LinearProgram`` in Swift.
public struct Verification: Sendable, Equatable, Codable {
    /// One check that failed, with the amount it failed by and the tolerance it was held to.
    public struct Failure: Sendable, Equatable, Codable, CustomStringConvertible {
        public enum Kind: String, Sendable, Equatable, Codable {
            case rowBound = "row bound"
            case columnBound = "column bound"
            case integrality
            case objective
            case reducedCost = "reduced cost"
            case dualFeasibility = "dual feasibility"
            case complementarySlackness = "complementary slackness"
            case missingValues = "missing values"
        }
        public var kind: Kind
        public var name: String
        public var amount: Double
        public var tolerance: Double
        public var description: String {
            "\(kind.rawValue) violated at \(name): by \(formatGeneral(amount)) (tolerance \(formatGeneral(tolerance)))"
        }
    }

    public var failures: [Failure] = []
    /// Largest violation of a row or column bound, in the model's units.
    public var maxPrimalViolation = 0.0
    public var maxIntegralityViolation = 0.0
    /// |objective recomputed in Swift − objective reported by the solver|.
    public var objectiveError = 0.0
    public var maxDualViolation = 0.0
    public var maxComplementarityViolation = 0.0
    /// Whether dual feasibility and complementary slackness were checked.
    public var checkedDuals = false
    /// Number of checks made (rows, columns and dual conditions).
    public var checks = 0

    public var passed: Bool { failures.isEmpty }

    /// A one-line summary for reports.
    public var summary: String {
        if passed {
            return "passed: \(checks) checks, max primal violation \(formatGeneral(maxPrimalViolation))"
                + (checkedDuals ? ", duals checked (max violation \(formatGeneral(max(maxDualViolation, maxComplementarityViolation))))" : "")
        }
        return "FAILED: \(failures.count) check(s); first: \(failures[0])"
    }
}

extension Solution {
    /// Re-checks this solution against `program` in Swift: every row activity recomputed from the
    /// matrix and held to its bounds, every column bound and integrality, the objective, and for
    /// LPs (or a MIP's LP with integers fixed) the reduced costs, dual feasibility and
    /// complementary slackness. Tolerances are relative to the size of the data they check.
    ///
    /// - Parameter tolerance: relative tolerance for primal checks; dual checks use the same.
    public func verify(against program: LinearProgram, tolerance: Double = 1e-6) -> Verification {
        var result = Verification()
        let n = program.columnCount, m = program.rowCount
        guard columnValues.count == n else {
            result.failures.append(.init(kind: .missingValues, name: "columns", amount: Double(abs(columnValues.count - n)), tolerance: 0))
            return result
        }
        let maxFailures = 50
        func fail(_ kind: Verification.Failure.Kind, _ name: String, _ amount: Double, _ tol: Double) {
            if result.failures.count < maxFailures { result.failures.append(.init(kind: kind, name: name, amount: amount, tolerance: tol)) }
        }
        let x = columnValues
        // Row activities and their magnitude (for scaling the tolerance).
        var activity = [Double](repeating: 0, count: m)
        var magnitude = [Double](repeating: 0, count: m)
        // The largest coefficient of each row: a value within tolerance of its bound (an interior
        // point's 1e-10 for a zero) still moves a row in pounds by that much times it.
        var largest = [Double](repeating: 0, count: m)
        for j in 0..<n {
            for k in program.columnStart[j]..<program.columnStart[j + 1] {
                let term = program.value[k] * x[j]
                activity[program.rowIndex[k]] += term
                magnitude[program.rowIndex[k]] += abs(term)
                largest[program.rowIndex[k]] = max(largest[program.rowIndex[k]], abs(program.value[k]))
            }
        }
        var rowTolerance = [Double](repeating: 0, count: m)
        for i in 0..<m {
            let lower = program.rowLower[i], upper = program.rowUpper[i]
            let scale = max(1, magnitude[i], largest[i], lower.isFinite ? abs(lower) : 0, upper.isFinite ? abs(upper) : 0)
            rowTolerance[i] = tolerance * scale
            let violation = max(lower.isFinite ? lower - activity[i] : 0, upper.isFinite ? activity[i] - upper : 0, 0)
            result.maxPrimalViolation = max(result.maxPrimalViolation, violation)
            if violation > rowTolerance[i] { fail(.rowBound, program.rowNames[i], violation, rowTolerance[i]) }
            result.checks += 1
        }
        var columnTolerance = [Double](repeating: 0, count: n)
        for j in 0..<n {
            let lower = program.columnLower[j], upper = program.columnUpper[j]
            columnTolerance[j] = tolerance * max(1, abs(x[j]))
            let violation = max(lower.isFinite ? lower - x[j] : 0, upper.isFinite ? x[j] - upper : 0, 0)
            result.maxPrimalViolation = max(result.maxPrimalViolation, violation)
            if violation > columnTolerance[j] { fail(.columnBound, program.columnNames[j], violation, columnTolerance[j]) }
            if program.isInteger[j] {
                let gap = abs(x[j] - x[j].rounded())
                result.maxIntegralityViolation = max(result.maxIntegralityViolation, gap)
                if gap > 1e-5 { fail(.integrality, program.columnNames[j], gap, 1e-5) }
            }
            result.checks += 1
        }
        var objectiveMagnitude = abs(program.objectiveConstant)
        for j in 0..<n { objectiveMagnitude += abs(program.objective[j] * x[j]) }
        let recomputed = program.objectiveValue(x)
        result.objectiveError = abs(recomputed - objective)
        let objectiveTolerance = 1e-9 * max(1, objectiveMagnitude)
        if result.objectiveError > objectiveTolerance { fail(.objective, "objective", result.objectiveError, objectiveTolerance) }
        result.checks += 1

        guard hasDuals, rowDuals.count == m, reducedCosts.count == n else { return result }
        result.checkedDuals = true
        // Each complementarity product d·(distance from the bound) is a term of the duality gap, so
        // it is held to the optimality tolerance relative to the objective. A vertex (simplex)
        // solution has every product at round-off; an interior-point one, products of the order
        // of its final barrier parameter, which a product of the two separate tolerances is not.
        let gapTolerance = tolerance * max(1, objectiveMagnitude)
        /// Checks the sign of a reduced cost or row dual `d` against which bounds exist (dual
        /// feasibility) and against where the value sits (complementary slackness), minimisation terms.
        func checkDual(_ d: Double, value: Double, lower: Double, upper: Double, primalTolerance: Double,
                       dualTolerance: Double, name: String) {
            result.checks += 1
            // d > 0 needs a finite lower bound, d < 0 a finite upper bound.
            let infeasibility = max(lower.isFinite ? 0 : d, upper.isFinite ? 0 : -d, 0)
            result.maxDualViolation = max(result.maxDualViolation, infeasibility)
            if infeasibility > dualTolerance { fail(.dualFeasibility, name, infeasibility, dualTolerance) }
            // d > 0 means the value sits at its lower bound; d < 0 at its upper bound.
            if d > dualTolerance, lower.isFinite {
                let distance = value - lower
                if distance > primalTolerance {
                    result.maxComplementarityViolation = max(result.maxComplementarityViolation, d * distance)
                    if d * distance > max(dualTolerance * primalTolerance, gapTolerance) {
                        fail(.complementarySlackness, name, d * distance, max(dualTolerance * primalTolerance, gapTolerance))
                    }
                }
            } else if d < -dualTolerance, upper.isFinite {
                let distance = upper - value
                if distance > primalTolerance {
                    result.maxComplementarityViolation = max(result.maxComplementarityViolation, -d * distance)
                    if -d * distance > max(dualTolerance * primalTolerance, gapTolerance) {
                        fail(.complementarySlackness, name, -d * distance, max(dualTolerance * primalTolerance, gapTolerance))
                    }
                }
            }
        }
        // Work in minimisation terms: a maximisation's duals change sign.
        let sign: Double = program.sense == .minimize ? 1 : -1
        let y = rowDuals.map { $0 * sign }
        for j in 0..<n {
            // Integer columns were fixed in the LP that gave the duals: any reduced cost is fine.
            if program.isInteger[j] && dualsFromFixedLP { continue }
            var dualMagnitude = abs(program.objective[j])
            var reduced = program.objective[j] * sign
            for k in program.columnStart[j]..<program.columnStart[j + 1] {
                let term = program.value[k] * y[program.rowIndex[k]]
                reduced -= term
                dualMagnitude += abs(term)
            }
            let dualTolerance = tolerance * max(1, dualMagnitude)
            let reportedError = abs(reduced - reducedCosts[j] * sign)
            if reportedError > dualTolerance { fail(.reducedCost, program.columnNames[j], reportedError, dualTolerance) }
            checkDual(reduced, value: x[j], lower: program.columnLower[j], upper: program.columnUpper[j],
                      primalTolerance: columnTolerance[j], dualTolerance: dualTolerance, name: program.columnNames[j])
        }
        // A row is an auxiliary variable r = a·x: its dual plays the part of a reduced cost.
        let costScale = max(1, program.objective.reduce(0) { max($0, abs($1)) })
        for i in 0..<m {
            checkDual(y[i], value: activity[i], lower: program.rowLower[i], upper: program.rowUpper[i],
                      primalTolerance: rowTolerance[i], dualTolerance: tolerance * costScale, name: program.rowNames[i])
        }
        return result
    }
}
