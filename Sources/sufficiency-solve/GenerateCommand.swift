import ArgumentParser
import Foundation
import Sufficiency

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic scenario of a given size (and its travel CSV), the same for the same seed.")

    @Option(help: "Number of zones.") var zones: Int = 10
    @Option(help: "Number of settings.") var settings: Int = 40
    @Option(help: "Number of needs.") var needs: Int = 13
    @Option(help: "Number of years.") var years: Int = 1
    @Option(help: "Number of capital options.") var options: Int = 0
    @Option(help: "Age groups: 0 none; 1-5 the phases primary, secondary, post-16, post-19 (and early years at 5).") var ages: Int = 0
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Scenario file to write; the travel table goes beside it as NAME-travel.csv. Either is replaced only if generate wrote it.") var output: String

    func run() throws {
        var info = stat()
        // Through a link, the travel table goes beside the file the link names, where the scenario will look for it.
        var target = output
        if lstat(output, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK, let resolved = realpath(output, nil) {
            target = String(cString: resolved)
            free(resolved)
        }
        let url = URL(fileURLWithPath: target)
        // Two files side by side: the target must be a file name in a folder, not a device or a folder.
        if output.hasSuffix("/") || (stat(output, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG) || output.hasPrefix("/dev/") || output.hasPrefix("/proc/") {
            throw CommandFailure.badInput("--output \(output): generate writes a scenario and its travel table side by side: give a file name such as big.json")
        }
        let travelName = url.deletingPathExtension().lastPathComponent + "-travel.csv"
        let travelPath = url.deletingLastPathComponent().appendingPathComponent(travelName).path
        let generator = ScenarioGenerator(zones: zones, settings: settings, needs: needs, years: years, options: options, seed: seed, ages: ages)
        let files: ScenarioGenerator.Output
        do { files = try generator.generate(travelFileName: travelName) } catch {
            throw CommandFailure.badInput("\(error)")
        }
        try OutputFile.writeTogether([(Data(files.travelCSV.utf8), travelPath, .generatedTravel),
                                      (Data(files.scenarioJSON.utf8), target, .generatedScenario)])
        StandardStreams.writeError("wrote \(output) and \(travelPath) (\(zones) zones, \(settings) settings, \(needs) needs, \(years) years, \(options) options\(ages > 0 ? ", \(ages) age groups" : ""), seed \(seed))\n")
    }
}
