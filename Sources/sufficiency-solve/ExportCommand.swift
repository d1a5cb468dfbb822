import ArgumentParser
import Foundation
import Sufficiency

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the model for another solver: CPLEX LP or free MPS.",
        discussion: "The objective's constant (the cost of children already placed) is the cost of a column `constant` fixed at 1, so glpsol, HiGHS and CPLEX report the objective sufficiency-solve reports. A scenario with futures is written as its extensive form (every future's placements, the capital decisions once), whose optimum is the expected cost (RP) or, with robust.objective regret, the least largest regret.")

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
        if let lp, lp == mps { throw ValidationError("--lp and --mps name the same file") }
    }

    func run() throws {
        let scenario = try loadScenario(file, maxBytes: input.maxBytes)
        if let lp { try OutputFile.check(lp, kind: .lp) }
        if let mps { try OutputFile.check(mps, kind: .mps) }
        var options = SolverOptions()
        options.relax = relax
        // With futures, the extensive form: one model over every future, the capital decisions shared.
        let program = scenario.futures.isEmpty ? try PlacementModel(scenario: scenario, relax: relax).program
            : try RobustPlanning(options: options).extensiveProgram(scenario)
        let solver = try SolverBackend.glpk.make(program.withConstantAsColumn())
        var files: [(data: Data, path: String, kind: OutputKind)] = []
        // Each file carries its seal in a comment, so a later export replaces it only while it is unchanged.
        func sealed(_ comment: String, _ data: Data) -> Data { Data(Seal.seal(comment + String(decoding: data, as: UTF8.self)).utf8) }
        if let lp { files.append((sealed("\\* Problem: written by sufficiency-solve export (\(Seal.placeholder)) *\\\n", try solver.lpData()), lp, .lp)) }
        if let mps { files.append((sealed("* Problem: written by sufficiency-solve export (\(Seal.placeholder))\n", try solver.mpsData()), mps, .mps)) }
        try OutputFile.writeTogether(files)
    }
}
