import Foundation

/// Renders a ``Report`` as plain-text tables for a terminal, and as JSON.
public enum ReportText {
    /// £ amounts with thousands separators and no pence: `12,345,678`.
    public static func money(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        let rounded = value.rounded()
        let negative = rounded < 0
        // Every digit of any double, however large (an Int64 would trap above 9.2e18).
        var digits = String(format: "%.0f", abs(rounded))
        var groups: [String] = []
        while digits.count > 3 { groups.insert(String(digits.suffix(3)), at: 0); digits.removeLast(3) }
        groups.insert(digits, at: 0)
        return (negative ? "−" : "") + groups.joined(separator: ",")
    }

    /// £ amounts for a sentence, the sign before the pound: `£12,345`, `−£4,600,000`.
    public static func pounds(_ value: Double) -> String {
        let text = money(value)
        return text.hasPrefix("−") ? "−£" + text.dropFirst() : "£" + text
    }

    /// Children: whole numbers plainly, fractions to one decimal place.
    public static func children(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e300 else { return money(value) }
        let tenths = (value * 10).rounded()
        let whole = money((tenths / 10).rounded(.towardZero))
        let fraction = Int(abs(tenths).truncatingRemainder(dividingBy: 10))
        if fraction == 0 { return whole }
        return (tenths < 0 && whole == "0" ? "−" : "") + whole + ".\(fraction)"
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "—" }
        return String(format: "%.0f%%", value * 100)
    }

    /// A table with a header row; the first column is left-aligned, the rest right-aligned.
    public static func table(_ header: [String], _ rows: [[String]], left: Set<Int> = [0]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0.indices.contains(c) ? $0[c].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            var text = cells.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: max(0, widths[c] - cell.count))
                return left.contains(c) ? cell + pad : pad + cell
            }.joined(separator: "  ")
            // Trailing blanks off, in linear time (a regular expression here was quadratic in a long name).
            while let last = text.unicodeScalars.last, last.properties.isWhitespace { text.unicodeScalars.removeLast() }
            return text
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }

    /// The report as readable tables, the default on a terminal.
    public static func render(_ report: Report) -> String {
        var out: [String] = []
        out.append("Sufficiency: \(report.scenario)")
        var headline = "Status: \(report.status)"
        if let robust = report.robust, let value = robust.value {
            headline += robust.objective == "regret" ? "    Largest regret over \(robust.futures.count) futures (present value): £\(money(value))"
                : "    Expected cost over \(robust.futures.count) futures (present value): £\(money(value))"
        } else if let objective = report.objective { headline += "    Total cost (present value): £\(money(objective))" }
        if let gap = report.solver.mipGap, report.status == ModelStatus.feasible.rawValue { headline += String(format: "    MIP gap: %.2f%%", gap * 100) }
        out.append(headline)
        if !report.explanation.isEmpty {
            out.append("")
            out.append("Why there is no plan:")
            out.append(contentsOf: report.explanation.map { "  - \($0)" })
        }
        if !report.notes.isEmpty {
            out.append("")
            out.append("Notes:")
            out.append(contentsOf: report.notes.map { "  - \($0)" })
        }
        if let robust = report.robust, !robust.futures.isEmpty { out.append(""); out.append(contentsOf: futureLines(report, robust)) }
        guard let costs = report.costs else {
            if let provenance = report.provenance { out.append(""); out.append(contentsOf: provenanceLines(provenance)) }
            out.append("")
            out.append(solverLine(report))
            return out.joined(separator: "\n") + "\n"
        }
        let years = report.years
        // Settings by their names (the id too when it differs), as a planner knows them.
        // (The id is added only where two settings share a name.)
        let names = Dictionary(report.settings.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let shared = Set(Dictionary(grouping: report.settings, by: \.name).filter { $0.value.count > 1 }.keys)
        func setting(_ id: String) -> String { names[id].map { shared.contains($0) ? "\($0) (\(id))" : $0 } ?? id }
        out.append("Children are shown to one decimal place; money in whole pounds (−£ is a saving or surplus).")

        out.append("")
        out.append("Costs by year (£, that year's prices; total cost discounts them to today)")
        var costRows = costs.byYear.map { [$0.year, money($0.placements), money($0.transport), money($0.capitalCharge), money($0.unmetPenalty), money($0.total)] }
        costRows.append(["present value", "", "", "", "", money(costs.presentValue)])
        out.append(table(["year", "placements", "transport", "capital", "unmet penalty", "total"], costRows))

        out.append("")
        out.append("Children placed by setting type")
        out.append(table(["type"] + years, report.placementsByType.map { [$0.type] + $0.children.map(children) }))

        out.append("")
        if report.ages.isEmpty {
            out.append("Children placed by need and setting")
            out.append(table(["need", "setting"] + years, report.placements.map { [$0.need, setting($0.setting)] + $0.children.map(children) }, left: [0, 1]))
        } else {
            out.append("Children placed by need, age group and setting")
            out.append(table(["need", "age group", "setting"] + years, report.placements.map { [$0.need, $0.age ?? "", setting($0.setting)] + $0.children.map(children) }, left: [0, 1, 2]))
        }

        out.append("")
        if report.unmet.isEmpty {
            out.append("Unmet need: none — every child has a place.")
        } else {
            out.append("Unmet need (children without a suitable place: the sufficiency gap)")
            out.append(table(["need"] + years, report.unmet.map { [$0.need] + $0.children.map(children) }))
            let unreachable = report.unmet.filter { $0.noSuitableSetting.contains { $0 > 0 } }
            if !unreachable.isEmpty {
                out.append("  of which no setting in the scenario can take at all: " + unreachable.map { "\($0.need) (\(children($0.noSuitableSetting.max() ?? 0)) at most)" }.joined(separator: ", "))
            }
        }

        out.append("")
        out.append("Settings: children / places (utilisation)")
        let settingRows = report.settings.map { line in
            [setting(line.id), line.type] + years.indices.map { t in
                guard let capacity = line.capacity[t] else { return line.children[t] > 0 ? "\(children(line.children[t])) / unlimited" : "—" }
                return "\(children(line.children[t])) / \(children(capacity)) (\(percent(line.utilisation[t])))"
            }
        }
        out.append(table(["setting", "type"] + years, settingRows, left: [0, 1]))

        let valued = report.settings.filter { $0.marginalValue.contains { ($0 ?? 0) > 0.5 } }
        out.append("")
        if valued.isEmpty {
            out.append("Value of one more place: no setting is short of places.")
        } else {
            out.append("Value of one more place (£ saved in that year by one extra place; — where places are not limited)")
            out.append(table(["setting"] + years, valued.map { [setting($0.id)] + $0.marginalValue.map { $0.map(money) ?? "—" } }))
        }

        if !report.options.isEmpty {
            out.append("")
            out.append("Capital options (saving a year: placements, transport and unplaced children against the programme without the option and those it includes; payback = their capital ÷ that saving)")
            out.append(table(["option", "setting", "places", "capital cost £", "decision", "decide by", "saving a year £", "payback"], report.options.map { option in
                let decision = option.chosen ? (option.amount < 0.999 ? "build \(String(format: "%.0f%%", option.amount * 100)) in \(option.openingYear ?? "")" : "open \(option.openingYear ?? "")") : "not chosen"
                let name = option.name
                if option.chosen {
                    let optionNames = option.savingIncludes.map { id in report.options.first { $0.id == id }?.name ?? id }
                    let with = optionNames.isEmpty ? "" : " (with \(optionNames.joined(separator: ", ")))"
                    return [name, setting(option.setting), children(option.places), money(option.capitalCost), decision, option.decideBy ?? "",
                            option.yearlySaving.map { money($0) + with } ?? "", option.paybackYears.map { String(format: "%.1f years", $0) } ?? "—"]
                }
                let needed = option.savingNeeded.map { "\(pounds($0)) dearer (present value) if built" } ?? "—"
                return [name, setting(option.setting), children(option.places), money(option.capitalCost), decision, "", needed, ""]
            }))
            let unexplained = report.options.filter { ($0.chosen && $0.paybackYears == nil) || (!$0.chosen && $0.savingNeeded == nil) }
            for option in unexplained where option.comparison != nil { out.append("  \(option.id): \(option.comparison!)") }
        }

        if !report.ages.isEmpty {
            out.append("")
            out.append("Children by age group: placed (unmet)")
            out.append(table(["age group"] + years, report.ages.map { line in
                [line.age] + years.indices.map { t in line.unmet[t] > 0 ? "\(children(line.placed[t])) (\(children(line.unmet[t])) unmet)" : children(line.placed[t]) }
            }))
            out.append("")
            if report.phaseTransfers.isEmpty {
                out.append("Phase transfers: none — every child who moves up a group keeps a place that serves it.")
            } else {
                out.append("Phase transfers (children moving up to a group their setting does not serve; £ a year a child, placement and transport)")
                out.append(table(["year", "need", "from → to", "children", "place left", "new place", "dearer"], report.phaseTransfers.map {
                    [$0.year, $0.need, "\($0.fromAge) → \($0.toAge)", children($0.children), money($0.costOfPlaceLeft),
                     $0.costOfNewPlace.map(money) ?? "none: unmet", $0.newPlaceDearer.map { $0 ? "yes" : "no" } ?? "—"]
                }))
            }
            if !report.ageCapacity.isEmpty {
                out.append("")
                out.append("Places capped by age group: children / places (utilisation)")
                out.append(table(["setting", "age group"] + years, report.ageCapacity.map { line in
                    [line.setting, line.age] + years.indices.map { t in
                        line.capacity[t].map { "\(children(line.children[t])) / \(children($0)) (\(percent(line.utilisation[t])))" } ?? "—"
                    }
                }))
            }
        }

        if !report.policies.isEmpty {
            out.append("")
            out.append("Policies")
            out.append(table(["policy", "year", "children", "minimum", "maximum"], report.policies.map {
                [$0.policy, $0.year, children($0.children), $0.minimum.map(children) ?? "—", $0.maximum.map(children) ?? "—"]
            }))
        }

        if !report.zones.isEmpty {
            out.append("")
            out.append("Zones: children placed / unmet, journey average / longest (minutes), transport £ (first and last year)")
            let last = years.count - 1
            let shown = report.zones.count > 40 ? Array(report.zones.sorted { ($0.unmet.max() ?? 0, $0.zone) > ($1.unmet.max() ?? 0, $1.zone) }.prefix(40)) : report.zones
            out.append(table(["zone"] + years + ["journey", "transport " + years[0], "transport " + years[last]], shown.map { zone in
                let journey = "\(zone.averageMinutes[last].map { String(format: "%.0f", $0) } ?? "—") / \(zone.maxMinutes[last].map { String(format: "%.0f", $0) } ?? "—")"
                return [zone.zone] + years.indices.map { "\(children(zone.placed[$0])) / \(children(zone.unmet[$0]))" } + [journey, money(zone.transportCost[0]), money(zone.transportCost[last])]
            }))
            if report.zones.count > shown.count { out.append("  (\(report.zones.count - shown.count) more zones in the JSON report; those with most unmet need shown)") }
        }

        if !report.finance.isEmpty {
            out.append("")
            let transport = report.finance[0].transportInHighNeeds ? "transport paid from the High Needs Block" : "transport paid by the General Fund, shown apart"
            out.append("High Needs finance in the shape of a DSG management plan (\(transport); + is a deficit)")
            out.append(FinancePlan.text(report))
        }

        if let capital = report.capital {
            out.append("")
            let budget = capital.budget.map { "budget \(pounds($0)), used \(pounds(capital.used)), left \(pounds(capital.left ?? 0))" } ?? "no overall budget; used \(pounds(capital.used))"
            out.append("Capital (\(budget); cash in the opening year, \(capital.accounting) in the cost)")
            out.append(table(["year", "budget", "spend", "opening"], capital.byYear.map {
                [$0.year, $0.budget.map(money) ?? "no limit", money($0.spend), $0.opening.joined(separator: ", ")]
            }))
        }

        if let without = report.withoutOptions {
            out.append("")
            out.append("With and without the capital programme")
            if without.finance.isEmpty {
                out.append("  without any option: \(without.status)")
            } else {
                var rows: [[String]] = []
                for (t, year) in years.enumerated() {
                    let with = report.finance[t], other = without.finance[t]
                    rows.append([year, money(with.cumulative), money(other.cumulative), children(with.unmetChildren), children(other.unmetChildren),
                                 money(with.cumulativeIfAllPlaced), money(other.cumulativeIfAllPlaced),
                                 children(report.placementsByType.first { $0.type == "independent" }?.children[t] ?? 0),
                                 children(without.independentChildren[t])])
                }
                out.append(table(["year", "deficit with £", "without £", "unmet with", "without", "if all placed with £", "without £",
                                  "independent with", "without"], rows))
                if let objective = report.objective, let other = without.objective {
                    out.append("  total cost (present value, capital included): \(pounds(objective)) with, \(pounds(other)) without")
                }
            }
        }

        if let provenance = report.provenance { out.append(""); out.append(contentsOf: provenanceLines(provenance)) }

        out.append("")
        out.append("Verification: \(report.verification.passed ? "" : "*** ")\(report.verification.summary)")
        for failure in report.verification.scenarioFailures.prefix(5) { out.append("  - \(failure)") }
        for failure in (report.verification.model?.failures ?? []).prefix(5) { out.append("  - \(failure)") }
        out.append(solverLine(report))
        return out.joined(separator: "\n") + "\n"
    }

    /// Where the numbers come from, for the end of a report.
    /// The futures table and the measures of a plan over futures.
    static func futureLines(_ report: Report, _ robust: Report.RobustSummary) -> [String] {
        var out = ["Futures (the capital plan is shared; each future's placements are its own; £ present value, capital included)"]
        let last = report.years.last ?? ""
        let rows = robust.futures.map { f in
            [f.id, String(format: "%.3g", f.probability), money(f.cost), money(f.ownBest), money(f.regret), children(f.unmetChildren.reduce(0, +)),
             money(f.cumulativeDeficit.last ?? 0), children(f.newPlacesUsed.last ?? 0)]
        }
        out.append(table(["future", "probability", "cost with the plan", "its own best", "regret", "unmet (child-years)", "deficit \(last)", "new places used \(last)"], rows))
        out.append("")
        var measures: [[String]] = []
        if let rp = robust.expectedCost { measures.append(["RP", "the plan's expected cost", money(rp)]) }
        if let ws = robust.waitAndSee { measures.append(["WS", "wait and see: each future's own best, averaged", money(ws)]) }
        if let evpi = robust.evpi { measures.append(["EVPI", "RP − WS: what knowing the future would save", money(evpi)]) }
        if let eev = robust.meanFuturePlanCost { measures.append(["EEV", "the mean future's best plan, averaged over the futures", money(eev)]) }
        if let vss = robust.vss { measures.append(["VSS", "EEV − RP: what planning for the spread saves", money(vss)]) }
        if robust.objective == "regret", let r = robust.value { measures.append(["R", "the largest regret", money(r)]) }
        out.append(table(["measure", "meaning", "£"], measures, left: [0, 1]))
        out.append(contentsOf: robust.sentences.map { "  \($0)" })
        return out
    }

    static func provenanceLines(_ p: Report.Provenance) -> [String] {
        var lines = ["Provenance: \(p.tool) \(p.version), GLPK \(p.glpk), \(p.method), MIP gap asked \(ReportTables.number(p.mipGapRequested))"
                     + (p.timeLimit.map { ", time limit \(ReportTables.number($0)) s" } ?? "")
                     + (p.runAt.map { ", run \($0)" } ?? "")]
        for input in p.inputs { lines.append("  input \(input.name): \(input.bytes) bytes, SHA-256 \(input.sha256)") }
        for edit in p.edits { lines.append("  edited: \(edit)") }
        lines.append("  rates: " + p.rates.map { "\($0.name) \($0.value)" }.joined(separator: "; "))
        if !p.defaultsApplied.isEmpty { lines.append("  defaults applied: " + p.defaultsApplied.joined(separator: "; ")) }
        return lines
    }

    static func solverLine(_ report: Report) -> String {
        let s = report.solver
        var text = "Solver: GLPK \(s.glpk), \(s.method); \(s.rows) rows, \(s.columns) columns (\(s.integerColumns) integer), \(s.nonzeros) nonzeros; \(s.iterations) iterations"
        if s.integerColumns > 0 { text += ", \(s.nodes) nodes" }
        if let build = s.buildSeconds, let solve = s.solveSeconds {
            text += String(format: "; build %.3f s, solve %.3f s, verify %.3f s", build, solve, s.verifySeconds ?? 0)
        }
        return text
    }

    /// The report as JSON with sorted keys, so equal reports give equal bytes.
    public static func json(_ report: Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }
}

extension ReportText {
    /// Reports side by side: every measure of ``ComparisonFormats`` by year, each column after the
    /// first with its difference to the first, then the options each opened.
    public static func comparison(_ reports: [(label: String, report: Report)]) -> String {
        guard !reports.isEmpty else { return "" }
        var rows: [[String]] = [["status", ""] + reports.map { $0.report.status }]
        for measure in ComparisonFormats.measures(years: ComparisonFormats.years(reports.map(\.report)), types: ComparisonFormats.types(reports.map(\.report))) {
            let format: (Double) -> String = measure.format == .money ? { money($0) } : { children($0) }
            let reference = measure.value(reports[0].report)
            rows.append([measure.name, measure.year] + reports.enumerated().map { index, entry in
                guard let v = measure.value(entry.report) else { return "—" }
                guard index > 0, let reference else { return format(v) }
                let delta = v - reference
                let shown = format(delta)
                return shown == "0" || shown == "0.0" ? format(v) : "\(format(v)) (\(delta > 0 ? "+" : "")\(shown))"
            })
        }
        rows.append(["options opened", ""] + reports.map { ComparisonFormats.options($0.report).isEmpty ? "—" : ComparisonFormats.options($0.report) })
        var out = "Sufficiency: comparison of \(reports.count) variants (£ of each year, the total a present value; children to one decimal; differences to the first in brackets)\n"
        out += table(["", "year"] + reports.map(\.label), rows) + "\n"
        let unexplained = reports.filter { !$0.report.explanation.isEmpty }
        for entry in unexplained { out += "\n\(entry.label): no plan: " + entry.report.explanation.joined(separator: "; ") + "\n" }
        for entry in reports where entry.report.costs != nil && !entry.report.verification.passed {
            out += "\n\(entry.label): VERIFICATION FAILED: \(entry.report.verification.summary)\n"
        }
        out += "\nProvenance:\n"
        for entry in reports {
            guard let p = entry.report.provenance else { continue }
            let inputs = p.inputs.map { "\($0.name) (SHA-256 \($0.sha256))" }.joined(separator: ", ")
            out += "  \(entry.label): \(p.tool) \(p.version), GLPK \(p.glpk), \(p.method); \(inputs)" + (p.edits.isEmpty ? "" : "; edited \(p.edits.joined(separator: "; "))") + "\n"
        }
        return out
    }
}
