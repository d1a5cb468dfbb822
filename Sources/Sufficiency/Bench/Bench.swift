import Foundation

/// The nightly benchmark: solve every scenario in a folder several times, each run in a child
/// process (so its peak memory is its own), summarise, and compare with a baseline.
public enum Bench {
    /// What one child run reports (the `bench-run` command prints it as JSON).
    public struct Sample: Codable, Sendable, Equatable {
        public var status: String
        public var objective: Double?
        public var verified: Bool
        public var rows: Int
        public var columns: Int
        public var nonzeros: Int
        public var integers: Int
        public var buildSeconds: Double
        public var solveSeconds: Double
        public var verifySeconds: Double
        /// Reading the scenario, building, solving and verifying, inside the child.
        public var totalSeconds: Double
        /// Peak resident memory of the child process, filled in by the parent.
        public var peakMemoryMB: Double?
        public var error: String?

        public init(status: String, objective: Double?, verified: Bool, rows: Int, columns: Int, nonzeros: Int, integers: Int,
                    buildSeconds: Double, solveSeconds: Double, verifySeconds: Double, totalSeconds: Double,
                    peakMemoryMB: Double? = nil, error: String? = nil) {
            self.status = status; self.objective = objective; self.verified = verified
            self.rows = rows; self.columns = columns; self.nonzeros = nonzeros; self.integers = integers
            self.buildSeconds = buildSeconds; self.solveSeconds = solveSeconds; self.verifySeconds = verifySeconds
            self.totalSeconds = totalSeconds; self.peakMemoryMB = peakMemoryMB; self.error = error
        }

        /// A run that produced no solve.
        public static func failed(_ error: String) -> Sample {
            Sample(status: "error", objective: nil, verified: false, rows: 0, columns: 0, nonzeros: 0, integers: 0,
                   buildSeconds: 0, solveSeconds: 0, verifySeconds: 0, totalSeconds: 0, error: error)
        }
    }

    public struct Stat: Codable, Sendable, Equatable {
        public var min: Double
        public var median: Double
        public init(_ values: [Double]) {
            let sorted = values.sorted()
            min = sorted.first ?? 0
            median = sorted.isEmpty ? 0 : sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
    }

    /// One JSON line of the benchmark output.
    public struct Result: Codable, Sendable, Equatable {
        public var name: String
        public var rows: Int
        public var columns: Int
        public var nonzeros: Int
        public var integers: Int
        public var status: String
        public var objective: Double?
        public var verified: Bool
        public var runs: Int
        public var build: Stat
        public var solve: Stat
        public var verify: Stat
        public var total: Stat
        /// Largest peak resident memory over the runs, MB.
        public var peakMemoryMB: Double
        public var error: String?
        /// The tool and GLPK versions, and when the run was made (UTC, ISO 8601): absent in
        /// baselines written before they were recorded.
        public var tool: String?
        public var date: String?

        public init(name: String, samples: [Sample]) {
            self.name = name
            let first = samples.first
            rows = first?.rows ?? 0
            columns = first?.columns ?? 0
            nonzeros = first?.nonzeros ?? 0
            integers = first?.integers ?? 0
            status = first?.status ?? "error"
            objective = first?.objective
            // A run that disagrees with the first on the objective is itself a finding.
            verified = samples.allSatisfy(\.verified)
            runs = samples.count
            build = Stat(samples.map(\.buildSeconds))
            solve = Stat(samples.map(\.solveSeconds))
            verify = Stat(samples.map(\.verifySeconds))
            total = Stat(samples.map(\.totalSeconds))
            peakMemoryMB = samples.compactMap(\.peakMemoryMB).max() ?? 0
            error = samples.compactMap(\.error).first
            if let objective, samples.contains(where: { ($0.objective ?? .nan) != objective }) {
                error = (error.map { $0 + "; " } ?? "") + "objective differs between runs"
            }
            tool = "sufficiency-solve \(SufficiencyVersion.current) (GLPK \(SolverBackend.glpk.version))"
            date = ISO8601DateFormatter().string(from: Date())
        }
    }

    /// The scenario files of a folder (`.json`, `.yaml`, `.yml`), sorted by name.
    public static func scenarios(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
    }

    /// The stable slice `index` (1-based) of `count` shards: every count-th file from index − 1.
    public static func shard<T>(_ items: [T], index: Int, count: Int) -> [T] {
        items.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }

    /// Parses `i/n`.
    public static func parseShard(_ text: String) -> (index: Int, count: Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index) else { return nil }
        return (index, count)
    }

    // MARK: Running children

    /// A child process that could not be run.
    public struct ChildError: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// The running executable's own path (`/proc/self/exe`), so children run the same binary
    /// however we were started (from PATH, through a link).
    public static func ownExecutable() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return Bundle.main.executablePath }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Runs `executable arguments` and returns its standard output, exit status and peak RSS (MB).
    public static func runChild(_ executable: String, _ arguments: [String]) throws -> (output: String, status: Int32, peakMB: Double) {
        var pipe: [Int32] = [0, 0]
        guard Foundation.pipe(&pipe) == 0 else { throw ChildError(reason: "cannot make a pipe: \(String(cString: strerror(errno)))") }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipe[0])
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(pipe[1])
        guard spawned == 0 else {
            close(pipe[0])
            throw ChildError(reason: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        // A signal to us is passed on to the child, which we then wait for (see Cleanup).
        let slot = Cleanup.register(child: pid)
        defer { Cleanup.release(child: slot) }
        let reader = FileHandle(fileDescriptor: pipe[0], closeOnDealloc: true)
        let data = reader.readDataToEndOfFile()
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        // ru_maxrss is in kilobytes on Linux.
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (String(decoding: data, as: UTF8.self), exitStatus, Double(usage.ru_maxrss) / 1024)
    }

    /// Runs every scenario `repeat` times in child processes, `jobs` at a time, and summarises.
    public static func run(executable: String, folder: String, files: [String], repeat count: Int, jobs: Int,
                           childArguments: [String], progress: @escaping @Sendable (String) -> Void) -> [Result] {
        let results = Locked([Result?](repeating: nil, count: files.count))
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = max(1, jobs)
        for (index, file) in files.enumerated() {
            queue.addOperation {
                var samples: [Sample] = []
                for _ in 0..<max(1, count) {
                    let path = URL(fileURLWithPath: folder).appendingPathComponent(file).path
                    do {
                        let child = try runChild(executable, ["bench-run", path] + childArguments)
                        var sample = (try? JSONDecoder().decode(Sample.self, from: Data(child.output.utf8))) ?? .failed("exit \(child.status)")
                        sample.peakMemoryMB = child.peakMB
                        samples.append(sample)
                    } catch {
                        samples.append(.failed("\(error)"))
                    }
                }
                let result = Result(name: file, samples: samples)
                results.withLock { $0[index] = result }
                progress(String(format: "%@: %@ in %.3f s (median of %d)", file, result.status, result.total.median, result.runs))
            }
        }
        queue.waitUntilAllOperationsAreFinished()
        return results.withLock { $0.compactMap { $0 } }
    }

    // MARK: Output and baseline

    /// One JSON object per line, keys sorted.
    public static func jsonLines(_ results: [Result]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard !results.isEmpty else { return "" }
        return try results.sorted { $0.name < $1.name }.map { String(decoding: try encoder.encode($0), as: UTF8.self) }.joined(separator: "\n") + "\n"
    }

    public static func readLines(_ text: String) throws -> [Result] {
        try text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { try JSONDecoder().decode(Result.self, from: Data($0.utf8)) }
    }

    /// A regression against the baseline.
    public struct Regression: Sendable, Equatable, CustomStringConvertible {
        public var name: String
        public var reason: String
        public var description: String { "\(name): \(reason)" }
    }

    /// Objectives that changed beyond `tolerance` (relative), statuses that changed, verification
    /// lost, scenarios on one side only, and medians slower than `threshold` × the baseline's *and*
    /// more than `floor` seconds slower (sub-second noise on small models is not a regression).
    /// `folder` lists every scenario of the folder: a baseline entry that is in it but not among
    /// `results` belongs to another shard and is not missing.
    public static func compare(_ results: [Result], baseline: [Result], threshold: Double, floor: Double = 0.5,
                               tolerance: Double = 1e-6, folder: [String]? = nil) -> [Regression] {
        let byName = Dictionary(baseline.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let ran = Set(results.map(\.name)), inFolder = Set(folder ?? results.map(\.name))
        var regressions: [Regression] = []
        for base in baseline.sorted(by: { $0.name < $1.name }) where !ran.contains(base.name) && !inFolder.contains(base.name) {
            regressions.append(Regression(name: base.name, reason: "in the baseline but not in the folder (removed or renamed?)"))
        }
        for result in results.sorted(by: { $0.name < $1.name }) {
            if let error = result.error { regressions.append(Regression(name: result.name, reason: "error: \(error)")) }
            guard let base = byName[result.name] else {
                regressions.append(Regression(name: result.name, reason: "not in the baseline (add it with a new baseline)"))
                continue
            }
            if result.status != base.status {
                regressions.append(Regression(name: result.name, reason: "status \(result.status), baseline \(base.status)"))
            }
            if let a = result.objective, let b = base.objective, abs(a - b) > tolerance * max(1, abs(b)) {
                regressions.append(Regression(name: result.name, reason: String(format: "objective %.10g, baseline %.10g (%+.3g%%)", a, b, (a - b) / max(1, abs(b)) * 100)))
            } else if (result.objective == nil) != (base.objective == nil) {
                regressions.append(Regression(name: result.name, reason: "objective \(result.objective.map { "\($0)" } ?? "none"), baseline \(base.objective.map { "\($0)" } ?? "none")"))
            }
            if base.verified && !result.verified { regressions.append(Regression(name: result.name, reason: "verification failed")) }
            if result.total.median > threshold * base.total.median && result.total.median - base.total.median > floor {
                regressions.append(Regression(name: result.name, reason: String(format: "median %.3f s, baseline %.3f s (%.2f×, threshold %.2f× and %.2f s)",
                                                                                result.total.median, base.total.median, result.total.median / base.total.median, threshold, floor)))
            }
        }
        return regressions
    }

    /// A summary table, with the baseline's medians beside ours when given.
    public static func table(_ results: [Result], baseline: [Result]?) -> String {
        let byName = Dictionary((baseline ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var header = ["scenario", "rows", "columns", "integer", "status", "objective", "total min s", "total median s", "peak MB"]
        if baseline != nil { header += ["baseline median s", "ratio"] }
        let rows: [[String]] = results.sorted { $0.name < $1.name }.map { r in
            var row = [r.name, "\(r.rows)", "\(r.columns)", "\(r.integers)", r.status + (r.verified ? "" : " (unverified)"),
                       r.objective.map { String(format: "%.2f", $0) } ?? "—", String(format: "%.3f", r.total.min),
                       String(format: "%.3f", r.total.median), String(format: "%.0f", r.peakMemoryMB)]
            if baseline != nil {
                if let base = byName[r.name] {
                    row += [String(format: "%.3f", base.total.median), String(format: "%.2f", r.total.median / max(1e-9, base.total.median))]
                } else { row += ["—", "—"] }
            }
            return row
        }
        return ReportText.table(header, rows)
    }
}

