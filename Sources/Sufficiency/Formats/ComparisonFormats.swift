import Foundation

/// Several plans side by side (`compare`) or one input varied (`sweep`), in every format of
/// SPEC §4: the same measures by year for each variant — total cost, cost and deficit by year,
/// children by setting type, unmet children, options opened — as JSON (with each variant's
/// whole report), CSV, Markdown and a workbook.
public enum ComparisonFormats {
    /// `compare` as JSON: each variant's label and full report.
    public struct ComparisonDocument: Codable, Sendable {
        public var format = "sufficiency-comparison/1"
        public var variants: [Variant]
        public struct Variant: Codable, Sendable {
            public var label: String
            public var report: Report
        }
    }

    /// `sweep` as JSON: the input varied, and each point's value and full report.
    public struct SweepDocument: Codable, Sendable {
        public var format = "sufficiency-sweep/1"
        public var path: String
        /// Indices of the points where the optimal mix changes from the point before.
        public var mixChanges: [Int]
        public var points: [Point]
        public struct Point: Codable, Sendable {
            public var value: Double
            public var warm: Bool
            public var report: Report
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    public static func comparisonJSON(_ reports: [(label: String, report: Report)]) throws -> String {
        try encode(ComparisonDocument(variants: reports.map { .init(label: $0.label, report: $0.report) }))
    }

    public static func sweepJSON(path: String, points: [Sweep.Point], changes: [Int]) throws -> String {
        try encode(SweepDocument(path: path, mixChanges: changes, points: points.map { .init(value: $0.value, warm: $0.warm, report: $0.report) }))
    }

    /// One measure for one year (or for the whole horizon, year "all") of one report.
    struct Measure {
        var name: String
        var year: String
        var format: Workbook.NumberFormat
        var value: (Report) -> Double?
    }

    /// The measures every variant is compared on, by year — matched by the year's label, so a
    /// scenario without that year shows none (not another year's figure).
    static func measures(years: [String], types: [String]) -> [Measure] {
        var list = [Measure(name: "total cost, present value (£)", year: "all", format: .money) { $0.robust == nil ? $0.objective : nil }]
        // Plans over futures: the optimised figure and the measures (nil for a variant without futures).
        list.append(Measure(name: "expected cost over the futures, RP (£)", year: "all", format: .money) { $0.robust?.expectedCost })
        list.append(Measure(name: "largest regret, R (£)", year: "all", format: .money) { $0.robust?.objective == "regret" ? $0.robust?.value : nil })
        list.append(Measure(name: "wait and see, WS (£)", year: "all", format: .money) { $0.robust?.waitAndSee })
        list.append(Measure(name: "EVPI = RP − WS (£)", year: "all", format: .money) { $0.robust?.evpi })
        list.append(Measure(name: "VSS = EEV − RP (£)", year: "all", format: .money) { $0.robust?.vss })
        func each(_ name: String, _ format: Workbook.NumberFormat, _ value: @escaping (Report, Int) -> Double?) {
            for year in years {
                list.append(Measure(name: name, year: year, format: format) { report in
                    guard report.costs != nil, let t = report.years.firstIndex(of: year) else { return nil }
                    return value(report, t)
                })
            }
        }
        each("cost (£)", .money) { report, t in report.costs!.byYear[t].total }
        each("in-year deficit (£)", .money) { report, t in t < report.finance.count ? report.finance[t].inYear : nil }
        each("cumulative deficit (£)", .money) { report, t in t < report.finance.count ? report.finance[t].cumulative : nil }
        each("cumulative deficit if all placed (£)", .money) { report, t in t < report.finance.count ? report.finance[t].cumulativeIfAllPlaced : nil }
        for type in types {
            each("\(type) children", .children) { report, t in report.placementsByType.first { $0.type == type }.map { $0.children[t] } ?? 0 }
        }
        each("unmet children", .children) { report, t in report.unmet.reduce(0) { $0 + $1.children[t] } }
        return list
    }

    /// Every year of any variant, in the order they first appear.
    static func years(_ reports: [Report]) -> [String] {
        var seen: [String] = []
        for report in reports { for year in report.years where !seen.contains(year) { seen.append(year) } }
        return seen
    }

    static func types(_ reports: [Report]) -> [String] {
        SettingType.allCases.map(\.rawValue).filter { type in reports.contains { $0.placementsByType.contains { $0.type == type } } }
    }

    static func options(_ report: Report) -> String {
        let chosen = report.options.filter(\.chosen).map { "\($0.id) \($0.openingYear ?? "")" }
        return chosen.isEmpty ? (report.options.isEmpty ? "" : "none") : chosen.joined(separator: ", ")
    }

    /// The comparison as tables: the measures (one row per measure and year, a column per
    /// variant), then the variants themselves (status, options, why no plan).
    public static func comparisonTables(_ reports: [(label: String, report: Report)]) -> [ReportTables.Table] {
        guard !reports.isEmpty else { return [] }
        // A measure no variant has (the futures' RP, R, WS, EVPI, VSS without futures) is left out.
        let list = measures(years: years(reports.map(\.report)), types: types(reports.map(\.report)))
            .filter { measure in reports.contains { measure.value($0.report) != nil } }
        // Each variant, then each one's difference to the first.
        let rows = list.map { measure -> [String] in
            let values = reports.map { measure.value($0.report) }
            let differences = values.dropFirst().map { value -> String in
                guard let value, let first = values[0] else { return "" }
                return ReportTables.number(value - first)
            }
            return [measure.name, measure.year] + values.map(ReportTables.number) + differences
        }
        let differenceHeader = reports.dropFirst().map { "\($0.label) − \(reports[0].label)" }
        var comparison = ReportTables.Table(name: "comparison", title: "Side by side: each measure by year (money in £ of that year, cost total a present value), then each variant's difference to the first",
                                            header: ["measure", "year"] + reports.map(\.label) + differenceHeader, rows: rows, text: [0, 1])
        comparison.rowFormats = Dictionary(uniqueKeysWithValues: list.enumerated().map { ($0.offset, $0.element.format) })
        let variants = ReportTables.Table(name: "variants", title: "The variants", header: ["variant", "scenario", "status", "verification", "options opened", "why no plan"],
                                          rows: reports.map { [$0.label, $0.report.scenario, $0.report.status, verification($0.report),
                                                               options($0.report), $0.report.explanation.joined(separator: "; ")] },
                                          text: [0, 1, 2, 3, 4, 5])
        return [comparison, variants, provenanceTable(reports)]
    }

    /// "passed", "FAILED", or "not run" when there is no plan to check.
    static func verification(_ report: Report) -> String {
        report.costs == nil ? "not run (no plan)" : report.verification.passed ? "passed" : "FAILED"
    }

    /// Where each variant's numbers come from: its inputs with their SHA-256 and its edits.
    static func provenanceTable(_ reports: [(label: String, report: Report)]) -> ReportTables.Table {
        var rows: [[String]] = []
        for (label, report) in reports {
            guard let p = report.provenance else { continue }
            rows.append([label, "tool", "\(p.tool) \(p.version), GLPK \(p.glpk), \(p.method)"])
            for input in p.inputs { rows.append([label, "input \(input.name)", "\(input.bytes) bytes, SHA-256 \(input.sha256)"]) }
            for edit in p.edits { rows.append([label, "edit", edit]) }
            for item in p.defaultsApplied { rows.append([label, "default applied", item]) }
        }
        return ReportTables.Table(name: "provenance", title: "Provenance of each variant", header: ["variant", "item", "value"], rows: rows, text: [0, 1, 2])
    }

    /// The sweep as tables: one row per point and year.
    public static func sweepTables(path: String, points: [Sweep.Point], changes: [Int]) -> [ReportTables.Table] {
        guard let first = points.first?.report else { return [] }
        let kinds = types(points.map(\.report))
        var rows: [[String]] = []
        for (k, point) in points.enumerated() {
            let report = point.report
            for (t, year) in first.years.enumerated() {
                let has = report.costs != nil
                var row = [ReportTables.number(point.value), year, report.status,
                           ReportTables.number(t == 0 ? report.objective : nil),
                           ReportTables.number(has ? report.costs?.byYear[t].total : nil),
                           ReportTables.number(has ? report.finance[t].cumulative : nil)]
                for type in kinds {
                    row.append(ReportTables.number(has ? report.placementsByType.first { $0.type == type }?.children[t] ?? 0 : nil))
                }
                row.append(ReportTables.number(has ? report.unmet.reduce(0) { $0 + $1.children[t] } : nil))
                row.append(options(report))
                row.append(changes.contains(k) && t == 0 ? "mix changes" : "")
                row.append(report.explanation.first ?? "")
                rows.append(row)
            }
        }
        let header = [path, "year", "status", "total cost, present value (£)", "cost (£)", "cumulative deficit (£)"] + kinds.map { "\($0) children" }
            + ["unmet children", "options opened", "mix", "why no plan"]
        var formats: [Int: Workbook.NumberFormat] = [0: .decimal, 3: .money, 4: .money, 5: .money]
        for k in 0...kinds.count { formats[6 + k] = .children }
        let textColumns = Set([1, 2] + [6 + kinds.count + 1, 6 + kinds.count + 2, 6 + kinds.count + 3])
        let sweep = ReportTables.Table(name: "sweep", title: "Sweep of \(path): each point by year", header: header, rows: rows, text: textColumns, formats: formats)
        return [sweep, provenanceTable(points.prefix(1).map { ("every point", $0.report) })]
    }

    /// Tables as Markdown (numbers made readable, every name escaped).
    public static func markdown(title: String, _ tables: [ReportTables.Table]) -> String {
        var out = [OutputKind.markdownMarker, "# \(ReportTables.markdownText(title))", "",
                   "Children are rounded to one decimal place here; the JSON, CSV and workbook formats keep full precision.", ""]
        for table in tables {
            out.append(contentsOf: ReportTables.markdownTable(table))
        }
        return out.joined(separator: "\n")
    }

    /// Tables as a workbook: a README sheet, then one sheet each.
    public static func workbook(title: String, about: [String], _ tables: [ReportTables.Table], created: Date?) -> Workbook {
        var readme = Workbook.Sheet(name: "README", title: title, header: ["about"], rows: about.map { [.text($0)] })
        readme.columnWidths = [120]
        return Workbook(sheets: [readme] + tables.map(ReportWorkbook.sheet), title: title,
                        comments: "Written by sufficiency-solve \(SufficiencyVersion.current).", created: created)
    }

    /// Writes tables as a CSV folder (see ``CSVFolder``).
    public static func writeCSV(_ tables: [ReportTables.Table], to folder: String) throws(OutputError) {
        try CSVFolder.write(tables.map { ("\($0.name).csv", Data(ReportTables.csv($0).utf8)) }, to: folder)
    }
}
