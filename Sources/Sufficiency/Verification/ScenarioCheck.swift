import Foundation

/// Re-checks a solution against the *scenario* (not the model): each rule of SPEC §3 is
/// recomputed from the scenario's own data, so a mistake in the model builder shows up here
/// even when the solver's answer fits the model it was given.
struct ScenarioCheck {
    var checks: [String] = []
    var failures: [String] = []
    /// Phase transfers into each year, recomputed here from the rebuilt placements.
    var transfersByYear: [Double] = []
    /// The finance table's cumulative deficit by year, and the same with unmet children placed.
    var deficitByYear: [Double] = []
    var deficitIfAllPlacedByYear: [Double] = []

    static func run(model: PlacementModel, solution: Solution) -> ScenarioCheck {
        var check = ScenarioCheck()
        let s = model.scenario, x = solution.columnValues
        let T = model.yearCount, Z = model.zoneCount, S = s.settings.count
        // Cohorts (need, age group): c = n · A + a. Without ages A = 1 and c = n.
        let A = max(1, s.ages.count), N = s.needs.count * A
        let m: [Double] = s.ages.isEmpty ? [0] : s.ages.map { 1 / Double($0.to - $0.from + 1) }
        func need(_ c: Int) -> Int { c / A }
        func age(_ c: Int) -> Int { c % A }
        func serves(_ setting: Int, _ c: Int) -> Bool { s.settings[setting].serves[need(c)] && s.settings[setting].servesAge[age(c)] }
        func cohortName(_ c: Int) -> String { s.ages.isEmpty ? s.needs[need(c)] : "\(s.needs[need(c)]) (\(s.ages[age(c)].id))" }
        // Interior point stops at a tolerance of its own: the same looser one as the model check.
        let tolerance = solution.method == .interior ? 1e-5 : 1e-6
        func near(_ a: Double, _ b: Double, scale: Double = 1) -> Bool { abs(a - b) <= tolerance * max(1, abs(a), abs(b), scale) }
        func fail(_ message: String) { if check.failures.count < 20 { check.failures.append(message) } }

        // The solution in the scenario's terms. The model supplies only which column is which
        // (its labels); children placed are rebuilt here from the starts with the scenario's own
        // leaving rates and incumbents, reach and unmet values recomputed from the scenario.
        // Dense by key ((t · Z + z) · N + c) · S + setting; 0 where nobody is placed.
        let keys = T * Z * N * S
        var starts = [Double](repeating: 0, count: keys)
        for column in 0..<model.placementCount {
            let c = Int(model.placementNeed[column]) * A + Int(model.placementAge[column])
            let key = ((Int(model.placementYear[column]) * Z + Int(model.placementZone[column])) * N + c) * S + Int(model.placementSetting[column])
            starts[key] += x[column]
        }
        // The scenario's journeys by (zone, setting); the first of two for one pair counts.
        var travel = [TravelLink?](repeating: nil, count: Z * S)
        for link in s.travel where travel[link.zone * S + link.setting] == nil { travel[link.zone * S + link.setting] = link }
        /// SPEC §2 Zones, written again here: a county-wide setting or one in the child's own zone
        /// is reached (its minutes 0 unless a journey says otherwise), another zone's only by a journey.
        func reaches(_ z: Int, _ setting: Int, _ n: Int) -> (Bool, transport: Double) {
            let journey = travel[z * S + setting]
            let local = s.settings[setting].zone == nil || s.settings[setting].zone == z
            if !local && journey == nil { return (false, 0) }
            if let limit = s.maxTravelMinutes[n], (journey?.minutes ?? 0) > limit { return (false, 0) }
            return (true, journey?.cost ?? s.settings[setting].transportPerPlace)
        }
        var firstYearIncumbents: [Int: Double] = [:]
        var incumbentTotal = [Double](repeating: 0, count: Z * N)
        for incumbent in s.incumbents {
            firstYearIncumbents[(incumbent.zone * N + incumbent.need * A + incumbent.age) * S + incumbent.setting, default: 0] += incumbent.children
            incumbentTotal[incumbent.zone * N + incumbent.need * A + incumbent.age] += incumbent.children
        }
        // The demand cap of SPEC §3, written again here: r = min(1, D / (k̄ · ((1 − m_a) D′[a] +
        // m_{a−1} D′[a−1]))), D′ the year before's demand (the incumbents in the first year).
        func demandOf(_ t: Int, _ z: Int, _ c: Int) -> Double { s.demand[(t * Z + z) * N + c] }
        var largestStay = [Double](repeating: 0, count: N)
        for c in 0..<N {
            for setting in s.settings where setting.serves[need(c)] && setting.servesAge[age(c)] {
                largestStay[c] = max(largestStay[c], 1 - setting.leavingRate)
            }
        }
        func cap(_ t: Int, _ z: Int, _ c: Int) -> Double {
            func before(_ cohort: Int) -> Double { t == 0 ? incumbentTotal[z * N + cohort] : demandOf(t - 1, z, cohort) }
            let staying = largestStay[c] * ((1 - m[age(c)]) * before(c) + (age(c) > 0 ? m[age(c) - 1] * before(c - 1) : 0))
            return staying > 0 ? min(1, demandOf(t, z, c) / staying) : 1
        }
        // Children who must stay in each placement (its floor), and who move up out of a setting
        // that does not serve their new group (phase transfers).
        var placed = [Double](repeating: 0, count: keys)
        var floor = [Double](repeating: -.infinity, count: keys) // -∞: no floor (the setting does not serve the group)
        var transfers = [Double](repeating: 0, count: T)
        for t in 0..<T {
            for z in 0..<Z {
                for c in 0..<N {
                    let r = cap(t, z, c)
                    for setting in 0..<S {
                        let key = ((t * Z + z) * N + c) * S + setting
                        let keep = (1 - s.settings[setting].leavingRate) * r
                        func previous(_ cohort: Int) -> Double {
                            if t == 0 { return firstYearIncumbents[(z * N + cohort) * S + setting] ?? 0 }
                            return s.settings[setting].isOpen(t - 1) ? placed[(((t - 1) * Z + z) * N + cohort) * S + setting] : 0
                        }
                        guard s.settings[setting].isOpen(t) else { placed[key] = starts[key]; continue }
                        let movingIn = age(c) > 0 && s.settings[setting].serves[need(c)] ? keep * m[age(c) - 1] * previous(c - 1) : 0
                        var carried = 0.0
                        if serves(setting, c) {
                            carried = keep * (1 - m[age(c)]) * previous(c) + movingIn
                            floor[key] = carried
                        } else {
                            transfers[t] += movingIn
                        }
                        placed[key] = carried + starts[key]
                    }
                }
            }
        }
        check.transfersByYear = transfers
        var bySettingYear = [Double](repeating: 0, count: S * T)
        var byNeedSettingYear = [Double](repeating: 0, count: S * s.needs.count * T), byAgeSettingYear = [Double](repeating: 0, count: S * A * T)
        var suitabilityOK = true
        for (key, value) in placed.enumerated() {
            let setting = key % S, c = (key / S) % N, z = (key / (S * N)) % Z, t = key / (S * N * Z)
            if value < -tolerance { fail("negative placement: \(value) children of \(cohortName(c)) in \(s.settings[setting].id), \(s.years[t])") }
            bySettingYear[setting * T + t] += value
            byNeedSettingYear[(setting * s.needs.count + need(c)) * T + t] += value
            byAgeSettingYear[(setting * A + age(c)) * T + t] += value
            if abs(value) > tolerance && (!serves(setting, c) || !s.settings[setting].isOpen(t) || !reaches(z, setting, need(c)).0) {
                suitabilityOK = false
                fail("\(cohortName(c)) children placed in \(s.settings[setting].id) in \(s.years[t]), which cannot take them")
            }
        }
        // What an unmet child counts at in the deficit (SPEC §3, constraint 7): the dearest
        // placement + transport of the existing settings with a place for them, else of the new ones.
        func unmetValue(_ t: Int, _ z: Int, _ c: Int) -> Double {
            var existing: Double?, created: Double?
            let n = need(c)
            for setting in 0..<S where serves(setting, c) && s.settings[setting].isOpen(t) {
                let (reached, transport) = reaches(z, setting, n)
                guard reached else { continue }
                let price = (s.settings[setting].costByNeed[n] + (s.finance.transport == .highNeeds ? transport : 0)) * s.inflationFactor(year: t)
                if s.settings[setting].createdByOption == nil { existing = max(existing ?? price, price) } else { created = max(created ?? price, price) }
            }
            return existing ?? created ?? 0
        }
        if suitabilityOK { check.checks.append("every child placed in a setting that serves, reaches and is open for them") }

        // 1. Demand met or reported unmet.
        var demandOK = true
        for t in 0..<T {
            for z in 0..<Z {
                for c in 0..<N {
                    let slot = (t * Z + z) * N + c
                    var total = x[model.unmetColumn[slot]]
                    for setting in 0..<S { total += placed[(slot) * S + setting] }
                    if !near(total, s.demand[slot]) {
                        demandOK = false
                        fail("\(cohortName(c)) \(s.years[t]): \(total) children placed or unmet, demand is \(s.demand[slot])")
                    }
                }
            }
        }
        if demandOK { check.checks.append("demand of every need and year placed or reported unmet") }

        // Options opened (cumulative share by year) and the budget.
        var openedBy = [Double](repeating: 0, count: s.capitalOptions.count * T)
        var optionsOK = true
        var capitalSpend = 0.0, capitalByYear = [Double](repeating: 0, count: T)
        // Money to compare budgets at: a share within tolerance of 0 may still carry a cost.
        var capitalScale = 0.0, capitalScaleByYear = [Double](repeating: 0, count: T)
        for (o, option) in s.capitalOptions.enumerated() {
            var cumulative = 0.0
            for t in 0..<T {
                if t >= option.earliestYear && t <= option.latestYear {
                    let share = x[model.optionColumnStart[o] + t - option.earliestYear]
                    if !option.fractional && solution.method == .branchAndCut && abs(share - share.rounded()) > 1e-5 {
                        optionsOK = false; fail("option \(option.id) is part-built (\(share)) but is not fractional")
                    }
                    cumulative += share
                    capitalSpend += share * option.capitalCost
                    capitalByYear[t] += share * option.capitalCost
                    capitalScale += option.capitalCost
                    capitalScaleByYear[t] += option.capitalCost
                }
                openedBy[o * T + t] = cumulative
            }
            if cumulative > 1 + tolerance { optionsOK = false; fail("option \(option.id) opened more than once") }
            if option.decision == .off && cumulative > tolerance { optionsOK = false; fail("option \(option.id) is off in the scenario but the plan builds it") }
            if option.decision == .forced && !option.fractional && cumulative < 1 - tolerance { optionsOK = false; fail("option \(option.id) is forced in the scenario but the plan does not build it") }
        }
        for (o, option) in s.capitalOptions.enumerated() {
            for p in option.excludes where openedBy[o * T + T - 1] + openedBy[p * T + T - 1] > 1 + tolerance {
                optionsOK = false; fail("options \(option.id) and \(s.capitalOptions[p].id) exclude each other but both opened")
            }
            for p in option.requires {
                for t in 0..<T where openedBy[o * T + t] > openedBy[p * T + t] + tolerance {
                    optionsOK = false; fail("option \(option.id) opened in \(s.years[t]) before the option it requires, \(s.capitalOptions[p].id)")
                }
            }
        }
        if let budget = s.capital.budget, capitalSpend > budget + tolerance * max(1, budget, capitalScale) { optionsOK = false; fail("capital spend \(capitalSpend) is over the budget \(budget)") }
        for t in 0..<T {
            if let budget = s.capital.budgetByYear[t], capitalByYear[t] > budget + tolerance * max(1, budget, capitalScaleByYear[t]) {
                optionsOK = false; fail("capital spend in \(s.years[t]) is over that year's budget")
            }
        }
        if !s.capitalOptions.isEmpty && optionsOK { check.checks.append("options opened at most once, in their window, with excludes, requires, budgets and the scenario's off and forced decisions kept") }

        // 2. Capacity, options included, and capacity by need.
        var capacityOK = true
        for (index, setting) in s.settings.enumerated() {
            for t in 0..<T where setting.isOpen(t) {
                if let base = setting.capacity[t] {
                    var places = base
                    for (o, option) in s.capitalOptions.enumerated() where option.setting == index { places += option.places * openedBy[o * T + t] }
                    if bySettingYear[index * T + t] > places + tolerance * max(1, places) {
                        capacityOK = false
                        fail("\(setting.id) \(s.years[t]): \(bySettingYear[index * T + t]) children in \(places) places")
                    }
                }
                for (a, caps) in setting.capacityByAge {
                    if let cap = caps[t], byAgeSettingYear[(index * A + a) * T + t] > cap + tolerance * max(1, cap) {
                        capacityOK = false
                        fail("\(setting.id) \(s.years[t]): more \(s.ages[a].id) children than its \(cap) places for that age group")
                    }
                }
                for (n, caps) in setting.capacityByNeed {
                    if let cap = caps[t], byNeedSettingYear[(index * s.needs.count + n) * T + t] > cap + tolerance * max(1, cap) {
                        capacityOK = false
                        fail("\(setting.id) \(s.years[t]): more \(s.needs[n]) children than its \(cap) places for that need")
                    }
                }
            }
        }
        if capacityOK { check.checks.append("no setting over its places (options opened included)") }

        // 3. Persistence and incumbents.
        var persistenceOK = true
        for (key, required) in floor.enumerated() where required > -.infinity {
            let now = placed[key]
            if now < required - tolerance * max(1, required) {
                let setting = key % S, c = (key / S) % N, t = key / (S * N * Z)
                persistenceOK = false
                fail("\(cohortName(c)) in \(s.settings[setting].id) \(s.years[t]): \(now) children, but \(required) should stay")
            }
        }
        if persistenceOK {
            check.checks.append(s.ages.isEmpty ? "children already placed stay (leaving rates and the demand cap applied), incumbents included"
                                               : "children already placed stay, ageing into the next group where their setting serves it (leaving rates and the demand cap applied), incumbents included")
        }

        // 4. Policies.
        var policiesOK = true
        for (p, policy) in s.policies.enumerated() {
            for t in 0..<T {
                let total = (0..<(Z * N)).reduce(0.0) { policy.ages[age($1 % N)] ? $0 + s.demand[t * Z * N + $1] : $0 }
                let inPolicy = policy.settings.reduce(0.0) { sum, setting in
                    sum + (0..<A).reduce(0.0) { policy.ages[$1] ? $0 + byAgeSettingYear[(setting * A + $1) * T + t] : $0 }
                }
                let slack = tolerance * max(1, total)
                var violated = false
                if let share = policy.maxShare, inPolicy > share * total + slack { violated = true }
                if let share = policy.minShare, inPolicy < share * total - slack { violated = true }
                if let maximum = policy.maxChildren[t], inPolicy > maximum + slack { violated = true }
                if let minimum = policy.minChildren[t], inPolicy < minimum - slack { violated = true }
                if violated { policiesOK = false; fail("policy \(p + 1) (\(policy.label)) not kept in \(s.years[t]): \(inPolicy) children") }
            }
        }
        if !s.policies.isEmpty && policiesOK { check.checks.append("every policy kept in every year") }

        // 5. The objective, recomputed from the scenario's costs.
        var objective = 0.0, magnitude = 0.0
        var spend = [Double](repeating: 0, count: T)
        for (key, value) in placed.enumerated() where value != 0 {
            let setting = key % S, rest = key / S, n = need(rest % N), z = (rest / N) % Z, t = rest / (N * Z)
            let transport = travel[z * S + setting]?.cost ?? s.settings[setting].transportPerPlace
            let yearly = (s.settings[setting].costByNeed[n] + transport) * s.inflationFactor(year: t) * value
            // High Needs spend: the fee, and transport only when the block pays it.
            spend[t] += (s.settings[setting].costByNeed[n] + (s.finance.transport == .highNeeds ? transport : 0)) * s.inflationFactor(year: t) * value
            objective += s.discountFactor(year: t) * yearly
            magnitude += abs(s.discountFactor(year: t) * yearly)
        }
        for t in 0..<T {
            for z in 0..<Z {
                for c in 0..<N {
                    let u = x[model.unmetColumn[(t * Z + z) * N + c]]
                    objective += s.discountFactor(year: t) * s.unmetPenalty[need(c)] * u
                    magnitude += abs(s.discountFactor(year: t) * s.unmetPenalty[need(c)] * u)
                }
            }
        }
        for (o, option) in s.capitalOptions.enumerated() {
            for t in option.earliestYear...option.latestYear {
                let share = x[model.optionColumnStart[o] + t - option.earliestYear]
                switch s.capital.accounting {
                case .upfront: objective += s.discountFactor(year: t) * option.capitalCost * share
                case .annualised:
                    // Recomputed here rather than taken from Scenario.annuity, so the check stays independent.
                    let life = Double(s.capital.assetLifeYears), r = s.discountRate
                    let annuity = r == 0 ? option.capitalCost / life : option.capitalCost * r / -expm1(-life * log1p(r))
                    for year in t..<min(T, t + s.capital.assetLifeYears) { objective += s.discountFactor(year: year) * annuity * share }
                }
            }
        }
        if abs(objective - solution.objective) > 1e-7 * max(1, magnitude) {
            fail("total cost recomputed from the scenario is \(objective), the solver reports \(solution.objective)")
        } else {
            check.checks.append("total cost recomputed from the scenario's costs")
        }

        // 6. The finance table's deficit, and the cap on it.
        var cumulative = s.finance.broughtForwardDeficit, unmetSoFar = 0.0
        var capOK = true
        for t in 0..<T {
            var unmetCost = 0.0
            for z in 0..<Z { for c in 0..<N { unmetCost += x[model.unmetColumn[(t * Z + z) * N + c]] * unmetValue(t, z, c) } }
            let mitigations = s.finance.mitigations.reduce(0) { $0 + $1.amount[t] }
            cumulative += spend[t] + s.finance.otherSpend[t] - mitigations - s.finance.grant[t] - s.finance.income[t]
            unmetSoFar += unmetCost
            check.deficitByYear.append(cumulative)
            check.deficitIfAllPlacedByYear.append(cumulative + unmetSoFar)
            if let cap = s.finance.maxCumulativeDeficit, cumulative + unmetSoFar > cap + 1e-7 * max(1, abs(cap), abs(cumulative + unmetSoFar)) {
                capOK = false; fail("cumulative deficit \(cumulative + unmetSoFar) in \(s.years[t]), unmet children at their value included, is above the cap \(cap)")
            }
        }
        if s.finance.maxCumulativeDeficit != nil && capOK { check.checks.append("cumulative deficit within its cap every year") }
        return check
    }
}
