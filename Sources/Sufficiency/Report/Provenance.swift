import Foundation

/// This build's version, in every report's provenance, in `--version` and in bench lines.
public enum SufficiencyVersion {
    public static let current = "2.0.0"
}

extension Report {
    /// Where a report's numbers come from (SPEC §4): the tool, the input files and their
    /// SHA-256, the solver and method, and every rate and default applied.
    public struct Provenance: Codable, Sendable, Equatable {
        public var tool: String
        public var version: String
        public var scenario: String
        /// The scenario file, then the CSV files it names, each with its SHA-256.
        public var inputs: [Scenario.InputFile]
        /// Changes applied to the file before it was read (`compare --set`, `sweep --vary`).
        public var edits: [String]
        public var glpk: String
        /// LP method or branch and cut, and the LP strategy (full or sifting).
        public var method: String
        /// The relative MIP gap asked for (0: a proven optimum).
        public var mipGapRequested: Double
        /// The command's time limit in seconds (nil: none).
        public var timeLimit: Double?
        /// The rates the model used, as `name` and `value` in the scenario's own terms.
        public var rates: [Rate]
        /// Defaults applied where the scenario is silent.
        public var defaultsApplied: [String]
        /// When the run started (UTC, ISO 8601); only with timings on.
        public var runAt: String?

        public struct Rate: Codable, Sendable, Equatable {
            public var name: String
            public var value: String
        }

        public init(scenario s: Scenario, options: SolverOptions, method: String) {
            tool = "sufficiency-solve"
            version = SufficiencyVersion.current
            scenario = s.name
            inputs = s.inputs
            edits = s.edits
            glpk = SolverBackend.glpk.version
            self.method = method
            mipGapRequested = options.mipGap
            timeLimit = options.commandTimeLimit ?? options.timeLimit
            defaultsApplied = s.defaultsApplied
            var rates = [Rate(name: "discountRate", value: ReportTables.number(s.discountRate)),
                         Rate(name: "inflation", value: ReportTables.number(s.inflation))]
            for (n, need) in s.needs.enumerated() { rates.append(Rate(name: "unmetPenalty \(need)", value: ReportTables.number(s.unmetPenalty[n]))) }
            // Leaving rates by setting type: each distinct rate with how many settings have it.
            for type in SettingType.allCases {
                let values = s.settings.filter { $0.type == type }.map(\.leavingRate)
                guard !values.isEmpty else { continue }
                let counts = Dictionary(values.map { ($0, 1) }, uniquingKeysWith: +).sorted { $0.key < $1.key }
                rates.append(Rate(name: "leavingRate \(type.rawValue)",
                                  value: counts.map { "\(ReportTables.number($0.key)) (\($0.value) setting\($0.value == 1 ? "" : "s"))" }.joined(separator: ", ")))
            }
            rates.append(Rate(name: "finance.transport", value: s.finance.transport.rawValue))
            if !s.capitalOptions.isEmpty {
                rates.append(Rate(name: "capital.accounting", value: s.capital.accounting.rawValue))
                if s.capital.accounting == .annualised { rates.append(Rate(name: "capital.assetLifeYears", value: "\(s.capital.assetLifeYears)")) }
            }
            self.rates = rates
            runAt = ISO8601DateFormatter().string(from: Date())
        }
    }
}
