import Foundation

/// What `project` writes: the demand CSV (which `"demand": {"csv": …}` reads), the scenario
/// fragment, a scenario with the projection merged in, and the backtest table.
extension DemandProjection {
    /// The CSV header `project` writes (with and without age groups); recognised as ours on overwrite.
    public static func csvHeader(ages: Bool) -> String {
        (["year", "need"] + (ages ? ["age"] : []) + ["children", "sd"] + percentiles.map { "p\(DecodeContext.show($0))" } + ["written-by"]).joined(separator: ",")
    }

    /// The cell of the first row's last column: who wrote the table, and its ``Seal``.
    static let writtenBy = "sufficiency-solve project " + Seal.placeholder

    static func rounded(_ x: Double) -> Double { (x * 100).rounded() / 100 }

    static func text(_ x: Double) -> String {
        let r = rounded(x)
        return r == r.rounded() ? String(Int(r)) : String(format: "%.2f", r).replacingOccurrences(of: #"0$"#, with: "", options: .regularExpression)
    }

    /// Demand by year, need (and age group): the expected children, then the spread of the simulations (empty without).
    public func csv() -> String {
        let N = needs.count, G = groupCount
        var rows: [[String]] = []
        for (t, census) in censusYears.enumerated() {
            for n in 0..<N {
                for g in 0..<G {
                    let k = (t * N + n) * G + g
                    var cells = [Self.yearLabel(census: census), needs[n]] + (groups.isEmpty ? [] : [groups[g].id]) + [Self.text(mean[k])]
                    if let sd, let bands { cells += [Self.text(sd[k])] + bands.map { Self.text($0[k]) } } else { cells += [String](repeating: "", count: 1 + Self.percentiles.count) }
                    cells.append(rows.isEmpty ? Self.writtenBy : "")
                    rows.append(cells)
                }
            }
        }
        let header = Self.csvHeader(ages: !groups.isEmpty).components(separatedBy: ",")
        return Seal.seal(ReportTables.csv(ReportTables.Table(name: "demand", title: "Projected demand", header: header, rows: rows,
                                                             text: groups.isEmpty ? [0, 1, header.count - 1] : [0, 1, 2, header.count - 1])))
    }

    /// A demand table year → need (→ age group) → children, of `values` laid out like ``mean``;
    /// needs of `allNeeds` the records lack are 0.
    func demandTable(_ values: [Double], allNeeds: [String]? = nil) -> [String: Any] {
        let N = needs.count, G = groupCount
        var table: [String: Any] = [:]
        for (t, census) in censusYears.enumerated() {
            var byNeed: [String: Any] = [:]
            for need in allNeeds ?? [] { byNeed[need] = groups.isEmpty ? 0 : [:] as [String: Any] }
            for n in 0..<N {
                if groups.isEmpty { byNeed[needs[n]] = Self.rounded(values[t * N + n]) } else {
                    var byGroup: [String: Any] = [:]
                    for g in 0..<G { byGroup[groups[g].id] = Self.rounded(values[(t * N + n) * G + g]) }
                    byNeed[needs[n]] = byGroup
                }
            }
            table[Self.yearLabel(census: census)] = byNeed
        }
        return table
    }

    /// One line of the method, for descriptions and metadata.
    public func methodNote(records: String, model: CohortModel) -> String {
        var text = "Demand projected by sufficiency-solve project from \(records) (transitions of calendar years \(model.fittedYears.lowerBound)–\(model.fittedYears.upperBound)): "
        text += "an expected-value Markov cohort model over academic year × need × setting, shares pooled over the years with a prior of weight \(DecodeContext.show(model.priorWeight)), "
        text += model.perHead ? "joiners per head of population" : "joiners per year"
        if model.joinerGrowth != 0 { text += String(format: " growing %.1f%% a year", model.joinerGrowth * 100) }
        text += "; incumbents are the \(censusIsObserved ? "observed" : "projected") census of January \(incumbentCensus)"
        if simulations > 0 {
            text += "; bands from \(simulations) simulations (seed \(seed))"
            if !futures.isEmpty { text += "; futures average the simulations ranked within 5 points of each percentile by total demand" }
        }
        return text + "."
    }

    /// Whether the incumbents are the observed census (the projection starts the year after it).
    public var censusIsObserved: Bool { incumbentCensus == base }

    /// The scenario keys the projection supplies: `years`, `needs`, `ages`, `demand`, `incumbents`, `futures`.
    public func fragment(allNeeds: [String]? = nil, settingNames: [String: String] = [:]) -> [String: Any] {
        precondition(allNeeds.map { all in needs.allSatisfy(all.contains) } ?? true)
        var object: [String: Any] = [
            "years": censusYears.map(Self.yearLabel(census:)),
            "needs": allNeeds ?? needs,
            "demand": demandTable(mean, allNeeds: allNeeds),
            "incumbents": incumbents.filter { Self.rounded($0.children) > 0 }.map { row -> [String: Any] in
                var entry: [String: Any] = ["setting": settingNames[row.setting] ?? row.setting, "need": row.need, "children": Self.rounded(row.children)]
                if !groups.isEmpty { entry["age"] = groups[row.group].id }
                return entry
            },
        ]
        if !groups.isEmpty { object["ages"] = groups.map { ["id": $0.id, "name": $0.name, "from": $0.from, "to": $0.to] as [String: Any] } }
        if !futures.isEmpty {
            object["futures"] = futures.map { future -> [String: Any] in
                ["id": future.id, "name": "\(Self.ordinal(future.percentile)) percentile of \(simulations) simulations", "probability": future.probability,
                 "demand": demandTable(future.demand, allNeeds: allNeeds)]
            }
        }
        return object
    }

    static func ordinal(_ p: Double) -> String {
        let text = DecodeContext.show(p)
        guard p == p.rounded(), let n = Int(exactly: p) else { return text + "th" }
        let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
        return "\(n)\(suffix)"
    }
}

extension Backtest {
    /// The backtest as a table for people: projected against observed by census and need, then the total.
    public func text(records: String) -> String {
        var out = "Backtest: \(records), fitted on calendar years \(model.fittedYears.lowerBound)–\(model.fittedYears.upperBound), projected from the census of January \(year)\(model.joinerGrowth == 0 ? "" : String(format: ", joiners growing %.1f%% a year", model.joinerGrowth * 100))\n\n"
        let hasBand = lines.contains { $0.low != nil }
        var rows: [[String]] = [["year", "need", "projected"] + (hasBand ? ["p10–p90", "in band"] : []) + ["observed", "error", "error %"]]
        for line in lines {
            var row = [DemandProjection.yearLabel(census: line.census), line.need ?? "total", ReportText.children(line.projected)]
            if hasBand {
                row.append(line.low.map { "\(ReportText.money($0))–\(ReportText.money(line.high ?? $0))" } ?? "")
                row.append(line.inBand.map { $0 ? "yes" : "no" } ?? "")
            }
            row += [ReportText.children(line.observed), Self.signed(line.error), line.percentError.map { Self.signed($0) + "%" } ?? "—"]
            rows.append(row)
        }
        out += ReportText.table(rows[0], Array(rows.dropFirst()), left: [0, 1]) + "\n"
        out += "\nMean absolute error of the total: \(String(format: "%.1f", totalMAPE))% over \(lines.filter { $0.need == nil }.count) year\(lines.filter { $0.need == nil }.count == 1 ? "" : "s")\n"
        out += "Written by sufficiency-solve project (\(Seal.placeholder))\n"
        return Seal.seal(out)
    }

    public static let csvHeader = "year,need,projected,p10,p90,observed,error,error_percent,written-by"

    /// The backtest as CSV: one row per year and need (and the total), full precision.
    public func csv() -> String {
        var rows: [[String]] = []
        for line in lines {
            rows.append([DemandProjection.yearLabel(census: line.census), line.need ?? "total", ReportTables.number(line.projected),
                         ReportTables.number(line.low), ReportTables.number(line.high), ReportTables.number(line.observed),
                         ReportTables.number(line.error), ReportTables.number(line.percentError), rows.isEmpty ? DemandProjection.writtenBy : ""])
        }
        return Seal.seal(ReportTables.csv(ReportTables.Table(name: "backtest", title: "Backtest", header: Self.csvHeader.components(separatedBy: ","),
                                                             rows: rows, text: [0, 1, 8])))
    }

    /// One decimal with its sign: `+12.3`, `−4.0`.
    static func signed(_ x: Double) -> String {
        let text = String(format: "%.1f", abs(x))
        return (x < -0.05 ? "−" : x > 0.05 ? "+" : "") + text
    }
}
