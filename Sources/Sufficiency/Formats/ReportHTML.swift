import Foundation

/// One self-contained HTML page (no script, font or request outside it) with SVG charts drawn
/// by ``SVGChart``: children by setting type, the cost stack, the cumulative deficit with and
/// without the capital programme (and if every child were placed), unmet need, and a table of
/// utilisation by setting and year; each with a sentence on what it shows, then the report's
/// tables. Readable on a laptop and a phone (the charts scale, wide tables scroll), and printable.
public enum ReportHTML {
    static func escape(_ text: String) -> String { SVGChart.escape(text) }

    static let style = """
    :root{color-scheme:light}
    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:1.5em auto;max-width:1240px;padding:0 1em;color:#222;line-height:1.45}
    h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}
    p.lead{font-size:1.05em}p.note{color:#555;margin:.2em 0 .4em;font-size:.92em}
    .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:1.4em}
    figure{margin:0}figcaption{font-weight:600}svg{width:100%;height:auto;display:block}
    h1,h2,p,li,figcaption{overflow-wrap:anywhere}td{max-width:24em;overflow-wrap:break-word}
    .scroll{overflow-x:auto;max-width:100%}
    table{border-collapse:collapse;margin:.4em 0 1.2em;font-size:13px}th,td{border-bottom:1px solid #ddd;padding:.25em .55em;vertical-align:top}
    th{text-align:left;background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
    td.h{font-weight:600;background:#fafafa}tr.total td{font-weight:600}
    td.full{background:#f8d4d4}td.near{background:#fbe9c9}td.spare{background:#dcebf7}
    .key span{display:inline-block;padding:0 .5em;margin-right:.5em}
    @page{size:A4;margin:12mm}
    @media print{body{max-width:none;margin:0}.charts{display:grid;grid-template-columns:1fr 1fr;gap:.8em}svg{min-width:0}figure{break-inside:avoid;margin-bottom:.6em;overflow:visible}.scroll{overflow:visible}table{font-size:8pt}th,td{padding:.15em .35em}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}
    """

    static func page(title: String, body: String) -> String {
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\(OutputKind.htmlGenerator)<title>\(escape(title))</title><style>\(style)</style></head><body>\(body)</body></html>\n"
    }

    /// A table of the report as HTML: numbers in their column's format, every name escaped.
    static func htmlTable(_ table: ReportTables.Table) -> String {
        guard !table.rows.isEmpty else { return "" }
        var out = "<h2>\(escape(table.title))</h2><div class=\"scroll\"><table id=\"table-\(escape(table.name))\"><thead><tr>" + table.header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for (index, row) in table.rows.enumerated() {
            let heading = row.dropFirst().allSatisfy(\.isEmpty) && row.count > 2
            out += "<tr>" + row.enumerated().map { column, cell in
                if heading && column == 0 { return "<td class=\"h\">\(escape(cell))</td>" }
                if !table.textColumns.contains(column), let value = Double(cell), value.isFinite {
                    return "<td class=\"n\">\(escape(ReportTables.readable(cell, format: table.rowFormats[index] ?? table.formats[column])))</td>"
                }
                return "<td>\(escape(cell))</td>"
            }.joined() + "</tr>"
        }
        return out + "</tbody></table></div>"
    }

    /// Utilisation of every capped setting in every year, coloured: full, nearly full, spare.
    static func utilisationTable(_ report: Report) -> String {
        let capped = report.settings.filter { $0.capacity.contains { $0 != nil } }
        guard !capped.isEmpty else { return "" }
        var out = "<h2>Places used: children / places (utilisation) by setting and year</h2>"
        out += "<p class=\"note key\"><span class=\"full\" style=\"background:#f8d4d4\">full (100% or more)</span><span style=\"background:#fbe9c9\">nearly full (90% or more)</span><span style=\"background:#dcebf7\">places to spare</span> Full means every place is used. One more place has a value only where a child would otherwise go somewhere dearer: see the value of one more place below.</p>"
        out += "<div class=\"scroll\"><table id=\"table-utilisation\"><thead><tr><th>setting</th><th>type</th>" + report.years.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for line in report.settings {
            out += "<tr><td>\(escape(line.name))</td><td>\(escape(line.type))</td>"
            for t in report.years.indices {
                guard let places = line.capacity[t] else {
                    out += "<td class=\"n\">\(line.children[t] > 0 ? "\(ReportText.children(line.children[t])) / unlimited" : "—")</td>"
                    continue
                }
                let share = line.utilisation[t] ?? 0
                let kind = share >= 0.9995 ? "full" : share >= 0.9 ? "near" : "spare"
                out += "<td class=\"n \(kind)\" data-value=\"\(SVGChart.number(share))\">\(ReportText.children(line.children[t])) / \(ReportText.children(places)) (\(String(format: "%.0f%%", share * 100)))</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table></div>"
    }

    /// The value of one more place in each setting and year where it is worth anything.
    static func marginalTable(_ report: Report) -> String {
        let valued = report.settings.filter { $0.marginalValue.contains { ($0 ?? 0) > 0.5 } }
        guard !valued.isEmpty else { return "<h2>Value of one more place</h2><p>No setting is short of places: one more place anywhere would save nothing.</p>" }
        var out = "<h2>Value of one more place (£ saved in that year by one more place)</h2>"
        out += "<p class=\"note\">Where a full setting sends a child somewhere dearer, one more place saves the difference: the number to weigh against the capital cost of new places. — where places are not limited.</p>"
        out += "<div class=\"scroll\"><table id=\"table-marginal\"><thead><tr><th>setting</th>" + report.years.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for line in valued {
            out += "<tr><td>\(escape(line.name))</td>" + line.marginalValue.map { value in
                "<td class=\"n\"\(value.map { " data-value=\"\(SVGChart.number($0))\"" } ?? "")>\(value.map { escape(ReportText.money($0)) } ?? "—")</td>"
            }.joined() + "</tr>"
        }
        return out + "</tbody></table></div>"
    }

    /// The solve page.
    public static func render(_ report: Report) -> String {
        let years = report.years
        var body = "<h1>\(escape(report.scenario))</h1>"
        body += "<p class=\"lead\">Status: <b>\(escape(report.status))</b>"
        if let robust = report.robust, let value = robust.value {
            body += " · \(robust.objective == "regret" ? "Largest regret" : "Expected cost") over \(robust.futures.count) futures (present value, capital included): <b>\(escape(ReportText.pounds(value)))</b>"
        } else if let objective = report.objective { body += " · Total cost (present value of every year, capital included): <b>\(escape(ReportText.pounds(objective)))</b>" }
        body += " · Verification: <b>\(report.costs == nil ? "not run (no plan to check)" : report.verification.passed ? "passed" : "FAILED")</b></p>"
        body += "<p class=\"note\">Money is in pounds of each year (inflation included); the total cost discounts every year to today. Children are rounded to one decimal place.</p>"
        if !report.explanation.isEmpty {
            body += "<h2>Why there is no plan</h2><ul>" + report.explanation.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
        }
        if !report.notes.isEmpty {
            body += "<h2>Notes</h2><ul>" + report.notes.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
        }
        // A plan over futures: its futures and measures come first, they are the answer.
        let first = ["futures", "robust-measures"]
        if let robust = report.robust, !robust.futures.isEmpty {
            let T = report.years
            body += "<div class=\"charts\">" + SVGChart(id: "futures-deficit", title: "Cumulative High Needs deficit in each future", yTitle: "£, that year's money", xTitle: "year (end of)",
                                                      categories: T, series: robust.futures.map { .init(name: $0.id, values: $0.cumulativeDeficit) }, unit: .money, kind: .lines,
                                                      note: "The same capital plan in every future: each future places its own children.").svg() + "</div>"
            for table in ReportTables.tables(report, names: true) where first.contains(table.name) && !table.rows.isEmpty { body += htmlTable(table) }
        }
        if let costs = report.costs {
            var charts: [SVGChart] = []
            charts.append(SVGChart(id: "placements-by-type", title: "Children placed by setting type", yTitle: "children", xTitle: "year",
                                   categories: years, series: report.placementsByType.map { .init(name: $0.type, values: $0.children) }, unit: .children, kind: .stackedBars,
                                   note: "Every child with a place, by the kind of setting the plan gives them."))
            charts.append(SVGChart(id: "cost-stack", title: "Cost by year", yTitle: "£, that year's money", xTitle: "year", categories: years, series: [
                .init(name: "placements", values: costs.byYear.map(\.placements)), .init(name: "transport", values: costs.byYear.map(\.transport)),
                .init(name: "capital", values: costs.byYear.map(\.capitalCharge)), .init(name: "unmet penalty", values: costs.byYear.map(\.unmetPenalty)),
            ].filter { $0.values.contains { ($0 ?? 0) != 0 } }, unit: .money, kind: .stackedBars,
                note: "What the plan costs each year: placement fees, home-to-school transport, the capital charge and the penalty for children left without a place."))
            var deficit: [SVGChart.Series] = [.init(name: "with this plan", values: report.finance.map(\.cumulative))]
            if report.finance.contains(where: { abs($0.cumulativeIfAllPlaced - $0.cumulative) > 0.5 }) {
                deficit.append(.init(name: "with this plan, if every child were placed", values: report.finance.map(\.cumulativeIfAllPlaced)))
            }
            if let without = report.withoutOptions, without.finance.count == years.count {
                deficit.append(.init(name: "without the capital programme", values: without.finance.map(\.cumulative)))
            }
            charts.append(SVGChart(id: "deficit", title: "Cumulative High Needs deficit", yTitle: "£, that year's money", xTitle: "year (end of)",
                                   categories: years, series: deficit, unit: .money, kind: .lines,
                                   note: "The deficit carried forward each year (+ is a deficit, − a surplus), from the deficit brought forward."))
            if !report.unmet.isEmpty {
                charts.append(SVGChart(id: "unmet", title: "Children without a place (unmet need)", yTitle: "children", xTitle: "year",
                                       categories: years, series: report.unmet.map { .init(name: $0.need, values: $0.children) }, unit: .children, kind: .stackedBars,
                                       note: "The sufficiency gap, by need: children the plan cannot place in any setting that serves them."))
            }
            if !report.ages.isEmpty {
                charts.append(SVGChart(id: "placements-by-age", title: "Children placed by age group", yTitle: "children", xTitle: "year",
                                       categories: years, series: report.ages.map { .init(name: $0.age, values: $0.placed) }, unit: .children, kind: .stackedBars,
                                       note: "The same children by age group: each year a share of every group moves up, and children whose setting does not take their new group change setting (phase transfers)."))
            }
            body += "<div class=\"charts\">" + charts.map { $0.svg() }.joined() + "</div>"
            if report.unmet.isEmpty { body += "<p>Every child has a place in every year: there is no unmet need.</p>" }
            body += utilisationTable(report)
            body += marginalTable(report)
        }
        for table in ReportTables.tables(report, names: true) where !table.rows.isEmpty && !(["summary", "settings"] + first).contains(table.name) {
            body += htmlTable(table)
        }
        body += "<p class=\"note\">\(escape(report.verification.summary))</p>"
        return page(title: report.scenario, body: body)
    }

    static func typeSeries(_ reports: [Report], year: (Report) -> Int) -> [SVGChart.Series] {
        SettingType.allCases.map(\.rawValue).compactMap { type in
            let values: [Double?] = reports.map { report in
                report.costs == nil ? nil : report.placementsByType.first { $0.type == type }?.children[year(report)] ?? 0
            }
            return values.contains { ($0 ?? 0) > 0 } ? SVGChart.Series(name: type, values: values) : nil
        }
    }

    /// Several plans side by side: their deficits over the years, their placement mix in the last
    /// year, and the comparison's tables.
    public static func comparison(_ reports: [(label: String, report: Report)]) -> String {
        guard let first = reports.first?.report else { return page(title: "Comparison", body: "") }
        let years = ComparisonFormats.years(reports.map(\.report))
        var body = "<h1>Comparison of \(reports.count) variants</h1><p class=\"lead\">" + reports.map { "<b>\(escape($0.label))</b>: \(escape($0.report.status))" + ($0.report.objective.map { ", \(escape(ReportText.pounds($0)))" } ?? "") }.joined(separator: " · ") + "</p>"
        for entry in reports where !entry.report.explanation.isEmpty {
            body += "<p><b>\(escape(entry.label))</b> has no plan: \(escape(entry.report.explanation.joined(separator: "; ")))</p>"
        }
        let deficit = SVGChart(id: "deficit", title: "Cumulative High Needs deficit of each variant", yTitle: "£, that year's money", xTitle: "year (end of)",
                               categories: years, series: reports.map { entry in
                                   .init(name: entry.label, values: years.map { year in
                                       entry.report.costs == nil ? nil : entry.report.years.firstIndex(of: year).map { entry.report.finance[$0].cumulative }
                                   })
                               }, unit: .money, kind: .lines, note: "How each variant's deficit builds up year by year; a variant with no plan has no line.")
        let mix = SVGChart(id: "placements-by-type", title: "Children by setting type, \(first.years.last ?? "")", yTitle: "children", xTitle: "variant",
                           categories: reports.map(\.label), series: typeSeries(reports.map(\.report)) { $0.years.count - 1 }, unit: .children, kind: .stackedBars,
                           note: "Where each variant places its children in the last year: the mix that drives its cost.")
        body += "<div class=\"charts\">\(deficit.svg())\(mix.svg())</div>"
        for table in ComparisonFormats.comparisonTables(reports) { body += htmlTable(table) }
        return page(title: "Comparison: \(first.scenario)", body: body)
    }

    /// A sweep: total cost and the placement mix against the input.
    public static func sweep(path: String, points: [(value: String, report: Report)], changes: Set<Int>, tables: [ReportTables.Table]) -> String {
        let labels = points.map(\.value)
        let cost = SVGChart(id: "cost", title: "Total cost (present value) against \(path)", yTitle: "£, present value", xTitle: path,
                            categories: labels, series: [.init(name: "total cost", values: points.map { $0.report.objective })], unit: .money, kind: .lines,
                            note: "What the plan costs at each value of the input (a present value, capital included); a point with no plan has no marker.")
        let mix = SVGChart(id: "placements-by-type", title: "Children by setting type in the last year", yTitle: "children", xTitle: path,
                           categories: labels, series: typeSeries(points.map(\.report)) { $0.years.count - 1 }, unit: .children, kind: .stackedBars,
                           note: "Where the plan places its children in the last year at each point: a change of colour is a change of mix.")
        var body = "<h1>Sweep of \(escape(path))</h1>"
        body += "<p class=\"lead\">\(points.count) points on \(escape(points.first?.report.scenario ?? ""))." + (changes.isEmpty ? " The optimal placement mix is the same at every point." : " The optimal mix changes at \(changes.sorted().map { escape(points[$0].value) }.joined(separator: ", ")).") + "</p>"
        body += "<div class=\"charts\">\(cost.svg())\(mix.svg())</div>"
        for point in points where !point.report.explanation.isEmpty {
            body += "<p><b>\(escape(point.value))</b>: no plan: \(escape(point.report.explanation.joined(separator: "; ")))</p>"
        }
        for table in tables { body += htmlTable(table) }
        return page(title: "Sweep of \(path)", body: body)
    }
}
