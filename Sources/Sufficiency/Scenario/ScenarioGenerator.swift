import Foundation

/// Writes synthetic but realistic scenarios of a given size for scale tests and benchmarks,
/// deterministic for a seed: settings of every type with costs and capacities in the ranges of
/// published national ranges (DfE high needs benchmarking, NAO 2024), demand by zone, travel times from random points on a county-sized map, and
/// capital options.
public struct ScenarioGenerator: Sendable {
    public var zones: Int
    public var settings: Int
    public var needs: Int
    public var years: Int
    public var options: Int
    public var seed: UInt64
    /// Age groups (0: none). 1–5 are the phases of SPEC §2 (early years, primary, secondary,
    /// post-16, post-19), the first N of them from primary on; more are single national curriculum years.
    public var ages: Int = 0

    public init(zones: Int, settings: Int, needs: Int, years: Int, options: Int, seed: UInt64, ages: Int = 0) {
        self.ages = ages
        self.zones = zones
        self.settings = settings
        self.needs = needs
        self.years = years
        self.options = options
        self.seed = seed
    }

    /// The generated files: the scenario (JSON) and its travel table (CSV).
    public struct Output: Sendable {
        public var scenarioJSON: String
        public var travelCSV: String
    }

    public enum GeneratorError: Error, CustomStringConvertible {
        case invalid(String)
        public var description: String { switch self { case .invalid(let message): return message } }
    }

    /// SplitMix64: small, fast and the same on every platform.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }
        mutating func integer(_ low: Int, _ high: Int) -> Int { low + Int(next() % UInt64(high - low + 1)) }
    }

    static let needNames = ["ASD", "SLCN", "SEMH", "MLD", "SLD", "PMLD", "SPLD", "HI", "VI", "MSI", "PD", "OTH", "ASD-specialist",
                            "SEMH-specialist"]
    /// Shares of primary need among EHCPs (England, January 2025), with specialist levels split out.
    static let needShares = [0.20, 0.213, 0.15, 0.106, 0.035, 0.012, 0.04, 0.016, 0.009, 0.002, 0.032, 0.03, 0.115, 0.057]
    static let specialistOnly: Set<String> = ["SLD", "PMLD", "MSI", "ASD-specialist", "SEMH-specialist"]

    public func generate(travelFileName: String) throws -> Output {
        guard (1...ScenarioDecoder.Limits.maxZones).contains(zones) else { throw GeneratorError.invalid("--zones must be 1 to \(ScenarioDecoder.Limits.maxZones)") }
        guard (1...ScenarioDecoder.Limits.maxSettings / 2).contains(settings) else { throw GeneratorError.invalid("--settings must be 1 to \(ScenarioDecoder.Limits.maxSettings / 2)") }
        guard (1...ScenarioDecoder.Limits.maxNeeds).contains(needs) else { throw GeneratorError.invalid("--needs must be 1 to \(ScenarioDecoder.Limits.maxNeeds)") }
        guard (1...ScenarioDecoder.Limits.maxYears).contains(years) else { throw GeneratorError.invalid("--years must be 1 to \(ScenarioDecoder.Limits.maxYears)") }
        guard (0...ScenarioDecoder.Limits.maxOptions).contains(options) else { throw GeneratorError.invalid("--options must be 0 to \(ScenarioDecoder.Limits.maxOptions)") }
        guard (0...5).contains(ages) else { throw GeneratorError.invalid("--ages must be 0 to 5 (the phases: primary, secondary, post-16, post-19, and early years)") }
        let groups = Self.ageGroups(ages)
        let groupIDs = groups.map { $0["id"] as! String }
        var random = Random(state: seed)
        let needList = (0..<needs).map { $0 < Self.needNames.count ? Self.needNames[$0] : "NEED\($0 + 1)" }
        let shares = (0..<needs).map { $0 < Self.needShares.count ? Self.needShares[$0] : 0.01 }
        let shareTotal = shares.reduce(0, +)
        let yearList = (0..<years).map { "\(2026 + $0)/\(String(format: "%02d", (27 + $0) % 100))" }
        let zoneList = (0..<zones).map { String(format: "z%03d", $0 + 1) }
        // A county of about 40 × 28 km of built-up area; zone centres at random.
        let zonePoint = (0..<zones).map { _ in (random.uniform(0, 40), random.uniform(0, 28)) }
        let zoneWeight = (0..<zones).map { _ in random.uniform(0.5, 1.5) }
        let weightTotal = zoneWeight.reduce(0, +)
        let childrenTotal = Double(zones) * 60

        // Settings by type: mainstream groups, DSP units, special schools, AP, post-16 (all in a
        // zone) and independent providers (county-wide, reached from every zone).
        var settingObjects: [[String: Any]] = []
        var settingPoint: [(Double, Double)?] = []
        let mainstreamNeeds = needList.filter { !Self.specialistOnly.contains($0) }
        for k in 0..<settings {
            let roll = Double(k) / Double(settings)
            let id = String(format: "s%04d", k + 1)
            let zone = random.integer(0, zones - 1)
            var object: [String: Any] = ["id": id]
            var served: [String]
            var point: (Double, Double)? = (zonePoint[zone].0 + random.uniform(-2, 2), zonePoint[zone].1 + random.uniform(-2, 2))
            switch roll {
            case ..<0.45:
                object["type"] = "mainstream"; object["name"] = "Mainstream schools \(id)"
                served = mainstreamNeeds.isEmpty ? needList : mainstreamNeeds
                object["capacity"] = random.integer(40, 140); object["costPerPlace"] = (random.uniform(6500, 10500)).rounded()
            case ..<0.65:
                object["type"] = "dsp"; object["name"] = "Resource base \(id)"
                served = pick(&random, from: needList, count: random.integer(min(4, needs), min(9, needs)))
                object["capacity"] = 10 * random.integer(1, 3); object["costPerPlace"] = (random.uniform(17000, 22000)).rounded()
            case ..<0.82:
                object["type"] = "special"; object["name"] = "Special school \(id)"
                served = pick(&random, from: needList, count: random.integer(min(7, needs), min(13, needs)))
                object["capacity"] = random.integer(60, 220); object["costPerPlace"] = (random.uniform(22000, 32000)).rounded()
            case ..<0.88:
                object["type"] = "ap"; object["name"] = "Alternative provision \(id)"
                served = needList.filter { $0.hasPrefix("SEMH") }.isEmpty ? [needList[0]] : needList.filter { $0.hasPrefix("SEMH") }
                object["capacity"] = random.integer(20, 60); object["costPerPlace"] = (random.uniform(20000, 26000)).rounded()
            case ..<0.94:
                object["type"] = "post16"; object["name"] = "Post-16 provision \(id)"
                served = mainstreamNeeds.isEmpty ? needList : mainstreamNeeds
                object["capacity"] = random.integer(50, 150); object["costPerPlace"] = (random.uniform(9000, 14000)).rounded()
            default:
                object["type"] = "independent"; object["name"] = "Independent special schools \(id)"
                served = needList
                object["capacity"] = NSNull(); object["costPerPlace"] = (random.uniform(55000, 80000)).rounded()
                object["transportPerPlace"] = (random.uniform(10000, 16000)).rounded()
                object["outOfArea"] = true
                point = nil
            }
            if point != nil { object["zone"] = zoneList[zone] }
            object["serves"] = served.isEmpty ? [needList[0]] : served
            if !groups.isEmpty { object["ages"] = Self.agesServed(type: object["type"] as! String, groupIDs, &random) }
            settingObjects.append(object)
            settingPoint.append(point)
        }

        // Travel: minutes from the road distance (about 33 km/h door to door plus 5 minutes), cost
        // £1,500 + £110 a minute a year; pairs beyond 75 minutes are left out (unreachable).
        var travelRows = ["zone,setting,minutes,cost"]
        for z in 0..<zones {
            for (k, point) in settingPoint.enumerated() {
                guard let point else { continue }
                let distance = ((zonePoint[z].0 - point.0) * (zonePoint[z].0 - point.0) + (zonePoint[z].1 - point.1) * (zonePoint[z].1 - point.1)).squareRoot() * 1.3
                let minutes = (distance * 1.8 + 5).rounded()
                guard minutes <= 75 else { continue }
                travelRows.append("\(zoneList[z]),\(settingObjects[k]["id"]!),\(Int(minutes)),\(Int(1500 + 110 * minutes))")
            }
        }

        // Demand: base by zone and need, 8% growth.
        var base: [String: [String: Double]] = [:]
        for z in 0..<zones {
            var byNeed: [String: Double] = [:]
            for n in 0..<needs {
                let value = childrenTotal * zoneWeight[z] / weightTotal * shares[n] / shareTotal * random.uniform(0.7, 1.3)
                let rounded = (value * 10).rounded() / 10
                if rounded > 0 { byNeed[needList[n]] = rounded }
            }
            base[zoneList[z]] = byNeed
        }
        // With ages: each need's children split over the groups by their width (post-19 at half).
        var baseByAge: [String: [String: [String: Double]]] = [:]
        if !groups.isEmpty {
            let weights = groups.map { group -> Double in
                let width = Double((group["to"] as! Int) - (group["from"] as! Int) + 1)
                return (group["from"] as! Int) >= 15 ? width / 2 : width
            }
            let weightSum = weights.reduce(0, +)
            for (zone, byNeed) in base {
                baseByAge[zone] = byNeed.mapValues { total in
                    Dictionary(uniqueKeysWithValues: groups.indices.map { (groupIDs[$0], (total * weights[$0] / weightSum * 10).rounded() / 10) })
                }
            }
        }

        // Capital options: expansions of special schools and resource bases, and new units.
        var optionObjects: [[String: Any]] = []
        let expandable = settingObjects.indices.filter { ["special", "dsp"].contains(settingObjects[$0]["type"] as! String) }
        for k in 0..<options {
            let id = String(format: "o%03d", k + 1)
            var option: [String: Any] = ["id": id]
            let earliest = random.integer(min(1, years - 1), years - 1)
            option["earliestYear"] = yearList[earliest]
            if k % 3 != 2, !expandable.isEmpty {
                let target = expandable[random.integer(0, expandable.count - 1)]
                option["expands"] = settingObjects[target]["id"]
                option["places"] = 10 * random.integer(1, 4)
                option["name"] = "Expand \(settingObjects[target]["name"]!)"
            } else {
                let zone = random.integer(0, zones - 1)
                var newSetting: [String: Any] = ["id": "new-\(id)", "name": "New resource base \(id)", "type": "dsp", "zone": zoneList[zone],
                                                 "serves": pick(&random, from: needList, count: random.integer(1, min(4, needs))),
                                                 "costPerPlace": (random.uniform(17000, 22000)).rounded()]
                if !groups.isEmpty { newSetting["ages"] = Self.agesServed(type: "dsp", groupIDs, &random) }
                option["newSetting"] = newSetting
                option["places"] = 10
                option["name"] = "New resource base in \(zoneList[zone])"
                for z in 0..<zones {
                    let dx = zonePoint[z].0 - zonePoint[zone].0, dy = zonePoint[z].1 - zonePoint[zone].1
                    let minutes = ((dx * dx + dy * dy).squareRoot() * 1.3 * 1.8 + 5).rounded()
                    if minutes <= 75 { travelRows.append("\(zoneList[z]),new-\(id),\(Int(minutes)),\(Int(1500 + 110 * minutes))") }
                }
            }
            option["capitalCost"] = ((option["places"] as! Int == 10 ? random.uniform(150000, 350000) : Double(option["places"] as! Int) * random.uniform(50000, 90000)) / 1000).rounded() * 1000
            if k > 0 && k % 7 == 0 { option["excludes"] = [String(format: "o%03d", k)] }
            optionObjects.append(option)
        }

        var scenario: [String: Any] = [
            "format": "sufficiency/1",
            "metadata": ["generator": OutputKind.scenarioGenerator, "seed": "\(seed)", "seal": Seal.placeholder],
            "name": "Generated: \(zones) zones, \(settings) settings, \(needs) needs, \(years) years, \(options) options, seed \(seed)",
            "description": "Synthetic scenario from `sufficiency-solve generate` for scale tests. Costs and capacities are drawn from published national ranges (DfE high needs benchmarking, NAO 2024); places are on a random 40 × 28 km map.",
            "years": yearList,
            "needs": needList,
            "zones": zoneList,
            "unmetPenalty": 150000,
            "discountRate": 0.035,
            "inflation": 0.02,
            "demand": ["base": groups.isEmpty ? base as Any : baseByAge as Any, "growth": 0.08],
            "settings": settingObjects,
            "travel": ["csv": travelFileName],
            "maxTravelMinutes": needList.contains("PMLD") ? ["default": 75, "PMLD": 50] as [String: Any] : ["default": 75] as [String: Any],
            "finance": ["grant": (childrenTotal * 20000 / 1e5).rounded() * 1e5, "otherSpend": (childrenTotal * 2500 / 1e5).rounded() * 1e5,
                        "broughtForwardDeficit": (childrenTotal * 3000 / 1e5).rounded() * 1e5],
        ]
        if !groups.isEmpty { scenario["ages"] = groups }
        if !optionObjects.isEmpty {
            scenario["capitalOptions"] = optionObjects
            scenario["capital"] = ["accounting": "annualised", "assetLifeYears": 40]
        }
        let data = try JSONSerialization.data(withJSONObject: scenario, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return Output(scenarioJSON: Seal.seal(String(decoding: data, as: UTF8.self) + "\n"), travelCSV: travelRows.joined(separator: "\n") + "\n")
    }

    /// The age groups of `--ages N`.
    static func ageGroups(_ count: Int) -> [[String: Any]] {
        let phases: [(String, Int, Int)] = [("primary", 0, 6), ("secondary", 7, 11), ("post16", 12, 14), ("post19", 15, 20), ("early", -3, -1)]
        if count == 0 { return [] }
        // Primary on, youngest first; the fifth adds the early years in front.
        var chosen = Array(phases.prefix(min(count, 4)))
        if count == 5 { chosen.insert(phases[4], at: 0) }
        return chosen.map { ["id": $0.0, "from": $0.1, "to": $0.2] }
    }

    /// Which groups a setting of `type` takes: schools their phase, post-16 providers the older groups.
    static func agesServed(type: String, _ ids: [String], _ random: inout Random) -> [String] {
        let school = ids.filter { ["primary", "secondary"].contains($0) }
        let older = ids.filter { ["post16", "post19"].contains($0) }
        switch type {
        case "mainstream": return ids.filter { $0 != "post19" }
        case "dsp": return [school[random.integer(0, school.count - 1)]]
        case "ap": return [school.last!]
        // Post-16 colleges take the older groups; with none declared, the oldest group there is.
        case "post16": return older.isEmpty ? [ids.last!] : older
        case "special": return random.integer(0, 2) == 0 && school.count > 1 ? [school.last!] + older.prefix(1) : ids.filter { $0 != "post19" }
        default: return ids
        }
    }

    private func pick(_ random: inout Random, from list: [String], count: Int) -> [String] {
        var pool = list
        var chosen: [String] = []
        for _ in 0..<min(count, pool.count) { chosen.append(pool.remove(at: random.integer(0, pool.count - 1))) }
        return chosen.sorted { list.firstIndex(of: $0)! < list.firstIndex(of: $1)! }
    }
}
