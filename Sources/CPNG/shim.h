// libpng as found by pkg-config (libpng-dev). Nothing but includes. Swift
// uses only the simplified API (png_image), which returns errors in
// png_image.message instead of longjmp'ing out of the caller.
#include <png.h>
