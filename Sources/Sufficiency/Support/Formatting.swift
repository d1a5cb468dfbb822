import Foundation

/// A number in `%g` style, for messages.
func formatGeneral(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "infinity" : "-infinity" }
    return String(format: "%.6g", value)
}
