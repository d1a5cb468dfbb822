import ArgumentParser
import Foundation
import Sufficiency

@main
struct SufficiencySolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sufficiency-solve",
        abstract: "Least-cost school placements for children with EHC plans: allocation, unmet need, value of a place, capital options, deficit.",
        discussion: "Exit codes: 0 solved, 1 bad input or usage, 2 infeasible / unbounded / no solution, 3 verification failed, 70 internal error.",
        subcommands: [Solve.self, Validate.self, Export.self, Generate.self]
    )

    /// Parses and runs, mapping ArgumentParser's usage errors (64) to the documented exit code 1.
    static func main() {
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
    case table, json
}

enum Method: String, ExpressibleByArgument, CaseIterable {
    case simplex, interior
}

struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Solve one scenario and print its report.")

    @Argument(help: "Scenario file (.json, or .yaml / .yml).")
    var file: String

    @Option(help: "Report format: table or json.")
    var format: OutputFormat = .table

    @Option(help: "Write the report to this file (atomically) instead of standard output.")
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

    @Flag(help: "Show GLPK's log.")
    var verbose = false

    @OptionGroup var input: InputOptions

    func validate() throws {
        if let timeLimit, !(timeLimit.isFinite && timeLimit > 0) { throw ValidationError("--time-limit must be a number of seconds > 0") }
        if !(mipGap.isFinite && mipGap >= 0 && mipGap < 1) { throw ValidationError("--mip-gap must be a number in [0, 1)") }
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
        do { run = try ScenarioSolver(options: options).run(scenario) } catch {
            printError("internal error: \(error)")
            throw ExitCode(70)
        }
        var report = run.report
        if noTimings { report.removeTimings() }
        let text = format == .json ? try ReportText.json(report) : ReportText.render(report)
        if let output {
            do { try AtomicFile.write(text, to: output) } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
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
