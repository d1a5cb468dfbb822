import Foundation

// Demand and the children already placed.
extension ScenarioReader {
    func readDemand(_ node: SourceNode, path root: String = "demand") -> [Double] {
        let A = ageCount, perYear = zoneCount * needs.count * A
        var demand = [Double](repeating: 0, count: years.count * perYear)
        func slot(_ t: Int, _ z: Int, _ n: Int, _ a: Int) -> Int { ((t * zoneCount + z) * needs.count + n) * A + a }
        /// need → children (need → age group → children with ages), under zone → with zones.
        func readNeeds(_ node: SourceNode, _ path: String, zone z: Int, into apply: (Int, Int, Int, Double) -> Void) {
            guard !ages.isEmpty else {
                guard let map = needValues(node, path, read: children) else { return }
                for (n, value) in map { apply(z, n, 0, value) }
                return
            }
            guard let members = context.map(node, path) else { return }
            for member in members {
                let needPath = "\(path).\(member.key)"
                guard let n = context.resolve(member.key, needPath, in: needIndex, kind: "need", at: member.keyLocation) else { continue }
                guard case .object(let groups) = member.value.value else {
                    context.fail(needPath, "must be a map age group → children (the scenario declares ages), got \(member.value.value.kindName)", at: member.value, kind: .wrongType)
                    continue
                }
                for group in groups {
                    let groupPath = "\(needPath).\(group.key)"
                    guard let a = context.resolve(group.key, groupPath, in: ageIndex, kind: "age group", at: group.keyLocation),
                          let value = children(group.value, groupPath) else { continue }
                    apply(z, n, a, value)
                }
            }
        }
        func readZoneNeed(_ node: SourceNode, _ path: String, into apply: (Int, Int, Int, Double) -> Void) {
            if zones.isEmpty { readNeeds(node, path, zone: 0, into: apply); return }
            guard let members = context.map(node, path) else { return }
            for member in members {
                let zonePath = "\(path).\(member.key)"
                guard let z = context.resolve(member.key, zonePath, in: zoneIndex, kind: "zone", at: member.keyLocation) else { continue }
                readNeeds(member.value, zonePath, zone: z, into: apply)
            }
        }
        guard case .object(let members) = node.value else {
            context.fail(root, "must be an object: a table by year, or {\"base\": …, \"growth\": …}", at: node)
            return demand
        }
        let keys = Set(members.map(\.key))
        if keys.contains("csv") {
            guard let object = context.object(node, root, allowed: ["csv"], required: ["csv"]), let fileNode = object["csv"] else { return demand }
            readDemandCSV(fileNode, path: root, into: &demand)
            return demand
        }
        if keys.contains("projection") {
            guard let object = context.object(node, root, allowed: ["projection", "labels", "column"], required: ["projection"]),
                  let fileNode = object["projection"] else { return demand }
            readProjection(fileNode, path: root, labels: object["labels"], column: object["column"], into: &demand)
            return demand
        }
        if keys.contains("base") || keys.contains("growth") || keys.contains("growthByNeed") {
            guard let object = context.object(node, root, allowed: ["base", "growth", "growthByNeed"], required: ["base"]) else { return demand }
            let growth = object["growth"].flatMap { context.number($0, "\(root).growth", above: -1, max: 10) } ?? 0
            var byNeed = [Double](repeating: growth, count: needs.count)
            if let node = object["growthByNeed"], let map = needValues(node, "\(root).growthByNeed", read: { self.context.number($0, $1, above: -1, max: 10) }) {
                for (n, g) in map { byNeed[n] = g }
            }
            guard let base = object["base"] else { return demand }
            readZoneNeed(base, "\(root).base") { z, n, a, value in
                for t in years.indices { demand[slot(t, z, n, a)] = value * pow(1 + byNeed[n], Double(t)) }
            }
            for t in years.indices {
                for k in 0..<perYear where demand[t * perYear + k] > ScenarioDecoder.Limits.maxChildren {
                    context.fail(root, "growth takes demand above 10 million children by \(years[t])", at: node)
                    return demand
                }
            }
            return demand
        }
        var given = [Bool](repeating: false, count: years.count)
        for member in members {
            let path = "\(root).\(member.key)"
            guard let t = context.resolve(member.key, path, in: yearIndex, kind: "year", at: member.keyLocation) else { continue }
            given[t] = true
            readZoneNeed(member.value, path) { z, n, a, value in demand[slot(t, z, n, a)] = value }
        }
        let absent = years.indices.filter { !given[$0] }.map { years[$0] }
        if !absent.isEmpty { context.fail(root, "a demand table must give every year; missing \(absent.joined(separator: ", "))", at: node) }
        return demand
    }


    func readIncumbents(_ node: SourceNode, settings: [Setting], travel: [TravelLink], maxMinutes: [Double?]) -> [Incumbent] {
        guard let elements = context.array(node, "incumbents") else { return [] }
        let byPair = Dictionary(travel.map { ($0.zone * settings.count + $0.setting, $0) }, uniquingKeysWith: { a, _ in a })
        var merged: [String: Incumbent] = [:]
        var order: [String] = []
        for (k, element) in elements.enumerated() {
            let path = "incumbents[\(k)]"
            let allowed = ["setting", "need", "children"] + (zones.isEmpty ? [] : ["zone"]) + (ages.isEmpty ? [] : ["age"])
            guard let object = context.object(element, path, allowed: allowed, required: allowed) else { continue }
            let a = ages.isEmpty ? 0 : object["age"].flatMap { context.reference($0, "\(path).age", in: ageIndex, kind: "age group") }
            let s = object["setting"].flatMap { context.reference($0, "\(path).setting", in: settingIndex, kind: "setting") }
            let n = object["need"].flatMap { context.reference($0, "\(path).need", in: needIndex, kind: "need") }
            let count = object["children"].flatMap { children($0, "\(path).children") }
            let z = zones.isEmpty ? 0 : object["zone"].flatMap { context.reference($0, "\(path).zone", in: zoneIndex, kind: "zone") }
            guard let s, let n, let count, let z, let a else { continue }
            let setting = settings[s]
            if !setting.serves[n] { context.fail("\(path).need", "setting \(setting.id) does not serve \(needs[n])", at: object["need"]); continue }
            if !setting.servesAge[a] { context.fail("\(path).age", "setting \(setting.id) does not serve age group \(ages[a].id)", at: object["age"]); continue }
            if !setting.isOpen(0) { context.fail("\(path).setting", "setting \(setting.id) is not open in the first year (\(years[0]))", at: object["setting"]); continue }
            if !Geography.reach(zone: z, setting: s, need: n, settings: settings, travelByPair: byPair, settingCount: settings.count, maxMinutes: maxMinutes).reachable {
                context.fail("\(path).zone", "setting \(setting.id) cannot be reached from zone \(zones[z]) for \(needs[n])", at: object["zone"])
                continue
            }
            let key = "\(s)/\(n)/\(z)/\(a)"
            if merged[key] == nil { order.append(key); merged[key] = Incumbent(setting: s, need: n, zone: z, children: 0, age: a) }
            merged[key]!.children += count
        }
        return order.map { merged[$0]! }
    }

    /// When some settings could not be read, incumbents are still checked for their own problems.
    func checkIncumbentReferences(_ node: SourceNode) {
        guard let elements = context.array(node, "incumbents") else { return }
        for (k, element) in elements.enumerated() {
            let path = "incumbents[\(k)]"
            let allowed = ["setting", "need", "children"] + (zones.isEmpty ? [] : ["zone"]) + (ages.isEmpty ? [] : ["age"])
            guard let object = context.object(element, path, allowed: allowed, required: allowed) else { continue }
            if !ages.isEmpty { _ = object["age"].flatMap { context.reference($0, "\(path).age", in: ageIndex, kind: "age group") } }
            _ = object["setting"].flatMap { context.reference($0, "\(path).setting", in: settingIndex, kind: "setting") }
            _ = object["need"].flatMap { context.reference($0, "\(path).need", in: needIndex, kind: "need") }
            _ = object["children"].flatMap { children($0, "\(path).children") }
            if !zones.isEmpty { _ = object["zone"].flatMap { context.reference($0, "\(path).zone", in: zoneIndex, kind: "zone") } }
        }
    }
}
