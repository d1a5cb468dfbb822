import Foundation

// The column families: placements (children starting), their costs, capital options.
extension PlacementModel {
    /// One column per possible placement start, linked to the same placement the year before (and
    /// to the group below's, for children who move up a group and keep their place), with what an
    /// unmet child of each (year, zone, need, age group) counts at.
    mutating func addPlacementColumns(_ a: inout Assembly) {
        let s = scenario, index = a.index
        let T = index.years, Z = index.zones, N = index.needs, S = index.settings
        // Reachability and transport cost per (zone, setting, need): computed once.
        let travelByPair = Dictionary(s.travel.map { (index.pair(zone: $0.zone, setting: $0.setting), $0) }, uniquingKeysWith: { a, _ in a })
        var reachTransport = [Double](repeating: -1, count: index.journeyCount) // -1: not reachable
        var reachMinutes = [Float](repeating: 0, count: index.journeyCount)
        for z in 0..<Z {
            for setting in 0..<S {
                for n in 0..<N where s.settings[setting].serves[n] {
                    let reach = Geography.reach(zone: z, setting: setting, need: n, settings: s.settings, travelByPair: travelByPair,
                                                settingCount: S, maxMinutes: s.maxTravelMinutes)
                    if reach.reachable {
                        reachTransport[index.journey(zone: z, setting: setting, need: n)] = reach.transport
                        reachMinutes[index.journey(zone: z, setting: setting, need: n)] = Float(reach.minutes)
                    }
                }
            }
        }
        // Settings serving each need, so the loops below touch only possible placements.
        let settingsServing = (0..<N).map { n in (0..<S).filter { s.settings[$0].serves[n] } }
        let A = index.ages, m = s.movingUp
        // Incumbents by (zone, cohort, setting), and their total by (zone, cohort).
        var incumbentChildren: [Int: Double] = [:]
        var incumbentTotal = [Double](repeating: 0, count: Z * index.cohorts)
        for incumbent in s.incumbents {
            let c = index.cohort(need: incumbent.need, age: incumbent.age)
            incumbentChildren[(incumbent.zone * index.cohorts + c) * S + incumbent.setting, default: 0] += incumbent.children
            incumbentTotal[incumbent.zone * index.cohorts + c] += incumbent.children
        }
        demandCap = Self.demandCaps(s, index: index, incumbentTotal: incumbentTotal)
        // The column of each (zone, cohort, setting) placement this year and last year (-1: none).
        let layer = Z * index.cohorts * S
        var columnThisYear = [Int32](repeating: -1, count: layer), columnLastYear = columnThisYear
        let transportInDeficit = s.finance.transportInHighNeeds
        unmetValue = Array(repeating: 0, count: index.slotCount)
        hasPlacement = Array(repeating: false, count: index.slotCount)
        for t in 0..<T {
            if t > 0 {
                swap(&columnThisYear, &columnLastYear)
                for k in 0..<layer { columnThisYear[k] = -1 }
            }
            let settingYearTag = a.settingNames.map { "\($0),\(a.yearNames[t])]" }
            for z in 0..<Z {
                for n in 0..<N {
                    for age in 0..<A {
                        let c = index.cohort(need: n, age: age), slot = index.slot(year: t, zone: z, cohort: c)
                        let r = demandCap[slot]
                        // Column names: start[zone,need(,age),setting,year], from two parts made once.
                        let namePrefix = "start[\(a.zoneTag(z))\(a.needNames[n])\(A > 1 ? ",\(a.ageNames[age])" : ""),"
                        var dearest = -Double.infinity, dearestNew = -Double.infinity
                        for setting in settingsServing[n] where s.settings[setting].isOpen(t) && s.settings[setting].servesAge[age] {
                            let journey = index.journey(zone: z, setting: setting, need: n)
                            let transport = reachTransport[journey]
                            guard transport >= 0 else { continue }
                            let costNow = s.settings[setting].costByNeed[n] * a.inflation[t]
                            let transportNow = transport * a.inflation[t]
                            let keep = a.mutations.contains(.dropPersistence) ? 0 : (1 - s.settings[setting].leavingRate) * r
                            let stay = keep * (1 - m[age]), ageIn = age > 0 ? keep * m[age - 1] : 0
                            var incumbents = 0.0
                            if t == 0, !a.mutations.contains(.dropIncumbents) {
                                let here = incumbentChildren[(z * index.cohorts + c) * S + setting] ?? 0
                                let below = age > 0 ? incumbentChildren[(z * index.cohorts + c - 1) * S + setting] ?? 0 : 0
                                incumbents = (1 - s.settings[setting].leavingRate) * r * ((1 - m[age]) * here + (age > 0 ? m[age - 1] * below : 0))
                            }
                            let column = a.builder.addColumn(name: namePrefix + settingYearTag[setting])
                            let here = (z * index.cohorts + c) * S + setting
                            columnThisYear[here] = Int32(column)
                            placementPrevious.append(t > 0 ? columnLastYear[here] : -1)
                            placementStay.append(stay)
                            placementYounger.append(t > 0 && age > 0 ? columnLastYear[here - S] : -1)
                            placementAgeIn.append(ageIn)
                            placementIncumbents.append(incumbents)
                            placementZone.append(Int32(z)); placementNeed.append(Int32(n)); placementAge.append(Int32(age))
                            placementSetting.append(Int32(setting)); placementYear.append(Int32(t))
                            placementCost.append(costNow); placementTransport.append(transportNow)
                            placementMinutes.append(reachMinutes[journey])
                            // Transport is in an unmet child's value only when the High Needs Block pays it.
                            let value = costNow + (transportInDeficit ? transportNow : 0)
                            if s.settings[setting].createdByOption == nil { dearest = max(dearest, value) }
                            else { dearestNew = max(dearestNew, value) }
                        }
                        if !dearest.isFinite { dearest = dearestNew }
                        hasPlacement[slot] = dearest.isFinite
                        unmetValue[slot] = dearest.isFinite ? dearest : 0
                    }
                }
            }
        }
        placementCount = a.builder.columnCount
        buildExpansions()
        a.columnsBySettingYear = [[Int]](repeating: [], count: index.settingYearCount)
        for column in 0..<placementCount {
            a.columnsBySettingYear[index.settingYear(setting: Int(placementSetting[column]), year: Int(placementYear[column]))].append(column)
        }
    }

    /// The demand cap of SPEC §3 for every (year, zone, cohort):
    /// r = min(1, D / (k̄ · ((1 − m_a) · D′[a] + m_{a−1} · D′[a−1]))), D′ last year's demand (the
    /// incumbents at t = 0), k̄ the largest stay share among the settings serving the need and a;
    /// 1 when the denominator is 0. More children never have to stay than demand holds.
    ///
    /// SPEC §3 takes k̄ over settings serving a or a − 1; only settings serving a hold floors in a
    /// (the children they keep), so that k̄ bounds them and is never smaller: with the SPEC's, a
    /// primary-only base's low leaving rate shrank a secondary school's floor when demand had not
    /// fallen, steering children out of it.
    static func demandCaps(_ s: Scenario, index: PlacementIndex, incumbentTotal: [Double]) -> [Double] {
        let A = index.ages, m = s.movingUp
        var kbar = [Double](repeating: 0, count: index.cohorts)
        for n in 0..<index.needs {
            for a in 0..<A {
                for setting in s.settings where setting.serves[n] && setting.servesAge[a] {
                    kbar[index.cohort(need: n, age: a)] = max(kbar[index.cohort(need: n, age: a)], 1 - setting.leavingRate)
                }
            }
        }
        var caps = [Double](repeating: 1, count: index.slotCount)
        for t in 0..<index.years {
            for z in 0..<index.zones {
                for c in 0..<index.cohorts {
                    let a = index.age(ofCohort: c)
                    func before(_ cohort: Int) -> Double {
                        t == 0 ? incumbentTotal[z * index.cohorts + cohort] : s.demand[index.slot(year: t - 1, zone: z, cohort: cohort)]
                    }
                    let staying = kbar[c] * ((1 - m[a]) * before(c) + (a > 0 ? m[a - 1] * before(c - 1) : 0))
                    let slot = index.slot(year: t, zone: z, cohort: c)
                    if staying > 0 { caps[slot] = min(1, s.demand[slot] / staying) }
                }
            }
        }
        return caps
    }

    /// The objective: placement and transport cost of every child placed (persistence spread over
    /// the start columns; the staying incumbents' cost is the objective's constant).
    func addPlacementCosts(_ a: inout Assembly) {
        for column in 0..<placementCount {
            let t = Int(placementYear[column])
            let cost = a.discount[t] * (placementCost[column] + placementTransport[column]) * (a.mutations.contains(.halveCosts) ? 0.5 : 1)
            a.objectiveConstant += cost * expand(column) { a.builder.addCost($0, cost * $1) }
        }
    }

    /// b[o,t] for earliestYear ≤ t ≤ latestYear, costed by the capital accounting.
    mutating func addOptionColumns(_ a: inout Assembly, relax: Bool) {
        let s = scenario, T = a.index.years
        for option in s.capitalOptions {
            optionColumnStart.append(a.builder.columnCount)
            let annuity = s.annuity(of: option.capitalCost)
            for t in option.earliestYear...option.latestYear {
                let charge: Double
                switch s.capital.accounting {
                case .upfront: charge = a.discount[t] * option.capitalCost
                case .annualised:
                    let lastYear = min(T - 1, t + s.capital.assetLifeYears - 1)
                    charge = annuity * (t...lastYear).reduce(0) { $0 + a.discount[$1] }
                }
                // The budgets bound each option on its own: b ≤ budget / cost (0 or 1 when it is
                // built whole). Exact, and it keeps an option dearer than the budget shut whatever
                // GLPK's tolerances make of a tiny cost in the budget row.
                let integer = !(option.fractional || relax)
                var upper = 1.0
                if option.capitalCost > 0 {
                    for budget in [s.capital.budget, s.capital.budgetByYear[t]].compactMap({ $0 }) { upper = min(upper, budget / option.capitalCost) }
                }
                if integer { upper = upper >= 1 ? 1 : 0 }
                // Off: never built. Forced in a one-year window: built that year (a longer window
                // gets its lower bound on the open-once row). Bounds only, so switching an option
                // keeps the model's structure (the what-if page re-solves warm).
                if option.decision == .off { upper = 0 }
                let lower = option.decision == .forced && option.latestYear == option.earliestYear ? upper : 0
                a.builder.addColumn(name: "open[\(Self.sanitize(option.id)),\(a.yearNames[t])]", lower: lower, upper: upper, cost: charge,
                                    integer: integer)
            }
        }
        optionColumnStart.append(a.builder.columnCount) // end of the last option's columns
    }
}
