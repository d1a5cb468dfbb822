import Foundation

/// A projection of demand from a fitted ``CohortModel`` (SPEC §8): by need × age group × year,
/// the expected value and, with simulations, the spread; the census before the first year as
/// incumbents; and futures from chosen percentiles.
public struct DemandProjection: Sendable {
    /// The percentiles every band reports.
    public static let percentiles: [Double] = [5, 10, 25, 50, 75, 90, 95]

    public struct Options: Sendable {
        /// January censuses to report, in order (census Y is scenario year (Y − 1)/Y).
        public var censusYears: [Int]
        /// Age groups to report by; empty: by need only.
        public var groups: [AgeGroup]
        public var simulations: Int = 0
        public var seed: UInt64 = 1
        /// Futures: (percentile, probability); empty for none.
        public var futures: [(percentile: Double, probability: Double)] = []

        public init(censusYears: [Int], groups: [AgeGroup]) {
            self.censusYears = censusYears
            self.groups = groups
        }
    }

    public struct IncumbentRow: Sendable, Equatable {
        public var setting: String
        public var need: String
        /// Index into ``groups``; 0 without groups.
        public var group: Int
        public var children: Double
    }

    public struct Future: Sendable {
        public var id: String
        public var percentile: Double
        public var probability: Double
        /// Same layout as ``mean``.
        public var demand: [Double]
    }

    public var censusYears: [Int]
    /// The observed census (January) the projection starts from.
    public var base: Int
    public var needs: [String]
    public var groups: [AgeGroup]
    /// Expected children by (year, need, group): index (t·N + n)·G + g.
    public var mean: [Double]
    /// With simulations: the standard deviation and each of ``percentiles``, same layout.
    public var sd: [Double]?
    public var bands: [[Double]]?
    /// Expected total by year and need over all academic years (for backtests), index t·N + n.
    public var meanByNeed: [Double]
    /// With simulations: percentiles of the total by year and need, [percentile][t·N + n].
    public var bandsByNeed: [[Double]]?
    /// With simulations: percentiles of the total by year, [percentile][t].
    public var bandsTotal: [[Double]]?
    public var incumbents: [IncumbentRow]
    /// The census the incumbents come from (January).
    public var incumbentCensus: Int
    public var futures: [Future]
    public var simulations: Int
    public var seed: UInt64
    /// Expected children at the reported censuses in academic years no group covers.
    public var outsideGroups: Double

    public var groupCount: Int { max(1, groups.count) }

    /// The scenario year of the census of January `year`: "2026/27" for 2027.
    public static func yearLabel(census year: Int) -> String {
        let next = year % 100
        return "\(year - 1)/\(next < 10 ? "0" : "")\(next)"
    }

    /// The census year of a scenario year label: "2026/27" → 2027.
    public static func censusYear(of label: String) -> Int? {
        let parts = label.split(separator: "/")
        guard parts.count == 2, let first = Int(parts[0]), (1899...2199).contains(first), parts[1].count == 2, let second = Int(parts[1]),
              second == (first + 1) % 100 else { return nil }
        return first + 1
    }

    /// The age groups `project` reports by without a scenario's: early years when the records
    /// have them, then primary, secondary, post-16 and post-19, cut to the academic years modelled.
    public static func defaultGroups(for years: ClosedRange<Int>) -> [AgeGroup] {
        var groups = [AgeGroup(id: "early", name: "Early years (before Reception)", from: max(years.lowerBound, -5), to: -1)]
        groups += DfEInit.ageGroups.map { AgeGroup(id: $0.id, name: $0.name, from: $0.from, to: $0.to) }
        return groups.compactMap { g in
            let from = max(g.from, years.lowerBound), to = min(g.to, years.upperBound)
            return from <= to ? AgeGroup(id: g.id, name: g.name, from: from, to: to) : nil
        }
    }

    public struct ProjectionError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Projects from the observed census of January `base` to the last of `options.censusYears`.
    public static func run(_ model: CohortModel, records: TransitionRecords, base: Int, population: PopulationTable?,
                           options: Options) throws(ProjectionError) -> DemandProjection {
        guard let start = model.census(base, in: records) else { throw ProjectionError(description: "the transitions hold no census for January \(base)") }
        guard let first = options.censusYears.first, let last = options.censusYears.last, first > base else {
            throw ProjectionError(description: "the projection must start after the census it starts from (January \(base), scenario year \(yearLabel(census: base)))")
        }
        if population != nil, model.perHead {
            for c in base..<last {
                for a in model.academicYears where population?.value(year: c, academicYear: a) == nil {
                    throw ProjectionError(description: "\(population!.file) has no row for calendar-year \(c), academic-year \(a); the projection to \(yearLabel(census: last)) needs it")
                }
            }
        }
        let N = model.needs.count, S = model.settings.count, G = max(1, options.groups.count), T = options.censusYears.count
        let lo = model.academicYears.lowerBound
        let groupOf: [Int?] = model.academicYears.map { a in
            options.groups.isEmpty ? 0 : options.groups.firstIndex { $0.from <= a && a <= $0.to }
        }
        let position = Dictionary(uniqueKeysWithValues: options.censusYears.enumerated().map { ($1, $0) })

        // The expected path.
        var mean = [Double](repeating: 0, count: T * N * G), meanByNeed = [Double](repeating: 0, count: T * N)
        var outside = 0.0
        var census = start
        var incumbentCensus = start
        let incumbentYear = first - 1
        func add(_ counts: [Double], at t: Int) {
            for (k, x) in counts.enumerated() where x != 0 {
                let a = k / (N * S), n = (k % (N * S)) / S
                meanByNeed[t * N + n] += x
                if let g = groupOf[a] { mean[(t * N + n) * G + g] += x } else { outside += x }
            }
        }
        if base == incumbentYear { incumbentCensus = start }
        for year in base..<last {
            census = model.step(census, calendarYear: year, population: population)
            if year + 1 == incumbentYear { incumbentCensus = census }
            if let t = position[year + 1] { add(census.counts, at: t) }
        }
        var incumbents: [String: IncumbentRow] = [:]
        for (k, x) in incumbentCensus.counts.enumerated() where x > 0 {
            let a = k / (N * S), n = (k % (N * S)) / S, s = k % S
            guard let g = groupOf[a] else { continue }
            let key = "\(s)/\(n)/\(g)"
            incumbents[key, default: IncumbentRow(setting: model.settings[s], need: model.needs[n], group: g, children: 0)].children += x
        }
        let incumbentRows = incumbents.values.sorted { ($0.setting, $0.need, $0.group) < ($1.setting, $1.need, $1.group) }

        var projection = DemandProjection(censusYears: options.censusYears, base: base, needs: model.needs, groups: options.groups, mean: mean, sd: nil, bands: nil,
                                          meanByNeed: meanByNeed, bandsByNeed: nil, bandsTotal: nil, incumbents: incumbentRows, incumbentCensus: incumbentYear,
                                          futures: [], simulations: options.simulations, seed: options.seed, outsideGroups: outside)
        guard options.simulations > 0 else { return projection }

        // Simulations: each its own stream from the seed, so the result does not depend on how they are spread over cores.
        let M = options.simulations
        let startCounts = start.counts.map { Int($0.rounded()) }
        let results = Locked([[Double]](repeating: [], count: M))
        let byNeedResults = Locked([[Double]](repeating: [], count: M))
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var s = w
            while s < M {
                var rng = SeededGenerator(seed: options.seed &+ UInt64(s) &* 0x9E37_79B9_7F4A_7C15)
                var draws = SimulationDraws()
                var x = startCounts
                var cells = [Double](repeating: 0, count: T * N * G), byNeed = [Double](repeating: 0, count: T * N)
                for year in base..<last {
                    x = model.simulatedStep(x, calendarYear: year, population: population, draws: &draws, rng: &rng)
                    guard let t = position[year + 1] else { continue }
                    for (k, c) in x.enumerated() where c != 0 {
                        let a = k / (N * S), n = (k % (N * S)) / S
                        byNeed[t * N + n] += Double(c)
                        if let g = groupOf[a] { cells[(t * N + n) * G + g] += Double(c) }
                    }
                }
                results.withLock { $0[s] = cells }
                byNeedResults.withLock { $0[s] = byNeed }
                s += workers
            }
        }
        let sims = results.withLock { $0 }, simsByNeed = byNeedResults.withLock { $0 }
        func summarise(_ sims: [[Double]], count: Int) -> (sd: [Double], bands: [[Double]]) {
            var sd = [Double](repeating: 0, count: count)
            var bands = [[Double]](repeating: [Double](repeating: 0, count: count), count: percentiles.count)
            var column = [Double](repeating: 0, count: M)
            for k in 0..<count {
                for s in 0..<M { column[s] = sims[s][k] }
                let average = column.reduce(0, +) / Double(M)
                sd[k] = M > 1 ? (column.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(M - 1)).squareRoot() : 0
                column.sort()
                for (q, p) in percentiles.enumerated() { bands[q][k] = percentile(column, p) }
            }
            return (sd, bands)
        }
        let cellSummary = summarise(sims, count: T * N * G)
        projection.sd = cellSummary.sd
        projection.bands = cellSummary.bands
        projection.bandsByNeed = summarise(simsByNeed, count: T * N).bands
        let simsTotal = simsByNeed.map { byNeed in (0..<T).map { t in (0..<N).reduce(0) { $0 + byNeed[t * N + $1] } } }
        projection.bandsTotal = summarise(simsTotal, count: T).bands

        // Futures: the simulations whose total over the horizon ranks near the percentile, averaged
        // (whole simulations, so each future's needs, ages and years hang together).
        let totals = sims.map { $0.reduce(0, +) }
        let order = (0..<M).sorted { (totals[$0], $0) < (totals[$1], $1) }
        let halfWindow = max(0, Int((0.05 * Double(M)).rounded()))
        let names = options.futures.count == 3 ? ["low", "central", "high"] : options.futures.map { "p\(DecodeContext.show($0.percentile))" }
        for (f, future) in options.futures.enumerated() {
            let centre = Int((future.percentile / 100 * Double(M - 1)).rounded())
            let chosen = order[max(0, centre - halfWindow)...min(M - 1, centre + halfWindow)]
            var demand = [Double](repeating: 0, count: T * N * G)
            for s in chosen { for k in demand.indices { demand[k] += sims[s][k] } }
            for k in demand.indices { demand[k] /= Double(chosen.count) }
            projection.futures.append(Future(id: names[f], percentile: future.percentile, probability: future.probability, demand: demand))
        }
        return projection
    }

    /// The p-th percentile of sorted values, interpolated between order statistics (Hyndman and Fan's type 7, as R's default).
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let h = p / 100 * Double(sorted.count - 1)
        let k = Int(h.rounded(.down)), f = h - Double(k)
        return k + 1 < sorted.count ? sorted[k] + f * (sorted[k + 1] - sorted[k]) : sorted[k]
    }
}

/// `--backtest YEAR`: the model fitted on the transitions before YEAR, projected from the census
/// of January YEAR, against what the records show for the censuses after it.
public struct Backtest: Sendable {
    public struct Line: Sendable {
        public var census: Int
        /// A need, or nil for the total.
        public var need: String?
        public var projected: Double
        public var low: Double?
        public var high: Double?
        public var observed: Double
        public var error: Double { projected - observed }
        public var percentError: Double? { observed > 0 ? 100 * error / observed : nil }
        public var inBand: Bool? { low.map { l in l <= observed && observed <= (high ?? l) } }
    }
    public var year: Int
    public var lines: [Line]
    /// Mean absolute percentage error of the total over the years.
    public var totalMAPE: Double
    /// The fitted model, for its rates.
    public var model: CohortModel

    public static func run(_ records: TransitionRecords, year: Int, population: PopulationTable?, valid: ValidStates?,
                           priorWeight: Double, simulations: Int, seed: UInt64, growth: CohortModel.JoinerGrowth = .none) throws -> Backtest {
        let span = records.calendarYears
        guard year > span.lowerBound, year <= span.upperBound else {
            throw DemandProjection.ProjectionError(description: "--backtest \(year) needs transitions before it and censuses after it: the records run from calendar-year \(span.lowerBound) to \(span.upperBound), so YEAR is \(span.lowerBound + 1) to \(span.upperBound)")
        }
        var model = try CohortModel.fit(records, years: span.lowerBound...(year - 1), population: population, valid: valid, priorWeight: priorWeight)
        try model.apply(growth)
        let censuses = Array((year + 1)...(span.upperBound + 1))
        var options = DemandProjection.Options(censusYears: censuses, groups: [])
        options.simulations = simulations
        options.seed = seed
        let projection = try DemandProjection.run(model, records: records, base: year, population: population, options: options)
        let N = model.needs.count
        var lines: [Line] = []
        var errors: [Double] = []
        for (t, census) in censuses.enumerated() {
            let observed = model.census(census, in: records)!
            var byNeed = [Double](repeating: 0, count: N)
            for (k, x) in observed.counts.enumerated() { byNeed[(k % (N * model.settings.count)) / model.settings.count] += x }
            let p10 = DemandProjection.percentiles.firstIndex(of: 10)!, p90 = DemandProjection.percentiles.firstIndex(of: 90)!
            for n in 0..<N {
                lines.append(Line(census: census, need: model.needs[n], projected: projection.meanByNeed[t * N + n],
                                  low: projection.bandsByNeed?[p10][t * N + n], high: projection.bandsByNeed?[p90][t * N + n], observed: byNeed[n]))
            }
            let total = Line(census: census, need: nil, projected: (0..<N).reduce(0) { $0 + projection.meanByNeed[t * N + $1] },
                             low: projection.bandsTotal?[p10][t], high: projection.bandsTotal?[p90][t], observed: byNeed.reduce(0, +))
            lines.append(total)
            if let e = total.percentError { errors.append(abs(e)) }
        }
        return Backtest(year: year, lines: lines, totalMAPE: errors.isEmpty ? 0 : errors.reduce(0, +) / Double(errors.count), model: model)
    }
}
