import Foundation
import Testing
@testable import Sufficiency

// Shared test helpers: the built binary, temporary folders, processes.

/// A folder under the system temporary folder, removed when released.
final class TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sufficiency-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
    func write(_ name: String, json object: [String: Any]) throws -> String {
        try write(name, String(decoding: encode(object), as: UTF8.self))
    }
}


/// Runs the built `sufficiency-solve` binary, as a user would.
enum CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var executable: URL? {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [beside, beside.deletingLastPathComponent(), packageRoot.appendingPathComponent(".build/debug"),
                          packageRoot.appendingPathComponent(".build/release")]
        return candidates.map { $0.appendingPathComponent("sufficiency-solve") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ arguments: [String]) throws -> Result {
        guard let executable else { throw CocoaError(.fileNoSuchFile) }
        return try collect(executable: executable, arguments: arguments, environment: nil)
    }

    /// Runs a process from the package root and collects its output and exit status.
    static func collect(executable: URL, arguments: [String], environment: [String: String]?) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes to the end before waiting, so a large report cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    static func scenario(_ name: String) -> String { packageRoot.appendingPathComponent("scenarios/\(name)").path }
}


extension CLI {
    /// Runs a shell script with `$SUFF` set to the built binary, from the package root:
    /// for closed descriptors (`>&-`), file-size limits (`ulimit -f`) and pipelines.
    static func shell(_ script: String, environment: [String: String] = [:]) throws -> Result {
        guard let executable else { throw CocoaError(.fileNoSuchFile) }
        var env = ProcessInfo.processInfo.environment
        env["SUFF"] = executable.path
        for (key, value) in environment { env[key] = value }
        return try collect(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", script], environment: env)
    }

    /// Starts the built binary in the background, output discarded.
    static func launch(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = try #require(executable)
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits up to `seconds` for `condition`.
    static func waitFor(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition()
    }
}

/// The problems reported for the scenario file at `path`; records a test failure when the file is
/// accepted (so a check on the problems can never pass because nothing was thrown).
func loadIssues(_ path: String, maxInputBytes: Int = ScenarioDecoder.Limits.defaultMaxInputBytes,
                sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [ScenarioIssue] {
    do {
        _ = try ScenarioDecoder.load(path: path, maxInputBytes: maxInputBytes)
        Issue.record("the scenario was accepted; problems were expected", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.issues
    }
}
