/// A reason a ``LinearProgram`` cannot be handed to a solver.
///
/// GLPK aborts the whole process on invalid arguments, so every one of these is caught
/// by ``LinearProgram/validate()`` before any C call.
public enum LinearProgramError: Error, Equatable, Sendable, CustomStringConvertible {
    case inconsistentSizes(String)
    case tooLarge(String)
    case nonFinite(what: String, index: Int, value: Double)
    case boundsCrossed(what: String, index: Int, lower: Double, upper: Double)
    case invalidBound(what: String, index: Int, value: Double)
    case malformedColumnStarts(column: Int)
    case rowIndexOutOfRange(column: Int, row: Int)
    case duplicateOrUnsortedEntry(column: Int, row: Int)
    case invalidName(what: String, index: Int, reason: String)

    public var description: String {
        switch self {
        case .inconsistentSizes(let detail): return "model arrays disagree in size: \(detail)"
        case .tooLarge(let detail): return "model too large for GLPK: \(detail)"
        case let .nonFinite(what, index, value): return "\(what) \(index) is not a finite number (\(value))"
        case let .boundsCrossed(what, index, lower, upper):
            return "\(what) \(index) has lower bound \(lower) above upper bound \(upper)"
        case let .invalidBound(what, index, value): return "\(what) \(index) has an invalid bound \(value)"
        case .malformedColumnStarts(let column): return "column starts are not non-decreasing at column \(column)"
        case let .rowIndexOutOfRange(column, row): return "column \(column) refers to row \(row), which does not exist"
        case let .duplicateOrUnsortedEntry(column, row):
            return "column \(column) has row \(row) twice or out of order (merge duplicates first)"
        case let .invalidName(what, index, reason): return "\(what) \(index) has a name GLPK cannot take: \(reason)"
        }
    }
}

extension LinearProgram {
    /// GLPK's limit on the length of a row or column name, in bytes.
    public static let maxNameLength = 255
    /// GLPK's limit on rows and on columns.
    public static let maxRowsOrColumns = 100_000_000
    /// GLPK's limit on constraint matrix nonzeros.
    public static let maxNonzeros = 500_000_000

    /// Checks everything GLPK would abort or misbehave on. Call before any solver call;
    /// ``GLPKSolver`` calls it itself.
    public func validate() throws(LinearProgramError) {
        let n = columnNames.count, m = rowNames.count
        guard columnLower.count == n, columnUpper.count == n, objective.count == n, isInteger.count == n else {
            throw .inconsistentSizes("\(n) column names, \(columnLower.count) lower bounds, \(columnUpper.count) upper bounds, \(objective.count) costs, \(isInteger.count) integer marks")
        }
        guard rowLower.count == m, rowUpper.count == m else {
            throw .inconsistentSizes("\(m) row names, \(rowLower.count) lower bounds, \(rowUpper.count) upper bounds")
        }
        guard columnStart.count == n + 1, columnStart.first == 0, columnStart.last == value.count,
              rowIndex.count == value.count else {
            throw .inconsistentSizes("\(columnStart.count) column starts for \(n) columns, \(rowIndex.count) row indices, \(value.count) values")
        }
        // GLPK's own limits (glp_add_rows, glp_add_cols: 100 million; glp_load_matrix: 500 million).
        guard n <= Self.maxRowsOrColumns, m <= Self.maxRowsOrColumns, value.count <= Self.maxNonzeros else {
            throw .tooLarge("\(m) rows, \(n) columns, \(value.count) nonzeros; GLPK takes at most \(Self.maxRowsOrColumns) rows or columns and \(Self.maxNonzeros) nonzeros")
        }
        try Self.checkName("problem", 0, name)
        guard objectiveConstant.isFinite else { throw .nonFinite(what: "objective constant", index: 0, value: objectiveConstant) }
        for j in 0..<n {
            guard objective[j].isFinite else { throw .nonFinite(what: "cost of column", index: j, value: objective[j]) }
            try Self.checkBounds("column", j, columnLower[j], columnUpper[j])
            try Self.checkName("column", j, columnNames[j])
            if isInteger[j] {
                // glp_intopt refuses integer columns with fractional bounds.
                for bound in [columnLower[j], columnUpper[j]] where bound.isFinite && bound != bound.rounded() {
                    throw .invalidBound(what: "integer column", index: j, value: bound)
                }
            }
            guard columnStart[j] <= columnStart[j + 1] else { throw .malformedColumnStarts(column: j) }
            var previous = -1
            for k in columnStart[j]..<columnStart[j + 1] {
                let r = rowIndex[k]
                guard r >= 0, r < m else { throw .rowIndexOutOfRange(column: j, row: r) }
                guard r > previous else { throw .duplicateOrUnsortedEntry(column: j, row: r) }
                guard value[k].isFinite else { throw .nonFinite(what: "matrix entry in column", index: j, value: value[k]) }
                previous = r
            }
        }
        for i in 0..<m {
            try Self.checkBounds("row", i, rowLower[i], rowUpper[i])
            try Self.checkName("row", i, rowNames[i])
        }
    }

    private static func checkBounds(_ what: String, _ index: Int, _ lower: Double, _ upper: Double) throws(LinearProgramError) {
        if lower.isNaN || lower == .infinity { throw .invalidBound(what: what, index: index, value: lower) }
        if upper.isNaN || upper == -.infinity { throw .invalidBound(what: what, index: index, value: upper) }
        if lower > upper { throw .boundsCrossed(what: what, index: index, lower: lower, upper: upper) }
    }

    private static func checkName(_ what: String, _ index: Int, _ name: String) throws(LinearProgramError) {
        let bytes = name.utf8
        if bytes.count > maxNameLength {
            throw .invalidName(what: what, index: index, reason: "\(bytes.count) bytes, at most \(maxNameLength)")
        }
        if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw .invalidName(what: what, index: index, reason: "contains a control character")
        }
    }
}
