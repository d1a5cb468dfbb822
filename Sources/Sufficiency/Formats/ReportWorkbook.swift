import Foundation

/// The report as an Excel workbook (SPEC §4): a README sheet with what the workbook is and its
/// provenance, the finance sheet in the shape of a DSG management plan (years as columns), then
/// a sheet per table, numbers stored as numbers with £ and % formats, header rows frozen.
public enum ReportWorkbook {
    public static func workbook(_ report: Report, created: Date? = nil) -> Workbook {
        var sheets = [readme(report)]
        if !report.finance.isEmpty { sheets.append(finance(report)) }
        for table in ReportTables.tables(report) where !["summary", "finance", "provenance"].contains(table.name) {
            sheets.append(sheet(table))
        }
        return Workbook(sheets: sheets, title: "Sufficiency report: \(report.scenario)",
                        comments: "Written by sufficiency-solve \(SufficiencyVersion.current); the README sheet says what each sheet holds.", created: created)
    }

    /// A table as a sheet: text columns as text, the others as numbers in the table's formats.
    public static func sheet(_ table: ReportTables.Table) -> Workbook.Sheet {
        let rows: [[Workbook.Cell]] = table.rows.enumerated().map { index, row in
            row.enumerated().map { column, cell in
                if table.textColumns.contains(column) { return cell.isEmpty ? .blank : .text(cell) }
                guard !cell.isEmpty else { return .blank }
                guard let value = Double(cell), value.isFinite else { return .text(cell) }
                return .number(value, table.rowFormats[index] ?? table.formats[column] ?? .decimal)
            }
        }
        var sheet = Workbook.Sheet(name: table.name, title: table.title, header: table.header, rows: rows)
        sheet.columnWidths = table.header.indices.map { column in
            let longest = ([table.header[column]] + table.rows.prefix(500).map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 8
            return Double(min(60, max(10, longest + 2)))
        }
        return sheet
    }

    /// The DSG-plan sheet: one row per line, years as columns; sections as headings, totals bold.
    static func finance(_ report: Report) -> Workbook.Sheet {
        var rows: [[Workbook.Cell]] = []
        var bold: Set<Int> = []
        var section = ""
        for line in FinancePlan.lines(report) {
            if line.section != section {
                if !section.isEmpty { rows.append([]) }
                section = line.section
                rows.append([.heading(FinancePlan.heading(section))])
            }
            if line.total { bold.insert(rows.count) }
            rows.append([.text(line.label)] + line.values.map { .number($0, line.unit == .money ? .money : line.unit == .children ? .children : .decimal) })
        }
        let transport = report.finance[0].transportInHighNeeds ? "transport paid from the High Needs Block" : "transport paid by the General Fund, shown apart"
        var sheet = Workbook.Sheet(name: "finance", title: "High Needs finance in the shape of a DSG management plan (£, that year's money; \(transport); + is a deficit)",
                                   header: ["line"] + report.years, rows: rows)
        sheet.boldRows = bold
        sheet.columnWidths = [62] + report.years.map { _ in 14 }
        return sheet
    }

    /// What the workbook is, the outcome, and the provenance.
    static func readme(_ report: Report) -> Workbook.Sheet {
        var rows: [[Workbook.Cell]] = [
            [.text("scenario"), .text(report.scenario)],
            [.text("status"), .text(report.status)],
        ]
        if let objective = report.objective { rows.append([.text("total cost (present value, £)"), .number(objective, .money)]) }
        rows.append([.text("verification"), .text(report.verification.summary)])
        for line in report.explanation { rows.append([.text("why there is no plan"), .text(line)]) }
        for note in report.notes { rows.append([.text("note"), .text(note)]) }
        rows.append([])
        rows.append([.heading("Sheets")])
        rows.append([.text("finance"), .text("the High Needs Block as a DSG management plan: income, spend by setting type, mitigations, in-year and cumulative position, children not placed and their cost")])
        rows.append([.text("other sheets"), .text("one per table of the report; money in £ of that year (undiscounted), children to one decimal in view and in full in the cell")])
        rows.append([])
        rows.append([.heading("Provenance")])
        if let p = report.provenance {
            // Rates are numbers where they are one (a leaving rate's "0.2 (4 settings)" stays text).
            for row in ReportTables.provenanceTable(p).rows {
                if let value = Double(row[1]), value.isFinite, NumberSyntax.parse(row[1][...]) != nil { rows.append([.text(row[0]), .number(value, .decimal)]) }
                else { rows.append([.text(row[0]), .text(row[1])]) }
            }
        }
        var sheet = Workbook.Sheet(name: "README", title: "Sufficiency report: \(report.scenario)", header: ["item", "value"], rows: rows)
        sheet.columnWidths = [32, 100]
        return sheet
    }
}
