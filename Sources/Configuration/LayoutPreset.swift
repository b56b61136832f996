import KMS
import Platform

/// Where several cameras go on one screen when the pipeline file names a
/// preset instead of a rectangle per source (issue 12: `grid`,
/// `side-by-side`, `picture-in-picture` with the first source full screen).
/// Pure geometry: each frame is fitted into its cell keeping its aspect
/// ratio (even sizes, centred), so a plane that cannot scale is asked for
/// exactly what it can show only when the sizes already agree.
public enum LayoutPreset: String, Sendable, Codable, CaseIterable {
    /// Columns × rows as square as the count allows (2: 2×1, 3 and 4: 2×2,
    /// 5 and 6: 3×2), filled row by row.
    case grid
    /// One row, each source an equal column.
    case sideBySide = "side-by-side"
    /// The first source fills the screen; the others are small (fitted in
    /// quarter-screen boxes, three to a row) at the bottom right, over it.
    case pictureInPicture = "picture-in-picture"

    /// The rectangle of each source on a `screenWidth` x `screenHeight`
    /// screen, in the order of `frameSizes` (each source's frame width and
    /// height); empty for no sources.
    public func rectangles(frameSizes: [(width: Int, height: Int)], screenWidth: Int, screenHeight: Int) -> [PixelRectangle] {
        let count = frameSizes.count
        guard count > 0, screenWidth > 0, screenHeight > 0 else { return [] }
        switch self {
        case .grid:
            var columns = 1
            while columns * columns < count { columns += 1 }
            let rows = (count + columns - 1) / columns
            return cells(frameSizes, columns: columns, rows: rows, screenWidth: screenWidth, screenHeight: screenHeight)
        case .sideBySide:
            return cells(frameSizes, columns: count, rows: 1, screenWidth: screenWidth, screenHeight: screenHeight)
        case .pictureInPicture:
            // Insets in quarter-screen boxes, three to a row from the
            // bottom right, rows going up: up to nine fit.
            var result = [Self.fit(frameSizes[0], in: PixelRectangle(x: 0, y: 0, width: screenWidth, height: screenHeight))]
            let margin = max(screenWidth / 64, 2) & ~1
            let boxWidth = screenWidth / 4, boxHeight = screenHeight / 4
            for (index, size) in frameSizes.dropFirst().enumerated() {
                let column = index % 3, row = index / 3
                let box = PixelRectangle(
                    x: screenWidth - (column + 1) * (boxWidth + margin), y: screenHeight - (row + 1) * (boxHeight + margin),
                    width: boxWidth, height: boxHeight)
                result.append(Self.fit(size, in: box))
            }
            return result
        }
    }

    private func cells(
        _ sizes: [(width: Int, height: Int)], columns: Int, rows: Int, screenWidth: Int, screenHeight: Int
    ) -> [PixelRectangle] {
        let cellWidth = screenWidth / columns, cellHeight = screenHeight / rows
        return sizes.enumerated().map { index, size in
            let cell = PixelRectangle(x: (index % columns) * cellWidth, y: (index / columns) * cellHeight, width: cellWidth, height: cellHeight)
            return Self.fit(size, in: cell)
        }
    }

    /// `size` as large as fits in `box` with its aspect ratio
    /// (``PlaneLayout/scaledToFit(frameWidth:frameHeight:displayWidth:displayHeight:)``),
    /// made even-sized and centred in `box`.
    package static func fit(_ size: (width: Int, height: Int), in box: PixelRectangle) -> PixelRectangle {
        guard let fitted = try? PlaneLayout.scaledToFit(
            frameWidth: size.width, frameHeight: size.height, displayWidth: box.width, displayHeight: box.height
        ).destination else { return box }
        let width = fitted.width - fitted.width % 2, height = fitted.height - fitted.height % 2
        return PixelRectangle(x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width: width, height: height)
    }
}
