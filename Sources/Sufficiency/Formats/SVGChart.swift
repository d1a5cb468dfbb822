import Foundation

/// SVG charts for the HTML pages, drawn here (no script, no external resource): stacked bars and
/// lines over labelled categories (years, variants, sweep points). Axes are titled, ticks fall
/// on round numbers (1, 2, 2.5 or 5 × 10^k), a zero line is drawn when the range spans zero,
/// money is written −£4.6m, legends wrap onto as many rows as they need, and category labels
/// turn when they would overlap. Every element lies inside the SVG's own box (the tests check
/// it), and every bar and point carries its number in `data-value` for the tests to compare
/// with the JSON report. The SVG scales to its container (`viewBox`, CSS width 100%), so a
/// phone shows the whole chart.
struct SVGChart {
    enum Unit { case money, children, percent }
    struct Series { var name: String; var values: [Double?] }
    enum Kind { case stackedBars, lines }

    var id: String
    var title: String
    var yTitle: String
    var xTitle: String
    var categories: [String]
    var series: [Series]
    var unit: Unit
    var kind: Kind
    /// A note under the title (what the chart shows, in a sentence).
    var note: String = ""

    static let palette = ["#1b6ca8", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#9c755f", "#edc948", "#4e79a7", "#ff9da7"]
    static let width = 560.0
    /// Approximate width of a character at `size` px in the page's sans-serif font.
    static func textWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.58 }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(format: "%.0f", rounded) : String(format: "%.2f", rounded)
    }

    /// Round ticks covering [low, high]: a step of 1, 2, 2.5 or 5 × 10^k giving about `count` intervals.
    static func ticks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        var low = low, high = high
        if high - low < 1e-9 { high = low + max(1, abs(low) * 0.1) }
        let raw = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        // The smallest round step at least three quarters of the even one: four to seven intervals.
        let step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw * 0.75 } ?? 10 * magnitude
        low = floor(low / step) * step
        high = ceil(high / step) * step
        let n = Int(((high - low) / step).rounded())
        return (0...n).map { k in
            let value = low + Double(k) * step
            return abs(value) < step * 1e-9 ? 0 : value
        }
    }

    /// A tick label: money compactly (£0, £500k, £2.5m, −£4.6m), children with separators, shares in %.
    static func tickLabel(_ value: Double, _ unit: Unit) -> String {
        switch unit {
        case .children: return ReportText.money(value)
        case .percent: return String(format: "%.0f%%", value * 100)
        case .money:
            let sign = value < 0 ? "−" : "", size = abs(value)
            func compact(_ x: Double) -> String {
                let text = String(format: "%.2f", x)
                var trimmed = text
                while trimmed.hasSuffix("0") { trimmed.removeLast() }
                if trimmed.hasSuffix(".") { trimmed.removeLast() }
                return trimmed
            }
            if size >= 1e9 { return "\(sign)£\(compact(size / 1e9))bn" }
            if size >= 1e6 { return "\(sign)£\(compact(size / 1e6))m" }
            if size >= 1e3 { return "\(sign)£\(compact(size / 1e3))k" }
            return "\(sign)£\(compact(size))"
        }
    }

    /// A value as a reader sees it in a tooltip.
    static func valueLabel(_ value: Double, _ unit: Unit) -> String {
        switch unit {
        case .children: return "\(ReportText.children(value)) children"
        case .percent: return String(format: "%.1f%%", value * 100)
        case .money: return abs(value) >= 1e6 ? tickLabel((value / 1e5).rounded() * 1e5, .money) : ReportText.pounds(value)
        }
    }

    func svg() -> String {
        let width = Self.width
        let plotHeight = 220.0
        // Legend rows, wrapped to the width.
        var legend: [(name: String, x: Double, row: Int)] = []
        var x = 10.0, row = 0
        for entry in series {
            let w = 18 + Self.textWidth(entry.name, size: 13) + 14
            if x + w > width - 10 && x > 10 { x = 10; row += 1 }
            legend.append((entry.name, x, row))
            x += w
        }
        let legendRows = series.count > 1 || kind == .stackedBars ? row + 1 : 0
        let top = 14 + Double(legendRows) * 18 + 10
        // Ticks and the left margin they need.
        var values: [Double] = [0]
        switch kind {
        case .stackedBars:
            for c in categories.indices {
                var up = 0.0, down = 0.0
                for entry in series { let v = c < entry.values.count ? entry.values[c] ?? 0 : 0; if v >= 0 { up += v } else { down += v } }
                values += [up, down]
            }
        case .lines:
            values += series.flatMap { $0.values.compactMap { $0 } }
        }
        let tickValues = Self.ticks(values.min() ?? 0, values.max() ?? 1)
        let low = tickValues.first!, high = tickValues.last!
        let labels = tickValues.map { Self.tickLabel($0, unit) }
        let left = 36 + (labels.map { Self.textWidth($0, size: 12) }.max() ?? 20) + 8
        let right = 16.0
        let plotWidth = width - left - right
        let slot = plotWidth / Double(max(1, categories.count))
        // Category labels turn when they would overlap.
        let longest = categories.map { Self.textWidth($0, size: 12) }.max() ?? 0
        let turned = longest > slot - 4
        var shown = categories.map { $0.count > 28 ? String($0.prefix(27)) + "…" : $0 }
        // Labels that the cut makes alike are numbered, so two variants never look the same.
        if Set(shown).count < shown.count { shown = shown.enumerated().map { "\($0.offset + 1). \($0.element)" } }
        let longestShown = Double(min(28, shown.map(\.count).max() ?? 0))
        let labelDepth: Double = turned ? longestShown * 12 * 0.58 * 0.71 + 14 : 18
        let bottomOfPlot = top + plotHeight
        let height = (bottomOfPlot + labelDepth + 30).rounded(.up)
        func y(_ value: Double) -> Double { bottomOfPlot - (value - low) / (high - low) * plotHeight }

        var out = "<figure id=\"\(Self.escape(id))\"><figcaption>\(Self.escape(title))</figcaption>"
        if !note.isEmpty { out += "<p class=\"note\">\(Self.escape(note))</p>" }
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" role=\"img\" aria-label=\"\(Self.escape(title))\" font-family=\"sans-serif\">"
        // Legend.
        if legendRows > 0 {
            for (k, item) in legend.enumerated() {
                let ly = 14 + Double(item.row) * 18
                out += "<rect class=\"legend\" x=\"\(Self.number(item.x))\" y=\"\(Self.number(ly - 10))\" width=\"12\" height=\"12\" fill=\"\(Self.palette[k % Self.palette.count])\"/>"
                out += "<text class=\"legend\" x=\"\(Self.number(item.x + 18))\" y=\"\(Self.number(ly))\" font-size=\"13\">\(Self.escape(item.name))</text>"
            }
        }
        // Grid, ticks, the zero line and the axis titles.
        for (k, value) in tickValues.enumerated() {
            let ty = y(value)
            out += "<line x1=\"\(Self.number(left))\" y1=\"\(Self.number(ty))\" x2=\"\(Self.number(width - right))\" y2=\"\(Self.number(ty))\" stroke=\"\(value == 0 ? "#333" : "#e4e4e4")\" stroke-width=\"\(value == 0 ? 1.5 : 1)\"\(value == 0 ? " class=\"zero\"" : "")/>"
            out += "<text class=\"tick\" data-value=\"\(Self.number(value))\" x=\"\(Self.number(left - 6))\" y=\"\(Self.number(ty + 4))\" text-anchor=\"end\" font-size=\"12\" fill=\"#444\">\(Self.escape(labels[k]))</text>"
        }
        out += "<line x1=\"\(Self.number(left))\" y1=\"\(Self.number(top))\" x2=\"\(Self.number(left))\" y2=\"\(Self.number(bottomOfPlot))\" stroke=\"#333\"/>"
        out += "<text class=\"axis-title\" transform=\"translate(14 \(Self.number(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\" fill=\"#333\">\(Self.escape(yTitle))</text>"
        out += "<text class=\"axis-title\" x=\"\(Self.number(left + plotWidth / 2))\" y=\"\(Self.number(height - 8))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#333\">\(Self.escape(xTitle))</text>"
        // Category labels.
        for (c, full) in shown.enumerated() {
            let cx = left + (Double(c) + 0.5) * slot
            // A turned label runs up and left from its category: no longer than the room there.
            let room = Int((cx - 4) / (12 * 0.58 * 0.71))
            var label = turned && full.count > room ? String(full.prefix(max(1, room - 1))) + "…" : full
            if label.hasSuffix("…"), shown.filter({ $0.hasPrefix(String(label.dropLast())) }).count > 1, !label.hasPrefix("\(c + 1).") {
                label = "\(c + 1). " + String(label.dropLast().prefix(max(1, room - 4))) + "…"
            }
            if turned {
                out += "<text class=\"category\" transform=\"translate(\(Self.number(cx)) \(Self.number(bottomOfPlot + 12))) rotate(-45)\" text-anchor=\"end\" font-size=\"12\"><title>\(Self.escape(categories[c]))</title>\(Self.escape(label))</text>"
            } else {
                out += "<text class=\"category\" x=\"\(Self.number(cx))\" y=\"\(Self.number(bottomOfPlot + 17))\" text-anchor=\"middle\" font-size=\"12\">\(Self.escape(label))</text>"
            }
        }
        // The data.
        switch kind {
        case .stackedBars:
            let barWidth = min(60, slot * 0.6)
            for c in categories.indices {
                var up = 0.0, down = 0.0
                let bx = left + (Double(c) + 0.5) * slot - barWidth / 2
                for (k, entry) in series.enumerated() {
                    guard c < entry.values.count, let value = entry.values[c], value != 0 else { continue }
                    let from = value >= 0 ? up : down
                    let to = from + value
                    if value >= 0 { up = to } else { down = to }
                    let y1 = y(max(from, to)), y2 = y(min(from, to))
                    out += "<rect class=\"bar\" data-series=\"\(Self.escape(entry.name))\" data-category=\"\(Self.escape(categories[c]))\" data-value=\"\(Self.number(value))\" x=\"\(Self.number(bx))\" y=\"\(Self.number(y1))\" width=\"\(Self.number(barWidth))\" height=\"\(Self.number(max(0, y2 - y1)))\" fill=\"\(Self.palette[k % Self.palette.count])\"><title>\(Self.escape(entry.name)), \(Self.escape(categories[c])): \(Self.escape(Self.valueLabel(value, unit)))</title></rect>"
                }
            }
        case .lines:
            for (k, entry) in series.enumerated() {
                let colour = Self.palette[k % Self.palette.count]
                var points: [(Double, Double)] = []
                for (c, value) in entry.values.enumerated() where c < categories.count {
                    guard let value else { continue }
                    points.append((left + (Double(c) + 0.5) * slot, y(value)))
                }
                if points.count > 1 {
                    out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2.5\"\(k > 0 ? " stroke-dasharray=\"\(k % 2 == 1 ? "7 4" : "2 3")\"" : "") points=\"\(points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " "))\"/>"
                }
                for (c, value) in entry.values.enumerated() where c < categories.count {
                    guard let value else { continue }
                    out += "<circle class=\"point\" data-series=\"\(Self.escape(entry.name))\" data-category=\"\(Self.escape(categories[c]))\" data-value=\"\(Self.number(value))\" cx=\"\(Self.number(left + (Double(c) + 0.5) * slot))\" cy=\"\(Self.number(y(value)))\" r=\"4\" fill=\"\(colour)\"><title>\(Self.escape(entry.name)), \(Self.escape(categories[c])): \(Self.escape(Self.valueLabel(value, unit)))</title></circle>"
                }
            }
        }
        return out + "</svg></figure>"
    }
}
