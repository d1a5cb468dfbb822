import ArgumentParser
import Foundation
import Sufficiency

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check scenarios and print every problem found.")

    @Argument(help: "Scenario files.")
    var files: [String]

    @OptionGroup var input: InputOptions

    func run() throws {
        var failed = false
        for file in files {
            do {
                let scenario = try loadScenario(file, maxBytes: input.maxBytes)
                try StandardStreams.writeOutput("\(file): ok (\(scenario.years.count) years, \(scenario.needs.count) needs, \(scenario.settings.count) settings, \(scenario.capitalOptions.count) capital options)\n")
            } catch let failure as CommandFailure {
                // Every file is checked; the problems of each are printed as they are found.
                _ = ExitCodes.code(for: failure, command: SufficiencySolve.self)
                failed = true
            }
        }
        if failed { throw CommandFailure.outcome(1) }
    }
}
