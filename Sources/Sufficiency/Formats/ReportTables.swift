import Foundation

/// The report as plain tables (name, header, rows of text), for the Markdown and CSV formats.
/// Numbers are written in full (no thousands separators) so a spreadsheet reads them as numbers.
public enum ReportTables {
    public struct Table: Sendable {
        public var name: String
        public var title: String
        public var header: [String]
        public var rows: [[String]]
        /// Columns of text (names, years, yes/no) rather than numbers: written as text whatever
        /// they look like (a year label `-3` is not a number).
        public var textColumns: Set<Int>
        /// How the workbook shows each number column (others: a plain decimal).
        public var formats: [Int: Workbook.NumberFormat]
        /// Formats for whole rows (a table whose rows are different measures), before ``formats``.
        public var rowFormats: [Int: Workbook.NumberFormat] = [:]

        public init(name: String, title: String, header: [String], rows: [[String]], text: Set<Int> = [0],
                    formats: [Int: Workbook.NumberFormat] = [:]) {
            self.name = name
            self.title = title
            self.header = header
            self.rows = rows
            self.textColumns = text
            self.formats = formats
        }

        /// The same format for the columns in `range`.
        static func all(_ range: Range<Int>, _ format: Workbook.NumberFormat) -> [Int: Workbook.NumberFormat] {
            Dictionary(uniqueKeysWithValues: range.map { ($0, format) })
        }
    }

    static func years0(_ report: Report) -> [String] { report.years }

    /// A number in full (SPEC §4: CSV and the workbook keep full precision): integers without a
    /// point, others in the shortest form that reads back to the same double, so every cell is a
    /// number in JSON's syntax.
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        if value == value.rounded() { return value == 0 ? "0" : String(format: "%.0f", value) }
        return "\(value)"
    }

    /// The report's tables. `names`: settings and options by their names (for people: Markdown,
    /// HTML); otherwise by id (CSV and the workbook, for joining with other data).
    public static func tables(_ report: Report, names: Bool = false) -> [Table] {
        var tables: [Table] = []
        let settingNames = Dictionary(report.settings.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let optionNames = Dictionary(report.options.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        func setting(_ id: String) -> String { names ? settingNames[id] ?? id : id }
        func option(_ id: String) -> String { names ? optionNames[id] ?? id : id }
        tables.append(Table(name: "summary", title: "Summary", header: ["key", "value"], rows: [
            ["scenario", report.scenario], ["status", report.status],
            ["objective", names ? report.objective.map(ReportText.pounds) ?? "" : number(report.objective)],
            ["verification", report.verification.passed ? "passed" : "failed"], ["verification detail", report.verification.summary],
        ] + (report.robust.flatMap { r in r.value.map { [[r.objective == "regret" ? "largest regret over the futures" : "expected cost over the futures",
                                                          names ? ReportText.pounds($0) : number($0)]] } } ?? [])
          + report.explanation.map { ["explanation", $0] } + report.notes.map { ["note", $0] }, text: [0, 1]))
        if let robust = report.robust, !robust.futures.isEmpty {
            let T = years0(report)
            tables.append(Table(name: "futures", title: "Futures: the shared plan in each (£ present value, capital included)",
                                header: ["future", "name", "probability", "cost with the plan", "its own best", "regret"]
                                    + T.map { "unmet \($0)" } + T.map { "deficit \($0)" } + T.map { "new places used \($0)" },
                                rows: robust.futures.map { f in
                                    [f.id, f.name, number(f.probability), number(f.cost), number(f.ownBest), number(f.regret)]
                                        + f.unmetChildren.map(number) + f.cumulativeDeficit.map(number) + f.newPlacesUsed.map(number)
                                }, text: [0, 1],
                                formats: Table.all(3..<6, .money).merging(Table.all(6..<(6 + T.count), .children)) { a, _ in a }
                                    .merging(Table.all((6 + T.count)..<(6 + 2 * T.count), .money)) { a, _ in a }
                                    .merging(Table.all((6 + 2 * T.count)..<(6 + 3 * T.count), .children)) { a, _ in a }
                                    .merging([2: .decimal]) { a, _ in a }))
            var measures: [[String]] = []
            func add(_ key: String, _ meaning: String, _ value: Double?) { if let value { measures.append([key, meaning, number(value)]) } }
            add("RP", "the plan's expected cost over the futures", robust.expectedCost)
            add("WS", "wait and see: each future's own best plan, averaged", robust.waitAndSee)
            add("EVPI", "RP − WS: what knowing the future in advance would save", robust.evpi)
            add("EEV", "the mean future's best plan, averaged over the futures", robust.meanFuturePlanCost)
            add("VSS", "EEV − RP: what planning for the spread instead of the average saves", robust.vss)
            if robust.objective == "regret" { add("R", "the largest regret: the most the plan costs above a future's own best", robust.value) }
            tables.append(Table(name: "robust-measures", title: "Measures of the plan over futures (£ present value)", header: ["measure", "meaning", "£"],
                                rows: measures + robust.sentences.map { ["", $0, ""] } + (robust.eevNotDefined.map { [["EEV", "not defined: \($0)", ""]] } ?? []),
                                text: [0, 1], formats: [2: .money]))
        }
        if let costs = report.costs {
            tables.append(Table(name: "costs", title: "Costs by year (£, that year's prices)",
                                header: ["year", "placements", "transport", "capital charge", "unmet penalty", "total", "discount factor"],
                                rows: costs.byYear.map { [$0.year, number($0.placements), number($0.transport), number($0.capitalCharge),
                                                          number($0.unmetPenalty), number($0.total), number($0.discountFactor)] },
                                formats: Table.all(1..<6, .money).merging([6: .decimal]) { a, _ in a }))
        }
        let years = report.years
        tables.append(Table(name: "placements-by-type", title: "Children placed by setting type", header: ["type"] + years,
                            rows: report.placementsByType.map { [$0.type] + $0.children.map(number) }, formats: Table.all(1..<(1 + years.count), .children)))
        if report.ages.isEmpty {
            tables.append(Table(name: "placements", title: "Children placed by need and setting", header: ["need", "setting", "type"] + years,
                                rows: report.placements.map { [$0.need, setting($0.setting), $0.type] + $0.children.map(number) }, text: [0, 1, 2],
                                formats: Table.all(3..<(3 + years.count), .children)))
        } else {
            tables.append(Table(name: "placements", title: "Children placed by need, age group and setting", header: ["need", "age group", "setting", "type"] + years,
                                rows: report.placements.map { [$0.need, $0.age ?? "", setting($0.setting), $0.type] + $0.children.map(number) }, text: [0, 1, 2, 3],
                                formats: Table.all(4..<(4 + years.count), .children)))
        }
        tables.append(Table(name: "unmet", title: "Unmet need (children)", header: ["need"] + years + years.map { "no suitable setting \($0)" },
                            rows: report.unmet.map { [$0.need] + $0.children.map(number) + $0.noSuitableSetting.map(number) },
                            formats: Table.all(1..<(1 + 2 * years.count), .children)))
        tables.append(Table(name: "settings", title: "Settings: places, children, utilisation, value of one more place (£)",
                            header: ["setting", "type", "year", "capacity", "children", "utilisation", "marginal value"],
                            rows: report.settings.flatMap { line in years.indices.map { t in
                                [line.id, line.type, years[t], number(line.capacity[t]), number(line.children[t]), number(line.utilisation[t]),
                                 number(line.marginalValue[t])]
                            } }, text: [0, 1, 2], formats: [3: .children, 4: .children, 5: .percent, 6: .money]))
        if !report.options.isEmpty {
            tables.append(Table(name: "options", title: "Capital options",
                                header: ["option", "setting", "chosen", "opening year", "decide by", "lead time years", "amount", "places", "capital cost",
                                         "yearly saving", "payback years", "extra cost if built", "saving includes", "how worked out"],
                                rows: report.options.map { [option($0.id), setting($0.setting), $0.chosen ? "yes" : "no", $0.openingYear ?? "", $0.decideBy ?? "",
                                                            number(Double($0.leadTimeYears)), number($0.amount),
                                                            number($0.places), number($0.capitalCost), number($0.yearlySaving), number($0.paybackYears),
                                                            number($0.savingNeeded), $0.savingIncludes.map(option).joined(separator: names ? ", " : " "), $0.comparison ?? ""] },
                                text: [0, 1, 2, 3, 4, 12, 13],
                                formats: [5: .integer, 6: .percent, 7: .children, 8: .money, 9: .money, 10: .years, 11: .money]))
        }
        if !report.policies.isEmpty {
            tables.append(Table(name: "policies", title: "Policies: children in each policy's settings, with its bounds",
                                header: ["policy", "year", "children", "minimum", "maximum", "value of one more child (£)"],
                                rows: report.policies.map { [$0.policy, $0.year, number($0.children), number($0.minimum), number($0.maximum), number($0.marginalValue)] },
                                text: [0, 1], formats: [2: .children, 3: .children, 4: .children, 5: .money]))
        }
        if !report.finance.isEmpty { tables.append(FinancePlan.wideTable(report)) }
        if let capital = report.capital {
            tables.append(Table(name: "capital", title: "Capital: budget and spend by opening year (£)",
                                header: ["year", "that year's budget", "spend", "options opening"],
                                rows: capital.byYear.map { [$0.year, names && $0.budget == nil ? "no limit" : number($0.budget), number($0.spend), $0.opening.map(option).joined(separator: names ? ", " : " ")] }
                                    + [["total", names && capital.budget == nil ? "no limit" : number(capital.budget), number(capital.used), ""],
                                       ["left", names && capital.left == nil ? "no limit" : number(capital.left), "", ""]],
                                text: [0, 3], formats: [1: .money, 2: .money]))
        }
        if let without = report.withoutOptions, without.finance.count == report.finance.count, report.costs != nil {
            let independent = report.placementsByType.first { $0.type == SettingType.independent.rawValue }?.children ?? years.map { _ in 0 }
            tables.append(Table(name: "with-without", title: "With and without the capital programme",
                                header: ["year", "cumulative deficit with", "without", "unmet children with", "without",
                                         "cumulative if all placed with", "without", "independent children with", "without"],
                                rows: years.indices.map { t in
                                    [years[t], number(report.finance[t].cumulative), number(without.finance[t].cumulative),
                                     number(report.finance[t].unmetChildren), number(without.finance[t].unmetChildren),
                                     number(report.finance[t].cumulativeIfAllPlaced), number(without.finance[t].cumulativeIfAllPlaced),
                                     number(independent[t]), number(t < without.independentChildren.count ? without.independentChildren[t] : nil)]
                                } + [["total cost, present value", number(report.objective), number(without.objective), "", "", "", "", "", ""]],
                                formats: [1: .money, 2: .money, 3: .children, 4: .children, 5: .money, 6: .money, 7: .children, 8: .children]))
        }
        if !report.ages.isEmpty {
            tables.append(Table(name: "ages", title: "Children placed and unmet by age group", header: ["age group", "year", "placed", "unmet"],
                                rows: report.ages.flatMap { line in years.indices.map { t in [line.age, years[t], number(line.placed[t]), number(line.unmet[t])] } }, text: [0, 1],
                                formats: [2: .children, 3: .children]))
            tables.append(Table(name: "phase-transfers", title: "Phase transfers: children moving up to a group their setting does not serve",
                                header: ["year", "need", "from group", "to group", "children", "cost of place left", "cost of new place", "new place dearer"],
                                rows: report.phaseTransfers.map { [$0.year, $0.need, $0.fromAge, $0.toAge, number($0.children), number($0.costOfPlaceLeft),
                                                                   number($0.costOfNewPlace), $0.newPlaceDearer.map { $0 ? "yes" : "no" } ?? "no new place"] }, text: [0, 1, 2, 3, 7],
                                formats: [4: .children, 5: .money, 6: .money]))
        }
        if !report.ageCapacity.isEmpty {
            tables.append(Table(name: "age-capacity", title: "Places capped by age group: children / places (utilisation)",
                                header: ["setting", "age group", "year", "capacity", "children", "utilisation"],
                                rows: report.ageCapacity.flatMap { line in years.indices.map { t in
                                    [line.setting, line.age, years[t], number(line.capacity[t]), number(line.children[t]), number(line.utilisation[t])]
                                } }, text: [0, 1, 2], formats: [3: .children, 4: .children, 5: .percent]))
        }
        if !report.zones.isEmpty {
            tables.append(Table(name: "zones", title: "Zones", header: ["zone", "year", "placed", "unmet", "transport cost", "average minutes", "longest minutes"],
                                rows: report.zones.flatMap { zone in years.indices.map { t in
                                    [zone.zone, years[t], number(zone.placed[t]), number(zone.unmet[t]), number(zone.transportCost[t]),
                                     number(zone.averageMinutes[t]), number(zone.maxMinutes[t])]
                                } }, text: [0, 1], formats: [2: .children, 3: .children, 4: .money, 5: .decimal, 6: .decimal]))
        }
        if let p = report.provenance { tables.append(provenanceTable(p)) }
        return tables
    }

    /// The provenance as key / value rows.
    static func provenanceTable(_ p: Report.Provenance) -> Table {
        var rows = [["tool", "\(p.tool) \(p.version)"], ["scenario", p.scenario], ["GLPK", p.glpk], ["method", p.method],
                    ["MIP gap asked", number(p.mipGapRequested)], ["time limit (seconds)", p.timeLimit.map(number) ?? "none"]]
        if let runAt = p.runAt { rows.append(["run at", runAt]) }
        for input in p.inputs { rows.append(["input \(input.name)", "\(input.bytes) bytes, SHA-256 \(input.sha256)"]) }
        for edit in p.edits { rows.append(["edit", edit]) }
        for rate in p.rates { rows.append([rate.name, rate.value]) }
        for item in p.defaultsApplied { rows.append(["default applied", item]) }
        return Table(name: "provenance", title: "Provenance: the tool, the inputs and every rate and default applied", header: ["item", "value"], rows: rows, text: [0, 1])
    }

    /// A cell for people in its column's format: £ whole with separators, children to one place,
    /// shares as percentages; without a format, by its size.
    public static func readable(_ cell: String, format: Workbook.NumberFormat?) -> String {
        guard let format, let value = Double(cell), value.isFinite, cell.first != "+" else { return readable(cell) }
        switch format {
        case .money: return ReportText.money(value)
        case .children: return ReportText.children(value)
        case .percent: return String(format: "%.1f%%", value * 100)
        case .decimal: return abs(value) >= 1000 ? ReportText.money(value) : String(format: "%.2f", value).replacingOccurrences(of: ".00", with: "")
        case .integer: return ReportText.money(value)
        case .years: return String(format: "%.1f years", value)
        }
    }

    /// A cell for people: pounds whole with separators, children to one place, ratios to three.
    public static func readable(_ cell: String) -> String {
        guard let value = Double(cell), value.isFinite, cell.first != "+" else { return cell }
        if abs(value) >= 1000 { return ReportText.money(value) }
        if abs(value) < 1 && value != 0 { return String(format: "%.3f", value) }
        return ReportText.children(value)
    }

    /// GitHub-flavoured Markdown: a heading and a table for each part of the report.
    public static func markdown(_ report: Report) -> String {
        func escape(_ cell: String) -> String { markdownText(cell) }
        func readable(_ cell: String) -> String { escape(Self.readable(cell)) }
        var out = [OutputKind.markdownMarker, "# \(escape(report.scenario))", "",
                   "Children are rounded to one decimal place in these tables; the JSON, CSV and workbook formats keep full precision.", ""]
        for table in tables(report, names: true) where !table.rows.isEmpty { out.append(contentsOf: markdownTable(table)) }
        return out.joined(separator: "\n")
    }

    /// One table as a Markdown heading and table (numbers made readable, every name escaped).
    static func markdownTable(_ table: Table) -> [String] {
        guard !table.rows.isEmpty else { return [] }
        var out = ["## \(markdownText(table.title))", ""]
        out.append("| " + table.header.map(markdownText).joined(separator: " | ") + " |")
        out.append("|" + table.header.indices.map { $0 == 0 || table.textColumns.contains($0) ? " --- |" : " ---: |" }.joined())
        for (index, row) in table.rows.enumerated() {
            out.append("| " + row.enumerated().map { column, cell in
                if table.textColumns.contains(column) { return markdownText(cell) }
                return markdownText(readable(cell, format: table.rowFormats[index] ?? table.formats[column]))
            }.joined(separator: " | ") + " |")
        }
        out.append("")
        return out
    }

    /// Text as Markdown shows it literally: HTML and Markdown's own marks escaped, line breaks
    /// as spaces (a table row is one line).
    static func markdownText(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\\", "`", "*", "_", "[", "]", "|", "#", "~": out += "\\"; out.unicodeScalars.append(scalar)
            case "\n", "\r", "\t": out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A cell as a spreadsheet reads it safely: text that starts with `=`, `+`, `-`, `@`, a tab or
    /// a carriage return would be taken for a formula by Excel or LibreOffice, so it is written
    /// as text with a leading `'` (SPEC §6). Numbers (in JSON's syntax, such as `-4600000`) are
    /// left as numbers.
    static func spreadsheetSafe(_ cell: String, text: Bool = false) -> String {
        guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
        if !text, NumberSyntax.parse(cell[...]) != nil { return cell }
        return "'" + cell
    }

    /// RFC 4180 CSV of one table, every text cell spreadsheet-safe.
    public static func csv(_ table: Table) -> String {
        func quote(_ raw: String, _ column: Int) -> String {
            let cell = spreadsheetSafe(raw, text: column < 0 || table.textColumns.contains(column))
            return cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }
        return ([table.header.map { quote($0, -1) }.joined(separator: ",")]
                + table.rows.map { $0.enumerated().map { quote($0.element, $0.offset) }.joined(separator: ",") }).joined(separator: "\n") + "\n"
    }

    /// Writes one CSV file per table into `folder`: built in a temporary folder beside it, then
    /// renamed into place, so the folder is never left half-written.
    /// Writes the report as a CSV folder (see ``CSVFolder`` for what may be replaced).
    public static func writeCSVFolder(_ report: Report, to folder: String) throws(OutputError) {
        // The finance table one row per year and line (SPEC §4), the others as they stand.
        let all = tables(report).map { $0.name == "finance" ? FinancePlan.longTable(report) : $0 }
        try CSVFolder.write(all.map { ("\($0.name).csv", Data(csv($0).utf8)) }, to: folder)
    }
}
