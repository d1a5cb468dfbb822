import Foundation
import PropertyBased
@testable import Sufficiency

/// Random valid scenarios for property tests, built from a list of small numbers (the genome) so
/// that PropertyBased's shrinking of the list (fewer numbers, smaller numbers) shrinks the
/// scenario towards the simplest one: a missing or zero gene turns its feature off.
///
/// This is the tests' own generator, not the product's `generate`, and it covers every feature of
/// SPEC §2 the model has: zones with travel entries and limits, opening and closing settings,
/// capacity maps and `capacityByNeed`, costs by need, transport, leaving rates and defaults,
/// incumbents, policies by type and by settings (shares and counts, maxima and minima), capital
/// options that expand a setting or create one, with `excludes`, `requires`, earliest and latest
/// years and `fractional`, capital budgets (total and by year) in both accountings, finance with a
/// deficit cap, demand as a table or as base and growth, discounting and inflation.
struct ScenarioGenome: Sendable, CustomStringConvertible {
    var genes: [Int]
    private var cursor = 0

    init(_ genes: [Int]) { self.genes = genes }

    var description: String { "genome \(genes)" }

    /// The generator: 0 to 120 genes, each 0...99.
    static let generator = Gen.int(in: 0...99).array(of: 0...120).map { ScenarioGenome($0) }

    /// The next gene reduced to 0..<n (0 once the genome is used up).
    private mutating func next(_ n: Int) -> Int {
        guard n > 1 else { return 0 }
        defer { cursor += 1 }
        return cursor < genes.count ? genes[cursor] % n : 0
    }

    private mutating func chance(_ percent: Int) -> Bool { next(100) >= 100 - percent }

    static let needNames = ["ASD", "SEMH", "PMLD"]
    static let zoneNames = ["north", "south", "east"]
    static let types = ["mainstream", "dsp", "special", "independent", "ap", "post16"]

    /// What a genome's scenario uses, for the test that the generator reaches every feature.
    struct Features: OptionSet, Sendable {
        let rawValue: Int
        static let zones = Features(rawValue: 1 << 0), travel = Features(rawValue: 1 << 1), travelLimit = Features(rawValue: 1 << 2)
        static let opensCloses = Features(rawValue: 1 << 3), capacityMap = Features(rawValue: 1 << 4), capacityByNeed = Features(rawValue: 1 << 5)
        static let costByNeed = Features(rawValue: 1 << 6), incumbents = Features(rawValue: 1 << 7), sharePolicy = Features(rawValue: 1 << 8)
        static let countPolicy = Features(rawValue: 1 << 9), settingsPolicy = Features(rawValue: 1 << 10), expands = Features(rawValue: 1 << 11)
        static let newSetting = Features(rawValue: 1 << 12), excludes = Features(rawValue: 1 << 13), requires = Features(rawValue: 1 << 14)
        static let fractional = Features(rawValue: 1 << 15), budget = Features(rawValue: 1 << 16), budgetByYear = Features(rawValue: 1 << 17)
        static let annualised = Features(rawValue: 1 << 18), deficitCap = Features(rawValue: 1 << 19), growth = Features(rawValue: 1 << 20)
        static let discounting = Features(rawValue: 1 << 21), unlimited = Features(rawValue: 1 << 22), penaltyByNeed = Features(rawValue: 1 << 23)
        static let ages = Features(rawValue: 1 << 24), settingAges = Features(rawValue: 1 << 25), capacityByAge = Features(rawValue: 1 << 26)
        static let policyAges = Features(rawValue: 1 << 27), leadTime = Features(rawValue: 1 << 28)
        static let incomeAndMitigations = Features(rawValue: 1 << 29), transportInBlock = Features(rawValue: 1 << 30)
        static let decisions = Features(rawValue: 1 << 31), demandScale = Features(rawValue: 1 << 32)
        static let all = Features(rawValue: (1 << 33) - 1)
    }

    /// The scenario as a JSON object, and the features it uses.
    func scenario() -> (object: [String: Any], features: Features) {
        var g = self
        var features: Features = []
        let yearCount = 1 + g.next(3), needCount = 1 + g.next(3)
        let years = (0..<yearCount).map { "\(2026 + $0)/\(27 + $0)" }
        let needs = Array(Self.needNames.prefix(needCount))
        let zoneCount = [0, 0, 2, 3][g.next(4)]
        let zones = Array(Self.zoneNames.prefix(zoneCount))
        if !zones.isEmpty { features.insert(.zones) }
        var object: [String: Any] = ["format": "sufficiency/1", "name": "genome", "years": years, "needs": needs]
        if !zones.isEmpty { object["zones"] = zones }
        // Age groups: up to three, contiguous, of width 1 to 5.
        var ages: [String] = []
        if g.chance(35) {
            var from = g.next(3) - 1
            var groups: [[String: Any]] = []
            for k in 0..<(1 + g.next(3)) {
                let width = 1 + g.next(5)
                groups.append(["id": "g\(k)", "from": from, "to": from + width - 1])
                from += width
            }
            object["ages"] = groups
            ages = groups.map { $0["id"] as! String }
            features.insert(.ages)
        }
        if g.chance(20) {
            object["unmetPenalty"] = Dictionary(uniqueKeysWithValues: needs.map { ($0, 50_000 + 10_000 * Double(g.next(20))) })
            features.insert(.penaltyByNeed)
        } else {
            object["unmetPenalty"] = 80_000 + 10_000 * Double(g.next(10))
        }
        if g.chance(30) { object["discountRate"] = 0.035; object["inflation"] = 0.02; features.insert(.discounting) }
        if g.chance(10) { object["demandScale"] = [0.5, 1.25, 2][g.next(3)]; features.insert(.demandScale) }
        if g.chance(30) { object["defaults"] = ["leavingRate": Double(g.next(11)) / 10] }

        // Demand: a table by year (and zone), or base and growth.
        func number() -> Double { Double(g.next(25)) + (g.chance(20) ? 0.5 : 0) }
        func demandCell() -> Any { ages.isEmpty ? number() as Any : Dictionary(uniqueKeysWithValues: ages.map { ($0, number()) }) as Any }
        if g.chance(25) {
            features.insert(.growth)
            let base: [String: Any] = zones.isEmpty ? Dictionary(uniqueKeysWithValues: needs.map { ($0, demandCell()) })
                : Dictionary(uniqueKeysWithValues: zones.map { zone in (zone, Dictionary(uniqueKeysWithValues: needs.map { ($0, demandCell()) })) })
            object["demand"] = ["base": base, "growth": Double(g.next(21) - 10) / 100]
        } else {
            object["demand"] = Dictionary(uniqueKeysWithValues: years.map { year -> (String, Any) in
                zones.isEmpty ? (year, Dictionary(uniqueKeysWithValues: needs.map { ($0, demandCell()) }))
                    : (year, Dictionary(uniqueKeysWithValues: zones.map { zone in (zone, Dictionary(uniqueKeysWithValues: needs.map { ($0, demandCell()) })) }))
            })
        }

        // Settings; the last one, unless the genome drops it, is an unlimited county-wide independent school.
        var settings: [[String: Any]] = []
        var servesOf: [[String]] = [], zoneOf: [String?] = [], openAtStart: [Bool] = [], agesOf: [[String]] = []
        let settingCount = 1 + g.next(5)
        for k in 0..<settingCount {
            let type = Self.types[g.next(Self.types.count)]
            let mask = 1 + g.next((1 << needCount) - 1)
            let serves = needs.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
            var setting: [String: Any] = ["id": "s\(k)", "type": type, "serves": serves.count == needCount && g.chance(50) ? "all" as Any : serves,
                                          "costPerPlace": 1000 * Double(1 + g.next(60))]
            var opens = 0, closes = yearCount
            if yearCount > 1 && g.chance(20) {
                features.insert(.opensCloses)
                opens = g.next(yearCount)
                closes = opens + 1 + g.next(yearCount - opens)
                if opens > 0 { setting["opensYear"] = years[opens] }
                if closes < yearCount { setting["closesYear"] = years[closes] }
            }
            let places = Double(g.next(30))
            switch g.next(10) {
            case 0:
                setting["capacity"] = NSNull(); features.insert(.unlimited)
            case 1, 2:
                features.insert(.capacityMap)
                setting["capacity"] = Dictionary(uniqueKeysWithValues: (opens..<closes).map { (years[$0], places + Double($0)) })
            default:
                setting["capacity"] = places
            }
            if g.chance(15), let need = serves.first {
                setting["capacityByNeed"] = [need: Double(g.next(10))]; features.insert(.capacityByNeed)
            }
            if g.chance(15), let need = serves.last {
                setting["costByNeed"] = [need: 1000 * Double(1 + g.next(90))]; features.insert(.costByNeed)
            }
            if g.chance(30) { setting["transportPerPlace"] = 500 * Double(g.next(10)) }
            if g.chance(40) { setting["leavingRate"] = Double(g.next(11)) / 10 }
            var zone: String?
            if !zones.isEmpty && g.chance(70) { zone = zones[g.next(zones.count)]; setting["zone"] = zone }
            var settingAges = ages
            if !ages.isEmpty && g.chance(50) {
                let mask = 1 + g.next((1 << ages.count) - 1)
                settingAges = ages.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
                setting["ages"] = settingAges
                features.insert(.settingAges)
            }
            if !ages.isEmpty && g.chance(20) {
                setting["capacityByAge"] = [settingAges[g.next(settingAges.count)]: Double(g.next(12))]
                features.insert(.capacityByAge)
            }
            settings.append(setting)
            servesOf.append(serves); zoneOf.append(zone); openAtStart.append(opens == 0); agesOf.append(settingAges)
        }
        if !g.chance(10) {
            settings.append(["id": "indep", "type": "independent", "serves": "all", "capacity": NSNull(), "costPerPlace": 65_000,
                             "transportPerPlace": 8000, "outOfArea": true])
            servesOf.append(needs); zoneOf.append(nil); openAtStart.append(true); agesOf.append(ages)
            features.insert(.unlimited)
        }

        // Travel: entries from a zone to a setting in another zone; a limit per need or overall.
        if !zones.isEmpty {
            var travel: [[String: Any]] = []
            for (s, zone) in zoneOf.enumerated() {
                guard let zone else { continue }
                for other in zones where other != zone && g.chance(50) {
                    var entry: [String: Any] = ["zone": other, "setting": "s\(s)"]
                    let what = g.next(3)
                    if what != 1 { entry["minutes"] = Double(10 + g.next(60)) }
                    if what != 0 { entry["cost"] = 500 * Double(g.next(12)) }
                    travel.append(entry)
                }
            }
            if !travel.isEmpty { object["travel"] = travel; features.insert(.travel) }
            switch g.next(4) {
            case 1: object["maxTravelMinutes"] = Double(20 + g.next(50)); features.insert(.travelLimit)
            case 2: object["maxTravelMinutes"] = ["default": Double(30 + g.next(40)), needs[0]: Double(15 + g.next(30))]; features.insert(.travelLimit)
            default: break
            }
        }

        // Incumbents: in a setting open in the first year that serves the need, in its own zone
        // (or any zone for a county-wide setting), so always reachable at 0 minutes.
        var incumbents: [[String: Any]] = []
        for _ in 0..<g.next(4) {
            let s = g.next(settings.count)
            guard openAtStart[s], !servesOf[s].isEmpty else { continue }
            var entry: [String: Any] = ["setting": settings[s]["id"]!, "need": servesOf[s][g.next(servesOf[s].count)],
                                        "children": Double(g.next(15))]
            if !zones.isEmpty { entry["zone"] = zoneOf[s] ?? zones[g.next(zones.count)] }
            if !ages.isEmpty { entry["age"] = agesOf[s][g.next(agesOf[s].count)] }
            incumbents.append(entry)
        }
        if !incumbents.isEmpty { object["incumbents"] = incumbents; features.insert(.incumbents) }

        // Policies.
        var policies: [[String: Any]] = []
        for _ in 0..<g.next(3) {
            var policy: [String: Any] = [:]
            if g.chance(50) {
                policy["type"] = Self.types[g.next(Self.types.count)]
            } else {
                policy["settings"] = Array(Set((0...g.next(2)).map { _ in settings[g.next(settings.count)]["id"] as! String })).sorted()
                features.insert(.settingsPolicy)
            }
            switch g.next(4) {
            case 0: policy["maxShare"] = Double(30 + g.next(71)) / 100; features.insert(.sharePolicy)
            case 1: policy["minShare"] = Double(g.next(15)) / 100; features.insert(.sharePolicy)
            case 2: policy["maxChildren"] = Double(g.next(40)); features.insert(.countPolicy)
            default: policy["minChildren"] = Double(g.next(5)); features.insert(.countPolicy)
            }
            if !ages.isEmpty && g.chance(30) { policy["ages"] = [ages[g.next(ages.count)]]; features.insert(.policyAges) }
            policies.append(policy)
        }
        if !policies.isEmpty { object["policies"] = policies }

        // Capital options.
        var options: [[String: Any]] = []
        for o in 0..<g.next(4) {
            var option: [String: Any] = ["id": "o\(o)", "places": Double(1 + g.next(20)), "capitalCost": 10_000 * Double(g.next(60))]
            if g.chance(50) && settingCount > 0 {
                option["expands"] = "s\(g.next(settingCount))"; features.insert(.expands)
            } else {
                let mask = 1 + g.next((1 << needCount) - 1)
                var newSetting: [String: Any] = ["id": "new\(o)", "type": ["dsp", "special"][g.next(2)],
                                                 "serves": needs.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element),
                                                 "costPerPlace": 1000 * Double(10 + g.next(30))]
                if !zones.isEmpty && g.chance(50) { newSetting["zone"] = zones[g.next(zones.count)] }
                option["newSetting"] = newSetting
                features.insert(.newSetting)
            }
            if yearCount > 1 && g.chance(30) {
                let earliest = g.next(yearCount)
                option["earliestYear"] = years[earliest]
                option["latestYear"] = years[earliest + g.next(yearCount - earliest)]
            }
            if yearCount > 1 && option["earliestYear"] == nil && g.chance(20) {
                option["leadTimeYears"] = g.next(yearCount); features.insert(.leadTime)
            }
            if o > 0 && g.chance(20) { option["excludes"] = ["o\(g.next(o))"]; features.insert(.excludes) }
            // Requires only earlier options: no cycles. The required option must be able to open no later.
            if o > 0 && option["excludes"] == nil && g.chance(20) {
                let other = g.next(o)
                if options[other]["earliestYear"] == nil && option["earliestYear"] == nil {
                    option["requires"] = ["o\(other)"]; features.insert(.requires)
                }
            }
            if g.chance(15) { option["fractional"] = true; features.insert(.fractional) }
            // The what-if switches: off anywhere; forced where nothing can forbid it (no links).
            if g.chance(10) { option["decision"] = "off"; features.insert(.decisions) }
            else if option["excludes"] == nil && option["requires"] == nil && g.chance(10) { option["decision"] = "forced"; features.insert(.decisions) }
            options.append(option)
        }
        if !options.isEmpty {
            object["capitalOptions"] = options
            var capital: [String: Any] = [:]
            if g.chance(30) { capital["budget"] = 10_000 * Double(g.next(80)); features.insert(.budget) }
            if g.chance(20) { capital["budgetByYear"] = [years[g.next(yearCount)]: 10_000 * Double(g.next(50))]; features.insert(.budgetByYear) }
            if g.chance(40) { capital["accounting"] = "annualised"; capital["assetLifeYears"] = 1 + g.next(40); features.insert(.annualised) }
            if !capital.isEmpty { object["capital"] = capital }
            // A forced option must fit a budget: with one, it goes back to "on".
            if !capital.isEmpty, capital["budget"] != nil || capital["budgetByYear"] != nil {
                for k in options.indices where options[k]["decision"] as? String == "forced" { options[k]["decision"] = "on" }
                object["capitalOptions"] = options
            }
            // Others requiring an option that is off would be unbuildable, which is allowed; an
            // option forced and required by none is always buildable without a budget.
        }

        // Finance, sometimes with a cap on the cumulative deficit.
        if g.chance(40) {
            var finance: [String: Any] = ["grant": 100_000 * Double(g.next(100)), "otherSpend": 10_000 * Double(g.next(50)),
                                          "broughtForwardDeficit": 100_000 * Double(g.next(20) - 5)]
            if g.chance(40) { finance["maxCumulativeDeficit"] = 1_000_000 * Double(g.next(40)); features.insert(.deficitCap) }
            if g.chance(40) {
                finance["income"] = [years[g.next(yearCount)]: 50_000 * Double(g.next(20))]
                finance["mitigations"] = (0..<(1 + g.next(2))).map { ["name": "saving \($0)", "amount": 20_000 * Double(g.next(10))] }
                features.insert(.incomeAndMitigations)
            }
            if g.chance(40) { finance["transport"] = "highNeeds"; features.insert(.transportInBlock) }
            object["finance"] = finance
        }
        object["settings"] = settings
        return (object, features)
    }

    /// The scenario, decoded (the generator only makes valid ones; a failure to decode is a bug
    /// of the generator or of the decoder, and the property says so).
    func decoded() throws -> Scenario {
        try ScenarioDecoder.decode(encode(scenario().object))
    }
}
