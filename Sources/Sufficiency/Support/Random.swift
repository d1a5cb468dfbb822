import Foundation

/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64): the same seed gives
/// the same draws on every machine, so a projection's simulations can be replayed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }

    /// A uniform draw in (0, 1): never exactly 0 or 1.
    public mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) * 0x1p-53 }

    /// A standard normal draw (Marsaglia's polar method).
    public mutating func normal() -> Double {
        while true {
            let u = 2 * uniform() - 1, v = 2 * uniform() - 1, s = u * u + v * v
            if s > 0 && s < 1 { return u * (-2 * log(s) / s).squareRoot() }
        }
    }

    /// A Gamma(shape, 1) draw (Marsaglia and Tsang 2000; shape < 1 by the boost U^(1/shape)).
    public mutating func gamma(shape: Double) -> Double {
        precondition(shape > 0)
        if shape < 1 { return gamma(shape: shape + 1) * pow(uniform(), 1 / shape) }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat { x = normal(); v = 1 + c * x } while v <= 0
            v = v * v * v
            let u = uniform()
            if u < 1 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// A Beta(a, b) draw.
    public mutating func beta(_ a: Double, _ b: Double) -> Double {
        let x = gamma(shape: a), y = gamma(shape: b)
        return x + y > 0 ? x / (x + y) : (a >= b ? 1 : 0)
    }

    /// A Dirichlet draw with these parameters (each > 0), as shares summing to 1.
    public mutating func dirichlet(_ alpha: [Double]) -> [Double] {
        var draws = alpha.map { $0 > 0 ? gamma(shape: $0) : 0 }
        var total = draws.reduce(0, +)
        if !(total > 0) {
            // Every gamma underflowed (tiny parameters): the largest parameter takes it all.
            draws = alpha.map { _ in 0 }
            if let k = alpha.indices.max(by: { alpha[$0] < alpha[$1] }) { draws[k] = 1 }
            total = 1
        }
        return draws.map { $0 / total }
    }

    /// A Binomial(n, p) draw, exact: inversion for small n·p, otherwise Devroye's recursion on the
    /// beta-distributed order statistic of n uniforms (O(log n) beta draws).
    public mutating func binomial(_ n: Int, _ p: Double) -> Int {
        if n <= 0 || p <= 0 { return 0 }
        if p >= 1 { return n }
        if p > 0.5 { return n - binomial(n, 1 - p) }
        if Double(n) * p < 16 {
            // Inversion: walk the cumulative distribution from 0.
            let q = 1 - p, ratio = p / q
            var probability = pow(q, Double(n)), cumulative = probability, k = 0
            let u = uniform()
            while u > cumulative && k < n {
                probability *= ratio * Double(n - k) / Double(k + 1)
                cumulative += probability
                k += 1
                if probability < 1e-300 && cumulative < u { break }
            }
            return k
        }
        let i = n / 2 + 1
        let x = beta(Double(i), Double(n + 1 - i))
        if x < p { return i + binomial(n - i, (p - x) / (1 - x)) }
        return binomial(i - 1, p / x)
    }

    /// A multinomial draw of `n` over these shares (summing to 1), by conditional binomials.
    public mutating func multinomial(_ n: Int, _ shares: [Double]) -> [Int] {
        var result = [Int](repeating: 0, count: shares.count)
        var left = n, mass = 1.0
        for k in shares.indices where left > 0 {
            if k == shares.count - 1 { result[k] = left; break }
            let p = mass > 0 ? min(1, max(0, shares[k] / mass)) : 0
            let draw = binomial(left, p)
            result[k] = draw
            left -= draw
            mass -= shares[k]
        }
        return result
    }

    /// A Poisson(λ) draw, exact: multiplication of uniforms for small λ, otherwise Ahrens and
    /// Dieter's recursion through a gamma draw.
    public mutating func poisson(_ lambda: Double) -> Int {
        if !(lambda > 0) { return 0 }
        if lambda < 16 {
            let limit = exp(-lambda)
            var k = 0, product = uniform()
            while product > limit { product *= uniform(); k += 1 }
            return k
        }
        let m = Int(lambda * 7 / 8)
        let x = gamma(shape: Double(m))
        if x < lambda { return m + poisson(lambda - x) }
        return binomial(m - 1, lambda / x)
    }
}
