import Foundation
@testable import Reporting
import TestSupport
import XCTest

final class PNGTests: XCTestCase {
    func testKnownChecksums() {
        XCTAssertEqual(PNG.crc32(Array("IEND".utf8)), 0xae42_6082, "the IEND chunk CRC every PNG ends with")
        XCTAssertEqual(PNG.adler32(Array("Wikipedia".utf8)), 0x11e6_0398)
    }

    func testEncodesPixelsThatDecodeBack() throws {
        // 3x2 XRGB8888 with a 16-byte stride (padding after each row).
        let pixels: [UInt8] = [
            0x30, 0x20, 0x10, 0xff, 0x00, 0x00, 0xff, 0xff, 0x00, 0xff, 0x00, 0xff, 9, 9, 9, 9,
            0xff, 0x00, 0x00, 0xff, 0x01, 0x02, 0x03, 0xff, 0xaa, 0xbb, 0xcc, 0xff, 9, 9, 9, 9,
        ]
        let png = pixels.withUnsafeBytes { PNG.encodeXRGB8888($0, width: 3, height: 2, stride: 16) }
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
        // Decode with python's zlib (stored blocks are trivial, but use a
        // real inflater to prove the stream is valid).
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fp-\(getpid()).png")
        try Data(png).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
        import struct, zlib, sys
        d = open(sys.argv[1], 'rb').read()
        pos, idat = 8, b''
        while pos < len(d):
            n, t = struct.unpack('>I4s', d[pos:pos+8]); body = d[pos+8:pos+8+n]
            assert zlib.crc32(t + body) == struct.unpack('>I', d[pos+8+n:pos+12+n])[0]
            if t == b'IHDR': print(struct.unpack('>IIBBBBB', body))
            if t == b'IDAT': idat += body
            pos += 12 + n
        print(zlib.decompress(idat).hex())
        """
        let result = try spawnAndWait("/usr/bin/env", arguments: ["python3", "-c", script, file.path],
                                      environment: ProcessInfo.processInfo.environment)
        XCTAssertEqual(result.stderr, "")
        XCTAssertEqual(result.stdout, "(3, 2, 8, 2, 0, 0, 0)\n" + "00" + "102030" + "ff0000" + "00ff00" + "00" + "0000ff" + "030201" + "ccbbaa" + "\n")
    }
}
