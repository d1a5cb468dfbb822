import Foundation

/// The report as plain tables (name, header, rows of text), for the Markdown and CSV formats.
/// Numbers are written in full (no thousands separators) so a spreadsheet reads them as numbers.
public enum ReportTables {
    public struct Table: Sendable {
        public var name: String
        public var title: String
        public var header: [String]
        public var rows: [[String]]
    }

    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6f", value).replacingOccurrences(of: "0+$", with: "", options: .regularExpression)
    }

    public static func tables(_ report: Report) -> [Table] {
        var tables: [Table] = []
        tables.append(Table(name: "summary", title: "Summary", header: ["key", "value"], rows: [
            ["scenario", report.scenario], ["status", report.status], ["objective", number(report.objective)],
            ["verification", report.verification.passed ? "passed" : "failed"], ["verification detail", report.verification.summary],
        ] + report.explanation.map { ["explanation", $0] } + report.notes.map { ["note", $0] }))
        if let costs = report.costs {
            tables.append(Table(name: "costs", title: "Costs by year (£, that year's prices)",
                                header: ["year", "placements", "transport", "capital charge", "unmet penalty", "total", "discount factor"],
                                rows: costs.byYear.map { [$0.year, number($0.placements), number($0.transport), number($0.capitalCharge),
                                                          number($0.unmetPenalty), number($0.total), number($0.discountFactor)] }))
        }
        let years = report.years
        tables.append(Table(name: "placements-by-type", title: "Children placed by setting type", header: ["type"] + years,
                            rows: report.placementsByType.map { [$0.type] + $0.children.map(number) }))
        tables.append(Table(name: "placements", title: "Children placed by need and setting", header: ["need", "setting", "type"] + years,
                            rows: report.placements.map { [$0.need, $0.setting, $0.type] + $0.children.map(number) }))
        tables.append(Table(name: "unmet", title: "Unmet need (children)", header: ["need"] + years + years.map { "no suitable setting \($0)" },
                            rows: report.unmet.map { [$0.need] + $0.children.map(number) + $0.noSuitableSetting.map(number) }))
        tables.append(Table(name: "settings", title: "Settings: places, children, utilisation, value of one more place (£)",
                            header: ["setting", "type", "year", "capacity", "children", "utilisation", "marginal value"],
                            rows: report.settings.flatMap { line in years.indices.map { t in
                                [line.id, line.type, years[t], number(line.capacity[t]), number(line.children[t]), number(line.utilisation[t]),
                                 number(line.marginalValue[t])]
                            } }))
        if !report.options.isEmpty {
            tables.append(Table(name: "options", title: "Capital options",
                                header: ["option", "setting", "chosen", "opening year", "amount", "places", "capital cost", "yearly saving", "payback years", "extra cost if built"],
                                rows: report.options.map { [$0.id, $0.setting, $0.chosen ? "yes" : "no", $0.openingYear ?? "", number($0.amount),
                                                            number($0.places), number($0.capitalCost), number($0.yearlySaving), number($0.paybackYears),
                                                            number($0.savingNeeded)] }))
        }
        tables.append(Table(name: "finance", title: "High Needs finance (£)",
                            header: ["year", "grant", "placement spend", "other spend", "in-year deficit", "cumulative deficit", "unmet children cost"]
                                + (report.withoutOptions == nil ? [] : ["cumulative deficit without options"]),
                            rows: report.finance.enumerated().map { t, line in
                                [line.year, number(line.grant), number(line.placementSpend), number(line.otherSpend), number(line.inYear),
                                 number(line.cumulative), number(line.unmetCost)]
                                    + (report.withoutOptions.map { t < $0.finance.count ? [number($0.finance[t].cumulative)] : [""] } ?? [])
                            }))
        if !report.zones.isEmpty {
            tables.append(Table(name: "zones", title: "Zones", header: ["zone", "year", "placed", "unmet", "transport cost", "average minutes", "longest minutes"],
                                rows: report.zones.flatMap { zone in years.indices.map { t in
                                    [zone.zone, years[t], number(zone.placed[t]), number(zone.unmet[t]), number(zone.transportCost[t]),
                                     number(zone.averageMinutes[t]), number(zone.maxMinutes[t])]
                                } }))
        }
        return tables
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
        var out = [OutputKind.markdownMarker, "# \(escape(report.scenario))", ""]
        for table in tables(report) where !table.rows.isEmpty {
            out.append("## \(table.title)")
            out.append("")
            out.append("| " + table.header.map(escape).joined(separator: " | ") + " |")
            out.append("|" + table.header.indices.map { $0 == 0 ? " --- |" : " ---: |" }.joined())
            for row in table.rows { out.append("| " + row.map(readable).joined(separator: " | ") + " |") }
            out.append("")
        }
        return out.joined(separator: "\n")
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
    static func spreadsheetSafe(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
        if NumberSyntax.parse(cell[...]) != nil { return cell }
        return "'" + cell
    }

    /// RFC 4180 CSV of one table, every text cell spreadsheet-safe.
    public static func csv(_ table: Table) -> String {
        func quote(_ raw: String) -> String {
            let cell = spreadsheetSafe(raw)
            return cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }
        return ([table.header] + table.rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// Writes one CSV file per table into `folder`: built in a temporary folder beside it, then
    /// renamed into place, so the folder is never left half-written.
    /// Writes the report as a CSV folder (see ``CSVFolder`` for what may be replaced).
    public static func writeCSVFolder(_ report: Report, to folder: String) throws(OutputError) {
        try CSVFolder.write(tables(report).map { ("\($0.name).csv", Data(csv($0).utf8)) }, to: folder)
    }
}
