import ArgumentParser
import Foundation
import Sufficiency

/// What a command can fail with, beyond ArgumentParser's own errors.
enum CommandFailure: Error {
    /// A scenario (or one of its files) has problems: every one is printed, exit 1.
    case badScenario(file: String, ScenarioErrors)
    /// A records file (transitions, population, labels) has problems: every one is printed, exit 1.
    case badRecords(file: String, ScenarioErrors)
    /// A usage or input problem that is not in a scenario: exit 1.
    case badInput(String)
    /// The command ran and its outcome has this exit code (2 infeasible, 3 unverified, 4 regression);
    /// its messages are already printed.
    case outcome(Int32)
}

/// The one place that maps errors to the exit codes of SPEC §5.
enum ExitCodes {
    static func code(for error: Error, command: SufficiencySolve.Type) -> Int32 {
        switch error {
        case let failure as CommandFailure:
            switch failure {
            case let .badScenario(file, errors), let .badRecords(file, errors):
                // Every problem, but a problem repeated on many rows is shown ten times and then counted with its lines.
                var shown: [String: Int] = [:], more: [String: [ScenarioIssue]] = [:], order: [String] = []
                for issue in errors.issues {
                    let key = "\(issue.file ?? "")\u{0}\(issue.path)\u{0}\(issue.message)"
                    if shown[key, default: 0] < 10 {
                        shown[key, default: 0] += 1
                        StandardStreams.writeError("\(file): \(issue)\n")
                    } else {
                        if more[key] == nil { order.append(key) }
                        more[key, default: []].append(issue)
                    }
                }
                for key in order {
                    let rest = more[key]!, lines = rest.compactMap { $0.location?.line }
                    let span = lines.isEmpty ? "" : lines.count <= 5 ? " (lines \(lines.map(String.init).joined(separator: ", ")))" : " (lines \(lines.prefix(5).map(String.init).joined(separator: ", ")), … \(lines.last!))"
                    StandardStreams.writeError("\(file): … and \(rest.count) more: \(rest[0].message)\(span)\n")
                }
                let outcome = if case .badRecords = failure { "nothing written" } else { "nothing solved" }
                StandardStreams.writeError("\(file): \(errors.issues.count) problem\(errors.issues.count == 1 ? "" : "s") found; \(outcome)\n")
                return 1
            case let .badInput(message):
                Console.error(message)
                return 1
            case let .outcome(code):
                return code
            }
        case let output as OutputError:
            Console.error("\(output)")
            if case .refused = output { return 1 }
            return 74
        case let edit as ScenarioEdit.EditError:
            Console.error("\(edit)")
            return 1
        case let glpk as GLPKError:
            Console.error("internal error: \(glpk)")
            return 70
        default:
            break
        }
        let code = command.exitCode(for: error)
        if code == .success {
            // --help and --version: ArgumentParser's text on standard output.
            do { try StandardStreams.writeOutput(command.fullMessage(for: error) + "\n") } catch {
                Console.error("\(error)")
                return 74
            }
            return 0
        }
        if code == .validationFailure || code.rawValue == 64 {
            StandardStreams.writeError(command.fullMessage(for: error) + "\n")
            return 1
        }
        if let exit = error as? ExitCode { return exit.rawValue }
        Console.error("internal error: \(error)")
        return 70
    }
}
