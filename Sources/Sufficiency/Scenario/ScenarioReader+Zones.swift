import Foundation

// Zones: travel and journey limits.
extension ScenarioReader {
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
                context.fail(path, "journey from zone \(zones[zone]) to this setting is given twice (also \(first))", at: element, kind: .duplicate)
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
}
