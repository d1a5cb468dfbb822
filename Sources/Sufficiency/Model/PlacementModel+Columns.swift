import Foundation

// The column families: placements (children starting), their costs, capital options.
extension PlacementModel {
    /// One column per possible placement start, linked to the same placement the year before,
    /// with what an unmet child of each (year, zone, need) counts at.
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
        var incumbentChildren: [Int: Double] = [:] // by journey key
        for incumbent in s.incumbents {
            incumbentChildren[index.journey(zone: incumbent.zone, setting: incumbent.setting, need: incumbent.need), default: 0] += incumbent.children
        }
        var columnOfPlacement: [Int: Int] = [:] // by placement key
        unmetValue = Array(repeating: 0, count: index.slotCount)
        hasPlacement = Array(repeating: false, count: index.slotCount)
        for t in 0..<T {
            for z in 0..<Z {
                for n in 0..<N {
                    var dearest = -Double.infinity, dearestNew = -Double.infinity
                    for setting in settingsServing[n] where s.settings[setting].isOpen(t) {
                        let journey = index.journey(zone: z, setting: setting, need: n)
                        let transport = reachTransport[journey]
                        guard transport >= 0 else { continue }
                        let costNow = s.settings[setting].costByNeed[n] * a.inflation[t]
                        let transportNow = transport * a.inflation[t]
                        let stay = a.mutations.contains(.dropPersistence) ? 0 : 1 - s.settings[setting].leavingRate
                        var incumbents = 0.0
                        if t == 0, !a.mutations.contains(.dropIncumbents), let children = incumbentChildren[journey] {
                            incumbents = (1 - s.settings[setting].leavingRate) * children
                        }
                        let column = a.builder.addColumn(name: "start[\(a.zoneTag(z))\(a.needNames[n]),\(a.settingNames[setting]),\(a.yearNames[t])]")
                        columnOfPlacement[index.placement(year: t, zone: z, need: n, setting: setting)] = column
                        let previous = t > 0 ? columnOfPlacement[index.placement(year: t - 1, zone: z, need: n, setting: setting)] ?? -1 : -1
                        placementPrevious.append(Int32(previous))
                        placementStay.append(stay)
                        placementIncumbents.append(incumbents)
                        placementZone.append(Int32(z)); placementNeed.append(Int32(n))
                        placementSetting.append(Int32(setting)); placementYear.append(Int32(t))
                        placementCost.append(costNow); placementTransport.append(transportNow)
                        placementMinutes.append(reachMinutes[journey])
                        if s.settings[setting].createdByOption == nil { dearest = max(dearest, costNow + transportNow) }
                        else { dearestNew = max(dearestNew, costNow + transportNow) }
                    }
                    if !dearest.isFinite { dearest = dearestNew }
                    let slot = index.slot(year: t, zone: z, need: n)
                    hasPlacement[slot] = dearest.isFinite
                    unmetValue[slot] = dearest.isFinite ? dearest : 0
                }
            }
        }
        placementCount = a.builder.columnCount
        a.columnsBySettingYear = [[Int]](repeating: [], count: index.settingYearCount)
        for column in 0..<placementCount {
            a.columnsBySettingYear[index.settingYear(setting: Int(placementSetting[column]), year: Int(placementYear[column]))].append(column)
        }
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
                a.builder.addColumn(name: "open[\(Self.sanitize(option.id)),\(a.yearNames[t])]", lower: 0, upper: 1, cost: charge,
                                    integer: !(option.fractional || relax))
            }
        }
        optionColumnStart.append(a.builder.columnCount) // end of the last option's columns
    }
}
