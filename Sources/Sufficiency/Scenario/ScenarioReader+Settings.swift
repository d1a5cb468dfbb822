import Foundation

// Settings, their needs and leaving rates, and the unmet penalty.
extension ScenarioReader {
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
                context.fail(path, "id \"\(id)\" is used twice (also \(other))", at: node, kind: .duplicate)
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
                if let other = optionIDs[id] { context.fail("capitalOptions[\(k)].id", "option id \"\(id)\" is used twice (also \(other))", at: idNode, kind: .duplicate) }
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
            return placeholder(option: option)
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
        var servesAge = [Bool](repeating: true, count: ageCount)
        if let agesNode = object["ages"], let mask = readAgeList(agesNode, "\(path).ages", allowAll: true) { servesAge = mask }
        var capacityByAge: [Int: [Double?]] = [:]
        if let byAge = object["capacityByAge"] {
            if ages.isEmpty { context.fail("\(path).capacityByAge", "caps age groups, but the scenario declares no ages", at: byAge) }
            else if let members = context.map(byAge, "\(path).capacityByAge") {
                for member in members {
                    let memberPath = "\(path).capacityByAge.\(member.key)"
                    guard let a = context.resolve(member.key, memberPath, in: ageIndex, kind: "age group", at: member.keyLocation) else { continue }
                    if !servesAge[a] { context.fail(memberPath, "caps age group \(member.key), which this setting does not serve", at: member.keyLocation); continue }
                    let openYears = option == nil ? opensYear..<max(opensYear, closesYear) : 0..<0
                    if let values = yearValues(member.value, memberPath, requiredYears: openYears, missing: nil, allowNull: true, read: children) {
                        capacityByAge[a] = values
                    }
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
        // A setting with problems still takes its place, so that what refers to it (incumbents,
        // policies, options) is checked too and every problem is reported at once; the scenario
        // itself is refused because problems were found.
        guard context.issues.count == issuesBefore, let id, let type, let serves else {
            // What did read keeps its meaning, so an incumbent in a need or age the setting does
            // not serve is still reported.
            var stand = placeholder(option: option)
            if let serves { stand.serves = serves }
            stand.servesAge = servesAge
            return stand
        }
        var setting = Setting(id: id, name: object["name"].flatMap { context.string($0, "\(path).name") } ?? id, type: type,
                       serves: serves, capacity: capacity, capacityByNeed: capacityByNeed, costByNeed: costByNeed,
                       transportPerPlace: transport, leavingRate: leaving ?? leavingDefaults[type] ?? 0.2,
                       opensYear: opensYear, closesYear: closesYear, outOfArea: outOfArea, zone: zone, createdByOption: option)
        setting.servesAge = servesAge
        setting.capacityByAge = capacityByAge
        return setting
    }

    /// Stands in for a setting that could not be read (see `readSetting`): serves every need, so
    /// it causes no follow-on problems of its own.
    private func placeholder(option: Int?) -> Setting {
        var setting = Setting(id: "", name: "", type: .special, serves: Array(repeating: true, count: needs.count),
                capacity: Array(repeating: nil, count: years.count), capacityByNeed: [:], costByNeed: Array(repeating: 0, count: needs.count),
                transportPerPlace: 0, leavingRate: 0, opensYear: 0, closesYear: years.count, outOfArea: false, zone: nil, createdByOption: option)
        setting.servesAge = Array(repeating: true, count: ageCount)
        return setting
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
}
