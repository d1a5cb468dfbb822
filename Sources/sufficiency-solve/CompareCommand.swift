import ArgumentParser
import Foundation
import Sufficiency

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Solve several scenarios, or variants of one with --set, and show them side by side.",
        discussion: """
        sufficiency-solve compare a.json b.json c.json
        sufficiency-solve compare city.json --set 'settings[id=indep].costPerPlace=70000' --set 'demand.growth=0.08'
        Each --set is one variant beside the scenario as given; join several changes with ';'.
        Exit 2 when any variant has no plan, 3 when any fails verification.
        """)

    @Argument(help: "Scenario files.") var files: [String]
    @Option(name: .customLong("set"), help: "A variant: PATH=VALUE (several joined by ';').") var variants: [String] = []
    @Option(help: "Also write the comparison as one HTML page with charts.") var html: String?
    @OptionGroup var solver: SolverFlags
    @OptionGroup var input: InputOptions

    func validate() throws {
        if !variants.isEmpty && files.count != 1 { throw ValidationError("--set makes variants of one scenario: give exactly one file") }
        if variants.isEmpty && files.count < 2 { throw ValidationError("give two or more scenarios, or one with --set variants") }
    }

    func run() throws {
        var runs: [(label: String, file: String, edits: [ScenarioEdit])] = []
        if variants.isEmpty {
            runs = files.map { (URL(fileURLWithPath: $0).lastPathComponent, $0, []) }
        } else {
            runs.append(("as given", files[0], []))
            for variant in variants {
                do {
                    let edits = try variant.split(separator: ";").map { try ScenarioEdit(assignment: String($0).trimmingCharacters(in: .whitespaces)) }
                    runs.append((variant, files[0], edits))
                } catch {
                    throw CommandFailure.badInput("--set \(variant): \(error)")
                }
            }
        }
        // Every variant is read (and every problem reported) before any is solved.
        var scenarios: [(label: String, scenario: Scenario)] = []
        for run in runs {
            scenarios.append((run.label, try loadScenario(run.file, edits: run.edits, label: run.file + (run.edits.isEmpty ? "" : " with \(run.label)"), maxBytes: input.maxBytes)))
        }
        if let html { try OutputFile.check(html, kind: .htmlPage) }
        var reports: [(label: String, report: Report)] = []
        for (label, scenario) in scenarios {
            reports.append((label, try ScenarioSolver(options: solver.options(), compareOptions: .off).run(scenario).report))
        }
        try StandardStreams.writeOutput(ReportText.comparison(reports))
        if let html { try OutputFile.write(ReportHTML.comparison(reports), to: html, kind: .htmlPage) }
        let worst = reports.map(\.report.exitCode).max() ?? 0
        if worst != 0 { throw CommandFailure.outcome(Int32(worst)) }
    }
}
