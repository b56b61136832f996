import Platform

/// One colour component of a pixel as stored in memory.
public enum Component: String, Sendable, Hashable, Codable {
    case red = "R", green = "G", blue = "B", alpha = "A", padding = "X"
    case luma = "Y", blueDifference = "U", redDifference = "V"
}
