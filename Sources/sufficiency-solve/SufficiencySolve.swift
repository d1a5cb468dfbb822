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
        subcommands: [Solve.self, Validate.self, Compare.self, SweepCommand.self, Export.self, Generate.self, BenchCommand.self, BenchRun.self]
    )

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
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            Foundation.exit(ExitCodes.code(for: error, command: self))
        }
    }
}
