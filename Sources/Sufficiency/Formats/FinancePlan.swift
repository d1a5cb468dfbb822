import Foundation

/// The finance table in the shape of a DfE DSG management plan (SPEC §4): one line per row and
/// the years as columns — income, spend by setting type, mitigations, the in-year and cumulative
/// position — with the memo lines beside it (children not placed and their cost, transport paid
/// by the General Fund, the position without the capital programme). Text, Markdown and the
/// workbook show it as it stands; CSV writes it one row per year and line.
public enum FinancePlan {
    public enum Unit: String, Sendable { case money, children, ratio }

    public struct Line: Sendable, Equatable {
        /// Which part of the plan: income, expenditure, mitigations, position, not placed, general fund, without programme.
        public var section: String
        /// A stable key for programs (`grant`, `placements.special`, `mitigation.Plans ceased`, …).
        public var key: String
        /// What a finance officer reads.
        public var label: String
        public var unit: Unit
        public var values: [Double]
        /// A total or the position: shown in bold in the workbook.
        public var total: Bool = false
    }

    /// How DfE's DSG management plan template names the spend on each setting type.
    public static func spendLabel(_ type: String) -> String {
        switch SettingType(rawValue: type) {
        case .mainstream: return "Mainstream schools: top-up funding"
        case .dsp: return "Resourced provision and SEN units"
        case .special: return "Special schools and academies"
        case .independent: return "Independent and non-maintained special schools"
        case .ap: return "Alternative provision"
        case .post16: return "Post-16 and further education"
        case nil: return type
        }
    }

    public static func lines(_ report: Report) -> [Line] {
        let finance = report.finance
        guard !finance.isEmpty else { return [] }
        func series(_ value: (Report.FinanceLine) -> Double) -> [Double] { finance.map(value) }
        var lines: [Line] = []
        func add(_ section: String, _ key: String, _ label: String, _ values: [Double], unit: Unit = .money, total: Bool = false) {
            lines.append(Line(section: section, key: key, label: label, unit: unit, values: values, total: total))
        }
        let inBlock = finance[0].transportInHighNeeds
        add("income", "grant", "High Needs Block DSG allocation", series(\.grant))
        if finance.contains(where: { $0.income != 0 }) {
            add("income", "income", "Other income (block transfers and contributions)", series(\.income))
        }
        add("income", "totalIncome", "Total income", series { $0.grant + $0.income }, total: true)
        for (k, type) in finance[0].placementSpendByType.enumerated() {
            add("expenditure", "placements.\(type.type)", spendLabel(type.type), series { $0.placementSpendByType[k].spend })
        }
        if inBlock { add("expenditure", "transport", "Home-to-school transport (paid from the High Needs Block)", series(\.transport)) }
        add("expenditure", "otherSpend", "Other high needs spend", series(\.otherSpend))
        add("expenditure", "highNeedsSpend", "Total high needs spend", series(\.highNeedsSpend), total: true)
        if !finance[0].mitigations.isEmpty {
            for (k, mitigation) in finance[0].mitigations.enumerated() {
                add("mitigations", "mitigation.\(mitigation.name)", "Mitigation: \(mitigation.name)", series { $0.mitigations[k].amount })
            }
            add("mitigations", "mitigations", "Total mitigations", series(\.mitigationsTotal), total: true)
        }
        add("position", "inYear", "In-year deficit (+) / surplus (−)", series(\.inYear), total: true)
        add("position", "broughtForward", "Deficit brought forward", finance.indices.map { $0 == 0 ? finance[0].cumulative - finance[0].inYear : finance[$0 - 1].cumulative })
        add("position", "cumulative", "Cumulative deficit carried forward", series(\.cumulative), total: true)
        add("not placed", "unmetChildren", "Children without a place", series(\.unmetChildren), unit: .children)
        if finance.contains(where: { $0.noSuitableSetting > 0 }) {
            add("not placed", "noSuitableSetting", "of whom no setting in the scenario can take them", series(\.noSuitableSetting), unit: .children)
        }
        add("not placed", "unmetCost", "Their cost if placed (at the dearest suitable place)", series(\.unmetCost))
        add("not placed", "cumulativeIfAllPlaced", "Cumulative deficit if every child were placed", series(\.cumulativeIfAllPlaced), total: true)
        if let cap = finance[0].cap {
            add("not placed", "cap", "Cap on it (maxCumulativeDeficit)", finance.map { _ in cap })
            if finance.contains(where: { $0.capMarginalValue != nil }) {
                add("not placed", "capMarginalValue", "What £1 more headroom would save (£, present value; 0: the cap does not bind)",
                    finance.map { $0.capMarginalValue ?? 0 }, unit: .ratio)
            }
        }
        if !inBlock { add("general fund", "transport", "Home-to-school transport (General Fund, outside the block)", series(\.transport)) }
        if let without = report.withoutOptions, without.finance.count == finance.count {
            add("without the programme", "withoutProgramme.cumulative", "Cumulative deficit without the capital programme", without.finance.map(\.cumulative), total: true)
            add("without the programme", "withoutProgramme.unmetChildren", "Children without a place, without the programme", without.finance.map(\.unmetChildren), unit: .children)
            add("without the programme", "withoutProgramme.cumulativeIfAllPlaced", "Cumulative deficit if every child were placed, without the programme",
                without.finance.map(\.cumulativeIfAllPlaced), total: true)
        }
        return lines
    }

    /// Section headings as they read above their lines.
    public static func heading(_ section: String) -> String {
        switch section {
        case "income": return "Income"
        case "expenditure": return "Expenditure"
        case "mitigations": return "Mitigations (planned savings not in the placement mix)"
        case "position": return "Position"
        case "not placed": return "Children not placed (memo: not in the position above)"
        case "general fund": return "General Fund (memo: outside the High Needs Block)"
        case "without the programme": return "Without the capital programme (memo)"
        default: return section
        }
    }

    /// The plan one row per year and line (CSV).
    public static func longTable(_ report: Report) -> ReportTables.Table {
        let lines = lines(report)
        var rows: [[String]] = []
        for (t, year) in report.years.enumerated() {
            for line in lines { rows.append([year, line.section, line.key, line.label, line.unit.rawValue, ReportTables.number(line.values[t])]) }
        }
        return ReportTables.Table(name: "finance", title: "High Needs finance, DSG management plan lines (£, that year's money)",
                                  header: ["year", "section", "line", "label", "unit", "amount"], rows: rows, text: [0, 1, 2, 3, 4])
    }

    /// The plan with the years as columns (Markdown), headings as rows of their own.
    public static func wideTable(_ report: Report) -> ReportTables.Table {
        var rows: [[String]] = []
        var formats: [Int: Workbook.NumberFormat] = [:]
        var section = ""
        for line in lines(report) {
            if line.section != section {
                section = line.section
                rows.append([heading(section)] + report.years.map { _ in "" })
            }
            formats[rows.count] = line.unit == .money ? .money : line.unit == .children ? .children : .decimal
            rows.append([line.label] + line.values.map(ReportTables.number))
        }
        var table = ReportTables.Table(name: "finance", title: "High Needs finance in the shape of a DSG management plan (£, that year's money)",
                                       header: ["line"] + report.years, rows: rows)
        table.rowFormats = formats
        return table
    }

    /// The plan as a text table with the years as columns.
    public static func text(_ report: Report) -> String {
        var rows: [[String]] = []
        var section = ""
        for line in lines(report) {
            if line.section != section {
                if !section.isEmpty { rows.append([""] + report.years.map { _ in "" }) }
                section = line.section
                rows.append([heading(section)] + report.years.map { _ in "" })
            }
            rows.append(["  " + line.label] + line.values.map { value in
                switch line.unit {
                case .money: return ReportText.money(value)
                case .children: return ReportText.children(value)
                case .ratio: return String(format: "%.2f", value)
                }
            })
        }
        return ReportText.table(["£, that year's money"] + report.years, rows)
    }
}
