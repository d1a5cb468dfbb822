import Foundation

/// One self-contained HTML page with SVG charts drawn here (no scripts, no external files):
/// children by setting type per year (stacked bars), the cost stack per year, the cumulative
/// deficit against the plan without the capital programme, and utilisation of each setting.
/// Every bar and point carries its number in a `data-value` attribute, so a test can check the
/// drawing against the report.
public enum ReportHTML {
    static let palette = ["#1b6ca8", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#9c755f", "#edc948"]

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func number(_ value: Double) -> String { String(format: "%.6g", value) }

    /// Stacked bars: one bar per year, one segment per series.
    static func stackedBars(id: String, title: String, years: [String], series: [(name: String, values: [Double])], unit: String) -> String {
        let width = 640.0, height = 300.0, left = 80.0, bottom = 40.0, top = 30.0
        let totals = years.indices.map { t in series.reduce(0) { $0 + max(0, $1.values[t]) } }
        let maximum = max(1, totals.max() ?? 1)
        let slot = (width - left - 20) / Double(max(1, years.count))
        var out = "<figure id=\"\(id)\"><figcaption>\(escape(title))</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        out += axis(left: left, top: top, bottom: height - bottom, width: width, maximum: maximum, unit: unit)
        for (t, year) in years.enumerated() {
            var y = height - bottom
            let x = left + Double(t) * slot + slot * 0.2
            for (k, entry) in series.enumerated() {
                let value = max(0, entry.values[t])
                let h = value / maximum * (height - bottom - top)
                y -= h
                out += "<rect class=\"bar\" data-series=\"\(escape(entry.name))\" data-year=\"\(escape(year))\" data-value=\"\(number(entry.values[t]))\" x=\"\(number(x))\" y=\"\(number(y))\" width=\"\(number(slot * 0.6))\" height=\"\(number(h))\" fill=\"\(palette[k % palette.count])\"><title>\(escape(entry.name)) \(escape(year)): \(escape(format(value, unit)))</title></rect>"
            }
            let label = year.count > 22 ? String(year.prefix(21)) + "…" : year
            out += "<text x=\"\(number(x + slot * 0.3))\" y=\"\(number(height - bottom + 16))\" text-anchor=\"middle\" font-size=\"12\"><title>\(escape(year))</title>\(escape(label))</text>"
        }
        out += legend(series.map(\.name), x: left, y: 14)
        return out + "</svg></figure>"
    }

    /// Lines over the years.
    static func lines(id: String, title: String, years: [String], series: [(name: String, values: [Double])], unit: String) -> String {
        let width = 640.0, height = 300.0, left = 90.0, bottom = 40.0, top = 30.0
        let all = series.flatMap(\.values)
        let maximum = max(1, all.max() ?? 1), minimum = min(0, all.min() ?? 0)
        let span = maximum - minimum
        let step = (width - left - 40) / Double(max(1, years.count - 1))
        var out = "<figure id=\"\(id)\"><figcaption>\(escape(title))</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        out += axis(left: left, top: top, bottom: height - bottom, width: width, maximum: maximum, unit: unit, minimum: minimum)
        for (k, entry) in series.enumerated() {
            let points = entry.values.enumerated().map { t, value in
                (left + Double(t) * step, height - bottom - (value - minimum) / span * (height - bottom - top))
            }
            out += "<polyline fill=\"none\" stroke=\"\(palette[k % palette.count])\" stroke-width=\"2.5\"\(k > 0 ? " stroke-dasharray=\"6 4\"" : "") points=\"\(points.map { "\(number($0.0)),\(number($0.1))" }.joined(separator: " "))\"/>"
            for (t, point) in points.enumerated() {
                out += "<circle class=\"point\" data-series=\"\(escape(entry.name))\" data-year=\"\(escape(years[t]))\" data-value=\"\(number(entry.values[t]))\" cx=\"\(number(point.0))\" cy=\"\(number(point.1))\" r=\"3.5\" fill=\"\(palette[k % palette.count])\"><title>\(escape(entry.name)) \(escape(years[t])): \(escape(format(entry.values[t], unit)))</title></circle>"
            }
        }
        for (t, year) in years.enumerated() {
            out += "<text x=\"\(number(left + Double(t) * step))\" y=\"\(number(height - bottom + 16))\" text-anchor=\"middle\" font-size=\"12\">\(escape(year))</text>"
        }
        out += legend(series.map(\.name), x: left, y: 14)
        return out + "</svg></figure>"
    }

    /// Horizontal bars of utilisation (0–100%+) for each setting in one year.
    static func utilisation(id: String, title: String, settings: [(name: String, value: Double)]) -> String {
        let rowHeight = 22.0, left = 190.0, width = 640.0
        let height = Double(settings.count) * rowHeight + 40
        var out = "<figure id=\"\(id)\"><figcaption>\(escape(title))</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        let full = width - left - 60
        out += "<line x1=\"\(number(left + full))\" y1=\"10\" x2=\"\(number(left + full))\" y2=\"\(number(height - 20))\" stroke=\"#999\" stroke-dasharray=\"3 3\"/>"
        for (k, entry) in settings.enumerated() {
            let y = 15 + Double(k) * rowHeight
            let w = min(1.2, max(0, entry.value)) / 1.0 * full
            out += "<text x=\"\(number(left - 8))\" y=\"\(number(y + 13))\" text-anchor=\"end\" font-size=\"12\">\(escape(entry.name))</text>"
            out += "<rect class=\"bar\" data-series=\"\(escape(entry.name))\" data-value=\"\(number(entry.value))\" x=\"\(number(left))\" y=\"\(number(y))\" width=\"\(number(w))\" height=\"16\" fill=\"\(entry.value > 0.999 ? "#e15759" : "#1b6ca8")\"><title>\(escape(entry.name)): \(String(format: "%.0f%%", entry.value * 100))</title></rect>"
            out += "<text x=\"\(number(left + w + 6))\" y=\"\(number(y + 13))\" font-size=\"12\">\(String(format: "%.0f%%", entry.value * 100))</text>"
        }
        return out + "</svg></figure>"
    }

    static func axis(left: Double, top: Double, bottom: Double, width: Double, maximum: Double, unit: String, minimum: Double = 0) -> String {
        var out = "<line x1=\"\(number(left))\" y1=\"\(number(top))\" x2=\"\(number(left))\" y2=\"\(number(bottom))\" stroke=\"#333\"/>"
        out += "<line x1=\"\(number(left))\" y1=\"\(number(bottom))\" x2=\"\(number(width - 20))\" y2=\"\(number(bottom))\" stroke=\"#333\"/>"
        for k in 0...4 {
            let value = minimum + (maximum - minimum) * Double(k) / 4
            let y = bottom - (bottom - top) * Double(k) / 4
            out += "<text x=\"\(number(left - 6))\" y=\"\(number(y + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#555\">\(escape(format(value, unit)))</text>"
            out += "<line x1=\"\(number(left))\" y1=\"\(number(y))\" x2=\"\(number(width - 20))\" y2=\"\(number(y))\" stroke=\"#eee\"/>"
        }
        return out
    }

    static func legend(_ names: [String], x: Double, y: Double) -> String {
        var out = "", offset = x
        for (k, name) in names.enumerated() {
            out += "<rect x=\"\(number(offset))\" y=\"\(number(y - 9))\" width=\"10\" height=\"10\" fill=\"\(palette[k % palette.count])\"/>"
            out += "<text x=\"\(number(offset + 14))\" y=\"\(number(y))\" font-size=\"12\">\(escape(name))</text>"
            offset += 24 + Double(name.count) * 7
        }
        return out
    }

    static func format(_ value: Double, _ unit: String) -> String {
        unit == "£" ? (abs(value) >= 1e6 ? (value < 0 ? "−" : "") + String(format: "£%.1fm", abs(value) / 1e6) : ReportText.pounds(value)) : ReportText.children(value)
    }

    /// The page.
    public static func render(_ report: Report) -> String {
        let years = report.years
        var body = "<h1>\(escape(report.scenario))</h1>"
        body += "<p class=\"status\">Status: <b>\(escape(report.status))</b>"
        if let objective = report.objective { body += " · Total cost (present value): <b>\(ReportText.pounds(objective))</b>" }
        body += " · Verification: <b>\(report.verification.passed ? "passed" : "FAILED")</b></p>"
        if !report.explanation.isEmpty {
            body += "<h2>Why there is no plan</h2><ul>" + report.explanation.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
        }
        if !report.notes.isEmpty {
            body += "<h2>Notes</h2><ul>" + report.notes.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
        }
        if let costs = report.costs {
            body += stackedBars(id: "placements-by-type", title: "Children placed by setting type", years: years,
                                series: report.placementsByType.map { ($0.type, $0.children) }, unit: "children")
            body += stackedBars(id: "cost-stack", title: "Cost by year (£, that year's prices)", years: years, series: [
                ("placements", costs.byYear.map(\.placements)), ("transport", costs.byYear.map(\.transport)),
                ("capital", costs.byYear.map(\.capitalCharge)), ("unmet penalty", costs.byYear.map(\.unmetPenalty)),
            ], unit: "£")
            if !report.ages.isEmpty {
                body += stackedBars(id: "placements-by-age", title: "Children placed by age group", years: years,
                                    series: report.ages.map { ($0.age, $0.placed) }, unit: "children")
            }
            var deficit: [(name: String, values: [Double])] = [("with this plan", report.finance.map(\.cumulative))]
            if let without = report.withoutOptions, without.finance.count == years.count {
                deficit.append(("without the capital programme", without.finance.map(\.cumulative)))
            }
            body += lines(id: "deficit", title: "Cumulative High Needs deficit (£)", years: years, series: deficit, unit: "£")
            let last = years.count - 1
            let used = report.settings.compactMap { line in line.utilisation[last].map { (line.id, $0) } }
            if !used.isEmpty {
                body += utilisation(id: "utilisation", title: "Utilisation of each setting, \(years[last])", settings: used)
            }
        }
        var tables = ""
        for table in ReportTables.tables(report) where !table.rows.isEmpty && table.name != "summary" {
            tables += "<h2>\(escape(table.title))</h2><table><thead><tr>" + table.header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
            for row in table.rows {
                tables += "<tr>" + row.enumerated().map { column, cell in
                    if !table.textColumns.contains(column), let value = Double(cell), value.isFinite { return "<td class=\"n\">\(escape(ReportTables.readable(cell)))</td>" }
                    return "<td>\(escape(cell))</td>"
                }.joined() + "</tr>"
            }
            tables += "</tbody></table>"
        }
        let style = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:980px;color:#222}
        figure{display:inline-block;margin:1em 1em 1em 0;vertical-align:top}figcaption{font-weight:600;margin-bottom:.3em}
        table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border-bottom:1px solid #ddd;padding:.25em .6em;font-size:13px}
        td.n{text-align:right;font-variant-numeric:tabular-nums}th{text-align:left;background:#f4f4f4}
        """
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\(OutputKind.htmlGenerator)<title>\(escape(report.scenario))</title><style>\(style)</style></head><body>\(body)\(tables)<p><small>\(escape(report.verification.summary))</small></p></body></html>\n"
    }
}

extension ReportHTML {
    static func page(title: String, body: String) -> String {
        let style = "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}figure{display:inline-block;margin:1em 1em 1em 0;vertical-align:top}figcaption{font-weight:600}pre{font-size:12px;background:#f7f7f7;padding:1em;overflow-x:auto}"
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\(OutputKind.htmlGenerator)<title>\(escape(title))</title><style>\(style)</style></head><body><h1>\(escape(title))</h1>\(body)</body></html>\n"
    }

    static func typeSeries(_ reports: [Report], year: (Report) -> Int) -> [(name: String, values: [Double])] {
        SettingType.allCases.map(\.rawValue).compactMap { type in
            let values = reports.map { report in report.placementsByType.first { $0.type == type }?.children[year(report)] ?? 0 }
            return values.contains { $0 > 0 } ? (type, values) : nil
        }
    }

    /// Several plans side by side: their deficits over the years, their placement mix in the last
    /// year, and the comparison table.
    public static func comparison(_ reports: [(label: String, report: Report)]) -> String {
        guard let first = reports.first?.report else { return page(title: "Comparison", body: "") }
        var body = lines(id: "deficit", title: "Cumulative High Needs deficit (£)", years: first.years,
                         series: reports.filter { $0.report.finance.count == first.years.count }.map { ($0.label, $0.report.finance.map(\.cumulative)) }, unit: "£")
        body += stackedBars(id: "placements-by-type", title: "Children by setting type, \(first.years.last ?? "")", years: reports.map(\.label),
                            series: typeSeries(reports.map(\.report)) { $0.years.count - 1 }, unit: "children")
        body += "<pre>\(escape(ReportText.comparison(reports)))</pre>"
        return page(title: "Comparison: \(first.scenario)", body: body)
    }

    /// A sweep: total cost and the placement mix against the input.
    public static func sweep(path: String, points: [(value: String, report: Report)], changes: Set<Int>, table: String) -> String {
        let labels = points.map(\.value)
        var body = lines(id: "cost", title: "Total cost (present value, £) against \(path)", years: labels,
                         series: [("total cost", points.map { $0.report.objective ?? 0 })], unit: "£")
        body += stackedBars(id: "placements-by-type", title: "Children by setting type in the last year", years: labels,
                            series: typeSeries(points.map(\.report)) { $0.years.count - 1 }, unit: "children")
        if !changes.isEmpty {
            body += "<p>The optimal mix changes at \(changes.sorted().map { escape(points[$0].value) }.joined(separator: ", ")).</p>"
        }
        body += "<pre>\(escape(table))</pre>"
        return page(title: "Sweep of \(path)", body: body)
    }
}
