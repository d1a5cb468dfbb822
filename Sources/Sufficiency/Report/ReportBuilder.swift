import Foundation

extension Report {
    /// Builds the report of a solved (or unsolved) model.
    init(model: PlacementModel, solution: Solution?, verification modelVerification: Verification?, explanation: [String],
         statistics: SolverStatistics) {
        let s = model.scenario
        let T = model.yearCount, N = model.needCount, Z = model.zoneCount, S = s.settings.count
        scenario = s.name
        status = solution?.status.rawValue ?? ModelStatus.infeasible.rawValue
        years = s.years
        self.explanation = explanation
        solver = statistics
        placements = []; placementsByType = []; settings = []; unmet = []; options = []; policies = []
        unusedPlacements = []; finance = []; zones = []; withoutOptions = nil; capital = nil
        provenance = nil
        objective = nil
        costs = nil
        guard let solution, solution.status.hasSolution else {
            self.verification = VerificationReport(passed: false, summary: "no solution to verify", model: nil, scenarioChecks: [], scenarioFailures: [])
            return
        }
        objective = solution.objective
        let x = solution.columnValues
        let discount = (0..<T).map { s.discountFactor(year: $0) }
        let clean = { (value: Double) in abs(value) < 1e-9 ? 0 : value }

        // Placements by need × setting and by type; costs by year.
        var childrenByNeedSetting = [Double](repeating: 0, count: N * S * T)
        let ageGroups = model.index.ages
        var childrenByLine = [Double](repeating: 0, count: N * ageGroups * S * T)   // ((n · A + a) · S + s) · T + t
        var childrenBySetting = [Double](repeating: 0, count: S * T)
        var placementCost = [Double](repeating: 0, count: T), transportCost = [Double](repeating: 0, count: T)
        var typeChildren: [SettingType: [Double]] = [:], typeCost: [SettingType: [Double]] = [:], placementCostByType: [SettingType: [Double]] = [:]
        var zonePlaced = [Double](repeating: 0, count: Z * T), zoneTransport = [Double](repeating: 0, count: Z * T)
        var zoneMinutes = [Double](repeating: 0, count: Z * T), zoneMaxMinutes = [Double?](repeating: nil, count: Z * T)
        let placed = model.placementValues(x)
        for column in 0..<model.placementCount {
            let value = placed[column]
            guard value != 0 else { continue }
            let t = Int(model.placementYear[column]), n = Int(model.placementNeed[column])
            let setting = Int(model.placementSetting[column]), z = Int(model.placementZone[column])
            childrenByNeedSetting[(n * S + setting) * T + t] += value
            childrenByLine[((n * ageGroups + Int(model.placementAge[column])) * S + setting) * T + t] += value
            childrenBySetting[setting * T + t] += value
            placementCost[t] += value * model.placementCost[column]
            transportCost[t] += value * model.placementTransport[column]
            let type = s.settings[setting].type
            typeChildren[type, default: Array(repeating: 0, count: T)][t] += value
            typeCost[type, default: Array(repeating: 0, count: T)][t] += value * (model.placementCost[column] + model.placementTransport[column])
            placementCostByType[type, default: Array(repeating: 0, count: T)][t] += value * model.placementCost[column]
            zonePlaced[z * T + t] += value
            zoneTransport[z * T + t] += value * model.placementTransport[column]
            if value > 1e-9 {
                let minutes = Double(model.placementMinutes[column])
                zoneMinutes[z * T + t] += value * minutes
                zoneMaxMinutes[z * T + t] = max(zoneMaxMinutes[z * T + t] ?? 0, minutes)
            }
        }
        for n in 0..<N {
            for a in 0..<ageGroups {
                for setting in 0..<S {
                    let series = (0..<T).map { clean(childrenByLine[((n * ageGroups + a) * S + setting) * T + $0]) }
                    guard series.contains(where: { $0 > 0 }) else { continue }
                    placements.append(PlacementLine(need: s.needs[n], age: s.ages.isEmpty ? nil : s.ages[a].id, setting: s.settings[setting].id,
                                                    type: s.settings[setting].type.rawValue, children: series))
                }
            }
        }
        placementsByType = SettingType.allCases.compactMap { type in
            guard let children = typeChildren[type] else { return nil }
            return TypeLine(type: type.rawValue, children: children.map(clean), cost: typeCost[type]!.map(clean))
        }

        // Options opened and the places they add by setting and year.
        var opened = [Double](repeating: 0, count: s.capitalOptions.count * T) // cumulative share open by year
        var addedPlaces = [Double](repeating: 0, count: S * T)
        var capitalCharge = [Double](repeating: 0, count: T)
        for (o, option) in s.capitalOptions.enumerated() {
            var cumulative = 0.0
            for t in 0..<T {
                if t >= option.earliestYear && t <= option.latestYear {
                    let share = x[model.optionColumnStart[o] + t - option.earliestYear]
                    cumulative += share
                    switch s.capital.accounting {
                    case .upfront: capitalCharge[t] += share * option.capitalCost
                    case .annualised: break
                    }
                }
                opened[o * T + t] = cumulative
                addedPlaces[option.setting * T + t] += cumulative * option.places
            }
            if s.capital.accounting == .annualised {
                let annuity = s.annuity(of: option.capitalCost)
                for t in option.earliestYear...option.latestYear {
                    let share = x[model.optionColumnStart[o] + t - option.earliestYear]
                    for year in t..<min(T, t + s.capital.assetLifeYears) { capitalCharge[year] += share * annuity }
                }
            }
        }

        // Unmet children, and those no setting can take.
        var unmetByNeed = [Double](repeating: 0, count: N * T), unreachable = [Double](repeating: 0, count: N * T)
        var unmetPenalty = [Double](repeating: 0, count: T), unmetCost = [Double](repeating: 0, count: T)
        var zoneUnmet = [Double](repeating: 0, count: Z * T)
        let index = model.index, A = index.ages
        var unmetByAge = [Double](repeating: 0, count: A * T)
        for t in 0..<T {
            for z in 0..<Z {
                for c in 0..<index.cohorts {
                    let n = index.need(ofCohort: c), slot = index.slot(year: t, zone: z, cohort: c)
                    let value = x[model.unmetColumn[slot]]
                    unmetByAge[index.age(ofCohort: c) * T + t] += value
                    unmetByNeed[n * T + t] += value
                    if !model.hasPlacement[slot] { unreachable[n * T + t] += value }
                    unmetPenalty[t] += value * s.unmetPenalty[n]
                    unmetCost[t] += value * model.unmetValue[slot]
                    zoneUnmet[z * T + t] += value
                }
            }
        }
        unmet = (0..<N).compactMap { n in
            let series = (0..<T).map { clean(unmetByNeed[n * T + $0]) }
            guard series.contains(where: { $0 > 0 }) else { return nil }
            return UnmetLine(need: s.needs[n], children: series, noSuitableSetting: (0..<T).map { clean(unreachable[n * T + $0]) })
        }

        if !s.ages.isEmpty {
            var placedByAge = [Double](repeating: 0, count: A * T)
            for column in 0..<model.placementCount { placedByAge[Int(model.placementAge[column]) * T + Int(model.placementYear[column])] += placed[column] }
            ages = (0..<A).map { a in
                AgeLine(age: s.ages[a].id, placed: (0..<T).map { clean(placedByAge[a * T + $0]) }, unmet: (0..<T).map { clean(unmetByAge[a * T + $0]) })
            }
            for (settingIndex, setting) in s.settings.enumerated() {
                for (a, caps) in setting.capacityByAge.sorted(by: { $0.key < $1.key }) {
                    var children = [Double](repeating: 0, count: T)
                    for column in 0..<model.placementCount where Int(model.placementSetting[column]) == settingIndex && Int(model.placementAge[column]) == a {
                        children[Int(model.placementYear[column])] += placed[column]
                    }
                    let capacity = (0..<T).map { setting.isOpen($0) ? caps[$0] : nil }
                    ageCapacity.append(AgeCapacityLine(setting: setting.id, age: s.ages[a].id, capacity: capacity, children: children.map(clean),
                                                       utilisation: (0..<T).map { t in capacity[t].flatMap { $0 > 1e-9 ? children[t] / $0 : nil } }))
                }
            }
            phaseTransfers = Self.phaseTransfers(model, placed: placed, starts: x)
        }

        // Costs by year.
        let byYear = (0..<T).map { t in
            YearCost(year: s.years[t], placements: placementCost[t], transport: transportCost[t], capitalCharge: clean(capitalCharge[t]),
                     unmetPenalty: unmetPenalty[t], total: placementCost[t] + transportCost[t] + clean(capitalCharge[t]) + unmetPenalty[t],
                     discountFactor: discount[t])
        }
        costs = Costs(presentValue: solution.objective, byYear: byYear)

        // Settings: capacity, use, utilisation, marginal value of a place.
        for (index, setting) in s.settings.enumerated() {
            var capacity: [Double?] = [], used: [Double] = [], utilisation: [Double?] = [], marginal: [Double?] = []
            for t in 0..<T {
                used.append(clean(childrenBySetting[index * T + t]))
                guard setting.isOpen(t), let base = setting.capacity[t] else {
                    capacity.append(nil); utilisation.append(nil); marginal.append(nil); continue
                }
                let places = base + addedPlaces[index * T + t]
                capacity.append(clean(places))
                utilisation.append(places > 1e-9 ? childrenBySetting[index * T + t] / places : nil)
                let row = model.capacityRow[model.index.settingYear(setting: index, year: t)]
                if solution.hasDuals, row >= 0 { marginal.append(clean(-solution.rowDuals[row] / discount[t])) } else { marginal.append(nil) }
            }
            // A new setting whose option never opened has nothing to show.
            if setting.createdByOption != nil && used.allSatisfy({ $0 == 0 }) && capacity.allSatisfy({ ($0 ?? 0) == 0 }) { continue }
            settings.append(SettingLine(id: setting.id, name: setting.name, type: setting.type.rawValue, outOfArea: setting.outOfArea,
                                        capacity: capacity, children: used, utilisation: utilisation, marginalValue: marginal))
        }

        // Options: chosen, payback, saving needed.
        for (o, option) in s.capitalOptions.enumerated() {
            let total = opened[o * T + T - 1]
            let chosen = total > 1e-6
            var openingYear: String?
            let columns = model.optionColumnStart[o]..<model.optionColumnStart[o + 1]
            if chosen, let first = columns.first(where: { x[$0] > 1e-6 }) {
                let t = option.earliestYear + first - columns.lowerBound
                openingYear = s.years[t]
            }
            var line = OptionLine(id: option.id, name: option.name, setting: s.settings[option.setting].id, chosen: chosen,
                                  openingYear: openingYear, amount: clean(total), places: option.places, capitalCost: option.capitalCost,
                                  savingNeeded: nil, yearlySaving: nil, paybackYears: nil)
            line.leadTimeYears = option.leadTimeYears
            if let openingYear, let t = s.years.firstIndex(of: openingYear) {
                let decision = t - option.leadTimeYears
                line.decideBy = decision >= 0 ? s.years[decision] : "\(-decision) year\(decision == -1 ? "" : "s") before \(s.years[0])"
            }
            options.append(line)
        }
        if !s.capitalOptions.isEmpty {
            var spend = [Double](repeating: 0, count: T), opening = [[String]](repeating: [], count: T)
            for (o, option) in s.capitalOptions.enumerated() {
                for t in option.earliestYear...option.latestYear {
                    let share = x[model.optionColumnStart[o] + t - option.earliestYear]
                    guard share > 1e-6 else { continue }
                    spend[t] += share * option.capitalCost
                    opening[t].append(option.id)
                }
            }
            let used = spend.reduce(0, +)
            capital = CapitalSummary(accounting: s.capital.accounting.rawValue, budget: s.capital.budget, used: clean(used),
                                     left: s.capital.budget.map { clean($0 - used) },
                                     byYear: (0..<T).map { CapitalYear(year: s.years[$0], budget: s.capital.budgetByYear[$0], spend: clean(spend[$0]), opening: opening[$0]) })
        }

        // Policies.
        for (p, t, row) in model.policyRows {
            // In the scenario's terms: the children who stay were moved to the bounds; add them back.
            let constant = model.rowConstant[row] ?? 0
            let lower = model.program.rowLower[row] + constant, upper = model.program.rowUpper[row] + constant
            let activity = (solution.rowActivities.indices.contains(row) ? solution.rowActivities[row] : 0) + constant
            policies.append(PolicyLine(policy: s.policies[p].label, year: s.years[t], children: clean(activity),
                                       minimum: lower.isFinite ? lower : nil, maximum: upper.isFinite ? upper : nil,
                                       marginalValue: solution.hasDuals ? clean(solution.rowDuals[row] / discount[t]) : nil))
        }

        // Unused placements: the smallest reduced cost over zones, for each need × setting × year.
        if solution.hasDuals {
            var best: [Int: Double] = [:]
            for column in 0..<model.placementCount where placed[column] <= 1e-9 {
                let key = (Int(model.placementNeed[column]) * S + Int(model.placementSetting[column])) * T + Int(model.placementYear[column])
                let value = solution.reducedCosts[column] / discount[Int(model.placementYear[column])]
                best[key] = min(best[key] ?? .infinity, value)
            }
            for n in 0..<N {
                for setting in 0..<S {
                    for t in 0..<T {
                        guard let value = best[(n * S + setting) * T + t], childrenByNeedSetting[(n * S + setting) * T + t] <= 1e-9 else { continue }
                        unusedPlacements.append(UnusedPlacement(need: s.needs[n], setting: s.settings[setting].id, year: s.years[t], reducedCost: clean(value)))
                    }
                }
            }
        }

        // Finance, the DSG management plan table (SPEC §3).
        var cumulative = s.finance.broughtForwardDeficit, unmetSoFar = 0.0
        let inBlock = s.finance.transportInHighNeeds
        let types = SettingType.allCases.filter { type in s.settings.contains { $0.type == type } }
        for t in 0..<T {
            let byType = types.map { TypeSpend(type: $0.rawValue, spend: clean(placementCostByType[$0]?[t] ?? 0)) }
            let mitigations = s.finance.mitigations.map { MitigationAmount(name: $0.name, amount: $0.amount[t]) }
            let mitigationsTotal = s.finance.mitigation(year: t)
            let highNeeds = placementCost[t] + (inBlock ? transportCost[t] : 0) + s.finance.otherSpend[t]
            let inYear = highNeeds - mitigationsTotal - s.finance.grant[t] - s.finance.income[t]
            cumulative += inYear
            unmetSoFar += clean(unmetCost[t])
            let unmetChildren = (0..<N).reduce(0.0) { $0 + unmetByNeed[$1 * T + t] }
            let unsuitable = (0..<N).reduce(0.0) { $0 + unreachable[$1 * T + t] }
            finance.append(FinanceLine(year: s.years[t], grant: s.finance.grant[t], income: s.finance.income[t], placementSpend: placementCost[t],
                                       placementSpendByType: byType, transport: transportCost[t], transportInHighNeeds: inBlock,
                                       otherSpend: s.finance.otherSpend[t], highNeedsSpend: highNeeds, mitigations: mitigations,
                                       mitigationsTotal: mitigationsTotal, inYear: inYear, cumulative: cumulative,
                                       unmetChildren: clean(unmetChildren), noSuitableSetting: clean(unsuitable),
                                       unmetCost: clean(unmetCost[t]), cumulativeIfAllPlaced: cumulative + unmetSoFar))
            if let cap = s.finance.maxCumulativeDeficit, t < model.deficitRows.count {
                let row = model.deficitRows[t]
                let dual = solution.hasDuals ? solution.rowDuals[row] : 0
                finance[t].cap = cap
                finance[t].capMarginalValue = solution.hasDuals ? clean(-dual) : nil
                finance[t].capBinds = abs(cap - (cumulative + unmetSoFar)) <= 1e-6 * max(1, abs(cap)) || (solution.hasDuals && abs(dual) > 1e-9)
            }
        }

        if !s.zones.isEmpty {
            zones = (0..<Z).map { z in
                ZoneLine(zone: s.zones[z], placed: (0..<T).map { clean(zonePlaced[z * T + $0]) },
                         unmet: (0..<T).map { clean(zoneUnmet[z * T + $0]) }, transportCost: (0..<T).map { clean(zoneTransport[z * T + $0]) },
                         averageMinutes: (0..<T).map { zonePlaced[z * T + $0] > 1e-9 ? zoneMinutes[z * T + $0] / zonePlaced[z * T + $0] : nil },
                         maxMinutes: (0..<T).map { zoneMaxMinutes[z * T + $0] })
            }
        }

        var scenarioCheck = ScenarioCheck.run(model: model, solution: solution)
        if !s.ages.isEmpty {
            // Phase transfers as reported (from the model's placements) against the scenario check's own.
            var reported = [Double](repeating: 0, count: T)
            for line in phaseTransfers { reported[s.years.firstIndex(of: line.year)!] += line.children }
            let agree = (0..<T).allSatisfy { abs(reported[$0] - scenarioCheck.transfersByYear[$0]) <= 1e-6 * max(1, scenarioCheck.transfersByYear[$0]) }
            if agree { scenarioCheck.checks.append("phase transfers recomputed from the scenario") }
            else { scenarioCheck.failures.append("phase transfers reported \(reported) differ from those recomputed from the scenario \(scenarioCheck.transfersByYear)") }
        }
        // The finance table as reported against the scenario check's own deficit.
        let table = finance, recomputed = scenarioCheck
        let deficitAgrees = (0..<T).allSatisfy { t in
            let scale = 1e-7 * max(1, abs(recomputed.deficitIfAllPlacedByYear[t]), abs(table[t].highNeedsSpend))
            return abs(table[t].cumulative - recomputed.deficitByYear[t]) <= scale
                && abs(table[t].cumulativeIfAllPlaced - recomputed.deficitIfAllPlacedByYear[t]) <= scale
        }
        if deficitAgrees { scenarioCheck.checks.append("finance table's deficit recomputed from the scenario") }
        else { scenarioCheck.failures.append("finance table's cumulative deficit \(table.map(\.cumulative)) differs from the one recomputed from the scenario \(scenarioCheck.deficitByYear)") }
        let modelPassed = modelVerification?.passed ?? false
        let passed = modelPassed && scenarioCheck.failures.isEmpty
        var summary = modelVerification?.summary ?? "not verified"
        if !scenarioCheck.failures.isEmpty { summary = "FAILED against the scenario: \(scenarioCheck.failures[0])" }
        else if modelPassed { summary += "; \(scenarioCheck.checks.count) scenario checks passed" }
        self.verification = VerificationReport(passed: passed, summary: summary, model: modelVerification,
                                               scenarioChecks: scenarioCheck.checks, scenarioFailures: scenarioCheck.failures)
    }
}

extension Report {
    /// Phase transfers (SPEC §2 Ages) from the plan: into group a in year t, for each setting s
    /// open in t that does not serve a, (1 − leave[s]) · r · m_{a−1} · P[a−1, s], with P the
    /// children placed the year before (the incumbents for the first year).
    static func phaseTransfers(_ model: PlacementModel, placed: [Double], starts: [Double]) -> [PhaseTransferLine] {
        let s = model.scenario, index = model.index, T = model.yearCount, m = s.movingUp
        // Children in group a − 1 by (year before, zone, need, setting): placed values, or incumbents.
        struct Key: Hashable { var t: Int; var n: Int; var a: Int }
        var children: [Key: Double] = [:], leftCost: [Key: Double] = [:]
        // Transport of each journey (year-0 money), as the model costs it.
        var transport: [Int: Double] = [:]
        for column in 0..<model.placementCount {
            let journey = index.journey(zone: Int(model.placementZone[column]), setting: Int(model.placementSetting[column]), need: Int(model.placementNeed[column]))
            transport[journey] = model.placementTransport[column] / s.inflationFactor(year: Int(model.placementYear[column]))
        }
        func add(t: Int, z: Int, n: Int, from a: Int, setting: Int, _ value: Double) {
            guard a + 1 < index.ages, value > 0, s.settings[setting].isOpen(t), !s.settings[setting].servesAge[a + 1] else { return }
            let r = model.demandCap[index.slot(year: t, zone: z, need: n, age: a + 1)]
            let moving = (1 - s.settings[setting].leavingRate) * r * m[a] * value
            guard moving > 1e-9 else { return }
            let key = Key(t: t, n: n, a: a + 1)
            children[key, default: 0] += moving
            let journey = transport[index.journey(zone: z, setting: setting, need: n)] ?? s.settings[setting].transportPerPlace
            leftCost[key, default: 0] += moving * (s.settings[setting].costByNeed[n] + journey) * s.inflationFactor(year: t)
        }
        for incumbent in s.incumbents { add(t: 0, z: incumbent.zone, n: incumbent.need, from: incumbent.age, setting: incumbent.setting, incumbent.children) }
        for column in 0..<model.placementCount where Int(model.placementYear[column]) + 1 < T {
            add(t: Int(model.placementYear[column]) + 1, z: Int(model.placementZone[column]), n: Int(model.placementNeed[column]),
                from: Int(model.placementAge[column]), setting: Int(model.placementSetting[column]), placed[column])
        }
        // The cost of the group's new places that year: its starts, else the unmet value.
        var startCost: [Key: Double] = [:], startChildren: [Key: Double] = [:]
        for column in 0..<model.placementCount where starts[column] > 1e-9 {
            let key = Key(t: Int(model.placementYear[column]), n: Int(model.placementNeed[column]), a: Int(model.placementAge[column]))
            guard children[key] != nil else { continue }
            startChildren[key, default: 0] += starts[column]
            startCost[key, default: 0] += starts[column] * (model.placementCost[column] + model.placementTransport[column])
        }
        return children.keys.sorted { ($0.t, $0.n, $0.a) < ($1.t, $1.n, $1.a) }.map { key in
            let total = children[key]!
            let before = leftCost[key]! / total
            let after = startChildren[key].flatMap { $0 > 1e-9 ? startCost[key]! / $0 : nil }
            return PhaseTransferLine(year: s.years[key.t], need: s.needs[key.n], fromAge: s.ages[key.a - 1].id, toAge: s.ages[key.a].id,
                                     children: total, costOfPlaceLeft: before, costOfNewPlace: after, newPlaceDearer: after.map { $0 > before + 1e-6 })
        }
    }

    /// Spend per year as finance sees it: placements, transport and unmet children at their unmet value.
    /// What the council spends each year on the children of the scenario, whichever budget pays:
    /// placements, transport, and unmet children at their unmet value.
    var spendWithUnmet: [Double] { finance.map { $0.placementSpend + $0.transport + $0.unmetCost } }

    /// This plan, summarised as an alternative to another.
    var asAlternative: Alternative {
        // A plan with no solution has no figures (empty, not zeros).
        Alternative(status: status, objective: objective, finance: costs == nil ? [] : finance, unmetChildren: costs == nil ? [] : finance.map(\.unmetChildren),
                    independentChildren: costs == nil ? [] : placementsByType.first { $0.type == SettingType.independent.rawValue }?.children
                        ?? Array(repeating: 0, count: years.count))
    }
}
