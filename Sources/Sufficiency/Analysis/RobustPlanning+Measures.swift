import Foundation

/// What a plan over futures reports beside the costs: the new places used and the measures in words.
extension RobustPlanning {
    /// Children in the places the plan adds, by year: all the children of a new setting, and
    /// those above an expanded setting's own capacity (at most the places added).
    static func newPlacesUsed(_ report: Report, scenario: Scenario) -> [Double] {
        let T = report.years.count
        var used = [Double](repeating: 0, count: T)
        let byID = Dictionary(report.settings.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var added: [String: [Double]] = [:]
        for line in report.options where line.chosen {
            guard let opening = line.openingYear.flatMap({ report.years.firstIndex(of: $0) }) else { continue }
            for t in opening..<T { added[line.setting, default: [Double](repeating: 0, count: T)][t] += line.places * line.amount }
        }
        for (id, places) in added.sorted(by: { $0.key < $1.key }) { // in order: the sums are the same bytes every run
            guard let line = byID[id], let setting = scenario.settings.first(where: { $0.id == id }) else { continue }
            for t in 0..<T {
                if setting.createdByOption != nil { used[t] += line.children[t]; continue }
                let base = setting.capacity[t] ?? .infinity
                used[t] += min(places[t], max(0, line.children[t] - base))
            }
        }
        return used
    }

    /// The measures in a planner's words.
    static func sentences(_ s: Report.RobustSummary, regret: Bool) -> [String] {
        var lines: [String] = []
        if let rp = s.expectedCost, let ws = s.waitAndSee {
            lines.append("The plan costs \(ReportText.pounds(rp)) on average over the futures (RP); knowing the future in advance would save \(ReportText.pounds(rp - ws)) (EVPI: WS is \(ReportText.pounds(ws))).")
        }
        if let eev = s.meanFuturePlanCost, let rp = s.expectedCost {
            lines.append(regret ? "The plan best for the average future would cost \(ReportText.pounds(eev)) on average (EEV)."
                         : "Planning for the average future instead of for the spread would cost \(ReportText.pounds(eev - rp)) more (VSS: EEV is \(ReportText.pounds(eev))).")
        } else if let why = s.eevNotDefined {
            lines.append("The plan best for the average future cannot be costed over the futures (EEV not defined): \(why).")
        }
        if regret, let r = s.value {
            lines.append("Whatever happens, the plan costs at most \(ReportText.pounds(r)) more than the best plan for that future would have (the largest regret).")
        }
        return lines
    }
}
