import KMS

/// Where the copy path puts a frame in its display buffers when libyuv
/// scales it: buffers of `bufferWidth` x `bufferHeight` (a mode's size),
/// the frame scaled into `target` keeping its aspect ratio and centred,
/// the rest black.
public struct CopyLayout: Sendable, Equatable {
    /// The display buffers' width.
    public var bufferWidth: Int
    /// The display buffers' height.
    public var bufferHeight: Int
    /// The converted frame's rectangle in the buffer.
    public var target: PixelRectangle

    /// A layout with these values; no checks.
    public init(bufferWidth: Int, bufferHeight: Int, target: PixelRectangle) {
        self.bufferWidth = bufferWidth
        self.bufferHeight = bufferHeight
        self.target = target
    }

    /// A `width` x `height` frame fitted into a `bufferWidth` x
    /// `bufferHeight` buffer: as large as fits with the frame's aspect
    /// ratio (even sizes), centred.
    public static func fitting(width: Int, height: Int, into bufferWidth: Int, _ bufferHeight: Int) -> CopyLayout {
        // Compare w/h with W/H without rounding: w * H against W * h.
        var fittedWidth = bufferWidth, fittedHeight = bufferHeight
        if width * bufferHeight > bufferWidth * height {
            fittedHeight = bufferWidth * height / width
        } else {
            fittedWidth = bufferHeight * width / height
        }
        fittedWidth -= fittedWidth % 2
        fittedHeight -= fittedHeight % 2
        let target = PixelRectangle(
            x: (bufferWidth - fittedWidth) / 2, y: (bufferHeight - fittedHeight) / 2, width: fittedWidth, height: fittedHeight)
        return CopyLayout(bufferWidth: bufferWidth, bufferHeight: bufferHeight, target: target)
    }
}
