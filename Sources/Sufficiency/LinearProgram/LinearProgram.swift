/// A solver-neutral linear or mixed-integer programme held in flat arrays.
///
/// Columns and rows are 0-based here; the GLPK backend shifts to GLPK's 1-based indices.
/// The constraint matrix is kept in compressed sparse column (CSC) form, built from
/// triplets by ``LinearProgram/Builder`` which sorts them and merges duplicates.
/// Bounds use `-Double.infinity` / `Double.infinity` for "no bound".
public struct LinearProgram: Sendable, Equatable {
    /// Whether the objective is minimised or maximised.
    public enum Sense: String, Sendable, Equatable { case minimize, maximize }

    public var sense: Sense = .minimize
    /// Constant added to the objective (GLPK's column 0 coefficient).
    public var objectiveConstant: Double = 0
    public var name: String = "model"

    // Columns.
    public var columnNames: [String] = []
    public var columnLower: [Double] = []
    public var columnUpper: [Double] = []
    public var objective: [Double] = []
    public var isInteger: [Bool] = []

    // Rows.
    public var rowNames: [String] = []
    public var rowLower: [Double] = []
    public var rowUpper: [Double] = []

    // CSC matrix: column j holds entries columnStart[j] ..< columnStart[j + 1].
    public var columnStart: [Int] = [0]
    public var rowIndex: [Int] = []
    public var value: [Double] = []

    public init() {}

    public var columnCount: Int { columnNames.count }
    public var rowCount: Int { rowNames.count }
    public var nonzeroCount: Int { value.count }
    public var integerCount: Int { isInteger.reduce(0) { $0 + ($1 ? 1 : 0) } }
    public var isMIP: Bool { isInteger.contains(true) }

    /// Adds a column with no matrix entries yet (entries come through a ``Builder``).
    @discardableResult
    public mutating func addColumn(name: String, lower: Double = 0, upper: Double = .infinity,
                                   cost: Double = 0, integer: Bool = false) -> Int {
        columnNames.append(Self.fit(name, number: columnNames.count + 1))
        columnLower.append(lower)
        columnUpper.append(upper)
        objective.append(cost)
        isInteger.append(integer)
        columnStart.append(columnStart.last ?? 0)
        return columnNames.count - 1
    }

    @discardableResult
    public mutating func addRow(name: String, lower: Double = -.infinity, upper: Double = .infinity) -> Int {
        rowNames.append(Self.fit(name, number: rowNames.count + 1))
        rowLower.append(lower)
        rowUpper.append(upper)
        return rowNames.count - 1
    }

    /// `name` when it fits GLPK's 255 bytes; else its start and `#number` (the row's or column's
    /// number), so names made from long ids stay unique. Names that fit never end that way:
    /// ``PlacementModel`` writes `#` in an id as `%23`.
    static func fit(_ name: String, number: Int) -> String {
        guard name.utf8.count > maxNameLength else { return name }
        let suffix = "#\(number)"
        var head = Substring(name)
        while head.utf8.count + suffix.utf8.count > maxNameLength { head.removeLast() }
        return head + suffix
    }

    /// Computes `A x` for a column vector `x`.
    public func rowActivities(_ x: [Double]) -> [Double] {
        var activity = [Double](repeating: 0, count: rowCount)
        for j in 0..<min(columnCount, x.count) where x[j] != 0 {
            let xj = x[j]
            for k in columnStart[j]..<columnStart[j + 1] {
                activity[rowIndex[k]] += value[k] * xj
            }
        }
        return activity
    }

    /// The reduced cost of every column at row duals `y`: d = c − Aᵀy.
    public func reducedCosts(_ y: [Double]) -> [Double] {
        (0..<columnCount).map { j in
            var d = objective[j]
            for e in columnStart[j]..<columnStart[j + 1] { d -= value[e] * y[rowIndex[e]] }
            return d
        }
    }

    /// The objective value `c·x + constant`.
    public func objectiveValue(_ x: [Double]) -> Double {
        var total = objectiveConstant
        for j in 0..<min(columnCount, x.count) { total += objective[j] * x[j] }
        return total
    }
}

extension LinearProgram {
    /// Builds a ``LinearProgram`` from columns, rows and matrix triplets in any order.
    ///
    /// Triplets for the same (row, column) are summed; entries that sum to exactly zero are dropped.
    public struct Builder: Sendable {
        public private(set) var program = LinearProgram()
        private var tripletRow: [Int32] = []
        private var tripletColumn: [Int32] = []
        private var tripletValue: [Double] = []

        public init(name: String = "model", sense: Sense = .minimize) {
            program.name = name
            program.sense = sense
        }

        public var columnCount: Int { program.columnCount }
        public var rowCount: Int { program.rowCount }

        @discardableResult
        public mutating func addColumn(name: String, lower: Double = 0, upper: Double = .infinity,
                                       cost: Double = 0, integer: Bool = false) -> Int {
            program.addColumn(name: name, lower: lower, upper: upper, cost: cost, integer: integer)
        }

        @discardableResult
        public mutating func addRow(name: String, lower: Double = -.infinity, upper: Double = .infinity) -> Int {
            program.addRow(name: name, lower: lower, upper: upper)
        }

        public mutating func setRowBounds(_ row: Int, lower: Double, upper: Double) {
            program.rowLower[row] = lower
            program.rowUpper[row] = upper
        }

        public mutating func addCost(_ column: Int, _ amount: Double) { program.objective[column] += amount }
        public mutating func setObjectiveConstant(_ constant: Double) { program.objectiveConstant = constant }

        /// Adds `coefficient` at (row, column). Zero coefficients are ignored.
        public mutating func add(row: Int, column: Int, _ coefficient: Double) {
            guard coefficient != 0 else { return }
            tripletRow.append(Int32(truncatingIfNeeded: row))
            tripletColumn.append(Int32(truncatingIfNeeded: column))
            tripletValue.append(coefficient)
        }

        /// Sorts the triplets by column then row, merges duplicates and returns the programme.
        /// Throws when a triplet names a row or column that was never added.
        public func build() throws(LinearProgramError) -> LinearProgram {
            var lp = program
            let n = lp.columnCount, m = lp.rowCount
            for k in 0..<tripletValue.count {
                let j = Int(tripletColumn[k]), i = Int(tripletRow[k])
                guard j >= 0, j < n else { throw .inconsistentSizes("matrix entry names column \(j) of \(n)") }
                guard i >= 0, i < m else { throw .rowIndexOutOfRange(column: j, row: i) }
            }
            // Counting sort by column, then sort each column's rows (columns are short).
            var counts = [Int](repeating: 0, count: n + 1)
            for c in tripletColumn { counts[Int(c) + 1] += 1 }
            for j in 0..<n { counts[j + 1] += counts[j] }
            var next = counts
            var rows = [Int](repeating: 0, count: tripletValue.count)
            var values = [Double](repeating: 0, count: tripletValue.count)
            for k in 0..<tripletValue.count {
                let j = Int(tripletColumn[k])
                rows[next[j]] = Int(tripletRow[k])
                values[next[j]] = tripletValue[k]
                next[j] += 1
            }
            var start = [Int](repeating: 0, count: n + 1)
            var outRows: [Int] = []
            var outValues: [Double] = []
            outRows.reserveCapacity(rows.count)
            outValues.reserveCapacity(values.count)
            for j in 0..<n {
                // Most columns arrive in row order already (the model adds its row families in
                // order): copied as they are, with no sort and no allocation.
                var ordered = true
                for k in counts[j]..<counts[j + 1] where k > counts[j] && rows[k] <= rows[k - 1] { ordered = false; break }
                if ordered {
                    for k in counts[j]..<counts[j + 1] where values[k] != 0 { outRows.append(rows[k]); outValues.append(values[k]) }
                    start[j + 1] = outRows.count
                    continue
                }
                var entries = Array(zip(rows[counts[j]..<counts[j + 1]], values[counts[j]..<counts[j + 1]]))
                entries.sort { $0.0 < $1.0 }
                var k = 0
                while k < entries.count {
                    let r = entries[k].0
                    var sum = 0.0
                    while k < entries.count && entries[k].0 == r { sum += entries[k].1; k += 1 }
                    if sum != 0 { outRows.append(r); outValues.append(sum) }
                }
                start[j + 1] = outRows.count
            }
            lp.columnStart = start
            lp.rowIndex = outRows
            lp.value = outValues
            return lp
        }
    }
}

extension LinearProgram {
    /// The programme as written for other solvers: the objective constant becomes the cost of a
    /// column fixed at 1 (named `constant`, or `constant_2`… when that name is taken), because
    /// CPLEX LP files carry no constant and readers disagree on the sign of MPS's. Every reader
    /// then reports the objective we report.
    public func withConstantAsColumn() -> LinearProgram {
        guard objectiveConstant != 0 else { return self }
        var copy = self
        let taken = Set(columnNames)
        var name = "constant", suffix = 1
        while taken.contains(name) { suffix += 1; name = "constant_\(suffix)" }
        copy.addColumn(name: name, lower: 1, upper: 1, cost: objectiveConstant)
        copy.objectiveConstant = 0
        return copy
    }
}
