import Foundation


/// The state of one decode: the problems found and the names declared so far.
struct ScenarioReader {
    let context: DecodeContext
    var years: [String] = []
    var needs: [String] = []
    var zones: [String] = []
    var yearIndex: [String: Int] = [:]
    var needIndex: [String: Int] = [:]
    var zoneIndex: [String: Int] = [:]
    var ages: [AgeGroup] = []
    var ageIndex: [String: Int] = [:]
    var settingIndex: [String: Int] = [:]
    var optionIndex: [String: Int] = [:]
    var baseDirectory: String?
    /// When set (a real folder path), every file the scenario names must lie inside it: `serve`
    /// reads nothing outside its workspace through a scenario's or an edit's file names.
    var confinedTo: String?
    /// CSV files given in memory, by name; when set, nothing is read from disk.
    var files: [String: [UInt8]]?
    /// The CSV files read, in order, for the provenance.
    let readFiles = ReadFiles()

    final class ReadFiles {
        var inputs: [Scenario.InputFile] = []
        /// Defaults applied while reading (for the provenance).
        var defaults: [String] = []
    }
    var maxInputBytes = ScenarioDecoder.Limits.defaultMaxInputBytes

    static let topLevelKeys = ["format", "name", "description", "metadata", "years", "needs", "unmetPenalty",
                               "discountRate", "inflation", "demand", "settings", "incumbents", "policies", "defaults",
                               "capitalOptions", "capital", "finance", "zones", "travel", "maxTravelMinutes", "ages", "futures", "robust", "demandScale"]
    static let settingKeys = ["id", "name", "type", "serves", "capacity", "capacityByNeed", "costPerPlace", "costByNeed",
                              "transportPerPlace", "leavingRate", "opensYear", "closesYear", "outOfArea", "zone", "ages", "capacityByAge"]

    init(context: DecodeContext) { self.context = context }

    var zoneCount: Int { max(1, zones.count) }
    var ageCount: Int { max(1, ages.count) }

    mutating func read(_ root: SourceNode) -> Scenario? {
        guard let top = context.object(root, "", allowed: Self.topLevelKeys,
                                       required: ["format", "name", "years", "needs", "unmetPenalty", "demand", "settings"]) else { return nil }
        if let format = top["format"], let text = context.string(format, "format"), text != "sufficiency/1" {
            context.fail("format", "must be \"sufficiency/1\", got \"\(text)\"", at: format)
        }
        let name = top["name"].flatMap { context.string($0, "name") } ?? ""
        let description = top["description"].flatMap { context.string($0, "description", nonEmpty: false) } ?? ""
        years = top["years"].map { declareNames($0, "years", kind: "year", limit: ScenarioDecoder.Limits.maxYears) } ?? []
        needs = top["needs"].map { declareNames($0, "needs", kind: "need", limit: ScenarioDecoder.Limits.maxNeeds) } ?? []
        if let zonesNode = top["zones"] { zones = declareNames(zonesNode, "zones", kind: "zone", limit: ScenarioDecoder.Limits.maxZones) }
        if let agesNode = top["ages"] { ages = readAges(agesNode) }
        ageIndex = Self.index(ages.map(\.id))
        yearIndex = Self.index(years)
        needIndex = Self.index(needs)
        zoneIndex = Self.index(zones)
        // Without declared years or needs nothing else can be checked meaningfully.
        guard !years.isEmpty, !needs.isEmpty else { return nil }

        let unmetPenalty = top["unmetPenalty"].map { readUnmetPenalty($0) } ?? []
        let discountRate = top["discountRate"].flatMap { context.number($0, "discountRate", min: 0, max: 1) } ?? 0
        let inflation = top["inflation"].flatMap { context.number($0, "inflation", above: -1, max: 1) } ?? 0
        let leavingDefaults = top["defaults"].map { readDefaults($0) } ?? [:]
        // Prices over the horizon stay within a range a solver can hold to its tolerances: the
        // last year's costs at most 100 times (at least a hundredth of) the first's, and its
        // discount factor at least 1/10,000. Beyond that the numbers are not a plan but noise.
        let lastYear = Double(max(0, years.count - 1))
        if let node = top["inflation"], inflation != 0 {
            let factor = pow(1 + inflation, lastYear)
            if !(factor <= 100 && factor >= 0.01) {
                context.fail("inflation", "raises costs \(DecodeContext.show(factor.rounded())) times over the \(years.count) years; at most 100 times is accepted (a shorter horizon or a lower rate)", at: node, kind: .limit)
            }
        }
        if let node = top["discountRate"], discountRate != 0, pow(1 + discountRate, -lastYear) < 1e-4 {
            context.fail("discountRate", "discounts the last of the \(years.count) years to less than 1/10,000 of the first; use a shorter horizon or a lower rate", at: node, kind: .limit)
        }

        // Declare every setting id (existing and new) first so that references can go either way.
        let settingNodes = top["settings"].flatMap { context.array($0, "settings") } ?? []
        if top["settings"] != nil && settingNodes.isEmpty, case .array = top["settings"]!.value {
            context.fail("settings", "must list at least one setting", at: top["settings"])
        }
        let optionNodes = top["capitalOptions"].flatMap { context.array($0, "capitalOptions") } ?? []
        declareSettingAndOptionIDs(settingNodes, optionNodes)
        // Only options with a newSetting add a setting; an expansion does not.
        if settingNodes.count + optionNodes.filter({ $0["newSetting"] != nil }).count > ScenarioDecoder.Limits.maxSettings {
            context.fail("settings", "more than \(ScenarioDecoder.Limits.maxSettings) settings (new ones included)", at: top["settings"])
        }
        if optionNodes.count > ScenarioDecoder.Limits.maxOptions {
            context.fail("capitalOptions", "more than \(ScenarioDecoder.Limits.maxOptions) options", at: top["capitalOptions"])
        }

        var settings: [Setting] = []
        for (k, node) in settingNodes.enumerated() {
            if let setting = readSetting(node, "settings[\(k)]", leavingDefaults: leavingDefaults, newFor: nil) { settings.append(setting) }
        }
        let existingCount = settings.count
        var options: [CapitalOption] = []
        var optionOK = true
        for (k, node) in optionNodes.enumerated() {
            let before = context.issues.count
            options.append(readOption(node, "capitalOptions[\(k)]", settings: &settings, leavingDefaults: leavingDefaults, index: k))
            if context.issues.count != before { optionOK = false }
        }
        let settingsComplete = settings.count == settingNodes.count + options.filter(\.createsSetting).count && existingCount == settingNodes.count
        if settingsComplete { resolveOptionLinks(&options, settings: settings, nodes: optionNodes) }

        let travel = top["travel"].map { readTravel($0, declared: top["zones"] != nil) } ?? []
        let maxMinutes = top["maxTravelMinutes"].map { readMaxTravel($0) } ?? Array(repeating: nil, count: needs.count)
        var demand = top["demand"].map { readDemand($0) } ?? []
        // demandScale: every child of the demand (and of each future's) times one number, the
        // what-if "demand 10% higher".
        var demandScale = 1.0
        if let node = top["demandScale"], let scale = context.number(node, "demandScale", above: 0, max: 1_000) {
            demandScale = scale
            demand = demand.map { $0 * scale }
            if let worst = demand.max(), worst > ScenarioDecoder.Limits.maxChildren {
                context.fail("demandScale", "takes demand above 10 million children (\(ReportText.money(worst)) in one year, need and group)", at: node, kind: .limit)
            }
        }
        var futures = top["futures"].map { readFutures($0, demand: demand) } ?? []
        if demandScale != 1, let futuresNode = top["futures"]?.value, case .array(let elements) = futuresNode {
            // A future with demand of its own is scaled too (one without took the scaled demand already).
            for k in futures.indices where k < elements.count && elements[k]["demand"] != nil { futures[k].demand = futures[k].demand.map { $0 * demandScale } }
        }
        var robust = Scenario.RobustObjective.expected
        if let node = top["robust"] {
            if top["futures"] == nil { context.fail("robust", "applies only with futures: declare futures, or remove robust", at: node) }
            if let object = context.object(node, "robust", allowed: ["objective"], required: ["objective"]), let objective = object["objective"],
               let text = context.string(objective, "robust.objective") {
                if let value = Scenario.RobustObjective(rawValue: text) { robust = value } else {
                    context.fail("robust.objective", "must be expected or regret, got \"\(text)\"", at: objective, kind: .outOfRange)
                }
            }
        }
        let incumbents = settingsComplete ? (top["incumbents"].map { readIncumbents($0, settings: settings, travel: travel, maxMinutes: maxMinutes) } ?? []) : []
        if !settingsComplete, let node = top["incumbents"] { checkIncumbentReferences(node) }
        let policies = settingsComplete ? (top["policies"].map { readPolicies($0, settings: settings) } ?? []) : []
        let capital = readCapital(top["capital"])
        if settingsComplete && optionOK { checkDecisions(options, capital: capital, nodes: optionNodes) }
        let finance = readFinance(top["finance"])

        if context.issues.isEmpty { checkModelSize(settings: settings, travel: travel, node: top["settings"]) }
        guard context.issues.isEmpty, settingsComplete, optionOK else { return nil }
        var scenario = Scenario(name: name, description: description, years: years, needs: needs, zones: zones,
                                unmetPenalty: unmetPenalty, discountRate: discountRate, inflation: inflation, demand: demand,
                                settings: settings, incumbents: incumbents, policies: policies, capitalOptions: options,
                                capital: capital, finance: finance, travel: travel, maxTravelMinutes: maxMinutes)
        scenario.ages = ages
        scenario.futures = futures
        scenario.robustObjective = robust
        scenario.inputs = readFiles.inputs
        // What the provenance lists as defaults applied.
        var defaults: [String] = []
        if top["discountRate"] == nil { defaults.append("discountRate 0 (no discounting)") }
        if top["inflation"] == nil { defaults.append("inflation 0") }
        let defaultLeaving = settingNodes.indices.filter { settingNodes[$0]["leavingRate"] == nil && leavingDefaults[settings[$0].type] == nil }
        if !defaultLeaving.isEmpty { defaults.append("leavingRate 0.2 for \(defaultLeaving.count) setting\(defaultLeaving.count == 1 ? "" : "s") that give none") }
        if finance.transport == .generalFund && top["finance"]?["transport"] == nil { defaults.append("finance.transport generalFund (the General Fund pays home-to-school transport)") }
        if !options.isEmpty && top["capital"]?["accounting"] == nil { defaults.append("capital.accounting upfront") }
        if capital.accounting == .annualised && top["capital"]?["assetLifeYears"] == nil { defaults.append("capital.assetLifeYears 40") }
        scenario.defaultsApplied = defaults + readFiles.defaults
        return scenario
    }

    /// `futures`: `{id, name?, probability, demand?, demandScale?}`, at most 100, ids unique,
    /// probabilities > 0 summing to 1 (within 1e-9).
    func readFutures(_ node: SourceNode, demand: [Double]) -> [Scenario.Future] {
        guard let elements = context.array(node, "futures") else { return [] }
        if elements.isEmpty { context.fail("futures", "must list at least one future", at: node); return [] }
        if elements.count > 100 { context.fail("futures", "more than 100 futures (\(elements.count))", at: node, kind: .limit); return [] }
        var futures: [Scenario.Future] = []
        var seen: [String: Int] = [:]
        var total = 0.0, complete = true
        for (k, element) in elements.enumerated() {
            let path = "futures[\(k)]"
            guard let object = context.object(element, path, allowed: ["id", "name", "probability", "demand", "demandScale"], required: ["id", "probability"]) else { complete = false; continue }
            let id = object["id"].flatMap { context.string($0, "\(path).id") }
            if let id, let first = seen[id] { context.fail("\(path).id", "future \"\(id)\" is declared twice (also futures[\(first)])", at: object["id"], kind: .duplicate) }
            if let id, seen[id] == nil { seen[id] = k }
            let name = object["name"].flatMap { context.string($0, "\(path).name", nonEmpty: false) }
            let probability = object["probability"].flatMap { context.number($0, "\(path).probability", above: 0, max: 1) }
            var own = object["demand"].map { readDemand($0, path: "\(path).demand") } ?? demand
            if let scaleNode = object["demandScale"], let scale = context.number(scaleNode, "\(path).demandScale", above: 0, max: 1_000) {
                own = own.map { $0 * scale }
                if let worst = own.max(), worst > ScenarioDecoder.Limits.maxChildren {
                    context.fail("\(path).demandScale", "takes demand above 10 million children (\(ReportText.money(worst)) in one year, need and group)", at: scaleNode, kind: .limit)
                }
            }
            guard let id, let probability else { complete = false; continue }
            total += probability
            futures.append(Scenario.Future(id: id, name: name ?? id, probability: probability, demand: own))
        }
        if complete && abs(total - 1) > 1e-9 {
            context.fail("futures", "the probabilities add up to \(DecodeContext.show(total)), not 1", at: node, kind: .rule)
        }
        return futures
    }

    static func index(_ names: [String]) -> [String: Int] {
        var result: [String: Int] = [:]
        for (k, name) in names.enumerated() where result[name] == nil { result[name] = k }
        return result
    }

    /// GLPK takes at most 100 million columns: an upper bound on the model's, counted before
    /// anything is built (every setting × need and age group it serves × year open × zone that
    /// could reach it, and the unmet columns), so a scenario too big to solve is an input error.
    func checkModelSize(settings: [Setting], travel: [TravelLink], node: SourceNode?) {
        var journeys = [Int](repeating: 0, count: settings.count)
        for link in travel where link.setting < settings.count { journeys[link.setting] += 1 }
        var columns = Double(years.count * zoneCount * needs.count * ageCount)
        for (k, setting) in settings.enumerated() {
            let needsServed = setting.serves.filter { $0 }.count, agesServed = setting.servesAge.filter { $0 }.count
            let open = max(0, min(years.count, setting.closesYear) - setting.opensYear)
            let zonesReaching = setting.zone == nil ? zoneCount : min(zoneCount, 1 + journeys[k])
            columns += Double(needsServed * agesServed * open * zonesReaching)
        }
        let limit = Double(LinearProgram.maxRowsOrColumns)
        if columns > limit {
            context.fail("settings", "the model would have up to \(ReportText.money(columns)) columns (settings × the needs and age groups each serves × years × zones); GLPK takes at most \(ReportText.money(limit)): use fewer settings, needs, ages, zones or years", at: node, kind: .limit)
        }
    }

    /// `ages`: groups `{id, name?, from, to}` in national curriculum years, youngest first and
    /// contiguous, −5 ≤ from ≤ to ≤ 20, at most 26.
    func readAges(_ node: SourceNode) -> [AgeGroup] {
        guard let elements = context.array(node, "ages") else { return [] }
        if elements.isEmpty { context.fail("ages", "must list at least one age group", at: node); return [] }
        // Too many groups is reported, but they are still declared, so what refers to them is not also reported.
        if elements.count > 26 { context.fail("ages", "more than 26 age groups (national curriculum years −5 to 20)", at: node, kind: .limit) }
        var groups: [AgeGroup] = []
        var seen: [String: Int] = [:]
        for (k, element) in elements.enumerated() {
            let path = "ages[\(k)]"
            guard let object = context.object(element, path, allowed: ["id", "name", "from", "to"], required: ["id", "from", "to"]) else { continue }
            let id = object["id"].flatMap { context.string($0, "\(path).id") }
            let from = object["from"].flatMap { context.integer($0, "\(path).from", min: -5, max: 20) }
            let to = object["to"].flatMap { context.integer($0, "\(path).to", min: -5, max: 20) }
            guard let id else { continue }
            if let first = seen[id] { context.fail("\(path).id", "age group \"\(id)\" is declared twice (also ages[\(first)])", at: object["id"], kind: .duplicate); continue }
            seen[id] = k
            // A group with a bad range is still declared, so what refers to it is not also reported.
            let start = (groups.last?.to).map { $0 + 1 } ?? from ?? -5
            if let from, let to {
                if to < from { context.fail("\(path).to", "must be ≥ from (\(from))", at: object["to"], kind: .outOfRange) }
                else if let previous = groups.last, from != previous.to + 1 {
                    context.fail("\(path).from", "must be \(previous.to + 1), the year after the previous group's \"to\": groups are listed youngest first, with no gap or overlap", at: object["from"])
                }
            }
            let end = max(start, to ?? start)
            groups.append(AgeGroup(id: id, name: object["name"].flatMap { context.string($0, "\(path).name") } ?? id, from: from ?? start, to: to.map { max($0, from ?? start) } ?? end))
        }
        return groups
    }

    /// A list of age group ids (or "all" when `allowAll`), as a mask over the groups.
    func readAgeList(_ node: SourceNode, _ path: String, allowAll: Bool) -> [Bool]? {
        if ages.isEmpty {
            context.fail(path, "names age groups, but the scenario declares no ages", at: node)
            return nil
        }
        if allowAll, case .string(let text) = node.value, text == "all" { return Array(repeating: true, count: ages.count) }
        guard let elements = context.array(node, path) else { return nil }
        if elements.isEmpty { context.fail(path, "must list at least one age group", at: node); return nil }
        var mask = [Bool](repeating: false, count: ages.count)
        var ok = true
        for (k, element) in elements.enumerated() {
            if let a = context.reference(element, "\(path)[\(k)]", in: ageIndex, kind: "age group") { mask[a] = true } else { ok = false }
        }
        return ok ? mask : nil
    }

    /// A non-empty list of unique names.
    func declareNames(_ node: SourceNode, _ path: String, kind: String, limit: Int) -> [String] {
        guard let elements = context.array(node, path) else { return [] }
        if elements.isEmpty { context.fail(path, "must list at least one \(kind)", at: node) }
        if elements.count > limit { context.fail(path, "more than \(limit) \(kind)s", at: node); return [] }
        var names: [String] = []
        var seen: [String: Int] = [:]
        for (k, element) in elements.enumerated() {
            guard let name = context.string(element, "\(path)[\(k)]") else { continue }
            if let first = seen[name] {
                context.fail("\(path)[\(k)]", "\(kind) \"\(name)\" is declared twice (also \(path)[\(first)])", at: element, kind: .duplicate)
                continue
            }
            seen[name] = k
            names.append(name)
        }
        return names
    }

    // MARK: Year maps and need maps

    /// A value given for every year, or a map year → value.
    /// - Parameters:
    ///   - requiredYears: years a map must give; others may be missing (they take `missing`).
    ///   - allowNull: whether null is a value (unlimited / no bound).
    func yearValues(_ node: SourceNode, _ path: String, requiredYears: Range<Int>?, missing: Double?, allowNull: Bool,
                    read: (SourceNode, String) -> Double?) -> [Double?]? {
        if case .object(let members) = node.value {
            var values = [Double?](repeating: missing, count: years.count)
            var given = [Bool](repeating: false, count: years.count)
            var ok = true
            for member in members {
                let memberPath = "\(path).\(member.key)"
                guard let t = context.resolve(member.key, memberPath, in: yearIndex, kind: "year", at: member.keyLocation) else { ok = false; continue }
                given[t] = true
                if case .null = member.value.value, allowNull { values[t] = nil; continue }
                if let value = read(member.value, memberPath) { values[t] = value } else { ok = false }
            }
            if let requiredYears {
                let absent = requiredYears.filter { !given[$0] }.map { years[$0] }
                if !absent.isEmpty {
                    context.fail(path, "must give every year the setting is open; missing \(absent.joined(separator: ", "))", at: node)
                    ok = false
                }
            }
            return ok ? values : nil
        }
        if case .null = node.value, allowNull { return [Double?](repeating: nil, count: years.count) }
        guard let value = read(node, path) else { return nil }
        return [Double?](repeating: value, count: years.count)
    }

    /// A map need → number, each need declared.
    func needValues(_ node: SourceNode, _ path: String, read: (SourceNode, String) -> Double?) -> [Int: Double]? {
        guard let members = context.map(node, path) else { return nil }
        var result: [Int: Double] = [:]
        var ok = true
        for member in members {
            let memberPath = "\(path).\(member.key)"
            guard let n = context.resolve(member.key, memberPath, in: needIndex, kind: "need", at: member.keyLocation) else { ok = false; continue }
            if let value = read(member.value, memberPath) { result[n] = value } else { ok = false }
        }
        return ok ? result : nil
    }

    func children(_ node: SourceNode, _ path: String) -> Double? {
        context.number(node, path, min: 0, max: ScenarioDecoder.Limits.maxChildren, what: "10 million children")
    }

    func money(_ node: SourceNode, _ path: String) -> Double? {
        context.number(node, path, min: 0, max: ScenarioDecoder.Limits.maxMoney, what: "£1 trillion")
    }

    func costPerPlace(_ node: SourceNode, _ path: String) -> Double? {
        context.number(node, path, min: 0, max: ScenarioDecoder.Limits.maxCostPerPlace, what: "£10 million a place")
    }
}
