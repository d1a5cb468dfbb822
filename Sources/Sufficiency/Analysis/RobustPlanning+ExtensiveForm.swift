import Foundation

/// The extensive form of a plan over futures: every future's model in one programme, the capital
/// decisions and the rows that hold only them once (see ``RobustPlanning``).
extension RobustPlanning {
    /// The extensive form of a set of future models.
    struct ExtensiveForm {
        var program: LinearProgram
        /// For each future, the extensive column of each of its model's columns.
        var columnMap: [[Int]]
        /// The shared option columns of the extensive program.
        var optionColumns: Range<Int>
        /// The regret column R, with `regret`.
        var regretColumn: Int?
    }

    /// Builds the extensive form. `regret`: each future's own optimum W_f, for R ≥ C_f + K − W_f
    /// (the objective R, or with `regretBound` the expected cost among plans with R ≤ the bound).
    static func extensiveForm(_ models: [PlacementModel], probabilities: [Double], ids: [String],
                              regret: [Double]? = nil, regretBound: Double? = nil, name: String? = nil) throws(LinearProgramError) -> ExtensiveForm {
        var p = LinearProgram()
        p.name = name ?? models[0].program.name
        let F = models.count
        let options = models.map(optionRange)
        let optionCount = options[0].count
        var columnMap = [[Int]](repeating: [], count: F)
        // Which rows of each model touch a placement (non-option) column: the others are option-only and kept once.
        var touched = [[Bool]](repeating: [], count: F)
        for f in 0..<F {
            let m = models[f].program
            var t = [Bool](repeating: false, count: m.rowCount)
            for j in 0..<m.columnCount where !options[f].contains(j) {
                for k in m.columnStart[j]..<m.columnStart[j + 1] { t[m.rowIndex[k]] = true }
            }
            touched[f] = t
        }
        // Rows: every future's, option-only rows from the first future alone.
        var rowMap = [[Int]](repeating: [], count: F)
        for f in 0..<F {
            let m = models[f].program
            rowMap[f] = [Int](repeating: -1, count: m.rowCount)
            for r in 0..<m.rowCount where f == 0 || touched[f][r] {
                // A row of the capital decisions alone is shared: no future's prefix.
                let name = touched[f][r] ? "\(ids[f])/\(m.rowNames[r])" : m.rowNames[r]
                rowMap[f][r] = p.addRow(name: LinearProgram.fit(name, number: p.rowCount), lower: m.rowLower[r], upper: m.rowUpper[r])
            }
        }
        var regretRows: [Int] = []
        if let regret {
            for f in 0..<F {
                let constant = models[f].program.objectiveConstant
                regretRows.append(p.addRow(name: "regret[\(ids[f])]", lower: constant - regret[f]))
            }
        }
        let expected = regret == nil || regretBound != nil
        // Columns, with their entries in row order (each model's rows were added in order, futures in order).
        func addColumn(name: String, lower: Double, upper: Double, cost: Double, integer: Bool, entries: [(Int, Double)]) -> Int {
            let c = p.addColumn(name: LinearProgram.fit(name, number: p.columnCount), lower: lower, upper: upper, cost: cost, integer: integer)
            for (row, value) in entries.sorted(by: { $0.0 < $1.0 }) where value != 0 {
                p.rowIndex.append(row)
                p.value.append(value)
            }
            p.columnStart[c + 1] = p.value.count
            return c
        }
        for f in 0..<F {
            let m = models[f].program
            var map = [Int](repeating: -1, count: m.columnCount)
            for j in 0..<m.columnCount where !options[f].contains(j) {
                var entries: [(Int, Double)] = []
                for k in m.columnStart[j]..<m.columnStart[j + 1] { entries.append((rowMap[f][m.rowIndex[k]], m.value[k])) }
                if regret != nil { entries.append((regretRows[f], -m.objective[j])) }
                map[j] = addColumn(name: "\(ids[f])/\(m.columnNames[j])", lower: m.columnLower[j], upper: m.columnUpper[j],
                                   cost: expected ? probabilities[f] * m.objective[j] : 0, integer: m.isInteger[j], entries: entries)
            }
            columnMap[f] = map
        }
        let optionStart = p.columnCount
        for k in 0..<optionCount {
            var entries: [(Int, Double)] = []
            var cost = 0.0
            for f in 0..<F {
                let m = models[f].program, j = options[f].lowerBound + k
                for e in m.columnStart[j]..<m.columnStart[j + 1] where rowMap[f][m.rowIndex[e]] >= 0 { entries.append((rowMap[f][m.rowIndex[e]], m.value[e])) }
                if regret != nil { entries.append((regretRows[f], -m.objective[j])) }
                cost += probabilities[f] * m.objective[j]
            }
            let m0 = models[0].program, j0 = options[0].lowerBound + k
            let c = addColumn(name: m0.columnNames[j0], lower: m0.columnLower[j0], upper: m0.columnUpper[j0], cost: expected ? cost : 0,
                              integer: m0.isInteger[j0], entries: entries)
            for f in 0..<F { columnMap[f][options[f].lowerBound + k] = c }
        }
        var regretColumn: Int?
        if regret != nil {
            regretColumn = addColumn(name: "regret", lower: -.infinity, upper: regretBound ?? .infinity, cost: expected ? 0 : 1,
                                     integer: false, entries: regretRows.map { ($0, 1) })
        }
        p.objectiveConstant = expected ? zip(models, probabilities).reduce(0) { $0 + $1.1 * $1.0.program.objectiveConstant } : 0
        try p.validate()
        return ExtensiveForm(program: p, columnMap: columnMap, optionColumns: optionStart..<(optionStart + optionCount), regretColumn: regretColumn)
    }

    public struct ExportError: Error, CustomStringConvertible { public var description: String }

    /// The programme `export` writes for a scenario with futures: the extensive form (with
    /// `regret`, of the least largest regret: each future's own optimum is solved first).
    public func extensiveProgram(_ scenario: Scenario) throws -> LinearProgram {
        let models = try scenario.futures.indices.map { f throws(LinearProgramError) in try PlacementModel(scenario: scenario.future(f), relax: options.relax) }
        var best: [Double]?
        if scenario.robustObjective == .regret {
            best = try models.map { model in
                let solution = try solve(model.program, model: model)
                guard solution.status.hasSolution else { throw ExportError(description: "future \(model.scenario.name) has no plan on its own, so its regret is not defined") }
                return solution.objective
            }
        }
        var own = scenario
        own.futures = []
        let name = try PlacementModel(scenario: own, relax: options.relax).program.name
        return try Self.extensiveForm(models, probabilities: scenario.futures.map(\.probability), ids: scenario.futures.map { PlacementModel.sanitize($0.id) },
                                      regret: best, name: name).program
    }
}
