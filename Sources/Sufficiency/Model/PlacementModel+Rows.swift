import Foundation

// The row families of SPEC §3, each returning its rows.
extension PlacementModel {
    /// 1. Demand: placed + unmet = demand, one row and one unmet column per (year, zone, need).
    mutating func addDemandRows(_ a: inout Assembly) -> [Int] {
        let s = scenario, index = a.index
        unmetColumn = Array(repeating: -1, count: index.slotCount)
        var rows = Array(repeating: -1, count: index.slotCount)
        for t in 0..<index.years {
            for z in 0..<index.zones {
                for c in 0..<index.cohorts {
                    let n = index.need(ofCohort: c), slot = index.slot(year: t, zone: z, cohort: c)
                    let ageTag = index.ages > 1 ? ",\(a.ageNames[index.age(ofCohort: c)])" : ""
                    let tag = "\(a.zoneTag(z))\(a.needNames[n])\(ageTag),\(a.yearNames[t])"
                    unmetColumn[slot] = a.builder.addColumn(name: "unmet[\(tag)]", cost: a.discount[t] * s.unmetPenalty[n])
                    let d = s.demand[slot]
                    rows[slot] = a.builder.addRow(name: "demand[\(tag)]", lower: d, upper: d)
                    a.builder.add(row: rows[slot], column: unmetColumn[slot], 1)
                }
            }
        }
        for column in 0..<placementCount {
            let slot = index.slot(year: Int(placementYear[column]), zone: Int(placementZone[column]), need: Int(placementNeed[column]), age: Int(placementAge[column]))
            addPlaced(&a, row: rows[slot], column: column, 1)
        }
        return rows
    }

    /// 2. Capacity of each setting and year, raised by the options that add to it; capacity by need.
    func addCapacityRows(_ a: inout Assembly) -> [Int] {
        let s = scenario, index = a.index, options = s.capitalOptions
        var addingOptions = [[Int]](repeating: [], count: index.settings)
        for (o, option) in options.enumerated() { addingOptions[option.setting].append(o) }
        var rows = Array(repeating: -1, count: index.settingYearCount)
        for setting in 0..<index.settings {
            for t in 0..<index.years where s.settings[setting].isOpen(t) {
                guard let cap = s.settings[setting].capacity[t] else { continue } // unlimited
                let row = a.builder.addRow(name: "capacity[\(a.settingNames[setting]),\(a.yearNames[t])]", upper: cap)
                rows[index.settingYear(setting: setting, year: t)] = row
                let sign: Double = a.mutations.contains(.flipCapacitySign) ? -1 : 1
                for column in a.columnsBySettingYear[index.settingYear(setting: setting, year: t)] { addPlaced(&a, row: row, column: column, sign) }
                for o in addingOptions[setting] {
                    for column in optionColumns(o, through: t) { a.builder.add(row: row, column: column, -options[o].places) }
                }
            }
            // Caps on one age group's or one need's places (capital options do not raise them).
            let caps: [(kind: String, key: Int, name: String, caps: [Double?], member: (Int) -> Bool)] =
                s.settings[setting].capacityByAge.sorted(by: { $0.key < $1.key }).map { age, caps in
                    ("capacityByAge", age, a.ageNames[age], caps, { Int(self.placementAge[$0]) == age })
                } + s.settings[setting].capacityByNeed.sorted(by: { $0.key < $1.key }).map { n, caps in
                    ("capacityByNeed", n, a.needNames[n], caps, { Int(self.placementNeed[$0]) == n })
                }
            for cap in caps {
                for t in 0..<index.years where s.settings[setting].isOpen(t) {
                    guard let bound = cap.caps[t] else { continue }
                    let row = a.builder.addRow(name: "\(cap.kind)[\(a.settingNames[setting]),\(cap.name),\(a.yearNames[t])]", upper: bound)
                    for column in a.columnsBySettingYear[index.settingYear(setting: setting, year: t)] where cap.member(column) {
                        addPlaced(&a, row: row, column: column, 1)
                    }
                }
            }
        }
        return rows
    }

    /// 6. Policies, every year: shares of the year's demand and counts of children.
    mutating func addPolicyRows(_ a: inout Assembly) -> [(policy: Int, year: Int, row: Int)] {
        let s = scenario, index = a.index
        var rows: [(policy: Int, year: Int, row: Int)] = []
        for (p, policy) in s.policies.enumerated() {
            let members = Set(policy.settings)
            for t in 0..<index.years {
                // A policy with ages counts those groups: its shares are of their demand.
                let total = index.slots(year: t).reduce(0.0) { policy.ages[index.age(ofCohort: index.cohort(ofSlot: $1))] ? $0 + s.demand[$1] : $0 }
                var lower = -Double.infinity, upper = Double.infinity
                if let share = policy.minShare { lower = max(lower, share * total) }
                if let minimum = policy.minChildren[t] { lower = max(lower, minimum) }
                if let share = policy.maxShare { upper = min(upper, share * total) }
                if let maximum = policy.maxChildren[t] { upper = min(upper, maximum) }
                if lower > upper {
                    conflicts.append("policy \(p + 1) (\(policy.label)) in \(s.years[t]): its minimum of \(Self.children(lower)) children is above its maximum of \(Self.children(upper))")
                    upper = lower
                }
                let row = a.builder.addRow(name: "policy[\(p + 1),\(a.yearNames[t])]", lower: lower, upper: upper)
                rows.append((p, t, row))
                for setting in members {
                    for column in a.columnsBySettingYear[index.settingYear(setting: setting, year: t)] where policy.ages[Int(placementAge[column])] {
                        addPlaced(&a, row: row, column: column, 1)
                    }
                }
            }
        }
        return rows
    }

    /// 4. Options: open at most once, excludes, requires.
    func addOptionLogicRows(_ a: inout Assembly) {
        let options = scenario.capitalOptions, T = a.index.years
        for (o, option) in options.enumerated() where option.latestYear > option.earliestYear {
            // A forced option opens once (fully, when fractional) within its window.
            let row = a.builder.addRow(name: "open-once[\(Self.sanitize(option.id))]", lower: option.decision == .forced ? 1 : -.infinity, upper: 1)
            for column in optionColumns(o, through: T - 1) { a.builder.add(row: row, column: column, 1) }
        }
        var excludedPairs = Set<[Int]>()
        for (o, option) in options.enumerated() {
            for p in option.excludes { excludedPairs.insert([min(o, p), max(o, p)]) }
        }
        for pair in excludedPairs.sorted(by: { ($0[0], $0[1]) < ($1[0], $1[1]) }) {
            let row = a.builder.addRow(name: "excludes[\(Self.sanitize(options[pair[0]].id)),\(Self.sanitize(options[pair[1]].id))]", upper: 1)
            for o in pair { for column in optionColumns(o, through: T - 1) { a.builder.add(row: row, column: column, 1) } }
        }
        for (o, option) in options.enumerated() {
            for p in option.requires {
                for t in option.earliestYear...option.latestYear {
                    let row = a.builder.addRow(name: "requires[\(Self.sanitize(option.id)),\(Self.sanitize(options[p].id)),\(a.yearNames[t])]", upper: 0)
                    for column in optionColumns(o, through: t) { a.builder.add(row: row, column: column, 1) }
                    for column in optionColumns(p, through: t) { a.builder.add(row: row, column: column, -1) }
                }
            }
        }
    }

    /// 5. Capital budget, in total and by year (cash in the opening year).
    func addBudgetRows(_ a: inout Assembly) {
        let s = scenario, options = s.capitalOptions, T = a.index.years
        if !options.isEmpty, let budget = s.capital.budget {
            let row = a.builder.addRow(name: "budget", upper: budget)
            for o in options.indices { for column in optionColumns(o, through: T - 1) { a.builder.add(row: row, column: column, options[o].capitalCost) } }
        }
        for t in 0..<T {
            guard !options.isEmpty, let budget = s.capital.budgetByYear[t] else { continue }
            let row = a.builder.addRow(name: "budget[\(a.yearNames[t])]", upper: budget)
            for (o, option) in options.enumerated() where option.earliestYear <= t && t <= option.latestYear {
                a.builder.add(row: row, column: optionColumnStart[o] + t - option.earliestYear, option.capitalCost)
            }
        }
    }

    /// 7. Deficit cap: the cumulative deficit (High Needs spend − mitigations − grant − income,
    /// from the brought-forward deficit), with unmet children at their unmet value, within the cap. One column per year carries that year's spend so each cumulative row stays short.
    func addDeficitRows(_ a: inout Assembly) -> [Int] {
        let s = scenario, index = a.index, T = index.years
        guard let cap = s.finance.maxCumulativeDeficit else { return [] }
        var spendColumns: [Int] = []
        var spendRows: [Int] = []
        for t in 0..<T {
            let column = a.builder.addColumn(name: "spend[\(a.yearNames[t])]", lower: 0)
            let row = a.builder.addRow(name: "spend[\(a.yearNames[t])]", lower: 0, upper: 0)
            a.builder.add(row: row, column: column, -1)
            spendColumns.append(column)
            spendRows.append(row)
            for slot in index.slots(year: t) where unmetValue[slot] > 0 {
                a.builder.add(row: row, column: unmetColumn[slot], unmetValue[slot])
            }
        }
        for column in 0..<placementCount {
            // High Needs spend: transport only when the block pays it (SPEC §3 finance table).
            addPlaced(&a, row: spendRows[Int(placementYear[column])], column: column,
                      placementCost[column] + (s.finance.transportInHighNeeds ? placementTransport[column] : 0))
        }
        var rows: [Int] = []
        var fixed = s.finance.broughtForwardDeficit
        for t in 0..<T {
            fixed += s.finance.fixedInYear(year: t)
            let row = a.builder.addRow(name: "deficit[\(a.yearNames[t])]", upper: cap - fixed)
            rows.append(row)
            for year in 0...t { a.builder.add(row: row, column: spendColumns[year], 1) }
        }
        return rows
    }
}
