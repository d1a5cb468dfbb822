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
        try format.validate(output: output, html: html)
        var names: Set<String> = ["as given"]
        for entry in labelled {
            guard let split = entry.firstIndex(of: "="), split != entry.startIndex else { throw ValidationError("--label must be NAME=PATH=VALUE, got \(entry)") }
            let name = String(entry[..<split])
            guard names.insert(name).inserted else { throw ValidationError("--label \(name): two variants have that name") }
            if Self.changes(String(entry[entry.index(after: split)...])).isEmpty { throw ValidationError("--label \(name): give at least one change PATH=VALUE") }
        }
        for variant in variants where Self.changes(variant).isEmpty { throw ValidationError("--set \(variant): give at least one change PATH=VALUE") }
    }

    /// The changes of one variant: split at `;` outside quotes and brackets (a JSON value may hold one).
    static func changes(_ text: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0, quoted = false, escaped = false
        for character in text {
            if quoted {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { quoted = false }
            } else if character == "\"" { quoted = true }
            else if character == "[" || character == "{" { depth += 1 }
            else if character == "]" || character == "}" { depth = max(0, depth - 1) }
            else if character == ";" && depth == 0 { parts.append(current); current = ""; continue }
            current.append(character)
        }
        parts.append(current)
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() throws {
        var runs: [(label: String?, file: String, edits: [ScenarioEdit], text: String)] = []
        func parse(_ text: String, option: String = "--set") throws -> [ScenarioEdit] {
            do { return try Self.changes(text).map { try ScenarioEdit(assignment: $0) } }
            catch { throw CommandFailure.badInput("\(option) \(text): \(error)") }
        }
        if variants.isEmpty && labelled.isEmpty {
            runs = files.map { (nil, $0, [], "") }
        } else {
            runs.append(("as given", files[0], [], ""))
            for variant in variants { runs.append((variant, files[0], try parse(variant), variant)) }
            for entry in labelled {
                let split = entry.firstIndex(of: "=")!
                let text = String(entry[entry.index(after: split)...])
                runs.append((String(entry[..<split]), files[0], try parse(text, option: "--label"), text))
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
        try format.checkTargets(output: output, html: html, json: .comparisonDocument)
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
}
