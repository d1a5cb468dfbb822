import Foundation

/// Explains why a scenario has no solution, naming the rules that conflict where it can.
enum Infeasibility {
    /// Why `model` has no plan, in a planner's words. The elastic solve it may need gets what is
    /// left of `options`' deadline.
    static func explain(_ model: PlacementModel, options: SolverOptions = SolverOptions()) -> [String] {
        var reasons = model.conflicts
        let s = model.scenario
        let T = model.yearCount, S = s.settings.count

        // Children who must stay, year by year: with no new starts at all, every placement holds
        // its floor (the staying incumbents, aged and capped as the model has them).
        let index = model.index
        var stayingBySlot = [Double](repeating: 0, count: index.slotCount)
        var stayingBySettingYear = [Double](repeating: 0, count: index.settingYearCount)
        var stayingByAge: [Int: Double] = [:], stayingByNeed: [Int: Double] = [:]   // by (setting-year, group or need)
        for column in 0..<model.placementCount where model.placementConstant[column] > 0 {
            let t = Int(model.placementYear[column]), setting = Int(model.placementSetting[column])
            let settingYear = index.settingYear(setting: setting, year: t)
            stayingByAge[settingYear * index.ages + Int(model.placementAge[column]), default: 0] += model.placementConstant[column]
            stayingByNeed[settingYear * index.needs + Int(model.placementNeed[column]), default: 0] += model.placementConstant[column]
            stayingBySlot[index.slot(year: t, zone: Int(model.placementZone[column]), need: Int(model.placementNeed[column]), age: Int(model.placementAge[column]))] += model.placementConstant[column]
            stayingBySettingYear[index.settingYear(setting: setting, year: t)] += model.placementConstant[column]
        }
        for t in 0..<T {
            for slot in index.slots(year: t) where stayingBySlot[slot] > s.demand[slot] + 1e-6 * max(1, s.demand[slot]) {
                let z = index.zone(ofSlot: slot), c = index.cohort(ofSlot: slot)
                let from = t == 0 ? "already placed" : "stay from \(s.years[t - 1])"
                let zone = s.zones.isEmpty ? "" : " in zone \(s.zones[z])"
                let age = s.ages.isEmpty ? "" : " (\(s.ages[index.age(ofCohort: c)].id))"
                reasons.append("\(s.needs[index.need(ofCohort: c)])\(age)\(zone) \(s.years[t]): \(PlacementModel.children(stayingBySlot[slot])) children \(from) but demand is \(PlacementModel.children(s.demand[slot]))")
            }
            for setting in 0..<S where s.settings[setting].isOpen(t) {
                guard let base = s.settings[setting].capacity[t] else { continue }
                let extra = s.capitalOptions.filter { $0.setting == setting && $0.earliestYear <= t }.reduce(0.0) { $0 + $1.places }
                let stay = stayingBySettingYear[index.settingYear(setting: setting, year: t)]
                if stay > base + extra + 1e-6 * max(1, base) {
                    let from = t == 0 ? "are already placed there" : "stay from \(s.years[t - 1])"
                    let options = extra > 0 ? " (\(PlacementModel.children(extra)) of them from capital options)" : ""
                    reasons.append("\(s.settings[setting].id) \(s.years[t]): \(PlacementModel.children(stay)) children \(from) but it has \(PlacementModel.children(base + extra)) places\(options)")
                }
            }
            // The same for the caps on one age group's or one need's places.
            for setting in 0..<S where s.settings[setting].isOpen(t) {
                let settingYear = index.settingYear(setting: setting, year: t)
                let from = s.ages.isEmpty ? (t == 0 ? "are already placed there" : "stay from \(s.years[t - 1])")
                    : (t == 0 ? "are already placed there or move up" : "stay or move up from \(s.years[t - 1])")
                for (a, caps) in s.settings[setting].capacityByAge.sorted(by: { $0.key < $1.key }) {
                    if let cap = caps[t], let stay = stayingByAge[settingYear * index.ages + a], stay > cap + 1e-6 * max(1, cap) {
                        reasons.append("\(s.settings[setting].id) \(s.years[t]): \(PlacementModel.children(stay)) \(s.ages[a].id) children \(from) but it has \(PlacementModel.children(cap)) \(s.ages[a].id) places")
                    }
                }
                for (n, caps) in s.settings[setting].capacityByNeed.sorted(by: { $0.key < $1.key }) {
                    if let cap = caps[t], let stay = stayingByNeed[settingYear * index.needs + n], stay > cap + 1e-6 * max(1, cap) {
                        reasons.append("\(s.settings[setting].id) \(s.years[t]): \(PlacementModel.children(stay)) \(s.needs[n]) children \(from) but it has \(PlacementModel.children(cap)) places for \(s.needs[n])")
                    }
                }
            }
        }
        // Policies whose minimum cannot be reached, and minimum shares that add up to more than all demand.
        for (p, policy) in s.policies.enumerated() {
            for t in 0..<T {
                let total = index.slots(year: t).reduce(0.0) { policy.ages[index.age(ofCohort: index.cohort(ofSlot: $1))] ? $0 + s.demand[$1] : $0 }
                let minimum = max(policy.minChildren[t] ?? 0, (policy.minShare ?? 0) * total)
                var room = 0.0
                for setting in policy.settings where s.settings[setting].isOpen(t) {
                    guard let base = s.settings[setting].capacity[t] else { room = .infinity; break }
                    room += base + s.capitalOptions.filter { $0.setting == setting && $0.earliestYear <= t }.reduce(0.0) { $0 + $1.places }
                }
                var demandServed = 0.0
                for slot in index.slots(year: t) {
                    let c = index.cohort(ofSlot: slot), n = index.need(ofCohort: c), a = index.age(ofCohort: c)
                    if policy.ages[a] && policy.settings.contains(where: { s.settings[$0].serves[n] && s.settings[$0].servesAge[a] }) { demandServed += s.demand[slot] }
                }
                // A maximum below the children who must stay in its settings.
                let maximum = min(policy.maxChildren[t] ?? .infinity, policy.maxShare.map { $0 * total } ?? .infinity)
                let staying = policy.settings.reduce(0.0) { sum, setting in
                    sum + (0..<index.ages).reduce(0.0) { $0 + (policy.ages[$1] ? stayingByAge[index.settingYear(setting: setting, year: t) * index.ages + $1] ?? 0 : 0) }
                }
                if maximum.isFinite, staying > maximum + 1e-6 * max(1, maximum) {
                    let from = t == 0 ? "already placed there stay" : "stay from \(s.years[t - 1])"
                    reasons.append("policy \(p + 1) (\(policy.label)) \(s.years[t]): at most \(PlacementModel.children(maximum)) children, but \(PlacementModel.children(staying)) children \(from)")
                }
                if minimum > 0, minimum > min(room, demandServed) + 1e-6 {
                    reasons.append("policy \(p + 1) (\(policy.label)) \(s.years[t]): needs at least \(PlacementModel.children(minimum)) children but its settings can take at most \(PlacementModel.children(min(room, demandServed)))")
                }
            }
        }
        let minShares = s.policies.enumerated().filter { $0.element.minShare != nil }
        for i in minShares.indices {
            for j in minShares.indices where j > i {
                let a = minShares[i], b = minShares[j]
                if Set(a.element.settings).isDisjoint(with: b.element.settings), a.element.minShare! + b.element.minShare! > 1 + 1e-9 {
                    reasons.append("policies \(a.offset + 1) and \(b.offset + 1): minimum shares \(a.element.minShare!) and \(b.element.minShare!) add up to more than all children")
                }
            }
        }
        // Options that can never open because a required option opens too late.
        for option in s.capitalOptions {
            for p in option.requires where s.capitalOptions[p].earliestYear > option.latestYear {
                reasons.append("option \(option.id) requires \(s.capitalOptions[p].id), which cannot open before \(s.years[s.capitalOptions[p].earliestYear]), after \(option.id)'s latest year \(s.years[option.latestYear])")
            }
        }
        if let cap = s.finance.maxCumulativeDeficit, let missed = deficitShortfall(model, deadline: options.deadline), missed > 1e-6 {
            reasons.append("the cumulative deficit cannot be kept within \(ReportText.pounds(cap)): \(model.program.isMIP ? "even with the capital options taken in part (the LP relaxation), the best plan misses it by \(ReportText.pounds(missed)), and by at least that with whole options" : "the best plan misses it by \(ReportText.pounds(missed))")")
        }
        if reasons.isEmpty { reasons = elasticRows(model, deadline: options.deadline) }
        if reasons.isEmpty { reasons = ["no single rule explains it; the combination of capacity, persistence, policies and options has no solution"] }
        return reasons
    }

    /// The least amount by which any plan overshoots the deficit cap: the LP with one slack on
    /// every cumulative-deficit row, minimising that slack.
    static func deficitShortfall(_ model: PlacementModel, deadline: ContinuousClock.Instant? = nil) -> Double? {
        guard !model.deficitRows.isEmpty else { return nil }
        var lp = model.program
        for j in 0..<lp.columnCount { lp.objective[j] = 0; lp.isInteger[j] = false }
        let deficitRows = Set(model.deficitRows)
        return solveWithSlack(lp, rows: deficitRows, sharedSlack: true, deadline: deadline)?.total
    }

    /// Adds an elastic slack to every row, minimises the total, and names the rows that need it.
    static func elasticRows(_ model: PlacementModel, deadline: ContinuousClock.Instant? = nil) -> [String] {
        var lp = model.program
        for j in 0..<lp.columnCount { lp.objective[j] = 0; lp.isInteger[j] = false }
        // Demand is a fact, not a choice: the slack goes first to the rules a planner sets
        // (capacity, policies, the cap), so the explanation names one of those.
        let facts = Set(model.demandRow.filter { $0 >= 0 })
        guard let result = solveWithSlack(lp, rows: Set(0..<lp.rowCount), sharedSlack: false, deadline: deadline, weight: { facts.contains($0) ? 1000 : 1 }) else { return [] }
        let violatedRows = Set(result.violated.map(\.row))
        return result.violated.prefix(8).map { entry in
            var text = describe(model, row: entry.row, amount: entry.amount, over: entry.over)
            // The policies it conflicts with: others of the same year held at a bound meanwhile.
            if let policy = model.policyRows.first(where: { $0.row == entry.row }) {
                let partners = model.policyRows.filter { other in
                    other.year == policy.year && other.policy != policy.policy && !violatedRows.contains(other.row) && result.tight[other.row] != nil
                }
                for other in partners.prefix(3) {
                    let constant = model.rowConstant[other.row] ?? 0
                    let side = result.tight[other.row]!
                    let bound = (side ? model.program.rowUpper[other.row] : model.program.rowLower[other.row]) + constant
                    text += "; with policy \(other.policy + 1) (\(model.scenario.policies[other.policy].label)) held at its \(side ? "maximum" : "minimum") of \(PlacementModel.children(bound))"
                }
            }
            return text
        }
    }

    /// One violated row in the scenario's terms: its setting, policy, year and the numbers.
    static func describe(_ model: PlacementModel, row: Int, amount: Double, over: Bool) -> String {
        let s = model.scenario, index = model.index
        let constant = model.rowConstant[row] ?? 0
        if let settingYear = model.capacityRow.firstIndex(of: row) {
            let setting = s.settings[settingYear / index.years], year = s.years[settingYear % index.years]
            let places = model.program.rowUpper[row] + constant
            return "\(setting.name) (\(setting.id)) \(year): the plan needs \(PlacementModel.children(amount)) more places than its \(PlacementModel.children(places)), for the children who stay there and those no other setting can take"
        }
        if let entry = model.policyRows.first(where: { $0.row == row }) {
            let policy = s.policies[entry.policy], year = s.years[entry.year]
            let lower = model.program.rowLower[row] + constant, upper = model.program.rowUpper[row] + constant
            if over {
                return "policy \(entry.policy + 1) (\(policy.label)) \(year): at most \(PlacementModel.children(upper)) children, but at least \(PlacementModel.children(upper + amount)) must be in its settings (children already placed who stay, and those no other setting can take)"
            }
            return "policy \(entry.policy + 1) (\(policy.label)) \(year): at least \(PlacementModel.children(lower)) children, but at most \(PlacementModel.children(lower - amount)) can be in its settings (their places, the needs they serve and the other rules allow no more)"
        }
        if let t = model.deficitRows.firstIndex(of: row) {
            return "cumulative deficit \(s.years[t]): over the cap of \(ReportText.pounds(s.finance.maxCumulativeDeficit ?? 0)) by \(ReportText.pounds(amount)) at best"
        }
        if let slot = model.demandRow.firstIndex(of: row) {
            let c = index.cohort(ofSlot: slot), t = index.year(ofSlot: slot)
            let age = s.ages.isEmpty ? "" : " (\(s.ages[index.age(ofCohort: c)].id))"
            let zone = s.zones.isEmpty ? "" : " in zone \(s.zones[index.zone(ofSlot: slot)])"
            return "\(s.needs[index.need(ofCohort: c)])\(age)\(zone) \(s.years[t]): the rules would place \(PlacementModel.children(amount)) children \(over ? "more" : "fewer") than there are"
        }
        let name = model.program.rowNames[row]
        if name.hasPrefix("budget") { return "the capital budget: over by \(ReportText.pounds(amount)) at best (\(name))" }
        return "the capital options' rules (\(name)) cannot all hold"
    }

    private static func elasticOptions(_ deadline: ContinuousClock.Instant?) -> SolverOptions {
        var options = SolverOptions(lpMethod: .dualSimplex)
        options.deadline = deadline
        // An explanation is worth a minute at most when the command set no limit of its own.
        if deadline == nil { options.timeLimit = 60 }
        return options
    }

    private static func solveWithSlack(_ base: LinearProgram, rows: Set<Int>, sharedSlack: Bool, deadline: ContinuousClock.Instant?,
                                       weight: (Int) -> Double = { _ in 1 }) -> (total: Double, violated: [(row: Int, amount: Double, over: Bool)], tight: [Int: Bool])? {
        var b = LinearProgram.Builder(name: "elastic")
        for j in 0..<base.columnCount {
            b.addColumn(name: base.columnNames[j], lower: base.columnLower[j], upper: base.columnUpper[j], cost: 0)
        }
        for i in 0..<base.rowCount { b.addRow(name: base.rowNames[i], lower: base.rowLower[i], upper: base.rowUpper[i]) }
        for j in 0..<base.columnCount {
            for k in base.columnStart[j]..<base.columnStart[j + 1] { b.add(row: base.rowIndex[k], column: j, base.value[k]) }
        }
        var slackRow: [Int: (row: Int, over: Bool)] = [:] // slack column → row and side
        let shared = sharedSlack ? b.addColumn(name: "slack", cost: 1) : -1
        for i in rows.sorted() {
            if sharedSlack { b.add(row: i, column: shared, -1); continue }
            if base.rowUpper[i].isFinite { let c = b.addColumn(name: "over[\(i)]", cost: weight(i)); b.add(row: i, column: c, -1); slackRow[c] = (i, true) }
            if base.rowLower[i].isFinite { let c = b.addColumn(name: "under[\(i)]", cost: weight(i)); b.add(row: i, column: c, 1); slackRow[c] = (i, false) }
        }
        guard let lp = try? b.build(), let solver = try? SolverBackend.glpk.make(lp),
              let solution = try? solver.solve(Self.elasticOptions(deadline)), solution.status == .optimal else { return nil }
        var violated: [(row: Int, amount: Double, over: Bool)] = []
        for (column, side) in slackRow.sorted(by: { $0.key < $1.key }) where solution.columnValues[column] > 1e-6 {
            violated.append((side.row, solution.columnValues[column], side.over))
        }
        // Rows at a bound with no slack (true: at the upper bound), for naming what a broken rule conflicts with.
        var tight: [Int: Bool] = [:]
        if solution.rowActivities.count >= base.rowCount {
            for i in 0..<base.rowCount where base.rowLower[i] != base.rowUpper[i] {
                let activity = solution.rowActivities[i], scale = 1e-7 * max(1, abs(activity))
                if base.rowUpper[i].isFinite && abs(activity - base.rowUpper[i]) <= scale { tight[i] = true }
                else if base.rowLower[i].isFinite && abs(activity - base.rowLower[i]) <= scale { tight[i] = false }
            }
        }
        return (solution.objective, violated.sorted { $0.amount > $1.amount }, tight)
    }
}
