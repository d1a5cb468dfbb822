import Foundation

/// Reads `sufficiency/1` scenarios from JSON or YAML into a checked ``Scenario``.
///
/// Every rule of the scenario format is checked and every problem is reported at once, each
/// with its path (`settings[3].capacity`) and line and column. Nothing here calls GLPK.
public enum ScenarioDecoder {
    /// Limits on input; each breach is a clear error.
    public enum Limits {
        public static let defaultMaxInputBytes = 64 * 1024 * 1024
        public static let maxChildren = 10_000_000.0
        public static let maxCostPerPlace = 10_000_000.0
        public static let maxCapitalCost = 10_000_000_000.0
        public static let maxMoney = 1_000_000_000_000.0
        public static let maxYears = 100
        public static let maxNeeds = 1_000
        public static let maxSettings = 100_000
        public static let maxZones = 10_000
        public static let maxOptions = 10_000
    }

    public enum SyntaxKind: Sendable { case json, yaml }

    /// Reads and decodes a scenario file. YAML is chosen by a `.yaml` / `.yml` extension.
    public static func load(path: String, maxInputBytes: Int = Limits.defaultMaxInputBytes) throws(ScenarioErrors) -> Scenario {
        let bytes = try readFile(path, maxInputBytes: maxInputBytes)
        return try decode(bytes, syntax: syntax(of: path), baseDirectory: folder(of: path), maxInputBytes: maxInputBytes)
    }

    /// YAML by a `.yaml` / `.yml` extension, else JSON.
    static func syntax(of path: String) -> SyntaxKind {
        let lower = path.lowercased()
        return lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") ? .yaml : .json
    }

    /// The folder CSV files named by the scenario are read from.
    static func folder(of path: String) -> String { URL(fileURLWithPath: path).deletingLastPathComponent().path }

    /// The document tree and the problems its parser found (duplicate keys); throws on a syntax error.
    static func parse(_ bytes: [UInt8], syntax: SyntaxKind) throws(ScenarioErrors) -> (root: SourceNode, issues: [ScenarioIssue]) {
        switch syntax {
        case .json: return try JSONSourceParser.parse(bytes)
        case .yaml:
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ScenarioErrors([ScenarioIssue(path: "", message: "the file is not UTF-8 text")])
            }
            return try YAMLSourceReader.parse(text)
        }
    }

    /// Reads a whole file, refusing a missing, unreadable or oversized one with a clear message.
    static func readFile(_ path: String, maxInputBytes: Int) throws(ScenarioErrors) -> [UInt8] {
        func failure(_ message: String) -> ScenarioErrors { ScenarioErrors([ScenarioIssue(path: "", message: message)]) }
        // Non-blocking, so a FIFO is refused below instead of waiting for a writer forever.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            switch errno {
            case ENOENT, ENOTDIR: throw failure("file not found: \(path)")
            case EACCES: throw failure("cannot read \(path): permission denied")
            default: throw failure("cannot read \(path): \(String(cString: strerror(errno)))")
            }
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("cannot read \(path): \(String(cString: strerror(errno)))") }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw failure("\(path) is a folder, not a file")
        default: throw failure("\(path) is not a regular file (a pipe or a device); only files are read")
        }
        InputFiles.record(descriptor: descriptor)
        guard info.st_size <= off_t(maxInputBytes) else {
            throw failure("\(path) is larger than the limit of \(maxInputBytes) bytes (--max-input-size changes it)")
        }
        // Read at most one byte past the limit (the file may grow while we read).
        var bytes = [UInt8](repeating: 0, count: min(maxInputBytes, Int(info.st_size)) + 1)
        var count = 0
        while count < bytes.count {
            let read = bytes.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if read < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw failure("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if read == 0 { break }
            count += read
            if count == bytes.count && count <= maxInputBytes { bytes += [UInt8](repeating: 0, count: min(bytes.count, maxInputBytes - count) + 1) }
        }
        guard count <= maxInputBytes else {
            throw failure("\(path) is larger than the limit of \(maxInputBytes) bytes (--max-input-size changes it)")
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    /// Decodes a scenario from the bytes of a JSON or YAML document. CSV files it names are read
    /// relative to `baseDirectory`, each held to `maxInputBytes`.
    public static func decode(_ bytes: [UInt8], syntax: SyntaxKind = .json, baseDirectory: String? = nil,
                              maxInputBytes: Int = Limits.defaultMaxInputBytes) throws(ScenarioErrors) -> Scenario {
        let parsed = try parse(bytes, syntax: syntax)
        return try decode(root: parsed.root, issues: parsed.issues, baseDirectory: baseDirectory, maxInputBytes: maxInputBytes)
    }

    /// Decodes a parsed document; `issues` are problems its parser already found.
    public static func decode(root: SourceNode, issues parserIssues: [ScenarioIssue], baseDirectory: String?,
                              maxInputBytes: Int = Limits.defaultMaxInputBytes) throws(ScenarioErrors) -> Scenario {
        var reader = ScenarioReader(context: DecodeContext(issues: parserIssues))
        reader.baseDirectory = baseDirectory
        reader.maxInputBytes = maxInputBytes
        let scenario = reader.read(root)
        // The scenario's own problems in file order, then each CSV file's in its order.
        let origin = SourceLocation(line: 0, column: 0)
        let issues = reader.context.issues.enumerated().sorted { a, b in
            let fileA = a.element.file ?? "", fileB = b.element.file ?? ""
            if fileA != fileB { return fileA < fileB }
            let placeA = a.element.location ?? origin, placeB = b.element.location ?? origin
            return placeA != placeB ? placeA < placeB : a.offset < b.offset
        }.map(\.element)
        guard issues.isEmpty, let scenario else {
            throw ScenarioErrors(issues.isEmpty ? [ScenarioIssue(path: "", message: "the scenario could not be read")] : issues)
        }
        return scenario
    }
}

/// The state of one decode: the problems found and the names declared so far.
struct ScenarioReader {
    let context: DecodeContext
    var years: [String] = []
    var needs: [String] = []
    var zones: [String] = []
    var yearIndex: [String: Int] = [:]
    var needIndex: [String: Int] = [:]
    var zoneIndex: [String: Int] = [:]
    var settingIndex: [String: Int] = [:]
    var optionIndex: [String: Int] = [:]
    var baseDirectory: String?
    var maxInputBytes = ScenarioDecoder.Limits.defaultMaxInputBytes

    static let topLevelKeys = ["format", "name", "description", "metadata", "years", "needs", "unmetPenalty",
                               "discountRate", "inflation", "demand", "settings", "incumbents", "policies", "defaults",
                               "capitalOptions", "capital", "finance", "zones", "travel", "maxTravelMinutes"]
    static let settingKeys = ["id", "name", "type", "serves", "capacity", "capacityByNeed", "costPerPlace", "costByNeed",
                              "transportPerPlace", "leavingRate", "opensYear", "closesYear", "outOfArea", "zone"]

    init(context: DecodeContext) { self.context = context }

    var zoneCount: Int { max(1, zones.count) }

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
        yearIndex = Self.index(years)
        needIndex = Self.index(needs)
        zoneIndex = Self.index(zones)
        // Without declared years or needs nothing else can be checked meaningfully.
        guard !years.isEmpty, !needs.isEmpty else { return nil }

        let unmetPenalty = top["unmetPenalty"].map { readUnmetPenalty($0) } ?? []
        let discountRate = top["discountRate"].flatMap { context.number($0, "discountRate", min: 0, max: 1) } ?? 0
        let inflation = top["inflation"].flatMap { context.number($0, "inflation", above: -1, max: 1) } ?? 0
        let leavingDefaults = top["defaults"].map { readDefaults($0) } ?? [:]

        // Declare every setting id (existing and new) first so that references can go either way.
        let settingNodes = top["settings"].flatMap { context.array($0, "settings") } ?? []
        if top["settings"] != nil && settingNodes.isEmpty, case .array = top["settings"]!.value {
            context.fail("settings", "must list at least one setting", at: top["settings"])
        }
        let optionNodes = top["capitalOptions"].flatMap { context.array($0, "capitalOptions") } ?? []
        declareSettingAndOptionIDs(settingNodes, optionNodes)
        if settingNodes.count + optionNodes.count > ScenarioDecoder.Limits.maxSettings {
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
            if let option = readOption(node, "capitalOptions[\(k)]", settings: &settings, leavingDefaults: leavingDefaults, index: k) {
                options.append(option)
            } else { optionOK = false }
        }
        let settingsComplete = settings.count == settingNodes.count + options.filter(\.createsSetting).count && existingCount == settingNodes.count
        if optionOK && settingsComplete { resolveOptionLinks(&options, settings: settings, nodes: optionNodes) }

        let travel = top["travel"].map { readTravel($0, declared: top["zones"] != nil) } ?? []
        let maxMinutes = top["maxTravelMinutes"].map { readMaxTravel($0) } ?? Array(repeating: nil, count: needs.count)
        let demand = top["demand"].map { readDemand($0) } ?? []
        let incumbents = settingsComplete ? (top["incumbents"].map { readIncumbents($0, settings: settings, travel: travel, maxMinutes: maxMinutes) } ?? []) : []
        if !settingsComplete, let node = top["incumbents"] { checkIncumbentReferences(node) }
        let policies = settingsComplete ? (top["policies"].map { readPolicies($0, settings: settings) } ?? []) : []
        let capital = readCapital(top["capital"])
        let finance = readFinance(top["finance"])

        guard context.issues.isEmpty, settingsComplete, optionOK else { return nil }
        return Scenario(name: name, description: description, years: years, needs: needs, zones: zones,
                        unmetPenalty: unmetPenalty, discountRate: discountRate, inflation: inflation, demand: demand,
                        settings: settings, incumbents: incumbents, policies: policies, capitalOptions: options,
                        capital: capital, finance: finance, travel: travel, maxTravelMinutes: maxMinutes)
    }

    static func index(_ names: [String]) -> [String: Int] {
        var result: [String: Int] = [:]
        for (k, name) in names.enumerated() where result[name] == nil { result[name] = k }
        return result
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
                context.fail("\(path)[\(k)]", "\(kind) \"\(name)\" is declared twice (also \(path)[\(first)])", at: element)
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

    // MARK: Top-level parts

    func readUnmetPenalty(_ node: SourceNode) -> [Double] {
        let read = { (n: SourceNode, p: String) in
            self.context.number(n, p, above: 0, max: ScenarioDecoder.Limits.maxCostPerPlace, what: "£10 million")
        }
        if case .object = node.value {
            guard let map = needValues(node, "unmetPenalty", read: read) else { return [] }
            let absent = needs.indices.filter { map[$0] == nil }.map { needs[$0] }
            if !absent.isEmpty {
                context.fail("unmetPenalty", "a map must give every need; missing \(absent.joined(separator: ", "))", at: node)
                return []
            }
            return needs.indices.map { map[$0]! }
        }
        guard let value = read(node, "unmetPenalty") else { return [] }
        return Array(repeating: value, count: needs.count)
    }

    func readDefaults(_ node: SourceNode) -> [SettingType: Double] {
        guard let object = context.object(node, "defaults", allowed: ["leavingRate"]) else { return [:] }
        guard let rate = object["leavingRate"] else { return [:] }
        if case .object(let members) = rate.value {
            var result: [SettingType: Double] = [:]
            for member in members {
                let path = "defaults.leavingRate.\(member.key)"
                guard let type = SettingType(rawValue: member.key) else {
                    context.fail(path, "\"\(member.key)\" is not a setting type (\(SettingType.allCases.map(\.rawValue).joined(separator: ", ")))", at: member.keyLocation)
                    continue
                }
                if let value = context.number(member.value, path, min: 0, max: 1) { result[type] = value }
            }
            return result
        }
        guard let value = context.number(rate, "defaults.leavingRate", min: 0, max: 1) else { return [:] }
        return Dictionary(uniqueKeysWithValues: SettingType.allCases.map { ($0, value) })
    }

    mutating func declareSettingAndOptionIDs(_ settingNodes: [SourceNode], _ optionNodes: [SourceNode]) {
        var firstPath: [String: String] = [:]
        func declare(_ node: SourceNode?, _ path: String) -> String? {
            guard let node, case .string(let id) = node.value, !id.isEmpty else { return nil }
            if let other = firstPath[id] {
                context.fail(path, "id \"\(id)\" is used twice (also \(other))", at: node)
                return nil
            }
            firstPath[id] = path
            return id
        }
        var count = 0
        for (k, node) in settingNodes.enumerated() {
            if let id = declare(node["id"], "settings[\(k)].id") { settingIndex[id] = count }
            count += 1
        }
        var optionIDs: [String: String] = [:]
        for (k, node) in optionNodes.enumerated() {
            if let idNode = node["id"], case .string(let id) = idNode.value, !id.isEmpty {
                if let other = optionIDs[id] { context.fail("capitalOptions[\(k)].id", "option id \"\(id)\" is used twice (also \(other))", at: idNode) }
                else { optionIDs[id] = "capitalOptions[\(k)].id"; optionIndex[id] = k }
            }
            if let newSetting = node["newSetting"] {
                if let id = declare(newSetting["id"], "capitalOptions[\(k)].newSetting.id") { settingIndex[id] = count }
                count += 1
            }
        }
    }

    func readSetting(_ node: SourceNode, _ path: String, leavingDefaults: [SettingType: Double], newFor option: Int?) -> Setting? {
        let allowed = option == nil ? Self.settingKeys : Self.settingKeys.filter { !["capacity", "opensYear", "closesYear"].contains($0) }
        var required = ["id", "type", "serves", "costPerPlace"]
        if option == nil { required.append("capacity") }
        guard let object = context.object(node, path, allowed: allowed, required: required) else {
            if option != nil {
                for key in ["capacity", "opensYear", "closesYear"] where node[key] != nil {
                    context.fail("\(path).\(key)", "a new setting takes its capacity and opening year from its option", at: node[key])
                }
            }
            return nil
        }
        if option != nil {
            for key in ["capacity", "opensYear", "closesYear"] where node[key] != nil {
                context.fail("\(path).\(key)", "a new setting takes its capacity and opening year from its option", at: node[key])
            }
        }
        let issuesBefore = context.issues.count
        let id = object["id"].flatMap { context.string($0, "\(path).id") }
        let type: SettingType? = object["type"].flatMap { typeNode in
            guard let text = context.string(typeNode, "\(path).type") else { return nil }
            guard let type = SettingType(rawValue: text) else {
                var message = "\"\(text)\" is not a setting type; use one of \(SettingType.allCases.map(\.rawValue).joined(separator: ", "))"
                if let guess = DecodeContext.closest(to: text, in: SettingType.allCases.map(\.rawValue)) { message += " (did you mean \"\(guess)\"?)" }
                context.fail("\(path).type", message, at: typeNode)
                return nil
            }
            return type
        }
        let serves = object["serves"].flatMap { readServes($0, "\(path).serves") }
        var opensYear = 0, closesYear = years.count
        if let opens = object["opensYear"], let t = context.reference(opens, "\(path).opensYear", in: yearIndex, kind: "year") { opensYear = t }
        if let closes = object["closesYear"], let t = context.reference(closes, "\(path).closesYear", in: yearIndex, kind: "year") {
            if t <= opensYear { context.fail("\(path).closesYear", "must be later than opensYear (\(years[opensYear]))", at: closes) }
            closesYear = t
        }
        var capacity = [Double?](repeating: 0, count: years.count)
        if option == nil, let capacityNode = object["capacity"] {
            capacity = yearValues(capacityNode, "\(path).capacity", requiredYears: opensYear..<max(opensYear, closesYear), missing: 0, allowNull: true, read: children) ?? capacity
        }
        var capacityByNeed: [Int: [Double?]] = [:]
        if let byNeed = object["capacityByNeed"], let members = context.map(byNeed, "\(path).capacityByNeed") {
            for member in members {
                let memberPath = "\(path).capacityByNeed.\(member.key)"
                guard let n = context.resolve(member.key, memberPath, in: needIndex, kind: "need", at: member.keyLocation) else { continue }
                if let serves, !serves[n] {
                    context.fail(memberPath, "caps need \(member.key), which this setting does not serve", at: member.keyLocation)
                    continue
                }
                let openYears = option == nil ? opensYear..<max(opensYear, closesYear) : 0..<0
                if let values = yearValues(member.value, memberPath, requiredYears: openYears, missing: nil, allowNull: true, read: children) {
                    capacityByNeed[n] = values
                }
            }
        }
        let baseCost = object["costPerPlace"].flatMap { costPerPlace($0, "\(path).costPerPlace") }
        var costByNeed = [Double](repeating: baseCost ?? 0, count: needs.count)
        if let byNeed = object["costByNeed"], let map = needValues(byNeed, "\(path).costByNeed", read: costPerPlace) {
            for (n, cost) in map { costByNeed[n] = cost }
        }
        let transport = object["transportPerPlace"].flatMap { costPerPlace($0, "\(path).transportPerPlace") } ?? 0
        let leaving = object["leavingRate"].flatMap { context.number($0, "\(path).leavingRate", min: 0, max: 1) }
        let outOfArea = object["outOfArea"].flatMap { context.bool($0, "\(path).outOfArea") } ?? false
        var zone: Int?
        if let zoneNode = object["zone"] {
            if zones.isEmpty { context.fail("\(path).zone", "names a zone, but the scenario declares no zones", at: zoneNode) }
            else { zone = context.reference(zoneNode, "\(path).zone", in: zoneIndex, kind: "zone") }
        }
        guard context.issues.count == issuesBefore, let id, let type, let serves else { return nil }
        return Setting(id: id, name: object["name"].flatMap { context.string($0, "\(path).name") } ?? id, type: type,
                       serves: serves, capacity: capacity, capacityByNeed: capacityByNeed, costByNeed: costByNeed,
                       transportPerPlace: transport, leavingRate: leaving ?? leavingDefaults[type] ?? 0.2,
                       opensYear: opensYear, closesYear: closesYear, outOfArea: outOfArea, zone: zone, createdByOption: option)
    }

    func readServes(_ node: SourceNode, _ path: String) -> [Bool]? {
        if case .string(let text) = node.value {
            guard text == "all" else {
                context.fail(path, "must be \"all\" or a list of needs, got \"\(text)\"", at: node)
                return nil
            }
            return Array(repeating: true, count: needs.count)
        }
        guard let elements = context.array(node, path) else { return nil }
        var serves = [Bool](repeating: false, count: needs.count)
        var ok = true
        for (k, element) in elements.enumerated() {
            if let n = context.reference(element, "\(path)[\(k)]", in: needIndex, kind: "need") { serves[n] = true } else { ok = false }
        }
        return ok ? serves : nil
    }

    func readOption(_ node: SourceNode, _ path: String, settings: inout [Setting], leavingDefaults: [SettingType: Double], index: Int) -> CapitalOption? {
        let keys = ["id", "name", "expands", "newSetting", "places", "capitalCost", "earliestYear", "latestYear", "excludes", "requires", "fractional"]
        guard let object = context.object(node, path, allowed: keys, required: ["id", "places", "capitalCost"]) else { return nil }
        let issuesBefore = context.issues.count
        let id = object["id"].flatMap { context.string($0, "\(path).id") }
        let places = object["places"].flatMap { context.number($0, "\(path).places", above: 0, max: ScenarioDecoder.Limits.maxChildren, what: "10 million places") }
        let cost = object["capitalCost"].flatMap { context.number($0, "\(path).capitalCost", min: 0, max: ScenarioDecoder.Limits.maxCapitalCost, what: "£10 billion") }
        var earliest = 0, latest = years.count - 1
        if let node = object["earliestYear"], let t = context.reference(node, "\(path).earliestYear", in: yearIndex, kind: "year") { earliest = t }
        if let node = object["latestYear"], let t = context.reference(node, "\(path).latestYear", in: yearIndex, kind: "year") { latest = t }
        if earliest > latest { context.fail("\(path).latestYear", "is before earliestYear (\(years[earliest]))", at: object["latestYear"]) }
        let fractional = object["fractional"].flatMap { context.bool($0, "\(path).fractional") } ?? false
        var setting: Int?
        var creates = false
        switch (object["expands"], object["newSetting"]) {
        case (nil, nil), (.some, .some):
            context.fail(path, "must have exactly one of \"expands\" (a setting id) and \"newSetting\"", at: node)
        case (let expands?, nil):
            setting = context.reference(expands, "\(path).expands", in: settingIndex, kind: "setting")
        case (nil, let newNode?):
            creates = true
            if var newSetting = readSetting(newNode, "\(path).newSetting", leavingDefaults: leavingDefaults, newFor: index) {
                newSetting.opensYear = earliest
                newSetting.closesYear = years.count
                newSetting.capacity = Array(repeating: 0, count: years.count)
                setting = settings.count
                settings.append(newSetting)
            }
        }
        guard context.issues.count == issuesBefore, let id, let places, let cost, let setting else { return nil }
        return CapitalOption(id: id, name: object["name"].flatMap { context.string($0, "\(path).name") } ?? id,
                             setting: setting, createsSetting: creates, places: places, capitalCost: cost,
                             earliestYear: earliest, latestYear: latest, excludes: [], requires: [], fractional: fractional)
    }

    /// Resolves `excludes` and `requires`, adds the implicit requirement of an expansion of another
    /// option's new setting, and rejects cycles in `requires`.
    func resolveOptionLinks(_ options: inout [CapitalOption], settings: [Setting], nodes: [SourceNode]) {
        let creator: [Int: Int] = Dictionary(uniqueKeysWithValues: options.enumerated().filter(\.element.createsSetting).map { ($0.element.setting, $0.offset) })
        for k in options.indices {
            let path = "capitalOptions[\(k)]"
            for key in ["excludes", "requires"] {
                guard let listNode = nodes[k][key], let elements = context.array(listNode, "\(path).\(key)") else { continue }
                var resolved: [Int] = []
                for (e, element) in elements.enumerated() {
                    guard let other = context.reference(element, "\(path).\(key)[\(e)]", in: optionIndex, kind: "option") else { continue }
                    if other == k && key == "excludes" { context.fail("\(path).excludes[\(e)]", "an option cannot exclude itself", at: element); continue }
                    if !resolved.contains(other) { resolved.append(other) }
                }
                if key == "excludes" { options[k].excludes = resolved } else { options[k].requires = resolved }
            }
            // Places added to another option's new setting count only once it has opened.
            if !options[k].createsSetting, let base = creator[options[k].setting], !options[k].requires.contains(base) {
                options[k].requires.append(base)
            }
        }
        // Cycles in `requires`: depth-first search with colours.
        var colour = [Int](repeating: 0, count: options.count)
        var stack: [Int] = []
        func visit(_ o: Int) -> Bool {
            colour[o] = 1
            stack.append(o)
            for p in options[o].requires {
                if colour[p] == 1 {
                    let cycle = stack[stack.firstIndex(of: p)!...].map { options[$0].id } + [options[p].id]
                    context.fail("capitalOptions[\(o)].requires", "options require each other in a cycle: \(cycle.joined(separator: " → "))", at: nodes[o]["requires"] ?? nodes[o])
                    return false
                }
                if colour[p] == 0 && !visit(p) { return false }
            }
            stack.removeLast()
            colour[o] = 2
            return true
        }
        for o in options.indices where colour[o] == 0 {
            if !visit(o) { break }
        }
    }

    func readTravel(_ node: SourceNode, declared: Bool) -> [TravelLink] {
        guard declared else {
            context.fail("travel", "needs \"zones\": journeys are between zones and settings", at: node)
            return []
        }
        var links: [TravelLink] = []
        var seen: [String: String] = [:]
        if case .object = node.value {
            guard let object = context.object(node, "travel", allowed: ["csv"], required: ["csv"]), let fileNode = object["csv"],
                  let (table, file) = readCSV(fileNode, "travel.csv", columns: ["zone", "setting"]) else { return [] }
            let zoneColumn = table.columnIndex("zone")!, settingColumn = table.columnIndex("setting")!
            let minutesColumn = table.columnIndex("minutes"), costColumn = table.columnIndex("cost")
            if minutesColumn == nil && costColumn == nil {
                context.appendIssue(ScenarioIssue(path: "", message: "needs a minutes or a cost column (or both)", location: SourceLocation(line: 1, column: 1), file: file))
                return []
            }
            for row in table.rows {
                let zone = csvReference(row, zoneColumn, in: zoneIndex, kind: "zone", file: file)
                let setting = csvReference(row, settingColumn, in: settingIndex, kind: "setting", file: file)
                let minutes = minutesColumn.flatMap { csvNumber(row, $0, file: file, max: 10_000, optional: true) } ?? nil
                let cost = costColumn.flatMap { csvNumber(row, $0, file: file, max: ScenarioDecoder.Limits.maxCostPerPlace, optional: true) } ?? nil
                let place = "line \(row.first?.line ?? 0)"
                if minutes == nil && cost == nil && csvCellsPresent(row, [minutesColumn, costColumn]) == 0 {
                    context.appendIssue(ScenarioIssue(path: "", message: "a journey needs minutes, cost or both", location: SourceLocation(line: row.first?.line ?? 0, column: 1), file: file))
                }
                guard let zone, let setting, minutes != nil || cost != nil else { continue }
                if let first = seen["\(zone)/\(setting)"] {
                    context.appendIssue(ScenarioIssue(path: "", message: "journey from zone \(zones[zone]) to \(row[settingColumn].text) is given twice (also \(first))",
                                                      location: SourceLocation(line: row[zoneColumn].line, column: row[zoneColumn].column), file: file))
                    continue
                }
                seen["\(zone)/\(setting)"] = place
                links.append(TravelLink(zone: zone, setting: setting, minutes: minutes, cost: cost))
            }
            return links
        }
        guard let elements = context.array(node, "travel") else { return [] }
        for (k, element) in elements.enumerated() {
            let path = "travel[\(k)]"
            guard let object = context.object(element, path, allowed: ["zone", "setting", "minutes", "cost"], required: ["zone", "setting"]) else { continue }
            let zone = object["zone"].flatMap { context.reference($0, "\(path).zone", in: zoneIndex, kind: "zone") }
            let setting = object["setting"].flatMap { context.reference($0, "\(path).setting", in: settingIndex, kind: "setting") }
            let minutes = object["minutes"].flatMap { context.number($0, "\(path).minutes", min: 0, max: 10_000) }
            let cost = object["cost"].flatMap { costPerPlace($0, "\(path).cost") }
            if object["minutes"] == nil && object["cost"] == nil { context.fail(path, "must give minutes, cost or both", at: element) }
            guard let zone, let setting, minutes != nil || cost != nil else { continue }
            let key = "\(zone)/\(setting)"
            if let first = seen[key] {
                context.fail(path, "journey from zone \(zones[zone]) to this setting is given twice (also \(first))", at: element)
                continue
            }
            seen[key] = "travel[\(k)]"
            links.append(TravelLink(zone: zone, setting: setting, minutes: minutes, cost: cost))
        }
        return links
    }

    func readMaxTravel(_ node: SourceNode) -> [Double?] {
        let read = { (n: SourceNode, p: String) in self.context.number(n, p, min: 0, max: 10_000) }
        if case .object(let members) = node.value {
            var values = [Double?](repeating: nil, count: needs.count)
            var general: Double?
            var specific: [Int: Double] = [:]
            for member in members {
                let path = "maxTravelMinutes.\(member.key)"
                if member.key == "default" { general = read(member.value, path); continue }
                guard let n = context.resolve(member.key, path, in: needIndex, kind: "need", at: member.keyLocation) else { continue }
                specific[n] = read(member.value, path)
            }
            for n in needs.indices { values[n] = specific[n] ?? general }
            return values
        }
        let value = read(node, "maxTravelMinutes")
        return Array(repeating: value, count: needs.count)
    }

    func readDemand(_ node: SourceNode) -> [Double] {
        var demand = [Double](repeating: 0, count: years.count * zoneCount * needs.count)
        func slot(_ t: Int, _ z: Int, _ n: Int) -> Int { (t * zoneCount + z) * needs.count + n }
        /// need → children, or zone → need → children with zones.
        func readZoneNeed(_ node: SourceNode, _ path: String, into apply: (Int, Int, Double) -> Void) {
            if zones.isEmpty {
                guard let map = needValues(node, path, read: children) else { return }
                for (n, value) in map { apply(0, n, value) }
                return
            }
            guard let members = context.map(node, path) else { return }
            for member in members {
                let zonePath = "\(path).\(member.key)"
                guard let z = context.resolve(member.key, zonePath, in: zoneIndex, kind: "zone", at: member.keyLocation),
                      let map = needValues(member.value, zonePath, read: children) else { continue }
                for (n, value) in map { apply(z, n, value) }
            }
        }
        guard case .object(let members) = node.value else {
            context.fail("demand", "must be an object: a table by year, or {\"base\": …, \"growth\": …}", at: node)
            return demand
        }
        let keys = Set(members.map(\.key))
        if keys.contains("csv") {
            guard let object = context.object(node, "demand", allowed: ["csv"], required: ["csv"]), let fileNode = object["csv"] else { return demand }
            readDemandCSV(fileNode, into: &demand)
            return demand
        }
        if keys.contains("projection") {
            guard let object = context.object(node, "demand", allowed: ["projection", "labels"], required: ["projection"]),
                  let fileNode = object["projection"] else { return demand }
            readProjection(fileNode, labels: object["labels"], into: &demand)
            return demand
        }
        if keys.contains("base") || keys.contains("growth") || keys.contains("growthByNeed") {
            guard let object = context.object(node, "demand", allowed: ["base", "growth", "growthByNeed"], required: ["base"]) else { return demand }
            let growth = object["growth"].flatMap { context.number($0, "demand.growth", above: -1, max: 10) } ?? 0
            var byNeed = [Double](repeating: growth, count: needs.count)
            if let node = object["growthByNeed"], let map = needValues(node, "demand.growthByNeed", read: { self.context.number($0, $1, above: -1, max: 10) }) {
                for (n, g) in map { byNeed[n] = g }
            }
            guard let base = object["base"] else { return demand }
            readZoneNeed(base, "demand.base") { z, n, value in
                for t in years.indices { demand[slot(t, z, n)] = value * pow(1 + byNeed[n], Double(t)) }
            }
            for t in years.indices {
                for k in 0..<(zoneCount * needs.count) where demand[t * zoneCount * needs.count + k] > ScenarioDecoder.Limits.maxChildren {
                    context.fail("demand", "growth takes demand above 10 million children by \(years[t])", at: node)
                    return demand
                }
            }
            return demand
        }
        var given = [Bool](repeating: false, count: years.count)
        for member in members {
            let path = "demand.\(member.key)"
            guard let t = context.resolve(member.key, path, in: yearIndex, kind: "year", at: member.keyLocation) else { continue }
            given[t] = true
            readZoneNeed(member.value, path) { z, n, value in demand[slot(t, z, n)] = value }
        }
        let absent = years.indices.filter { !given[$0] }.map { years[$0] }
        if !absent.isEmpty { context.fail("demand", "a demand table must give every year; missing \(absent.joined(separator: ", "))", at: node) }
        return demand
    }

    /// Whether zone z reaches setting s for need n (SPEC §2 Zones), and at what transport cost.
    static func reach(zone z: Int, setting s: Int, need n: Int, settings: [Setting], travelByPair: [Int: TravelLink],
                      settingCount: Int, maxMinutes: [Double?]) -> (reachable: Bool, transport: Double, minutes: Double) {
        let setting = settings[s]
        let link = travelByPair[z * settingCount + s]
        let minutes: Double
        if setting.zone == nil || setting.zone == z {
            minutes = link?.minutes ?? 0
        } else {
            guard let link else { return (false, 0, 0) }
            minutes = link.minutes ?? 0
        }
        if let limit = maxMinutes[n], minutes > limit { return (false, 0, minutes) }
        return (true, link?.cost ?? setting.transportPerPlace, minutes)
    }

    func readIncumbents(_ node: SourceNode, settings: [Setting], travel: [TravelLink], maxMinutes: [Double?]) -> [Incumbent] {
        guard let elements = context.array(node, "incumbents") else { return [] }
        let byPair = Dictionary(travel.map { ($0.zone * settings.count + $0.setting, $0) }, uniquingKeysWith: { a, _ in a })
        var merged: [String: Incumbent] = [:]
        var order: [String] = []
        for (k, element) in elements.enumerated() {
            let path = "incumbents[\(k)]"
            let allowed = zones.isEmpty ? ["setting", "need", "children"] : ["setting", "need", "children", "zone"]
            guard let object = context.object(element, path, allowed: allowed, required: allowed) else { continue }
            let s = object["setting"].flatMap { context.reference($0, "\(path).setting", in: settingIndex, kind: "setting") }
            let n = object["need"].flatMap { context.reference($0, "\(path).need", in: needIndex, kind: "need") }
            let count = object["children"].flatMap { children($0, "\(path).children") }
            let z = zones.isEmpty ? 0 : object["zone"].flatMap { context.reference($0, "\(path).zone", in: zoneIndex, kind: "zone") }
            guard let s, let n, let count, let z else { continue }
            let setting = settings[s]
            if !setting.serves[n] { context.fail("\(path).need", "setting \(setting.id) does not serve \(needs[n])", at: object["need"]); continue }
            if !setting.isOpen(0) { context.fail("\(path).setting", "setting \(setting.id) is not open in the first year (\(years[0]))", at: object["setting"]); continue }
            if !Self.reach(zone: z, setting: s, need: n, settings: settings, travelByPair: byPair, settingCount: settings.count, maxMinutes: maxMinutes).reachable {
                context.fail("\(path).zone", "setting \(setting.id) cannot be reached from zone \(zones[z]) for \(needs[n])", at: object["zone"])
                continue
            }
            let key = "\(s)/\(n)/\(z)"
            if merged[key] == nil { order.append(key); merged[key] = Incumbent(setting: s, need: n, zone: z, children: 0) }
            merged[key]!.children += count
        }
        return order.map { merged[$0]! }
    }

    /// When some settings could not be read, incumbents are still checked for their own problems.
    func checkIncumbentReferences(_ node: SourceNode) {
        guard let elements = context.array(node, "incumbents") else { return }
        for (k, element) in elements.enumerated() {
            let path = "incumbents[\(k)]"
            let allowed = zones.isEmpty ? ["setting", "need", "children"] : ["setting", "need", "children", "zone"]
            guard let object = context.object(element, path, allowed: allowed, required: allowed) else { continue }
            _ = object["setting"].flatMap { context.reference($0, "\(path).setting", in: settingIndex, kind: "setting") }
            _ = object["need"].flatMap { context.reference($0, "\(path).need", in: needIndex, kind: "need") }
            _ = object["children"].flatMap { children($0, "\(path).children") }
            if !zones.isEmpty { _ = object["zone"].flatMap { context.reference($0, "\(path).zone", in: zoneIndex, kind: "zone") } }
        }
    }

    func readPolicies(_ node: SourceNode, settings: [Setting]) -> [Policy] {
        guard let elements = context.array(node, "policies") else { return [] }
        var policies: [Policy] = []
        for (k, element) in elements.enumerated() {
            let path = "policies[\(k)]"
            guard let object = context.object(element, path, allowed: ["type", "settings", "maxShare", "minShare", "maxChildren", "minChildren"]) else { continue }
            let before = context.issues.count
            var members: [Int] = []
            var label = ""
            switch (object["type"], object["settings"]) {
            case (let typeNode?, nil):
                if let text = context.string(typeNode, "\(path).type") {
                    if let type = SettingType(rawValue: text) {
                        members = settings.indices.filter { settings[$0].type == type }
                        label = "type \(text)"
                    } else {
                        context.fail("\(path).type", "\"\(text)\" is not a setting type (\(SettingType.allCases.map(\.rawValue).joined(separator: ", ")))", at: typeNode)
                    }
                }
            case (nil, let listNode?):
                if let list = context.array(listNode, "\(path).settings") {
                    for (e, item) in list.enumerated() {
                        if let s = context.reference(item, "\(path).settings[\(e)]", in: settingIndex, kind: "setting"), !members.contains(s) { members.append(s) }
                    }
                    if list.isEmpty { context.fail("\(path).settings", "must list at least one setting", at: listNode) }
                    label = "settings " + members.map { settings[$0].id }.joined(separator: ", ")
                }
            default:
                context.fail(path, "must have exactly one of \"type\" and \"settings\"", at: element)
            }
            let share = { (key: String) in object[key].flatMap { self.context.number($0, "\(path).\(key)", min: 0, max: 1) } }
            let maxShare = share("maxShare"), minShare = share("minShare")
            let bound = { (key: String) -> [Double?] in
                guard let node = object[key] else { return Array(repeating: nil, count: self.years.count) }
                return self.yearValues(node, "\(path).\(key)", requiredYears: nil, missing: nil, allowNull: false, read: self.children)
                    ?? Array(repeating: nil, count: self.years.count)
            }
            let maxChildren = bound("maxChildren"), minChildren = bound("minChildren")
            if ["maxShare", "minShare", "maxChildren", "minChildren"].allSatisfy({ object[$0] == nil }) {
                context.fail(path, "must set at least one of maxShare, minShare, maxChildren, minChildren", at: element)
            }
            guard context.issues.count == before else { continue }
            policies.append(Policy(label: label, settings: members.sorted(), maxShare: maxShare, minShare: minShare,
                                   maxChildren: maxChildren, minChildren: minChildren))
        }
        return policies
    }

    func readCapital(_ node: SourceNode?) -> CapitalRules {
        var rules = CapitalRules(budget: nil, budgetByYear: Array(repeating: nil, count: years.count), accounting: .upfront, assetLifeYears: 40)
        guard let node, let object = context.object(node, "capital", allowed: ["budget", "budgetByYear", "accounting", "assetLifeYears"]) else { return rules }
        rules.budget = object["budget"].flatMap { context.number($0, "capital.budget", min: 0, max: ScenarioDecoder.Limits.maxMoney, what: "£1 trillion") }
        if let byYear = object["budgetByYear"] {
            guard case .object = byYear.value else { context.fail("capital.budgetByYear", "must be a map year → budget", at: byYear); return rules }
            rules.budgetByYear = yearValues(byYear, "capital.budgetByYear", requiredYears: nil, missing: nil, allowNull: false, read: money) ?? rules.budgetByYear
        }
        if let accounting = object["accounting"], let text = context.string(accounting, "capital.accounting") {
            if let value = CapitalRules.Accounting(rawValue: text) { rules.accounting = value }
            else { context.fail("capital.accounting", "must be \"upfront\" or \"annualised\", got \"\(text)\"", at: accounting) }
        }
        if let life = object["assetLifeYears"], let years = context.integer(life, "capital.assetLifeYears", min: 1, max: 200) { rules.assetLifeYears = years }
        return rules
    }

    func readFinance(_ node: SourceNode?) -> Finance {
        let zeros = [Double](repeating: 0, count: years.count)
        var finance = Finance(grant: zeros, otherSpend: zeros, broughtForwardDeficit: 0, maxCumulativeDeficit: nil, given: node != nil)
        guard let node, let object = context.object(node, "finance", allowed: ["grant", "otherSpend", "broughtForwardDeficit", "maxCumulativeDeficit"]) else { return finance }
        for key in ["grant", "otherSpend"] {
            guard let valueNode = object[key],
                  let values = yearValues(valueNode, "finance.\(key)", requiredYears: nil, missing: 0, allowNull: false, read: money) else { continue }
            let resolved = values.map { $0 ?? 0 }
            if key == "grant" { finance.grant = resolved } else { finance.otherSpend = resolved }
        }
        let signedMoney = { (key: String) in
            object[key].flatMap { self.context.number($0, "finance.\(key)", min: -ScenarioDecoder.Limits.maxMoney, max: ScenarioDecoder.Limits.maxMoney, what: "£1 trillion") }
        }
        finance.broughtForwardDeficit = signedMoney("broughtForwardDeficit") ?? 0
        finance.maxCumulativeDeficit = signedMoney("maxCumulativeDeficit")
        return finance
    }
}
