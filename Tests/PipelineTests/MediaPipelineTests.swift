import Foundation
import Platform
@testable import Planning
import V4L2
import XCTest

/// The media pipeline's walk and configuration on vimc's graph and a model
/// of its pads (``VimcModel``); the lab runs the real vimc.
final class MediaPipelineTests: XCTestCase {
    func testTheChainOfRGBYUVCaptureIsSensorDebayerScalerWithTheRawNodeAsABranch() throws {
        let chain = try MediaChain(ending: "/dev/video10", in: VimcModel.graph)
        XCTAssertEqual(chain.hops.map(\.entity.name), ["Sensor A", "Debayer A", "Scaler"])
        XCTAssertEqual(chain.hops.map(\.sink), [nil, 0, 0])
        XCTAssertEqual(chain.hops.map(\.source), [0, 1, 1])
        XCTAssertEqual(chain.branches.map(\.node), ["/dev/video8"])
        XCTAssertEqual(chain.branches.map(\.hop), [0])
        XCTAssertEqual(chain.description, "Sensor A → Debayer A → Scaler → RGB/YUV Capture")
    }

    func testTheRawNodesChainIsTheSensorAloneWithTheDebayerAsSomethingElseItFeeds() throws {
        // Sensor A also feeds Debayer A, a subdevice: more than a chain.
        XCTAssertThrowsError(try MediaChain(ending: "/dev/video8", in: VimcModel.graph)) { error in
            XCTAssertEqual(error as? MediaPipelineError, .notLinear(video: "/dev/video8", media: "/dev/media2", why: "Sensor A also feeds Debayer A"))
        }
    }

    func testAGraphThatIsNotOneChainStillHasALastHopToReadAsConfigured() throws {
        let last = try MediaChain(lastHopInto: "/dev/video8", in: VimcModel.graph)
        XCTAssertEqual(last.description, "Sensor A → Raw Capture 0")
        XCTAssertEqual(last.hops.map(\.source), [0])
        XCTAssertEqual(last.hops.map(\.sink), [nil])
        let model = VimcModel()
        XCTAssertEqual(try MediaPipelineConfigurator(chain: last, access: model).current().output, model.pads["Sensor A:0"])
        var graph = VimcModel.graph
        graph.links[1].isEnabled = false // nothing into Raw Capture 0
        XCTAssertThrowsError(try MediaChain(lastHopInto: "/dev/video8", in: graph)) { error in
            XCTAssertEqual(error as? MediaPipelineError, .notLinear(video: "/dev/video8", media: "/dev/media2", why: "0 enabled links into Raw Capture 0"))
        }
        let message = MediaPipelineError.unconfigurable(video: "/dev/video8", pad: "\"Sensor A\":0", format: "SGRBG8_1X8/640x480", asked: "1280x720").description
        XCTAssertEqual(message, "/dev/video8: the media pipeline gives SGRBG8_1X8/640x480 at \"Sensor A\":0, not the asked 1280x720, and framepipe cannot "
                       + "configure a graph that is not one chain; ask for that, or set the pads with media-ctl -V")
    }

    func testAnEntityFedByTwoEnabledLinksOrNoneIsNotAChain() throws {
        var graph = VimcModel.graph
        graph.links[5].isEnabled = true // Debayer B → Scaler as well
        XCTAssertThrowsError(try MediaChain(ending: "/dev/video10", in: graph)) { error in
            XCTAssertEqual(error as? MediaPipelineError, .notLinear(video: "/dev/video10", media: "/dev/media2", why: "Scaler takes frames from 2 enabled links"))
        }
        graph.links[4].isEnabled = false
        graph.links[5].isEnabled = false
        XCTAssertThrowsError(try MediaChain(ending: "/dev/video10", in: graph)) { error in
            XCTAssertEqual(error as? MediaPipelineError, .disabledLink(
                video: "/dev/video10", entity: "Scaler", link: "\"Debayer A\":1 → \"Scaler\":0"))
        }
        XCTAssertThrowsError(try MediaChain(ending: "/dev/video3", in: graph)) { error in
            XCTAssertEqual(error as? MediaPipelineError, .notInGraph(video: "/dev/video3", media: "/dev/media2"))
        }
    }

    func testWithLinksAllowedTheFirstDisabledLinkThatLeadsToASensorIsTakenAndRecorded() throws {
        var graph = VimcModel.graph
        graph.links[4].isEnabled = false // nothing feeds the Scaler
        let chain = try MediaChain(ending: "/dev/video10", in: graph, enablingLinks: true)
        XCTAssertEqual(chain.description, "Sensor A → Debayer A → Scaler → RGB/YUV Capture")
        XCTAssertEqual(chain.linksToEnable.map(\.id), [34])
        XCTAssertEqual(chain.branches.map(\.node), ["/dev/video8"])
        // Debayer A's own input disabled too: its upstream leads nowhere
        // enabled, so Debayer B (fed by Sensor B) is the link taken.
        graph.links[0].isEnabled = false
        let other = try MediaChain(ending: "/dev/video10", in: graph, enablingLinks: true)
        XCTAssertEqual(other.description, "Sensor B → Debayer B → Scaler → RGB/YUV Capture")
        XCTAssertEqual(other.linksToEnable.map(\.id), [35])
        // An enabled chain needs nothing enabled.
        XCTAssertEqual(try MediaChain(ending: "/dev/video10", in: VimcModel.graph, enablingLinks: true).linksToEnable, [])
    }

    func testOnlyImmutableOrLoopingLinksLeftIsNotAChainEvenWithLinksAllowed() throws {
        var graph = VimcModel.graph
        for index in [4, 5, 6] {
            graph.links[index].isEnabled = false
            graph.links[index].isImmutable = true
        }
        XCTAssertThrowsError(try MediaChain(ending: "/dev/video10", in: graph, enablingLinks: true)) { error in
            XCTAssertEqual(error as? MediaPipelineError, .notLinear(
                video: "/dev/video10", media: "/dev/media2", why: "no enabled link into Scaler, and none that can be enabled"))
        }
    }

    func testTheDisabledLinkMessageNamesTheEntityTheLinkAndTheFlag() {
        let error = MediaPipelineError.disabledLink(video: "/dev/video10", entity: "Scaler", link: "\"Debayer A\":1 → \"Scaler\":0")
        XCTAssertEqual(error.description, "/dev/video10: no enabled media link feeds Scaler; enabling \"Debayer A\":1 → \"Scaler\":0 changes the board's routing: "
                       + "allow it with --enable-media-links (source key enableMediaLinks) or enable a link with media-ctl -l")
        XCTAssertEqual(error.category, .invalidRequest)
        XCTAssertFalse(error.description.contains("\n"))
    }

    func testFreshVimcHasTheSensorDebayerMismatchNamedByItsPads() throws {
        let model = VimcModel()
        let configurator = MediaPipelineConfigurator(chain: try MediaChain(ending: "/dev/video10", in: VimcModel.graph), access: model)
        let found = try configurator.current()
        XCTAssertEqual(configurator.mismatch(in: found), MediaLinkMismatch(
            source: "\"Sensor A\":0", sourceFormat: "RGB888_1X24/640x480", sink: "\"Debayer A\":0", sinkFormat: "SRGGB8_1X8/640x480"))
        XCTAssertEqual(model.sets, [], "reading changes nothing")
    }

    func testASizeSetByHandOnOnePadIsTheMismatchNamed() throws {
        let model = VimcModel()
        let configurator = MediaPipelineConfigurator(chain: try MediaChain(ending: "/dev/video10", in: VimcModel.graph), access: model)
        _ = try configurator.configure(width: 640, height: 480) { !model.nodeFormats("/dev/video10", code: $0).isEmpty }
        model.pads["Scaler:0"] = MediaBusFormat(code: VimcModel.rgb888, width: 320, height: 240)
        XCTAssertEqual(configurator.mismatch(in: try configurator.current()), MediaLinkMismatch(
            source: "\"Debayer A\":1", sourceFormat: "RGB888_1X24/640x480", sink: "\"Scaler\":0", sinkFormat: "RGB888_1X24/320x240"))
    }

    func testConfiguringForTheSensorsSizeSetsABayerCodeAlongTheChainAndTheRawNode() throws {
        let model = VimcModel()
        let configurator = MediaPipelineConfigurator(chain: try MediaChain(ending: "/dev/video10", in: VimcModel.graph), access: model)
        let found = try configurator.current()
        let set = try configurator.configure(width: 640, height: 480) { !model.nodeFormats("/dev/video10", code: $0).isEmpty }
        // RGB888 (the sensor's code) and BGR888 are refused by the debayer's
        // sink; SBGGR8 is the first that passes every link.
        XCTAssertEqual(set.hops.map(\.source.description), ["SBGGR8_1X8/640x480", "RGB888_1X24/640x480", "RGB888_1X24/640x480"])
        XCTAssertEqual(set.hops.map { $0.sink?.description }, [nil, "SBGGR8_1X8/640x480", "RGB888_1X24/640x480"])
        XCTAssertEqual(set.branches.map(\.description), ["'BA81' 640x480"])
        XCTAssertNil(configurator.mismatch(in: try configurator.current()), "every link agrees now")
        XCTAssertEqual(model.pads["Sensor A:0"]?.code, VimcModel.sbggr8)
        try configurator.restore(found)
        XCTAssertEqual(try configurator.current(), found, "everything back as found")
    }

    func testALargerSizeKeepsTheSensorModeAndTheScalerScalesAnAspectCrop() throws {
        let model = VimcModel()
        let configurator = MediaPipelineConfigurator(chain: try MediaChain(ending: "/dev/video10", in: VimcModel.graph), access: model)
        let found = try configurator.current()
        let set = try configurator.configure(width: 1280, height: 720) { !model.nodeFormats("/dev/video10", code: $0).isEmpty }
        XCTAssertEqual(set.hops[0].source.description, "SBGGR8_1X8/640x480", "the sensor keeps its mode")
        XCTAssertEqual(set.hops[2].crop, PixelRectangle(x: 0, y: 60, width: 640, height: 360), "16:9 out of 4:3, centred")
        XCTAssertEqual(set.output?.description, "RGB888_1X24/1280x720")
        XCTAssertEqual(set.describe(try MediaChain(ending: "/dev/video10", in: VimcModel.graph)),
                       "Sensor A :0 SBGGR8_1X8/640x480 → Debayer A :0 SBGGR8_1X8/640x480 :1 RGB888_1X24/640x480 → "
                       + "Scaler :0 RGB888_1X24/640x480 crop (0,60)/640x360 :1 RGB888_1X24/1280x720; Raw Capture 0 (/dev/video8) kept at 'BA81' 640x480")
        try configurator.restore(found)
        XCTAssertEqual(try configurator.current(), found)
        XCTAssertEqual(model.scalerCrop, PixelRectangle(x: 0, y: 0, width: 640, height: 480))
    }

    func testWithoutAScalerTheSensorTakesTheModeThatCoversTheSize() throws {
        let model = VimcModel()
        model.scalerScales = false
        let configurator = MediaPipelineConfigurator(chain: try MediaChain(ending: "/dev/video10", in: VimcModel.graph), access: model)
        let set = try configurator.configure(width: 1280, height: 720) { !model.nodeFormats("/dev/video10", code: $0).isEmpty }
        XCTAssertEqual(set.hops[0].source.description, "SBGGR8_1X8/1280x720")
        XCTAssertEqual(set.hops[2].crop, PixelRectangle(x: 0, y: 0, width: 1280, height: 720), "a scaler that did not scale crops nothing")
        XCTAssertEqual(set.output?.description, "RGB888_1X24/1280x720")
    }

    func testACodeTheNodeCannotCaptureIsRefusedWithWhatEachAttemptRanInto() throws {
        let model = VimcModel()
        model.debayerListsCodes = false // learnt by setting each code
        let configurator = MediaPipelineConfigurator(chain: try MediaChain(ending: "/dev/video10", in: VimcModel.graph), access: model)
        XCTAssertThrowsError(try configurator.configure(width: 640, height: 480) { _ in false }) { error in
            guard case .cannotConfigure(let pipeline, let size, let tried) = error as? MediaPipelineError else { return XCTFail("\(error)") }
            XCTAssertEqual(pipeline, "Sensor A → Debayer A → Scaler → RGB/YUV Capture")
            XCTAssertEqual(size, "640x480")
            XCTAssertEqual(tried, [
                "RGB888_1X24/640x480: \"Debayer A\":0 took RGB888_1X24/640x480 as SRGGB8_1X8/640x480",
                "BGR888_1X24/640x480: \"Debayer A\":0 took BGR888_1X24/640x480 as SRGGB8_1X8/640x480",
                "SBGGR8_1X8/640x480: RGB/YUV Capture cannot capture RGB888_1X24",
                "SRGGB8_1X8/640x480: RGB/YUV Capture cannot capture RGB888_1X24",
            ])
        }
    }

    func testABranchNodeOutOfStepIsAMismatchNamingIt() throws {
        let model = VimcModel()
        let configurator = MediaPipelineConfigurator(chain: try MediaChain(ending: "/dev/video10", in: VimcModel.graph), access: model)
        _ = try configurator.configure(width: 640, height: 480) { !model.nodeFormats("/dev/video10", code: $0).isEmpty }
        model.nodes["/dev/video8"] = FrameFormat(fourcc: FourCC(rawValue: 0x3342_4752), width: 640, height: 480)
        XCTAssertEqual(configurator.mismatch(in: try configurator.current()), MediaLinkMismatch(
            source: "\"Sensor A\":0", sourceFormat: "SBGGR8_1X8/640x480", sink: "\"Raw Capture 0\":0 (/dev/video8)", sinkFormat: "'RGB3' 640x480"))
    }

    func testARateOnASensorWithoutIntervalsIsRefusedNamingTheNodeAndTheSensor() throws {
        let model = VimcModel() // vimc: no frame interval calls
        let configurator = MediaPipelineConfigurator(chain: try MediaChain(ending: "/dev/video10", in: VimcModel.graph), access: model)
        XCTAssertThrowsError(try configurator.configure(width: 640, height: 480, frameInterval: Fraction(numerator: 1, denominator: 30), accept: { _ in true })) { error in
            XCTAssertEqual(error as? MediaPipelineError, .rateNotSettable(video: "/dev/video10", sensor: "Sensor A (/dev/v4l-subdev0)", asked: "30 fps"))
            XCTAssertEqual((error as? MediaPipelineError)?.description,
                           "/dev/video10: cannot set a frame interval of 30 fps: neither the node (VIDIOC_S_PARM) nor Sensor A (/dev/v4l-subdev0) "
                           + "(VIDIOC_SUBDEV_S_FRAME_INTERVAL) sets one; leave the rate out (--fps, source.frameRate) and the pipeline runs at its own")
        }
        XCTAssertNil(try configurator.current().frameInterval)
    }

    func testARateIsSetOnTheSensorShownAndPutBack() throws {
        let model = VimcModel()
        model.sensorInterval = Fraction(numerator: 1, denominator: 60)
        model.sensorIntervals = ["640x480": [Fraction(numerator: 1, denominator: 60), Fraction(numerator: 1, denominator: 30)]]
        let chain = try MediaChain(ending: "/dev/video10", in: VimcModel.graph)
        let configurator = MediaPipelineConfigurator(chain: chain, access: model)
        let found = try configurator.current()
        XCTAssertEqual(found.frameInterval, Fraction(numerator: 1, denominator: 60))
        let set = try configurator.configure(width: 640, height: 480, frameInterval: Fraction(numerator: 1000, denominator: 30000), accept: { _ in true })
        XCTAssertEqual(set.frameInterval, Fraction(numerator: 1, denominator: 30), "the offered interval nearest the one asked")
        XCTAssertEqual(model.sets.last, "Sensor A:0 interval 1/30", "the interval is set after the formats")
        XCTAssertTrue(set.describe(chain).hasPrefix("Sensor A :0 SBGGR8_1X8/640x480 interval 1/30 s → Debayer A"), set.describe(chain))
        try configurator.restore(found)
        XCTAssertEqual(model.sensorInterval, Fraction(numerator: 1, denominator: 60))
        XCTAssertEqual(model.sets.last, "Sensor A:0 interval 1/60", "put back last: a sensor format may reset it")
    }

    func testAModeTooSlowForTheRateIsPassedOverForOneThatGivesIt() throws {
        let model = VimcModel()
        model.pads["Sensor A:0"] = MediaBusFormat(code: VimcModel.sbggr8, width: 640, height: 480)
        model.sensorModes = [(640, 480), (1280, 960)]
        model.sensorInterval = Fraction(numerator: 1, denominator: 30)
        model.sensorIntervals = ["640x480": [Fraction(numerator: 1, denominator: 30)], "1280x960": [Fraction(numerator: 1, denominator: 60)]]
        let configurator = MediaPipelineConfigurator(chain: try MediaChain(ending: "/dev/video10", in: VimcModel.graph), access: model)
        let set = try configurator.configure(width: 640, height: 480, frameInterval: Fraction(numerator: 1, denominator: 60), accept: { _ in true })
        XCTAssertEqual(set.hops[0].source.width, 1280, "the 1280x960 mode, scaled down by the scaler")
        XCTAssertEqual(set.output?.width, 640)
        XCTAssertEqual(set.frameInterval, Fraction(numerator: 1, denominator: 60))
        // Every mode too slow: what each one ran into.
        model.sensorIntervals["1280x960"] = [Fraction(numerator: 1, denominator: 15)]
        XCTAssertThrowsError(try configurator.configure(width: 640, height: 480, frameInterval: Fraction(numerator: 1, denominator: 60), accept: { _ in true })) { error in
            guard case .cannotConfigure(_, _, let tried)? = error as? MediaPipelineError else { return XCTFail("\(error)") }
            XCTAssertTrue(tried.contains("SBGGR8_1X8/640x480: Sensor A runs no faster than 1/30 s"), "\(tried)")
            XCTAssertTrue(tried.contains("SBGGR8_1X8/1280x960: Sensor A runs no faster than 1/15 s"), "\(tried)")
        }
    }

    func testTheSensorModesTriedAreListedInThePlanLikeItsOtherCandidates() throws {
        let model = VimcModel()
        let configurator = MediaPipelineConfigurator(chain: try MediaChain(ending: "/dev/video10", in: VimcModel.graph), access: model)
        let (_, modes) = try configurator.search(width: 640, height: 480, accept: { _ in true })
        XCTAssertEqual(modes.map(\.description), [
            "RGB888_1X24: rejected: \"Debayer A\":0 does not take it",
            "BGR888_1X24: rejected: \"Debayer A\":0 does not take it",
            "SBGGR8_1X8/640x480: chosen",
        ])
        XCTAssertFalse(model.sets.contains { $0.hasPrefix("Sensor A:0 RGB888") || $0.hasPrefix("Sensor A:0 BGR888") },
                       "codes the debayer does not list are never set: \(model.sets)")
        var plan = PipelinePlan(camera: "/dev/video10", card: "/dev/dri/card0", entries: [])
        plan.media = MediaPlan(pipeline: "media /dev/media2 (vimc): ...", sensorModes: modes)
        XCTAssertEqual(plan.explanation.split(separator: "\n").suffix(4).map(String.init), [
            "sensor modes of the media pipeline, in the order tried:",
            "1. RGB888_1X24: rejected: \"Debayer A\":0 does not take it",
            "2. BGR888_1X24: rejected: \"Debayer A\":0 does not take it",
            "3. SBGGR8_1X8/640x480: chosen",
        ])
        let decoded = try JSONDecoder().decode(PipelinePlan.self, from: JSONEncoder().encode(plan))
        XCTAssertEqual(decoded.media, plan.media, "plan --json carries the media plan")
        XCTAssertEqual(MediaPlan.Attempt(mode: "SGRBG8_1X8/640x480", chosen: true, reason: "as configured").description, "SGRBG8_1X8/640x480: chosen (as configured)")
    }

    func testCoveringSizesAndAspectCrops() {
        let discrete = [(640, 480), (1920, 1080), (3280, 2464)].map { MediaFrameSizeRange(minWidth: $0.0, maxWidth: $0.0, minHeight: $0.1, maxHeight: $0.1) }
        XCTAssertTrue(MediaPipelineConfigurator.coveringSize(discrete, width: 1280, height: 720).map { $0 == (1920, 1080) } ?? false)
        XCTAssertTrue(MediaPipelineConfigurator.coveringSize(discrete, width: 4000, height: 3000).map { $0 == (3280, 2464) } ?? false)
        XCTAssertTrue(MediaPipelineConfigurator.coveringSize(discrete, width: 640, height: 480).map { $0 == (640, 480) } ?? false)
        XCTAssertNil(MediaPipelineConfigurator.coveringSize([], width: 640, height: 480))
        XCTAssertEqual(MediaPipelineConfigurator.aspectCrop(640, 480, 1280, 720), PixelRectangle(x: 0, y: 60, width: 640, height: 360))
        XCTAssertEqual(MediaPipelineConfigurator.aspectCrop(1920, 1080, 640, 480), PixelRectangle(x: 240, y: 0, width: 1440, height: 1080))
        XCTAssertEqual(MediaPipelineConfigurator.aspectCrop(640, 480, 320, 240), PixelRectangle(x: 0, y: 0, width: 640, height: 480))
    }

    func testMediaBusFormatsNameAndLinkAsTheKernelChecks() {
        let a = MediaBusFormat(code: VimcModel.srggb8, width: 640, height: 480)
        XCTAssertEqual(a.description, "SRGGB8_1X8/640x480")
        XCTAssertEqual(MediaBusFormat(code: 0x9999, width: 1, height: 2).description, "0x9999/1x2")
        XCTAssertEqual(MediaBusFormat.code(named: "MEDIA_BUS_FMT_RGB888_1X24"), VimcModel.rgb888)
        XCTAssertTrue(a.linksTo(a))
        XCTAssertFalse(a.linksTo(a.resized(640, 482)))
        XCTAssertFalse(a.linksTo(a.with(code: VimcModel.sbggr8)))
        var interlaced = a
        interlaced.field = 4
        XCTAssertTrue(interlaced.linksTo(a), "a progressive sink takes any field order")
        XCTAssertFalse(a.linksTo(interlaced))
    }
}
