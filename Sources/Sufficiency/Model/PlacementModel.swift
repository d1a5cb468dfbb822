import Foundation

/// The linear or mixed-integer programme of SPEC §3 built from a ``Scenario``, with the maps
/// from its columns and rows back to children, settings, options and years.
///
/// Only placements that can be non-zero get a column: the setting serves the need, is open that
/// year, and is reachable from the zone. Everything is held in flat arrays.
///
/// Persistence is built in by a change of variables rather than one row per placement: each
/// placement column is the number of children *starting* there that year, `y[z,n,s,t] ≥ 0`, and
/// the children placed are `x[t] = (1 − leave) · x[t−1] + y[t]` (with `x[−1]` the incumbents).
/// `x[t] ≥ (1 − leave) · x[t−1]` is then exactly `y[t] ≥ 0`, so the model is the SPEC's, with the same
/// optimum and the same duals on demand, capacity and policy rows, but without its
/// largest family of rows (one per placement and year), which GLPK's simplex handles badly.
/// ``placementValues(_:)`` recovers `x`.
public struct PlacementModel: Sendable {
    public let scenario: Scenario
    public private(set) var program: LinearProgram

    // Placement columns are 0 ..< placementCount, in (year, zone, need, setting) order: children
    // starting a placement in (zone, need, setting, year).
    public private(set) var placementCount = 0
    /// The same placement the year before (−1 when none: the first year, or the setting was closed).
    public private(set) var placementPrevious: [Int32] = []
    /// Share of the year before's children who stay (1 − leaving rate), for each placement column.
    public private(set) var placementStay: [Double] = []
    /// Incumbents who stay into the first year, for each first-year placement column (0 otherwise).
    public private(set) var placementIncumbents: [Double] = []
    public private(set) var placementZone: [Int32] = []
    public private(set) var placementNeed: [Int32] = []
    public private(set) var placementSetting: [Int32] = []
    public private(set) var placementYear: [Int32] = []
    /// Transport cost per child in year-t money, for each placement column.
    public private(set) var placementTransport: [Double] = []
    /// Journey in minutes for each placement column (0 within a zone or to a county-wide setting
    /// unless a travel entry says otherwise).
    public private(set) var placementMinutes: [Float] = []
    /// Placement cost per child in year-t money, for each placement column.
    public private(set) var placementCost: [Double] = []
    /// Column of u[z,n,t] at `(t * zoneCount + z) * needCount + n`.
    public private(set) var unmetColumn: [Int] = []
    /// What an unmet child of (t, z, n) is counted at in the finance table and the deficit cap: the
    /// dearest placement + transport in year-t money among the existing settings that could take
    /// them (settings only a capital option would create count only when no existing one can),
    /// 0 when none can. SPEC §3 says the least dear; with that, a cap is met by leaving
    /// children unplaced (they count at a mainstream price while they would cost an independent
    /// one), which the SPEC means to rule out. With the dearest it cannot be.
    public private(set) var unmetValue: [Double] = []
    /// Whether any setting can take children of (t, z, n).
    public private(set) var hasPlacement: [Bool] = []
    /// First column of b[o, ·]; the option's years run earliestYear ... latestYear.
    public private(set) var optionColumnStart: [Int] = []

    /// Row of each demand constraint at `(t * zoneCount + z) * needCount + n`.
    public private(set) var demandRow: [Int] = []
    /// Row of the capacity constraint of setting s in year t at `s * yearCount + t`, or -1.
    public private(set) var capacityRow: [Int] = []
    public private(set) var policyRows: [(policy: Int, year: Int, row: Int)] = []
    public private(set) var deficitRows: [Int] = []

    /// Conflicts found while building that make the model infeasible before any solve
    /// (a minimum above a maximum, say), in words a planner reads.
    public private(set) var conflicts: [String] = []

    public var yearCount: Int { scenario.years.count }
    public var needCount: Int { scenario.needs.count }
    public var zoneCount: Int { scenario.zoneCount }

    /// Builds the model. Throws only on an internal inconsistency (a bug), never on user input,
    /// which ``ScenarioDecoder`` has already checked.
    public init(scenario: Scenario, relax: Bool = false) throws(LinearProgramError) {
        self.scenario = scenario
        self.program = LinearProgram()
        var builder = LinearProgram.Builder(name: Self.sanitize(scenario.name.isEmpty ? "sufficiency" : scenario.name))
        build(into: &builder, relax: relax)
        program = try builder.build()
    }

    /// A name GLPK and the LP / MPS formats accept: no spaces or control characters, at most 255 bytes.
    static func sanitize(_ name: String) -> String {
        var result = String(name.unicodeScalars.map { scalar -> Character in
            scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F ? "_" : Character(scalar)
        })
        while result.utf8.count > LinearProgram.maxNameLength { result.removeLast() }
        return result
    }

    private func zonePrefix(_ z: Int) -> String { scenario.zones.isEmpty ? "" : "\(scenario.zones[z])," }

    private mutating func build(into b: inout LinearProgram.Builder, relax: Bool) {
        let s = scenario
        let T = yearCount, Z = zoneCount, N = needCount, S = s.settings.count
        let names = (years: s.years.map(Self.sanitize), needs: s.needs.map(Self.sanitize),
                     settings: s.settings.map { Self.sanitize($0.id) }, zones: s.zones.map(Self.sanitize))
        let zoneTag = { (z: Int) in names.zones.isEmpty ? "" : "\(names.zones[z])," }
        let discount = (0..<T).map { s.discountFactor(year: $0) }
        let inflation = (0..<T).map { s.inflationFactor(year: $0) }

        // Reachability and transport cost per (zone, setting, need): computed once.
        let travelByPair = Dictionary(s.travel.map { ($0.zone * S + $0.setting, $0) }, uniquingKeysWith: { a, _ in a })
        var reachTransport = [Double](repeating: -1, count: Z * S * N) // -1: not reachable
        var reachMinutes = [Float](repeating: 0, count: Z * S * N)
        for z in 0..<Z {
            for setting in 0..<S {
                for n in 0..<N where s.settings[setting].serves[n] {
                    let reach = ScenarioReader.reach(zone: z, setting: setting, need: n, settings: s.settings, travelByPair: travelByPair,
                                                     settingCount: S, maxMinutes: s.maxTravelMinutes)
                    if reach.reachable {
                        reachTransport[(z * S + setting) * N + n] = reach.transport
                        reachMinutes[(z * S + setting) * N + n] = Float(reach.minutes)
                    }
                }
            }
        }
        // Settings serving each need, so the loops below touch only possible placements.
        let settingsServing = (0..<N).map { n in (0..<S).filter { s.settings[$0].serves[n] } }
        var incumbentChildren: [Int: Double] = [:] // key (z * S + setting) * N + n
        for incumbent in s.incumbents { incumbentChildren[(incumbent.zone * S + incumbent.setting) * N + incumbent.need, default: 0] += incumbent.children }

        // Placement columns, each linked to the same placement the year before.
        var columnOfPlacement: [Int: Int] = [:] // key ((t * Z + z) * N + n) * S + setting
        unmetValue = Array(repeating: 0, count: T * Z * N)
        hasPlacement = Array(repeating: false, count: T * Z * N)
        for t in 0..<T {
            for z in 0..<Z {
                for n in 0..<N {
                    var dearest = -Double.infinity, dearestNew = -Double.infinity
                    for setting in settingsServing[n] where s.settings[setting].isOpen(t) {
                        let transport = reachTransport[(z * S + setting) * N + n]
                        guard transport >= 0 else { continue }
                        let costNow = s.settings[setting].costByNeed[n] * inflation[t]
                        let transportNow = transport * inflation[t]
                        let stay = 1 - s.settings[setting].leavingRate
                        var incumbents = 0.0
                        if t == 0, let children = incumbentChildren[(z * S + setting) * N + n] { incumbents = stay * children }
                        let column = b.addColumn(name: "start[\(zoneTag(z))\(names.needs[n]),\(names.settings[setting]),\(names.years[t])]")
                        columnOfPlacement[((t * Z + z) * N + n) * S + setting] = column
                        let previous = t > 0 ? columnOfPlacement[(((t - 1) * Z + z) * N + n) * S + setting] ?? -1 : -1
                        placementPrevious.append(Int32(previous))
                        placementStay.append(stay)
                        placementIncumbents.append(incumbents)
                        placementZone.append(Int32(z)); placementNeed.append(Int32(n))
                        placementSetting.append(Int32(setting)); placementYear.append(Int32(t))
                        placementCost.append(costNow); placementTransport.append(transportNow)
                        placementMinutes.append(reachMinutes[(z * S + setting) * N + n])
                        if s.settings[setting].createdByOption == nil { dearest = max(dearest, costNow + transportNow) }
                        else { dearestNew = max(dearestNew, costNow + transportNow) }
                    }
                    if !dearest.isFinite { dearest = dearestNew }
                    let slot = (t * Z + z) * N + n
                    hasPlacement[slot] = dearest.isFinite
                    unmetValue[slot] = dearest.isFinite ? dearest : 0
                }
            }
        }
        placementCount = b.columnCount

        // x of a placement column d is Σ factor · y over d and its predecessors, plus the incumbents
        // who stay. Every x term below goes through addPlaced, which spreads it over those columns
        // and moves the incumbents' part to the row's bounds.
        var rowConstant: [Int: Double] = [:]
        var objectiveConstant = 0.0
        func expand(_ column: Int, _ body: (Int, Double) -> Void) -> Double {
            var factor = 1.0, current = column
            while true {
                body(current, factor)
                let previous = Int(placementPrevious[current])
                if previous < 0 { return factor * placementIncumbents[current] }
                factor *= placementStay[current]
                if factor == 0 { return 0 }
                current = previous
            }
        }
        func addPlaced(row: Int, column: Int, _ coefficient: Double) {
            let constant = expand(column) { b.add(row: row, column: $0, coefficient * $1) }
            if constant != 0 { rowConstant[row, default: 0] += coefficient * constant }
        }
        for column in 0..<placementCount {
            let t = Int(placementYear[column])
            let cost = discount[t] * (placementCost[column] + placementTransport[column])
            objectiveConstant += cost * expand(column) { b.addCost($0, cost * $1) }
        }

        // Unmet demand and the demand rows.
        unmetColumn = Array(repeating: -1, count: T * Z * N)
        demandRow = Array(repeating: -1, count: T * Z * N)
        for t in 0..<T {
            for z in 0..<Z {
                for n in 0..<N {
                    let slot = (t * Z + z) * N + n
                    let tag = "\(zoneTag(z))\(names.needs[n]),\(names.years[t])"
                    unmetColumn[slot] = b.addColumn(name: "unmet[\(tag)]", cost: discount[t] * s.unmetPenalty[n])
                    let d = s.demand[slot]
                    demandRow[slot] = b.addRow(name: "demand[\(tag)]", lower: d, upper: d)
                    b.add(row: demandRow[slot], column: unmetColumn[slot], 1)
                }
            }
        }
        for column in 0..<placementCount {
            let slot = (Int(placementYear[column]) * Z + Int(placementZone[column])) * N + Int(placementNeed[column])
            addPlaced(row: demandRow[slot], column: column, 1)
        }

        // Capital options: b[o,t] for earliestYear ≤ t ≤ latestYear.
        let options = s.capitalOptions
        let annuity: [Double] = options.map { s.annuity(of: $0.capitalCost) }
        for (o, option) in options.enumerated() {
            optionColumnStart.append(b.columnCount)
            for t in option.earliestYear...option.latestYear {
                let charge: Double
                switch s.capital.accounting {
                case .upfront: charge = discount[t] * option.capitalCost
                case .annualised:
                    let lastYear = min(T - 1, t + s.capital.assetLifeYears - 1)
                    charge = annuity[o] * (t...lastYear).reduce(0) { $0 + discount[$1] }
                }
                b.addColumn(name: "open[\(Self.sanitize(option.id)),\(names.years[t])]", lower: 0, upper: 1, cost: charge,
                            integer: !(option.fractional || relax))
            }
        }
        optionColumnStart.append(b.columnCount) // end of the last option's columns
        func optionColumns(_ o: Int, through year: Int) -> [Int] {
            let option = options[o]
            guard year >= option.earliestYear else { return [] }
            return (0...(min(year, option.latestYear) - option.earliestYear)).map { optionColumnStart[o] + $0 }
        }

        // Capacity of each setting and year, raised by the options that add to it.
        var addingOptions = [[Int]](repeating: [], count: S)
        for (o, option) in options.enumerated() { addingOptions[option.setting].append(o) }
        capacityRow = Array(repeating: -1, count: S * T)
        var columnsBySettingYear = [[Int]](repeating: [], count: S * T)
        for column in 0..<placementCount { columnsBySettingYear[Int(placementSetting[column]) * T + Int(placementYear[column])].append(column) }
        for setting in 0..<S {
            for t in 0..<T where s.settings[setting].isOpen(t) {
                guard let cap = s.settings[setting].capacity[t] else { continue } // unlimited
                let row = b.addRow(name: "capacity[\(names.settings[setting]),\(names.years[t])]", upper: cap)
                capacityRow[setting * T + t] = row
                for column in columnsBySettingYear[setting * T + t] { addPlaced(row: row, column: column, 1) }
                for o in addingOptions[setting] {
                    for column in optionColumns(o, through: t) { b.add(row: row, column: column, -options[o].places) }
                }
            }
            for (n, caps) in s.settings[setting].capacityByNeed.sorted(by: { $0.key < $1.key }) {
                for t in 0..<T where s.settings[setting].isOpen(t) {
                    guard let cap = caps[t] else { continue }
                    let row = b.addRow(name: "capacityByNeed[\(names.settings[setting]),\(names.needs[n]),\(names.years[t])]", upper: cap)
                    for column in columnsBySettingYear[setting * T + t] where Int(placementNeed[column]) == n { addPlaced(row: row, column: column, 1) }
                }
            }
        }

        // Policies, every year.
        for (p, policy) in s.policies.enumerated() {
            let members = Set(policy.settings)
            for t in 0..<T {
                let total = (0..<(Z * N)).reduce(0.0) { $0 + s.demand[t * Z * N + $1] }
                var lower = -Double.infinity, upper = Double.infinity
                if let share = policy.minShare { lower = max(lower, share * total) }
                if let minimum = policy.minChildren[t] { lower = max(lower, minimum) }
                if let share = policy.maxShare { upper = min(upper, share * total) }
                if let maximum = policy.maxChildren[t] { upper = min(upper, maximum) }
                if lower > upper {
                    conflicts.append("policy \(p + 1) (\(policy.label)) in \(s.years[t]): its minimum of \(Self.children(lower)) children is above its maximum of \(Self.children(upper))")
                    upper = lower
                }
                let row = b.addRow(name: "policy[\(p + 1),\(names.years[t])]", lower: lower, upper: upper)
                policyRows.append((p, t, row))
                for setting in members {
                    for column in columnsBySettingYear[setting * T + t] { addPlaced(row: row, column: column, 1) }
                }
            }
        }

        // Option logic: open at most once, excludes, requires, budgets.
        for (o, option) in options.enumerated() where option.latestYear > option.earliestYear {
            let row = b.addRow(name: "open-once[\(Self.sanitize(option.id))]", upper: 1)
            for column in optionColumns(o, through: T - 1) { b.add(row: row, column: column, 1) }
        }
        var excludedPairs = Set<[Int]>()
        for (o, option) in options.enumerated() {
            for p in option.excludes { excludedPairs.insert([min(o, p), max(o, p)]) }
        }
        for pair in excludedPairs.sorted(by: { ($0[0], $0[1]) < ($1[0], $1[1]) }) {
            let row = b.addRow(name: "excludes[\(Self.sanitize(options[pair[0]].id)),\(Self.sanitize(options[pair[1]].id))]", upper: 1)
            for o in pair { for column in optionColumns(o, through: T - 1) { b.add(row: row, column: column, 1) } }
        }
        for (o, option) in options.enumerated() {
            for p in option.requires {
                for t in option.earliestYear...option.latestYear {
                    let row = b.addRow(name: "requires[\(Self.sanitize(option.id)),\(Self.sanitize(options[p].id)),\(names.years[t])]", upper: 0)
                    for column in optionColumns(o, through: t) { b.add(row: row, column: column, 1) }
                    for column in optionColumns(p, through: t) { b.add(row: row, column: column, -1) }
                }
            }
        }
        if !options.isEmpty, let budget = s.capital.budget {
            let row = b.addRow(name: "budget", upper: budget)
            for o in options.indices { for column in optionColumns(o, through: T - 1) { b.add(row: row, column: column, options[o].capitalCost) } }
        }
        for t in 0..<T {
            guard !options.isEmpty, let budget = s.capital.budgetByYear[t] else { continue }
            let row = b.addRow(name: "budget[\(names.years[t])]", upper: budget)
            for (o, option) in options.enumerated() where option.earliestYear <= t && t <= option.latestYear {
                b.add(row: row, column: optionColumnStart[o] + t - option.earliestYear, option.capitalCost)
            }
        }

        // Deficit cap: the cumulative deficit, with unmet children at their unmet value, within the cap.
        // One column per year carries that year's spend so each cumulative row stays short.
        if let cap = s.finance.maxCumulativeDeficit {
            var spendColumns: [Int] = []
            var spendRows: [Int] = []
            for t in 0..<T {
                let column = b.addColumn(name: "spend[\(names.years[t])]", lower: 0)
                let row = b.addRow(name: "spend[\(names.years[t])]", lower: 0, upper: 0)
                b.add(row: row, column: column, -1)
                spendColumns.append(column)
                spendRows.append(row)
                for slot in (t * Z * N)..<((t + 1) * Z * N) where unmetValue[slot] > 0 {
                    b.add(row: row, column: unmetColumn[slot], unmetValue[slot])
                }
            }
            for column in 0..<placementCount {
                addPlaced(row: spendRows[Int(placementYear[column])], column: column, placementCost[column] + placementTransport[column])
            }
            var fixed = s.finance.broughtForwardDeficit
            for t in 0..<T {
                fixed += s.finance.otherSpend[t] - s.finance.grant[t]
                let row = b.addRow(name: "deficit[\(names.years[t])]", upper: cap - fixed)
                deficitRows.append(row)
                for year in 0...t { b.add(row: row, column: spendColumns[year], 1) }
            }
        }

        // Incumbents who stay are constants: move them to the bounds of the rows they appear in.
        for (row, constant) in rowConstant.sorted(by: { $0.key < $1.key }) {
            let lower = b.program.rowLower[row], upper = b.program.rowUpper[row]
            b.setRowBounds(row, lower: lower.isFinite ? lower - constant : lower, upper: upper.isFinite ? upper - constant : upper)
        }
        b.setObjectiveConstant(objectiveConstant)
    }


    /// Children placed, `x`, for each placement column, from a solution's column values (`y`).
    public func placementValues(_ columnValues: [Double]) -> [Double] {
        var placed = [Double](repeating: 0, count: placementCount)
        for column in 0..<min(placementCount, columnValues.count) {
            let previous = Int(placementPrevious[column])
            placed[column] = columnValues[column] + (previous >= 0 ? placementStay[column] * placed[previous] : placementIncumbents[column])
        }
        return placed
    }

    static func children(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(format: "%.1f", value)
    }
}
