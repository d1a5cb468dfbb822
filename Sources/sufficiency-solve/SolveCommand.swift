import ArgumentParser
import Foundation
import Sufficiency

struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Solve one scenario and print its report.")

    @Argument(help: "Scenario file (.json, or .yaml / .yml).")
    var file: String

    @Option(help: "Report format: table, json, markdown, html (one page with charts), csv (one file per table into the --output folder), or xlsx (one workbook).")
    var format: OutputFormat = .table

    @Option(help: "Write the report to this file (atomically) instead of standard output; for csv, a new or empty folder, or one holding an earlier CSV report.")
    var output: String?

    @OptionGroup var solver: SolverFlags

    @Flag(help: "Leave timings out of the report, so equal runs give equal bytes.")
    var noTimings = false

    @Option(help: "Work out the plan without the capital programme, each chosen option's payback and each rejected option's extra cost: on (auto: the same) or off.")
    var compareOptions: ScenarioSolver.Comparisons = .auto

    @Option(help: "How an LP (or --relax) is solved, by the simplex: full (GLPK on the whole model), sifting (from the cheapest placements, pricing all columns), blocks (Dantzig-Wolfe: one small LP per zone and need, a master LP over capacities and the other shared rows), or auto (blocks for models with age groups above \(ScenarioSolver.autoBlockColumns) columns, else sifting above \(ScenarioSolver.autoSiftingColumns)). A capital MIP is solved by --mip-method, futures by --futures-method.")
    var strategy: ScenarioSolver.Strategy = .auto

    @Option(help: "A MIP with whole capital options: branch-and-cut (GLPK on the whole model), decomposition (L-shaped: a master MIP over the options, the placement LP as subproblem, its bounds the proof), or auto (the decomposition above \(ScenarioSolver.autoDecompositionColumns) columns).")
    var mipMethod: ScenarioSolver.MIPMethod = .auto

    @Option(help: "With futures: extensive (one MIP over every future), decomposition (L-shaped, a cut per future), or auto (the decomposition above \(RobustPlanning.autoDecompositionColumns) columns with the expected objective).")
    var futuresMethod: RobustPlanning.Method = .auto

    @Flag(help: "Show GLPK's log.")
    var verbose = false

    @OptionGroup var input: InputOptions

    func validate() throws {
        try format.validate(output: output)
        if solver.method == .interior && (strategy == .sifting || strategy == .blocks) {
            throw ValidationError("--strategy \(strategy.rawValue) solves with the simplex; --method interior solves the whole model: choose one")
        }
    }

    func run() throws {
        let scenario = try loadScenario(file, maxBytes: input.maxBytes)
        // A target that cannot be written is reported before the solve, not after it.
        try format.checkTargets(output: output)
        var engine = ScenarioSolver(options: solver.options(verbose: verbose), compareOptions: compareOptions)
        engine.strategy = strategy
        engine.futuresMethod = futuresMethod
        engine.mipMethod = mipMethod
        var report = try engine.run(scenario).report
        if noTimings { report.removeTimings() }
        switch format {
        case .csv: try ReportTables.writeCSVFolder(report, to: output!)
        case .json: try Console.emit(try ReportText.json(report), to: output, kind: .jsonReport)
        case .markdown: try Console.emit(ReportTables.markdown(report), to: output, kind: .markdownReport)
        case .html: try Console.emit(ReportHTML.render(report), to: output, kind: .htmlPage)
        case .table: try Console.emit(ReportText.render(report), to: output, kind: .textReport)
        case .xlsx: try Console.emit(ReportWorkbook.workbook(report, created: noTimings ? nil : Date()), to: output)
        }
        try Self.finish(report)
    }

    /// Warnings and the exit code of SPEC §5.
    static func finish(_ report: Report) throws {
        switch report.exitCode {
        case 0:
            if report.status == "feasible" { Console.error("warning: the time limit stopped the search; the plan is feasible but not proven optimal") }
        case 3: Console.error("VERIFICATION FAILED: \(report.verification.summary)")
        case 2: Console.error("no plan: \(report.status)" + (report.explanation.first.map { ": \($0)" } ?? ""))
        case 70: Console.error("internal error: \(report.explanation.first ?? "GLPK could not solve the model"); please report it with the scenario")
        default: break
        }
        if report.exitCode != 0 { throw CommandFailure.outcome(Int32(report.exitCode)) }
    }
}
