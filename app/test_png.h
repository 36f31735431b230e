// A PNG made with cairo for tests of the provider logo (never linked into
// the product; the test target links cairo).
#pragma once

#include <cairo.h>

#include <string>

namespace tend {

// A `width` x `height` PNG: a dark blue field with a light bar across its
// middle.
inline std::string test_png(int width, int height) {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 0.05, 0.25, 0.45);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, 0.9, 0.9, 0.8);
  cairo_rectangle(cr, 0, height / 3.0, width, height / 3.0);
  cairo_fill(cr);
  cairo_destroy(cr);
  std::string png;
  cairo_surface_write_to_png_stream(
      surface,
      [](void* closure, const unsigned char* data, unsigned int length) {
        static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
        return CAIRO_STATUS_SUCCESS;
      },
      &png);
  cairo_surface_destroy(surface);
  return png;
}

}  // namespace tend
