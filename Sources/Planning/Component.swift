import Platform

/// One colour component of a pixel as stored in memory.
package enum Component: String, Sendable, Hashable, Codable {
    /// Red, green and blue, alpha (opacity), and padding: a byte or bits
    /// stored but ignored (the "X" in XRGB8888). Raw values are the letters
    /// format names use.
    case red = "R", green = "G", blue = "B", alpha = "A", padding = "X"
    /// Luma (Y) and the two colour-difference components of YUV formats:
    /// blue-difference Cb (U) and red-difference Cr (V).
    case luma = "Y", blueDifference = "U", redDifference = "V"
}
