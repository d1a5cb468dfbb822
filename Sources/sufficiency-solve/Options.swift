import ArgumentParser
import Foundation
import Sufficiency

/// A number of bytes with an optional K, M, G or T suffix (powers of 1024), at most 1T.
struct ByteSize: ExpressibleByArgument {
    var bytes: Int

    init(bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        let trimmed = argument.trimmingCharacters(in: .whitespaces).uppercased()
        let multipliers: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = Substring(trimmed), multiplier = 1
        if let last = trimmed.last, let m = multipliers[last] { multiplier = m; digits = trimmed.dropLast() }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let value = Int(digits), value > 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        // Beyond 1 TiB no file is read whole; refuse rather than overflow later.
        guard !overflow, product <= 1 << 40 else { return nil }
        bytes = product
    }

    var defaultValueDescription: String { "64M" }
}

/// Options shared by the commands that read a scenario.
struct InputOptions: ParsableArguments {
    @Option(name: .long, help: "Largest input file accepted, in bytes or with a K/M/G/T suffix (at most 1T, a number and no more than that).")
    var maxInputSize: ByteSize = ByteSize(bytes: ScenarioDecoder.Limits.defaultMaxInputBytes)

    var maxBytes: Int { maxInputSize.bytes }
}

/// The solver flags, the same on every command that solves.
struct SolverFlags: ParsableArguments {
    @Option(help: "Stop after this many seconds; a MIP keeps its best plan and reports its gap.")
    var timeLimit: Double?

    @Option(help: "Relative MIP gap at which to stop (0: a proven optimum).")
    var mipGap: Double = 0

    @Option(help: "LP algorithm: simplex or interior.")
    var method: Method = .simplex

    @Flag(help: "Solve the LP relaxation: capital options may be part-built (quick screening).")
    var relax = false

    @Flag(help: "Show progress on standard error once a solve has run two seconds (on by default when standard error is a terminal).")
    var progress = false

    /// When the command started: `--time-limit` bounds the whole command from here.
    static let commandStarted = ContinuousClock.now

    func validate() throws {
        if let timeLimit, !(timeLimit.isFinite && timeLimit > 0 && timeLimit <= 1e7) {
            throw ValidationError("--time-limit must be a number of seconds > 0 (at most 10000000)")
        }
        if timeLimit != nil && method == .interior {
            throw ValidationError("--time-limit cannot stop --method interior: GLPK's interior point method has no time limit; use --method simplex, or no limit")
        }
        if !(mipGap.isFinite && mipGap >= 0 && mipGap < 1) { throw ValidationError("--mip-gap must be a number in [0, 1)") }
    }

    /// The solver options, with a deadline `--time-limit` seconds after the command started: every
    /// solve of the command (its duals, sifting, comparisons, explanations, every variant of
    /// compare and every point of sweep) shares it.
    func options(verbose: Bool = false) -> SolverOptions {
        var options = SolverOptions(lpMethod: method == .interior ? .interior : .primalSimplex, mipGap: mipGap, relax: relax, verbose: verbose)
        options.deadline = timeLimit.map { Self.commandStarted.advanced(by: .milliseconds(Int64($0 * 1000))) }
        options.commandTimeLimit = timeLimit
        Progress.configure(enabled: progress || isatty(2) != 0, started: Self.commandStarted)
        return options
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, markdown, csv, html, xlsx

    var kind: OutputKind {
        switch self {
        case .table: return .textReport
        case .json: return .jsonReport
        case .markdown: return .markdownReport
        case .html: return .htmlPage
        case .csv: return .csvTable
        case .xlsx: return .workbook
        }
    }

    /// Usage rules every command that writes a report shares: a CSV report is a folder, so it
    /// needs `--output`; `--output` and `--html` must not name one file.
    func validate(output: String?, html: String? = nil) throws {
        if self == .csv && output == nil { throw ValidationError("--format csv writes a folder: give --output FOLDER") }
        if let html, let output, URL(fileURLWithPath: html).standardizedFileURL.path == URL(fileURLWithPath: output).standardizedFileURL.path {
            throw ValidationError("--output and --html name the same file")
        }
    }

    /// Checks, before any solve, that the targets may be written: a workbook not onto a
    /// terminal, `output` as a file of this format (`json` as a file of kind `json`), `html` as a page.
    func checkTargets(output: String?, html: String? = nil, json: OutputKind = .jsonReport) throws {
        if self == .xlsx { try Console.checkWorkbookTarget(output) }
        if let output {
            if self == .csv { try CSVFolder.check(output) } else { try OutputFile.check(output, kind: self == .json ? json : kind) }
        }
        if let html { try OutputFile.check(html, kind: .htmlPage) }
    }
}

extension ScenarioSolver.Comparisons: ExpressibleByArgument {}
extension ScenarioSolver.Strategy: ExpressibleByArgument {}
extension RobustPlanning.Method: ExpressibleByArgument {}
extension ScenarioSolver.MIPMethod: ExpressibleByArgument {}

enum Method: String, ExpressibleByArgument, CaseIterable {
    case simplex, interior
}

/// Loads a scenario, turning its problems into a ``CommandFailure``.
func loadScenario(_ file: String, edits: [ScenarioEdit] = [], label: String? = nil, maxBytes: Int) throws -> Scenario {
    do {
        if edits.isEmpty { return try ScenarioDecoder.load(path: file, maxInputBytes: maxBytes) }
        return try ScenarioDecoder.load(path: file, edits: edits, maxInputBytes: maxBytes)
    } catch let error as ScenarioErrors {
        throw CommandFailure.badScenario(file: label ?? file, error)
    } catch let error as ScenarioEdit.EditError {
        throw CommandFailure.badInput("\(label ?? file): \(error)")
    }
}
