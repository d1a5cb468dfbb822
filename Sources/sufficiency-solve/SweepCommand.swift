import ArgumentParser
import Foundation
import Sufficiency

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Re-solve over a range of one input, warm-starting each solve from the previous basis.",
        discussion: """
        sufficiency-solve sweep city.json --vary 'settings[id=indep].costPerPlace=50000..80000:5000'
        Exit 2 when no point has a plan, 3 when any point fails verification.
        """)

    @Argument(help: "Scenario file.") var file: String
    @Option(help: "PATH=FROM..TO:STEP (at most \(Sweep.maxPoints) points)") var vary: String
    @Flag(help: "Rebuild the GLPK problem at every point instead of warm-starting (for comparison).") var cold = false
    @Option(help: "Output format: table, json, markdown, html, csv (a folder: give --output) or xlsx.") var format: OutputFormat = .table
    @Option(help: "Write to this file (or folder, for csv) instead of standard output.") var output: String?
    @Option(help: "Also write the sweep as one HTML page with charts.") var html: String?

    func validate() throws {
        try format.validate(output: output, html: html)
    }
    @OptionGroup var solver: SolverFlags
    @OptionGroup var input: InputOptions

    func run() throws {
        guard let split = vary.lastIndex(of: "=") else { throw CommandFailure.badInput("--vary must be PATH=FROM..TO:STEP, got \(vary)") }
        let values: [Double]
        switch Sweep.parseRange(String(vary[vary.index(after: split)...])) {
        case let .success(parsed): values = parsed
        case let .failure(problem): throw CommandFailure.badInput("--vary \(vary): \(problem.message)")
        }
        let path = String(vary[..<split])
        // Read the scenario once first, so its problems are reported as a scenario's.
        _ = try loadScenario(file, maxBytes: input.maxBytes)
        try format.checkTargets(output: output, html: html, json: .comparisonDocument)
        let clock = ContinuousClock()
        let start = clock.now
        let points: [Sweep.Point]
        do {
            points = try Sweep(options: solver.options(), cold: cold).run(path: file, vary: path, values: values, maxInputBytes: input.maxBytes)
        } catch let error as ScenarioErrors {
            throw CommandFailure.badScenario(file: file, error)
        } catch let error as ScenarioEdit.EditError {
            throw CommandFailure.badInput("--vary \(path): \(error)")
        }
        let elapsed = (clock.now - start).seconds
        let changes = Set(Sweep.mixChanges(points))
        guard let first = points.first?.report else { return }
        let last = first.years.count - 1
        let types = SettingType.allCases.map(\.rawValue).filter { type in points.contains { $0.report.placementsByType.contains { $0.type == type } } }
        let best = points.compactMap { $0.report.objective }.max() ?? 1
        var rows: [[String]] = []
        for (index, point) in points.enumerated() {
            let report = point.report
            let cost: String = report.objective.map { ReportText.money($0) } ?? report.status
            let barLength: Int = report.objective.map { max(1, Int(($0 / best) * 30)) } ?? 0
            let deficit: String = report.costs == nil ? "—" : report.finance.last.map { ReportText.money($0.cumulative) } ?? "—"
            var row: [String] = [Sweep.label(point.value), cost, deficit]
            for type in types {
                let children: Double = report.placementsByType.first { $0.type == type }?.children[last] ?? 0
                row.append(report.costs == nil ? "—" : ReportText.children(children))
            }
            let unmet: Double = report.unmet.reduce(0) { $0 + $1.children[last] }
            row.append(report.costs == nil ? "—" : ReportText.children(unmet))
            row.append(report.options.filter(\.chosen).map(\.id).joined(separator: " "))
            row.append(changes.contains(index) ? "◀ mix changes" : "")
            row.append(String(repeating: "█", count: barLength))
            rows.append(row)
        }
        let table = ReportText.table([path, "total cost £", "deficit \(first.years[last]) £"] + types + ["unmet", "options", "", "cost"], rows)
        // Every year, not only the last: children by setting type and unmet, per point.
        var yearRows: [[String]] = []
        for point in points {
            for (t, year) in first.years.enumerated() {
                let report = point.report
                yearRows.append([Sweep.label(point.value), year]
                                + types.map { type in report.costs == nil ? "—" : ReportText.children(report.placementsByType.first { $0.type == type }?.children[t] ?? 0) }
                                + [report.costs == nil ? "—" : ReportText.children(report.unmet.reduce(0) { $0 + $1.children[t] })])
            }
        }
        let byYear = ReportText.table([path, "year"] + types + ["unmet"], yearRows)
        var text = "Sufficiency: sweep of \(path) (\(first.years[last]) children by setting type; cost is the present value; children to one decimal)\n" + table + "\n"
        text += "\nChildren by setting type and year\n" + byYear + "\n"
        for point in points where !point.report.explanation.isEmpty {
            text += "\n\(Sweep.label(point.value)): no plan: \(point.report.explanation.joined(separator: "; "))\n"
        }
        let tables = ComparisonFormats.sweepTables(path: path, points: points, changes: changes.sorted())
        switch format {
        case .table: try Console.emit(text, to: output, kind: .textReport)
        case .json: try Console.emit(try ComparisonFormats.sweepJSON(path: path, points: points, changes: changes.sorted()), to: output, kind: .comparisonDocument)
        case .markdown: try Console.emit(ComparisonFormats.markdown(title: "Sweep of \(path)", tables), to: output, kind: .markdownReport)
        case .html:
            try Console.emit(ReportHTML.sweep(path: path, points: points.map { (Sweep.label($0.value), $0.report) }, changes: changes, tables: tables),
                             to: output, kind: .htmlPage)
        case .csv: try ComparisonFormats.writeCSV(tables, to: output!)
        case .xlsx:
            try Console.emit(ComparisonFormats.workbook(title: "Sweep of \(path)", about: ["\(points.count) points of \(path) on \(first.scenario)"], tables, created: nil), to: output)
        }
        if let html {
            let page = ReportHTML.sweep(path: path, points: points.map { (Sweep.label($0.value), $0.report) },
                                        changes: changes, tables: tables)
            try OutputFile.write(page, to: html, kind: .htmlPage)
        }
        let solveTime = points.reduce(0) { $0 + $1.solveSeconds }
        Console.error(String(format: "%d points in %.3f s (solver %.3f s, %d simplex iterations; %@)", points.count, elapsed, solveTime,
                             points.reduce(0) { $0 + $1.iterations }, cold ? "cold" : "\(points.filter(\.warm).count) warm-started"))
        if points.contains(where: { $0.report.exitCode == 3 }) {
            Console.error("VERIFICATION FAILED at \(points.filter { $0.report.exitCode == 3 }.count) point(s)")
            throw CommandFailure.outcome(3)
        }
        if points.allSatisfy({ $0.report.objective == nil }) {
            Console.error("no plan at any point: \(first.status)")
            throw CommandFailure.outcome(2)
        }
    }
}
