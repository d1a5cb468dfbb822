import Foundation

extension PlacementModel {
    /// What the constraint families share while the model is built: the builder, the names,
    /// the year factors, and the constants that persistence moves to row bounds.
    struct Assembly {
        let scenario: Scenario
        let index: PlacementIndex
        var builder: LinearProgram.Builder
        let yearNames: [String], needNames: [String], settingNames: [String], zoneNames: [String], ageNames: [String]
        let discount: [Double], inflation: [Double]
        /// Incumbents who stay, by row: moved to the row's bounds at the end.
        var rowConstant: [Int: Double] = [:]
        var objectiveConstant = 0.0
        /// Placement columns of each (setting, year), by ``PlacementIndex/settingYear(setting:year:)``.
        var columnsBySettingYear: [[Int]] = []
        /// Defects built in on purpose, for the test that the scenario check catches them; empty otherwise.
        var mutations: PlacementModel.Mutations = []

        init(scenario: Scenario, index: PlacementIndex, builder: LinearProgram.Builder) {
            self.scenario = scenario
            self.index = index
            self.builder = builder
            yearNames = scenario.years.map(PlacementModel.sanitize)
            needNames = scenario.needs.map(PlacementModel.sanitize)
            settingNames = scenario.settings.map { PlacementModel.sanitize($0.id) }
            zoneNames = scenario.zones.map(PlacementModel.sanitize)
            ageNames = scenario.ages.map { PlacementModel.sanitize($0.id) }
            discount = (0..<index.years).map { scenario.discountFactor(year: $0) }
            inflation = (0..<index.years).map { scenario.inflationFactor(year: $0) }
        }

        func zoneTag(_ z: Int) -> String { zoneNames.isEmpty ? "" : "\(zoneNames[z])," }

        /// Moves the staying incumbents to the bounds of the rows they appear in, and builds.
        mutating func finish() throws(LinearProgramError) -> LinearProgram {
            for (row, constant) in rowConstant.sorted(by: { $0.key < $1.key }) {
                let lower = builder.program.rowLower[row], upper = builder.program.rowUpper[row]
                builder.setRowBounds(row, lower: lower.isFinite ? lower - constant : lower, upper: upper.isFinite ? upper - constant : upper)
            }
            builder.setObjectiveConstant(objectiveConstant)
            return try builder.build()
        }
    }

    /// Calls `body` with each start column that makes up the children placed in `column`
    /// (itself and the same placement in earlier years) and its factor; returns the incumbents
    /// who stay in it (a constant).
    func expand(_ column: Int, _ body: (Int, Double) -> Void) -> Double {
        for k in expansionStart[column]..<expansionStart[column + 1] { body(Int(expansionColumn[k]), expansionFactor[k]) }
        return placementConstant[column]
    }

    /// Shares of a start still present years later below this (a billionth of a child) are
    /// dropped from the expansions: they count for nothing, and as matrix entries of 1e-12 they
    /// would leave GLPK's tolerances to decide the answer (a leaving rate of 0.999999 did).
    static let smallestShare = 1e-9

    /// Builds every placement column's expansion, in column order (a column's predecessors come
    /// before it): its own start, plus the expansions of the placement the year before and of the
    /// group below, scaled by their shares, merged by column.
    mutating func buildExpansions() {
        expansionStart = [0]
        expansionColumn = []
        expansionFactor = []
        placementConstant = placementIncumbents
        expansionStart.reserveCapacity(placementCount + 1)
        for column in 0..<placementCount {
            let previous = Int(placementPrevious[column]), younger = Int(placementYounger[column])
            if younger < 0 || placementAgeIn[column] == 0 {
                // A chain (no ageing into this group): itself, then the year before's, scaled.
                expansionColumn.append(Int32(column))
                expansionFactor.append(1)
                if previous >= 0 && placementStay[column] != 0 {
                    let share = placementStay[column]
                    for k in expansionStart[previous]..<expansionStart[previous + 1] where abs(share * expansionFactor[k]) >= Self.smallestShare {
                        expansionColumn.append(expansionColumn[k])
                        expansionFactor.append(share * expansionFactor[k])
                    }
                    placementConstant[column] += share * placementConstant[previous]
                }
                expansionStart.append(expansionColumn.count)
                continue
            }
            // Both predecessors' expansions run in decreasing column order (by induction: a column
            // comes after its predecessors' starts), so they merge in one pass, summed where both
            // hold a start.
            expansionColumn.append(Int32(column))
            expansionFactor.append(1)
            let a = previous >= 0 && placementStay[column] != 0 ? expansionStart[previous]..<expansionStart[previous + 1] : 0..<0
            let b = younger >= 0 && placementAgeIn[column] != 0 ? expansionStart[younger]..<expansionStart[younger + 1] : 0..<0
            let shareA = placementStay[column], shareB = placementAgeIn[column]
            if !a.isEmpty { placementConstant[column] += shareA * placementConstant[previous] }
            if !b.isEmpty { placementConstant[column] += shareB * placementConstant[younger] }
            var i = a.lowerBound, k = b.lowerBound
            while i < a.upperBound || k < b.upperBound {
                let start: Int32, factor: Double
                if k >= b.upperBound || (i < a.upperBound && expansionColumn[i] > expansionColumn[k]) {
                    start = expansionColumn[i]; factor = shareA * expansionFactor[i]; i += 1
                } else if i >= a.upperBound || expansionColumn[k] > expansionColumn[i] {
                    start = expansionColumn[k]; factor = shareB * expansionFactor[k]; k += 1
                } else {
                    start = expansionColumn[i]; factor = shareA * expansionFactor[i] + shareB * expansionFactor[k]; i += 1; k += 1
                }
                if abs(factor) >= Self.smallestShare {
                    expansionColumn.append(start)
                    expansionFactor.append(factor)
                }
            }
            expansionStart.append(expansionColumn.count)
        }
    }

    /// Adds `coefficient` × (children placed in `column`) to `row`: every x term goes through here.
    func addPlaced(_ assembly: inout Assembly, row: Int, column: Int, _ coefficient: Double) {
        let constant = expand(column) { assembly.builder.add(row: row, column: $0, coefficient * $1) }
        if constant != 0 { assembly.rowConstant[row, default: 0] += coefficient * constant }
    }

    /// The columns b[o, t] of option `o` for its years up to `year`.
    func optionColumns(_ o: Int, through year: Int) -> [Int] {
        let option = scenario.capitalOptions[o]
        guard year >= option.earliestYear else { return [] }
        return (0...(min(year, option.latestYear) - option.earliestYear)).map { optionColumnStart[o] + $0 }
    }
}
