import ArgumentParser
import Foundation
import Sufficiency

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Solve several scenarios, or variants of one with --set, and show them side by side.",
        discussion: """
        sufficiency-solve compare a.json b.json c.json
        sufficiency-solve compare city.json --set 'settings[id=indep].costPerPlace=70000' --label 'growth 12%=demand.growth=0.12'
        Each --set is one variant beside the scenario as given; join several changes with ';'. A --label NAME=CHANGES is a
        variant with a name of its own. Files are labelled by their scenario's name.
        Exit 2 when any variant has no plan, 3 when any fails verification.
        """)

    @Argument(help: "Scenario files.") var files: [String]
    @Option(name: .customLong("set"), help: "A variant: PATH=VALUE (several joined by ';').") var variants: [String] = []
    @Option(name: .customLong("label"), help: "A named variant: NAME=PATH=VALUE (several changes joined by ';').") var labelled: [String] = []
    @Option(help: "Output format: table, json, markdown, html, csv (a folder: give --output) or xlsx.") var format: OutputFormat = .table
    @Option(help: "Write to this file (or folder, for csv) instead of standard output.") var output: String?
    @Option(help: "Also write the comparison as one HTML page with charts.") var html: String?
    @OptionGroup var solver: SolverFlags
    @OptionGroup var input: InputOptions

    func validate() throws {
        let edits = variants.count + labelled.count
        if edits > 0 && files.count != 1 { throw ValidationError("--set and --label make variants of one scenario: give exactly one file") }
        if edits == 0 && files.count < 2 { throw ValidationError("give two or more scenarios, or one with --set / --label variants") }
        if format == .csv && output == nil { throw ValidationError("--format csv writes a folder: give --output FOLDER") }
        for entry in labelled where !entry.contains("=") || entry.hasPrefix("=") {
            throw ValidationError("--label must be NAME=PATH=VALUE, got \(entry)")
        }
    }

    func run() throws {
        var runs: [(label: String?, file: String, edits: [ScenarioEdit], text: String)] = []
        func parse(_ text: String) throws -> [ScenarioEdit] {
            do { return try text.split(separator: ";").map { try ScenarioEdit(assignment: String($0).trimmingCharacters(in: .whitespaces)) } }
            catch { throw CommandFailure.badInput("--set \(text): \(error)") }
        }
        if variants.isEmpty && labelled.isEmpty {
            runs = files.map { (nil, $0, [], "") }
        } else {
            runs.append(("as given", files[0], [], ""))
            for variant in variants { runs.append((variant, files[0], try parse(variant), variant)) }
            for entry in labelled {
                let split = entry.firstIndex(of: "=")!
                let text = String(entry[entry.index(after: split)...])
                runs.append((String(entry[..<split]), files[0], try parse(text), text))
            }
        }
        // Every variant is read (and every problem reported) before any is solved.
        var scenarios: [(label: String, scenario: Scenario)] = []
        for run in runs {
            let scenario = try loadScenario(run.file, edits: run.edits, label: run.file + (run.edits.isEmpty ? "" : " with \(run.text)"), maxBytes: input.maxBytes)
            scenarios.append((run.label ?? scenario.name, scenario))
        }
        // Two files of the same name: tell them apart by file.
        let names = scenarios.map(\.label)
        for k in scenarios.indices where names.filter({ $0 == names[k] }).count > 1 && runs[k].label == nil {
            scenarios[k].label += " (\(URL(fileURLWithPath: runs[k].file).lastPathComponent))"
        }
        try checkTargets()
        var reports: [(label: String, report: Report)] = []
        for (label, scenario) in scenarios {
            var report = try ScenarioSolver(options: solver.options(), compareOptions: .off).run(scenario).report
            report.removeTimings()
            reports.append((label, report))
        }
        let title = "Comparison of \(reports.count) variants"
        switch format {
        case .table: try Console.emit(ReportText.comparison(reports), to: output, kind: .textReport)
        case .json: try Console.emit(try ComparisonFormats.comparisonJSON(reports), to: output, kind: .comparisonDocument)
        case .markdown: try Console.emit(ComparisonFormats.markdown(title: title, ComparisonFormats.comparisonTables(reports)), to: output, kind: .markdownReport)
        case .html: try Console.emit(ReportHTML.comparison(reports), to: output, kind: .htmlPage)
        case .csv: try ComparisonFormats.writeCSV(ComparisonFormats.comparisonTables(reports), to: output!)
        case .xlsx:
            let about = reports.map { "\($0.label): \($0.report.scenario) — \($0.report.status)" }
            try Console.emit(ComparisonFormats.workbook(title: title, about: about, ComparisonFormats.comparisonTables(reports), created: nil), to: output)
        }
        if let html { try OutputFile.write(ReportHTML.comparison(reports), to: html, kind: .htmlPage) }
        let worst = reports.map(\.report.exitCode).max() ?? 0
        if worst != 0 { throw CommandFailure.outcome(Int32(worst)) }
    }

    /// Targets that cannot be written are reported before any solve.
    func checkTargets() throws {
        if format == .xlsx { try Console.checkWorkbookTarget(output) }
        if let output {
            if format == .csv { try CSVFolder.check(output) }
            else { try OutputFile.check(output, kind: format == .json ? .comparisonDocument : format.kind) }
        }
        if let html { try OutputFile.check(html, kind: .htmlPage) }
    }
}
