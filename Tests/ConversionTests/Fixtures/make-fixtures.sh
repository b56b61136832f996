#!/usr/bin/env bash
# Makes the MJPEG fixtures of ConversionTests with GStreamer: videotestsrc's
# SMPTE bars through jpegenc (4:2:0 from I420 input, 4:2:2 from Y42B), and
# for each the planes libjpeg decodes it to through jpegdec, as I420 (no
# colour conversion; jpegdec gives 4:2:0 even for a 4:2:2 file), which the
# test converts with libyuv's own I420ToARGB as the reference; plus one
# corrupt file. Run from
# this folder; the outputs are committed, so tests do not need GStreamer.
set -euo pipefail
cd "$(dirname -- "${BASH_SOURCE[0]}")"
make() { # name width height input-format
	gst-launch-1.0 -q videotestsrc num-buffers=1 pattern=smpte ! "video/x-raw,format=$4,width=$2,height=$3" \
		! jpegenc quality=90 ! filesink location="$1.jpg"
	gst-launch-1.0 -q filesrc location="$1.jpg" ! jpegdec ! video/x-raw,format=I420 ! filesink location="$1.i420"
}
make smpte-64x48-420 64 48 I420
make smpte-160x120-420 160 120 I420
make smpte-320x240-422 320 240 Y42B
# Corrupt: the 320x240 JPEG cut after 600 bytes, then text where the
# entropy-coded data would continue.
head -c 600 smpte-320x240-422.jpg >corrupt-320x240.jpg
printf 'not a jpeg any more%.0s' {1..40} >>corrupt-320x240.jpg
