import ArgumentParser
import Sufficiency

@main
struct SufficiencySolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sufficiency-solve",
        abstract: "Least-cost placement sufficiency planning for children with EHC plans, solved with GLPK."
    )
    func run() throws { print("GLPK \(GLPKSolver.version)") }
}
