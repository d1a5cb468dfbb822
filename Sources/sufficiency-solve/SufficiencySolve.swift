import ArgumentParser
import Foundation
import Sufficiency

@main
struct SufficiencySolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sufficiency-solve",
        abstract: "Least-cost school placements for children with EHC plans: allocation, unmet need, value of a place, capital options, deficit.",
        discussion: "Exit codes: 0 solved, 1 bad input or usage, 2 infeasible / unbounded / no solution, 3 verification failed, 70 internal error.",
        subcommands: [Solve.self, Validate.self, Compare.self, SweepCommand.self, Export.self, Generate.self, BenchCommand.self, BenchRun.self]
    )

    /// Parses and runs, mapping ArgumentParser's usage errors (64) to the documented exit code 1.
    static func main() {
        Interrupt.install()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }
}

/// Options shared by the commands that read a scenario.
struct InputOptions: ParsableArguments {
    @Option(name: .long, help: "Largest input file accepted, in bytes or with a K/M/G suffix.")
    var maxInputSize: String = "64M"

    func maxBytes() throws -> Int {
        guard let bytes = ByteSize.parse(maxInputSize) else {
            throw ValidationError("--max-input-size must be a number of bytes, optionally with K, M or G, got \(maxInputSize)")
        }
        return bytes
    }
}

enum ByteSize {
    static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let multipliers: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = Substring(trimmed), multiplier = 1
        if let last = trimmed.last, let m = multipliers[last] { multiplier = m; digits = trimmed.dropLast() }
        if digits.hasSuffix("I") || digits.hasSuffix("B") { return nil }
        guard let value = Int(digits), value > 0, value <= Int.max / multiplier else { return nil }
        return value * multiplier
    }
}

/// Prints every problem of a scenario to standard error and exits 1.
func reportBadInput(_ errors: ScenarioErrors, file: String) -> ExitCode {
    for issue in errors.issues { FileHandle.standardError.write(Data("\(file): \(issue)\n".utf8)) }
    FileHandle.standardError.write(Data("\(file): \(errors.issues.count) problem\(errors.issues.count == 1 ? "" : "s") found; nothing solved\n".utf8))
    return ExitCode(1)
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("sufficiency-solve: \(message)\n".utf8))
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, markdown, csv, html
}

extension ScenarioSolver.Comparisons: ExpressibleByArgument {}
extension ScenarioSolver.Strategy: ExpressibleByArgument {}

enum Method: String, ExpressibleByArgument, CaseIterable {
    case simplex, interior
}

struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Solve one scenario and print its report.")

    @Argument(help: "Scenario file (.json, or .yaml / .yml).")
    var file: String

    @Option(help: "Report format: table, json, markdown, html (one page with charts), or csv (one file per table into the --output folder).")
    var format: OutputFormat = .table

    @Option(help: "Write the report to this file (atomically) instead of standard output; for csv, a folder.")
    var output: String?

    @Option(help: "Stop after this many seconds; a MIP keeps its best plan and reports its gap.")
    var timeLimit: Double?

    @Option(help: "LP algorithm: simplex or interior.")
    var method: Method = .simplex

    @Flag(help: "Solve the LP relaxation: capital options may be part-built (quick screening).")
    var relax = false

    @Option(help: "Relative MIP gap at which to stop (0: a proven optimum).")
    var mipGap: Double = 0

    @Flag(help: "Leave timings out of the report, so equal runs give equal bytes.")
    var noTimings = false

    @Option(help: "Solve the plan without the capital programme and each option's counterfactual (payback): on, off, or auto (on up to \(ScenarioSolver.autoComparisonColumns) columns).")
    var compareOptions: ScenarioSolver.Comparisons = .auto

    @Option(help: "LP strategy: full (GLPK on the whole model), sifting (from the cheapest placements, pricing all columns), or auto (sifting above \(ScenarioSolver.autoSiftingColumns) columns).")
    var strategy: ScenarioSolver.Strategy = .auto

    @Flag(help: "Show GLPK's log.")
    var verbose = false

    @OptionGroup var input: InputOptions

    func validate() throws {
        if let timeLimit, !(timeLimit.isFinite && timeLimit > 0) { throw ValidationError("--time-limit must be a number of seconds > 0") }
        if !(mipGap.isFinite && mipGap >= 0 && mipGap < 1) { throw ValidationError("--mip-gap must be a number in [0, 1)") }
        if format == .csv && output == nil { throw ValidationError("--format csv writes a folder: give --output FOLDER") }
    }

    func run() throws {
        let limit = try input.maxBytes()
        let scenario: Scenario
        do { scenario = try ScenarioDecoder.load(path: file, maxInputBytes: limit) } catch {
            throw reportBadInput(error, file: file)
        }
        let options = SolverOptions(lpMethod: method == .interior ? .interior : .primalSimplex, mipGap: mipGap, timeLimit: timeLimit,
                                    relax: relax, verbose: verbose)
        let run: ScenarioSolver.Run
        var engine = ScenarioSolver(options: options, compareOptions: compareOptions)
        engine.strategy = strategy
        do { run = try engine.run(scenario) } catch {
            printError("internal error: \(error)")
            throw ExitCode(70)
        }
        var report = run.report
        if noTimings { report.removeTimings() }
        if format == .csv, let output {
            do { try ReportTables.writeCSVFolder(report, to: output) } catch {
                printError("cannot write \(output): \(error.localizedDescription)")
                throw ExitCode(1)
            }
            return try finish(report)
        }
        let text: String
        switch format {
        case .json: text = try ReportText.json(report)
        case .markdown: text = ReportTables.markdown(report)
        case .html: text = ReportHTML.render(report)
        case .table, .csv: text = ReportText.render(report)
        }
        if let output {
            do { try AtomicFile.write(text, to: output) } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        try finish(report)
    }

    /// Warnings and the exit code of SPEC §5.
    func finish(_ report: Report) throws {
        switch report.exitCode {
        case 0:
            if report.status == "feasible" { printError("warning: the time limit stopped the search; the plan is feasible but not proven optimal") }
        case 3: printError("VERIFICATION FAILED: \(report.verification.summary)")
        case 2: printError("no plan: \(report.status)" + (report.explanation.first.map { ": \($0)" } ?? ""))
        default: break
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check scenarios and print every problem found.")

    @Argument(help: "Scenario files.")
    var files: [String]

    @OptionGroup var input: InputOptions

    func run() throws {
        var failed = false
        let limit = try input.maxBytes()
        for file in files {
            do {
                let scenario = try ScenarioDecoder.load(path: file, maxInputBytes: limit)
                print("\(file): ok (\(scenario.years.count) years, \(scenario.needs.count) needs, \(scenario.settings.count) settings, \(scenario.capitalOptions.count) capital options)")
            } catch {
                _ = reportBadInput(error, file: file)
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write the model for another solver: CPLEX LP or free MPS.")

    @Argument(help: "Scenario file.")
    var file: String

    @Option(help: "Write CPLEX LP format to this file.")
    var lp: String?

    @Option(help: "Write free MPS format to this file.")
    var mps: String?

    @Flag(help: "Export the LP relaxation (capital options continuous).")
    var relax = false

    @OptionGroup var input: InputOptions

    func validate() throws {
        if lp == nil && mps == nil { throw ValidationError("give --lp OUT or --mps OUT (or both)") }
    }

    func run() throws {
        let limit = try input.maxBytes()
        let scenario: Scenario
        do { scenario = try ScenarioDecoder.load(path: file, maxInputBytes: limit) } catch {
            throw reportBadInput(error, file: file)
        }
        do {
            let model = try PlacementModel(scenario: scenario, relax: relax)
            let solver = try GLPKSolver(program: model.program)
            if let lp { try AtomicFile.produce(at: lp) { try solver.writeLP(to: $0) } }
            if let mps { try AtomicFile.produce(at: mps) { try solver.writeMPS(to: $0) } }
        } catch let error as AtomicFile.WriteError {
            printError("\(error)")
            throw ExitCode(1)
        } catch let error as GLPKError {
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic scenario of a given size (and its travel CSV), the same for the same seed.")

    @Option(help: "Number of zones.") var zones: Int = 10
    @Option(help: "Number of settings.") var settings: Int = 40
    @Option(help: "Number of needs.") var needs: Int = 13
    @Option(help: "Number of years.") var years: Int = 1
    @Option(help: "Number of capital options.") var options: Int = 0
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Scenario file to write; the travel table goes beside it as NAME-travel.csv.") var output: String

    func run() throws {
        let url = URL(fileURLWithPath: output)
        let travelName = url.deletingPathExtension().lastPathComponent + "-travel.csv"
        let generator = ScenarioGenerator(zones: zones, settings: settings, needs: needs, years: years, options: options, seed: seed)
        let files: ScenarioGenerator.Output
        do { files = try generator.generate(travelFileName: travelName) } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        do {
            try AtomicFile.write(files.travelCSV, to: url.deletingLastPathComponent().appendingPathComponent(travelName).path)
            try AtomicFile.write(files.scenarioJSON, to: output)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Solve every scenario in a folder several times; JSON lines of sizes, status, objective, times and memory.",
        subcommands: [BenchSuite.self, BenchMerge.self],
        defaultSubcommand: BenchSuite.self
    )
}

struct BenchSuite: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Benchmark a folder (the default: `bench DIR` is `bench run DIR`).",
        discussion: "Exit 4 when --baseline finds a changed objective or status, lost verification, or a median slower than --threshold × the baseline's."
    )

    @Argument(help: "Folder of scenarios.") var folder: String
    @Option(help: "Solves of each scenario (min and median are reported).") var `repeat`: Int = 3
    @Option(help: "Baseline JSON lines to compare with.") var baseline: String?
    @Option(help: "Slowdown factor on the median total time that counts as a regression.") var threshold: Double = 1.25
    @Option(help: "Run only shard i of n (1-based), a stable slice for array jobs.") var shard: String?
    @Option(help: "Scenarios solved at once (each in its own process).") var jobs: Int = 1
    @Option(help: "Write the JSON lines here (atomically) instead of standard output.") var output: String?
    @Option(help: "Relative MIP gap for scenarios with capital options.") var mipGap: Double = 0
    @Option(help: "Time limit per solve, seconds.") var timeLimit: Double?

    func validate() throws {
        if `repeat` < 1 { throw ValidationError("--repeat must be at least 1") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if !(threshold.isFinite && threshold >= 1) { throw ValidationError("--threshold must be a number ≥ 1") }
        if let shard, Bench.parseShard(shard) == nil { throw ValidationError("--shard must be i/n with 1 ≤ i ≤ n, got \(shard)") }
        if !(mipGap.isFinite && mipGap >= 0 && mipGap < 1) { throw ValidationError("--mip-gap must be a number in [0, 1)") }
        if let timeLimit, !(timeLimit.isFinite && timeLimit > 0) { throw ValidationError("--time-limit must be a number of seconds > 0") }
    }

    func run() throws {
        var files: [String]
        do { files = try Bench.scenarios(in: folder) } catch {
            printError("cannot read folder \(folder)")
            throw ExitCode(1)
        }
        if let shard, let (index, count) = Bench.parseShard(shard) { files = Bench.shard(files, index: index, count: count) }
        var baselineResults: [Bench.Result]?
        if let baseline {
            do { baselineResults = try Bench.readLines(String(contentsOfFile: baseline, encoding: .utf8)) } catch {
                printError("cannot read baseline \(baseline): \(error)")
                throw ExitCode(1)
            }
        }
        var childArguments = ["--mip-gap", "\(mipGap)"]
        if let timeLimit { childArguments += ["--time-limit", "\(timeLimit)"] }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let results = Bench.run(executable: executable, folder: folder, files: files, repeat: `repeat`, jobs: jobs,
                                childArguments: childArguments) { line in printError(line) }
        let lines = try Bench.jsonLines(results)
        if let output {
            do { try AtomicFile.write(lines, to: output) } catch { printError("\(error)"); throw ExitCode(1) }
        } else {
            print(lines, terminator: "")
        }
        FileHandle.standardError.write(Data((Bench.table(results, baseline: baselineResults) + "\n").utf8))
        if let baselineResults {
            let regressions = Bench.compare(results, baseline: baselineResults, threshold: threshold)
            if !regressions.isEmpty {
                for regression in regressions { printError("REGRESSION \(regression)") }
                throw ExitCode(4)
            }
            printError("no regression against \(baseline!)")
        }
    }
}

struct BenchMerge: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge", abstract: "Join the JSON lines of several shards into one file, sorted by scenario.")

    @Argument(help: "Shard outputs.") var files: [String]
    @Option(help: "Write here instead of standard output.") var output: String?

    func run() throws {
        var results: [Bench.Result] = []
        for file in files {
            do { results += try Bench.readLines(String(contentsOfFile: file, encoding: .utf8)) } catch {
                printError("cannot read \(file): \(error)")
                throw ExitCode(1)
            }
        }
        let lines = try Bench.jsonLines(results)
        if let output { try AtomicFile.write(lines, to: output) } else { print(lines, terminator: "") }
    }
}

/// One timed solve for `bench`, in its own process; prints a `Bench.Sample` as JSON.
struct BenchRun: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-run", abstract: "One timed solve (used by bench).", shouldDisplay: false)

    @Argument var file: String
    @Option var mipGap: Double = 0
    @Option var timeLimit: Double?
    @Option var strategy: ScenarioSolver.Strategy = .auto

    func run() throws {
        let clock = ContinuousClock()
        let start = clock.now
        var sample = Bench.Sample.failed("no result")
        sample.error = nil
        do {
            let scenario = try ScenarioDecoder.load(path: file)
            let options = SolverOptions(mipGap: mipGap, timeLimit: timeLimit)
            var engine = ScenarioSolver(options: options, compareOptions: .off)
            engine.strategy = strategy
            let report = try engine.run(scenario).report
            sample.status = report.status
            sample.objective = report.objective
            sample.verified = report.verification.passed
            sample.rows = report.solver.rows
            sample.columns = report.solver.columns
            sample.nonzeros = report.solver.nonzeros
            sample.integers = report.solver.integerColumns
            sample.buildSeconds = report.solver.buildSeconds ?? 0
            sample.solveSeconds = report.solver.solveSeconds ?? 0
            sample.verifySeconds = report.solver.verifySeconds ?? 0
        } catch let error as ScenarioErrors {
            sample.error = error.issues.first.map { "\($0)" } ?? "bad input"
        } catch {
            sample.error = "\(error)"
        }
        sample.totalSeconds = (clock.now - start).seconds
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(sample), as: UTF8.self))
    }
}

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Solve several scenarios, or variants of one with --set, and show them side by side.",
        discussion: """
        sufficiency-solve compare a.json b.json c.json
        sufficiency-solve compare city.json --set 'settings[id=indep].costPerPlace=70000' --set 'demand.growth=0.08'
        Each --set is one variant beside the scenario as given; join several changes with ';'.
        """)

    @Argument(help: "Scenario files.") var files: [String]
    @Option(name: .customLong("set"), help: "A variant: PATH=VALUE (several joined by ';').") var variants: [String] = []
    @Option(help: "Also write the comparison as one HTML page with charts.") var html: String?
    @Option(help: "Relative MIP gap.") var mipGap: Double = 0
    @Option(help: "Time limit per solve, seconds.") var timeLimit: Double?
    @OptionGroup var input: InputOptions

    func validate() throws {
        if !(mipGap.isFinite && mipGap >= 0 && mipGap < 1) { throw ValidationError("--mip-gap must be a number in [0, 1)") }
        if let timeLimit, !(timeLimit.isFinite && timeLimit > 0) { throw ValidationError("--time-limit must be a number of seconds > 0") }
        if !variants.isEmpty && files.count != 1 { throw ValidationError("--set makes variants of one scenario: give exactly one file") }
        if variants.isEmpty && files.count < 2 { throw ValidationError("give two or more scenarios, or one with --set variants") }
    }

    func run() throws {
        let limit = try input.maxBytes()
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
                    printError("--set \(variant): \(error)")
                    throw ExitCode(1)
                }
            }
        }
        var reports: [(label: String, report: Report)] = []
        var failed = false
        for run in runs {
            let scenario: Scenario
            do { scenario = try ScenarioDecoder.load(path: run.file, edits: run.edits, maxInputBytes: limit) } catch let error as ScenarioErrors {
                throw reportBadInput(error, file: run.file + (run.edits.isEmpty ? "" : " with \(run.label)"))
            } catch {
                printError("--set \(run.label): \(error)")
                throw ExitCode(1)
            }
            let report = try ScenarioSolver(options: SolverOptions(mipGap: mipGap, timeLimit: timeLimit), compareOptions: .off).run(scenario).report
            if report.exitCode != 0 { failed = true }
            reports.append((run.label, report))
        }
        print(ReportText.comparison(reports), terminator: "")
        if let html {
            do { try AtomicFile.write(ReportHTML.comparison(reports), to: html) } catch { printError("\(error)"); throw ExitCode(1) }
        }
        if failed { throw ExitCode(2) }
    }
}

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Re-solve over a range of one input, warm-starting each solve from the previous basis.",
        discussion: "sufficiency-solve sweep city.json --vary 'settings[id=indep].costPerPlace=50000..80000:5000'")

    @Argument(help: "Scenario file.") var file: String
    @Option(help: "PATH=FROM..TO:STEP") var vary: String
    @Flag(help: "Rebuild the GLPK problem at every point instead of warm-starting (for comparison).") var cold = false
    @Option(help: "Also write the sweep as one HTML page with charts.") var html: String?

    func validate() throws {
        if !(mipGap.isFinite && mipGap >= 0 && mipGap < 1) { throw ValidationError("--mip-gap must be a number in [0, 1)") }
    }
    @Option(help: "Relative MIP gap.") var mipGap: Double = 0
    @OptionGroup var input: InputOptions

    func run() throws {
        guard let split = vary.lastIndex(of: "="), let values = Sweep.values(String(vary[vary.index(after: split)...])) else {
            printError("--vary must be PATH=FROM..TO:STEP with FROM ≤ TO and STEP > 0, got \(vary)")
            throw ExitCode(1)
        }
        let path = String(vary[..<split])
        let limit = try input.maxBytes()
        let clock = ContinuousClock()
        let start = clock.now
        let points: [Sweep.Point]
        do {
            points = try Sweep(options: SolverOptions(mipGap: mipGap), cold: cold).run(path: file, vary: path, values: values, maxInputBytes: limit)
        } catch let error as ScenarioErrors {
            throw reportBadInput(error, file: file)
        } catch let error as ScenarioEdit.EditError {
            printError("--vary \(path): \(error)")
            throw ExitCode(1)
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
            let deficit: String = report.finance.last.map { ReportText.money($0.cumulative) } ?? "—"
            var row: [String] = [ScenarioEdit.show(.number(point.value, text: "")), cost, deficit]
            for type in types {
                let children: Double = report.placementsByType.first { $0.type == type }?.children[last] ?? 0
                row.append(ReportText.children(children))
            }
            let unmet: Double = report.unmet.reduce(0) { $0 + $1.children[last] }
            row.append(ReportText.children(unmet))
            row.append(report.options.filter(\.chosen).map(\.id).joined(separator: " "))
            row.append(changes.contains(index) ? "◀ mix changes" : "")
            row.append(String(repeating: "█", count: barLength))
            rows.append(row)
        }
        print("Sweep of \(path) (\(first.years[last]) children by setting type; cost is the present value)")
        let table = ReportText.table([path, "total cost £", "deficit \(first.years[last]) £"] + types + ["unmet", "options", "", "cost"], rows)
        print(table)
        if let html {
            let page = ReportHTML.sweep(path: path, points: points.map { (ScenarioEdit.show(.number($0.value, text: "")), $0.report) },
                                        changes: changes, table: table)
            do { try AtomicFile.write(page, to: html) } catch { printError("\(error)"); throw ExitCode(1) }
        }
        let solveTime = points.reduce(0) { $0 + $1.solveSeconds }
        printError(String(format: "%d points in %.3f s (solver %.3f s, %d simplex iterations; %@)", points.count, elapsed, solveTime,
                          points.reduce(0) { $0 + $1.iterations }, cold ? "cold" : "\(points.filter(\.warm).count) warm-started"))
    }
}
