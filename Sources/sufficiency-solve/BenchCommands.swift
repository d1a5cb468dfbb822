import ArgumentParser
import Foundation
import Sufficiency

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
        discussion: """
        Exit 1 when a scenario cannot be read or solved, or the folder has none. With --baseline, exit 4 on a changed \
        objective or status, lost verification, a scenario on one side only, or a median slower than --threshold × the \
        baseline's and more than --floor seconds slower.
        """
    )

    @Argument(help: "Folder of scenarios.") var folder: String
    @Option(help: "Solves of each scenario (min and median are reported).") var `repeat`: Int = 3
    @Option(help: "Baseline JSON lines to compare with.") var baseline: String?
    @Option(help: "Slowdown factor on the median total time that counts as a regression.") var threshold: Double = 1.25
    @Option(help: "Slowdown in seconds below which no change counts as a regression (timing noise).") var floor: Double = 0.5
    @Option(help: "Run only shard i of n (1-based), a stable slice for array jobs.") var shard: String?
    @Option(help: "Scenarios solved at once (each in its own process).") var jobs: Int = 1
    @Option(help: "Write the JSON lines here (atomically) instead of standard output.") var output: String?
    @Option(help: "Relative MIP gap for scenarios with capital options.") var mipGap: Double = 0
    @Option(help: "Time limit per solve, seconds.") var timeLimit: Double?

    func validate() throws {
        if `repeat` < 1 || `repeat` > 1000 { throw ValidationError("--repeat must be between 1 and 1000") }
        if jobs < 1 || jobs > 256 { throw ValidationError("--jobs must be between 1 and 256") }
        if !(threshold.isFinite && threshold >= 1) { throw ValidationError("--threshold must be a number ≥ 1") }
        if !(floor.isFinite && floor >= 0) { throw ValidationError("--floor must be a number of seconds ≥ 0") }
        if let shard, Bench.parseShard(shard) == nil { throw ValidationError("--shard must be i/n with 1 ≤ i ≤ n, got \(shard)") }
        if !(mipGap.isFinite && mipGap >= 0 && mipGap < 1) { throw ValidationError("--mip-gap must be a number in [0, 1)") }
        if let timeLimit, !(timeLimit.isFinite && timeLimit > 0) { throw ValidationError("--time-limit must be a number of seconds > 0") }
    }

    func run() throws {
        let all: [String]
        do { all = try Bench.scenarios(in: folder) } catch {
            throw CommandFailure.badInput("cannot read folder \(folder)")
        }
        guard !all.isEmpty else { throw CommandFailure.badInput("no scenarios (.json, .yaml, .yml) in \(folder)") }
        var files = all
        if let shard, let (index, count) = Bench.parseShard(shard) { files = Bench.shard(files, index: index, count: count) }
        var baselineResults: [Bench.Result]?
        if let baseline { baselineResults = try readBench(baseline) }
        if let output { try OutputFile.check(output, kind: .benchLines) }
        guard let executable = Bench.ownExecutable() else { throw CommandFailure.badInput("cannot find our own executable to run the solves") }
        var childArguments = ["--mip-gap", "\(mipGap)"]
        if let timeLimit { childArguments += ["--time-limit", "\(timeLimit)"] }
        let results = Bench.run(executable: executable, folder: folder, files: files, repeat: `repeat`, jobs: jobs,
                                childArguments: childArguments) { line in Console.error(line) }
        try Console.emit(try Bench.jsonLines(results), to: output, kind: .benchLines)
        StandardStreams.writeError(Bench.table(results, baseline: baselineResults) + "\n")
        let errors = results.filter { $0.error != nil }
        if let baselineResults {
            let regressions = Bench.compare(results, baseline: baselineResults, threshold: threshold, floor: floor, folder: all)
            if !regressions.isEmpty {
                for regression in regressions { Console.error("REGRESSION \(regression)") }
                throw CommandFailure.outcome(4)
            }
            Console.error("no regression against \(baseline!)")
        }
        if !errors.isEmpty {
            for result in errors { Console.error("ERROR \(result.name): \(result.error ?? "")") }
            throw CommandFailure.outcome(1)
        }
    }
}

/// Reads bench JSON lines, every problem a located message.
func readBench(_ file: String) throws -> [Bench.Result] {
    InputFiles.record(path: file)
    var info = stat()
    guard stat(file, &info) == 0 else { throw CommandFailure.badInput("cannot read \(file): \(String(cString: strerror(errno)))") }
    guard (info.st_mode & S_IFMT) == S_IFREG else { throw CommandFailure.badInput("\(file) is not a regular file") }
    let text: String
    do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
        throw CommandFailure.badInput("cannot read \(file): not UTF-8 text")
    }
    var results: [Bench.Result] = []
    for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
        do { results.append(try JSONDecoder().decode(Bench.Result.self, from: Data(line.utf8))) } catch {
            throw CommandFailure.badInput("\(file):\(number + 1): not a bench result line")
        }
    }
    return results
}

struct BenchMerge: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge", abstract: "Join the JSON lines of several shards into one file, sorted by scenario.")

    @Argument(help: "Shard outputs.") var files: [String]
    @Option(help: "Write here instead of standard output.") var output: String?

    func run() throws {
        var results: [Bench.Result] = []
        for file in files {
            for result in try readBench(file) {
                if let earlier = results.first(where: { $0.name == result.name }) {
                    throw CommandFailure.badInput("\(file): \(result.name) is in more than one input (also with status \(earlier.status)); merge each shard once")
                }
                results.append(result)
            }
        }
        try Console.emit(try Bench.jsonLines(results), to: output, kind: .benchLines)
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
        try StandardStreams.writeOutput(String(decoding: try encoder.encode(sample), as: UTF8.self) + "\n")
    }
}
