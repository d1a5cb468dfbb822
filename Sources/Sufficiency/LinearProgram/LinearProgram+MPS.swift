import Foundation

extension LinearProgram {
    /// The programme in free MPS format, every number with all its digits.
    ///
    /// GLPK's own MPS writer keeps 12 characters a number, so a coefficient such as 9.876543e-07
    /// keeps 7 significant digits and the objective another reader finds can be off by 1e-8
    /// relative (found by the property test that re-solves the exports). This writer prints each
    /// number in the shortest form that reads back to the same double. Integer columns sit between
    /// `MARKER` lines with both bounds written (readers differ on an integer column's default
    /// upper bound); a row with two different finite bounds is an `L` row with a range. Only
    /// minimisation: the sense line of MPS is not read alike by every reader.
    public func freeMPS() -> String {
        precondition(sense == .minimize, "freeMPS writes minimisations only")
        func number(_ value: Double) -> String { value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)" }
        let rowName = (0..<rowCount).map { rowNames[$0].isEmpty ? "R\($0 + 1)" : rowNames[$0] }
        let columnName = (0..<columnCount).map { columnNames[$0].isEmpty ? "C\($0 + 1)" : columnNames[$0] }
        var out = "NAME \(name.isEmpty || name.contains(" ") ? "model" : name)\nROWS\n N obj\n"
        out.reserveCapacity(64 * (rowCount + nonzeroCount + columnCount))
        var rhs: [(Int, Double)] = [], ranges: [(Int, Double)] = []
        for i in 0..<rowCount {
            let lower = rowLower[i], upper = rowUpper[i]
            let type: String
            switch (lower.isFinite, upper.isFinite) {
            case (true, true) where lower == upper: type = "E"; if lower != 0 { rhs.append((i, lower)) }
            case (true, true): type = "L"; if upper != 0 { rhs.append((i, upper)) }; ranges.append((i, upper - lower))
            case (false, true): type = "L"; if upper != 0 { rhs.append((i, upper)) }
            case (true, false): type = "G"; if lower != 0 { rhs.append((i, lower)) }
            case (false, false): type = "N"
            }
            out += " \(type) \(rowName[i])\n"
        }
        out += "COLUMNS\n"
        var inIntegers = false, markers = 0
        for j in 0..<columnCount {
            if isInteger[j] != inIntegers {
                out += "    M\(markers) 'MARKER' '\(isInteger[j] ? "INTORG" : "INTEND")'\n"
                markers += 1
                inIntegers = isInteger[j]
            }
            if objective[j] != 0 { out += "    \(columnName[j]) obj \(number(objective[j]))\n" }
            for k in columnStart[j]..<columnStart[j + 1] { out += "    \(columnName[j]) \(rowName[rowIndex[k]]) \(number(value[k]))\n" }
            if objective[j] == 0 && columnStart[j] == columnStart[j + 1] { out += "    \(columnName[j]) obj 0\n" }
        }
        if inIntegers { out += "    M\(markers) 'MARKER' 'INTEND'\n" }
        if !rhs.isEmpty {
            out += "RHS\n"
            for (i, value) in rhs { out += "    RHS \(rowName[i]) \(number(value))\n" }
        }
        if !ranges.isEmpty {
            out += "RANGES\n"
            for (i, value) in ranges { out += "    RNG \(rowName[i]) \(number(value))\n" }
        }
        out += "BOUNDS\n"
        for j in 0..<columnCount {
            let lower = columnLower[j], upper = columnUpper[j], name = columnName[j]
            switch (lower.isFinite, upper.isFinite) {
            case (true, true) where lower == upper: out += " FX BND \(name) \(number(lower))\n"
            case (false, false): out += " FR BND \(name)\n"
            case (false, true): out += " MI BND \(name)\n UP BND \(name) \(number(upper))\n"
            case (true, false):
                if lower != 0 || isInteger[j] { out += " LO BND \(name) \(number(lower))\n" }
                if isInteger[j] { out += " PL BND \(name)\n" }
            case (true, true):
                if lower != 0 || isInteger[j] { out += " LO BND \(name) \(number(lower))\n" }
                out += " UP BND \(name) \(number(upper))\n"
            }
        }
        return out + "ENDATA\n"
    }
}
