import ArgumentParser
import Foundation
import Sufficiency

@main
struct SufficiencySolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sufficiency-solve",
        abstract: "Least-cost school placements for children with EHC plans: allocation, unmet need, value of a place, capital options, deficit.",
        discussion: """
        Exit codes: 0 solved, 1 bad input or usage, 2 infeasible / unbounded / no solution, 3 verification failed, \
        4 regression found by bench --baseline, 70 internal error, 74 output could not be written, 130 interrupted.
        """,
        version: "sufficiency-solve \(SufficiencyVersion.current) (GLPK \(SolverBackend.glpk.version))",
        subcommands: [Solve.self, Validate.self, Compare.self, SweepCommand.self, Export.self, Generate.self, InitCommand.self, ProjectCommand.self, Serve.self, BenchCommand.self, BenchRun.self]
    )

    /// The commands a user types (for "did you mean").
    static let commandNames = ["solve", "validate", "compare", "sweep", "export", "generate", "init", "project", "serve", "bench"]

    /// The nearest command to a mistyped one (Levenshtein distance at most 2), if any.
    static func suggestion(for word: String) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var previous = Array(0...b.count)
            for (i, x) in a.enumerated() {
                var current = [i + 1]
                for (j, y) in b.enumerated() { current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))) }
                previous = current
            }
            return previous[b.count]
        }
        let scored = commandNames.map { ($0, distance(Array(word.lowercased()), Array($0))) }.sorted { $0.1 < $1.1 }
        return scored.first.flatMap { $0.1 <= 2 || $0.0.hasPrefix(word.lowercased()) ? $0.0 : nil }
    }

    /// Parses and runs; every error becomes its exit code in ``ExitCodes``.
    static func main() {
        _ = SolverFlags.commandStarted
        StandardStreams.adoptClosedDescriptors()
        Signals.install()
        // A bare command is a usage error: help on standard error, exit 1.
        if CommandLine.arguments.count <= 1 {
            StandardStreams.writeError(helpMessage() + "\n")
            Foundation.exit(1)
        }
        // A first word that is no command: say so, with the nearest one.
        let first = CommandLine.arguments[1]
        if !first.hasPrefix("-"), !commandNames.contains(first), !["help", "bench-run"].contains(first) {
            let hint = suggestion(for: first).map { "; did you mean '\($0)'?" } ?? ""
            StandardStreams.writeError("sufficiency-solve: '\(first)' is not a command\(hint) (commands: \(commandNames.joined(separator: ", ")); see sufficiency-solve --help)\n")
            Foundation.exit(1)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            Foundation.exit(ExitCodes.code(for: error, command: self))
        }
    }
}
