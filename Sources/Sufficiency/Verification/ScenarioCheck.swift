import Foundation

/// Re-checks a solution against the *scenario* (not the model): each rule of SPEC §3 is
/// recomputed from the scenario's own data, so a mistake in the model builder shows up here
/// even when the solver's answer fits the model it was given.
struct ScenarioCheck {
    var checks: [String] = []
    var failures: [String] = []

    static func run(model: PlacementModel, solution: Solution) -> ScenarioCheck {
        var check = ScenarioCheck()
        let s = model.scenario, x = solution.columnValues
        let T = model.yearCount, N = model.needCount, Z = model.zoneCount, S = s.settings.count
        // Interior point stops at a tolerance of its own: the same looser one as the model check.
        let tolerance = solution.method == .interior ? 1e-5 : 1e-6
        func near(_ a: Double, _ b: Double, scale: Double = 1) -> Bool { abs(a - b) <= tolerance * max(1, abs(a), abs(b), scale) }
        func fail(_ message: String) { if check.failures.count < 20 { check.failures.append(message) } }

        // The solution in the scenario's terms. The model supplies only which column is which
        // (its labels); children placed are rebuilt here from the starts with the scenario's own
        // leaving rates and incumbents, reach and unmet values recomputed from the scenario.
        var starts: [Int: Double] = [:] // key ((t * Z + z) * N + n) * S + s
        for column in 0..<model.placementCount {
            let key = ((Int(model.placementYear[column]) * Z + Int(model.placementZone[column])) * N + Int(model.placementNeed[column])) * S
                + Int(model.placementSetting[column])
            starts[key, default: 0] += x[column]
        }
        let journeys = Dictionary(s.travel.map { ("\($0.zone)/\($0.setting)", $0) }, uniquingKeysWith: { a, _ in a })
        let travel = Dictionary(s.travel.map { ($0.zone * S + $0.setting, $0) }, uniquingKeysWith: { a, _ in a })
        /// SPEC §2 Zones, written again here: a county-wide setting or one in the child's own zone
        /// is reached (its minutes 0 unless a journey says otherwise), another zone's only by a journey.
        func reaches(_ z: Int, _ setting: Int, _ n: Int) -> (Bool, transport: Double) {
            let journey = journeys["\(z)/\(setting)"]
            let local = s.settings[setting].zone == nil || s.settings[setting].zone == z
            if !local && journey == nil { return (false, 0) }
            if let limit = s.maxTravelMinutes[n], (journey?.minutes ?? 0) > limit { return (false, 0) }
            return (true, journey?.cost ?? s.settings[setting].transportPerPlace)
        }
        var firstYearIncumbents: [Int: Double] = [:]
        for incumbent in s.incumbents { firstYearIncumbents[(incumbent.zone * N + incumbent.need) * S + incumbent.setting, default: 0] += incumbent.children }
        var placed: [Int: Double] = [:]
        for t in 0..<T {
            for z in 0..<Z {
                for n in 0..<N {
                    for setting in 0..<S {
                        let key = ((t * Z + z) * N + n) * S + setting
                        let stay = 1 - s.settings[setting].leavingRate
                        var carried = 0.0
                        if s.settings[setting].isOpen(t) && s.settings[setting].serves[n] {
                            if t == 0 { carried = stay * (firstYearIncumbents[(z * N + n) * S + setting] ?? 0) }
                            else if s.settings[setting].isOpen(t - 1) { carried = stay * (placed[key - Z * N * S] ?? 0) }
                        }
                        let value = carried + (starts[key] ?? 0)
                        if value != 0 || starts[key] != nil { placed[key] = value }
                    }
                }
            }
        }
        var bySettingYear = [Double](repeating: 0, count: S * T)
        var byNeedSettingYear: [Int: Double] = [:]
        var suitabilityOK = true
        for (key, value) in placed.sorted(by: { $0.key < $1.key }) {
            let setting = key % S, n = (key / S) % N, z = (key / (S * N)) % Z, t = key / (S * N * Z)
            if value < -tolerance { fail("negative placement: \(value) children of \(s.needs[n]) in \(s.settings[setting].id), \(s.years[t])") }
            bySettingYear[setting * T + t] += value
            byNeedSettingYear[(setting * N + n) * T + t, default: 0] += value
            if abs(value) > tolerance && (!s.settings[setting].serves[n] || !s.settings[setting].isOpen(t) || !reaches(z, setting, n).0) {
                suitabilityOK = false
                fail("\(s.needs[n]) children placed in \(s.settings[setting].id) in \(s.years[t]), which cannot take them")
            }
        }
        // What an unmet child counts at in the deficit (SPEC §3, constraint 7): the dearest
        // placement + transport of the existing settings with a place for them, else of the new ones.
        func unmetValue(_ t: Int, _ z: Int, _ n: Int) -> Double {
            var existing: Double?, created: Double?
            for setting in 0..<S where s.settings[setting].serves[n] && s.settings[setting].isOpen(t) {
                let (reached, transport) = reaches(z, setting, n)
                guard reached else { continue }
                let price = (s.settings[setting].costByNeed[n] + transport) * s.inflationFactor(year: t)
                if s.settings[setting].createdByOption == nil { existing = max(existing ?? price, price) } else { created = max(created ?? price, price) }
            }
            return existing ?? created ?? 0
        }
        if suitabilityOK { check.checks.append("every child placed in a setting that serves, reaches and is open for them") }

        // 1. Demand met or reported unmet.
        var demandOK = true
        for t in 0..<T {
            for z in 0..<Z {
                for n in 0..<N {
                    let slot = (t * Z + z) * N + n
                    var total = x[model.unmetColumn[slot]]
                    for setting in 0..<S { total += placed[(slot) * S + setting] ?? 0 }
                    if !near(total, s.demand[slot]) {
                        demandOK = false
                        fail("\(s.needs[n]) \(s.years[t]): \(total) children placed or unmet, demand is \(s.demand[slot])")
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
        if !s.capitalOptions.isEmpty && optionsOK { check.checks.append("options opened at most once, in their window, with excludes, requires and budgets kept") }

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
                for (n, caps) in setting.capacityByNeed {
                    if let cap = caps[t], (byNeedSettingYear[(index * N + n) * T + t] ?? 0) > cap + tolerance * max(1, cap) {
                        capacityOK = false
                        fail("\(setting.id) \(s.years[t]): more \(s.needs[n]) children than its \(cap) places for that need")
                    }
                }
            }
        }
        if capacityOK { check.checks.append("no setting over its places (options opened included)") }

        // 3. Persistence and incumbents.
        var persistenceOK = true
        var incumbents: [Int: Double] = [:]
        for incumbent in s.incumbents { incumbents[(incumbent.zone * N + incumbent.need) * S + incumbent.setting, default: 0] += incumbent.children }
        for t in 0..<T {
            for z in 0..<Z {
                for n in 0..<N {
                    for setting in 0..<S where s.settings[setting].serves[n] && s.settings[setting].isOpen(t) {
                        let stay = 1 - s.settings[setting].leavingRate
                        let before: Double
                        if t == 0 { before = incumbents[(z * N + n) * S + setting] ?? 0 }
                        else { before = s.settings[setting].isOpen(t - 1) ? placed[(((t - 1) * Z + z) * N + n) * S + setting] ?? 0 : 0 }
                        let now = placed[((t * Z + z) * N + n) * S + setting] ?? 0
                        if now < stay * before - tolerance * max(1, before) {
                            persistenceOK = false
                            fail("\(s.needs[n]) in \(s.settings[setting].id) \(s.years[t]): \(now) children, but \(stay * before) should stay")
                        }
                    }
                }
            }
        }
        if persistenceOK { check.checks.append("children already placed stay (leaving rates applied), incumbents included") }

        // 4. Policies.
        var policiesOK = true
        for (p, policy) in s.policies.enumerated() {
            for t in 0..<T {
                let total = (0..<(Z * N)).reduce(0.0) { $0 + s.demand[t * Z * N + $1] }
                let inPolicy = policy.settings.reduce(0.0) { $0 + bySettingYear[$1 * T + t] }
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
        for (key, value) in placed where value != 0 {
            let setting = key % S, rest = key / S, n = rest % N, z = (rest / N) % Z, t = rest / (N * Z)
            let transport = travel[z * S + setting]?.cost ?? s.settings[setting].transportPerPlace
            let yearly = (s.settings[setting].costByNeed[n] + transport) * s.inflationFactor(year: t) * value
            spend[t] += yearly
            objective += s.discountFactor(year: t) * yearly
            magnitude += abs(s.discountFactor(year: t) * yearly)
        }
        for t in 0..<T {
            for z in 0..<Z {
                for n in 0..<N {
                    let u = x[model.unmetColumn[(t * Z + z) * N + n]]
                    objective += s.discountFactor(year: t) * s.unmetPenalty[n] * u
                    magnitude += abs(s.discountFactor(year: t) * s.unmetPenalty[n] * u)
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

        // 6. Deficit cap.
        if let cap = s.finance.maxCumulativeDeficit {
            var cumulative = s.finance.broughtForwardDeficit
            var ok = true
            for t in 0..<T {
                var unmetCost = 0.0
                for z in 0..<Z { for n in 0..<N { unmetCost += x[model.unmetColumn[(t * Z + z) * N + n]] * unmetValue(t, z, n) } }
                cumulative += spend[t] + unmetCost + s.finance.otherSpend[t] - s.finance.grant[t]
                if cumulative > cap + 1e-7 * max(1, abs(cap), abs(cumulative)) {
                    ok = false; fail("cumulative deficit \(cumulative) in \(s.years[t]) is above the cap \(cap)")
                }
            }
            if ok { check.checks.append("cumulative deficit within its cap every year") }
        }
        return check
    }
}
