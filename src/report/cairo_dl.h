/* cairo_dl.h - cairo, loaded when the first figure is drawn.
 *
 * Linking cairo would load it and the dozen libraries it needs (fontconfig,
 * freetype, pixman, X11, ...) at every start of every command, about 1.5 ms,
 * though only the figure commands draw. The figure code (figure_*.c)
 * includes this header instead of cairo's: each cairo function it calls is
 * a pointer filled in by cairo_dl_load, which every drawing entry point
 * calls first. */
#ifndef SENTRAJ_CAIRO_DL_H
#define SENTRAJ_CAIRO_DL_H

#include "sentraj.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>

/* The functions the figure code uses, without their cairo_ prefix. */
#define CAIRO_DL_FUNCTIONS(X)                                                                                       \
    X(arc) X(clip) X(close_path) X(create) X(destroy) X(fill) X(font_options_create) X(font_options_destroy)      \
    X(font_options_set_hint_metrics) X(get_target) X(image_surface_create) X(line_to) X(move_to) X(new_sub_path) \
    X(paint) X(pdf_surface_create_for_stream) X(pdf_surface_set_metadata) X(rectangle) X(restore) X(rotate)      \
    X(save) X(scale) X(select_font_face) X(set_dash) X(set_font_options) X(set_font_size) X(set_line_cap)        \
    X(set_line_join) X(set_line_width) X(set_source_rgb) X(set_source_rgba) X(show_text) X(status)               \
    X(status_to_string) X(stroke) X(surface_destroy) X(surface_finish) X(surface_flush) X(surface_get_type)      \
    X(surface_status) X(surface_write_to_png_stream) X(svg_surface_create_for_stream) X(text_extents)           \
    X(translate)

typedef struct cairo_dl {
#define CAIRO_DL_FIELD(f) __typeof__(cairo_##f) *f;
    CAIRO_DL_FUNCTIONS(CAIRO_DL_FIELD)
#undef CAIRO_DL_FIELD
} cairo_dl;

extern cairo_dl cairo_dl_fn;

/* Load cairo, and fontconfig's configuration, once per process
 * (thread-safe). SENTRAJ_OK; SENTRAJ_ENOMEM when the loader or fontconfig
 * ran out of memory (the next call tries again); or SENTRAJ_EINTERNAL, for
 * good, with err naming the library, dlerror's reason and, when given, name
 * (the output being drawn). */
int cairo_dl_load(sentraj_error *err, const char *name);

#ifdef SENTRAJ_TESTING
/* The library cairo_dl_load opens, for a test of the error: call before the
 * first load (not thread-safe). A test knob (core/testing.h): the shipped
 * library always opens CAIRO_DL_SONAME. */
void cairo_dl_set_library(const char *soname);
#endif

#ifndef CAIRO_DL_IMPL
#define cairo_arc (cairo_dl_fn.arc)
#define cairo_clip (cairo_dl_fn.clip)
#define cairo_close_path (cairo_dl_fn.close_path)
#define cairo_create (cairo_dl_fn.create)
#define cairo_destroy (cairo_dl_fn.destroy)
#define cairo_fill (cairo_dl_fn.fill)
#define cairo_font_options_create (cairo_dl_fn.font_options_create)
#define cairo_font_options_destroy (cairo_dl_fn.font_options_destroy)
#define cairo_font_options_set_hint_metrics (cairo_dl_fn.font_options_set_hint_metrics)
#define cairo_get_target (cairo_dl_fn.get_target)
#define cairo_image_surface_create (cairo_dl_fn.image_surface_create)
#define cairo_line_to (cairo_dl_fn.line_to)
#define cairo_move_to (cairo_dl_fn.move_to)
#define cairo_new_sub_path (cairo_dl_fn.new_sub_path)
#define cairo_paint (cairo_dl_fn.paint)
#define cairo_pdf_surface_create_for_stream (cairo_dl_fn.pdf_surface_create_for_stream)
#define cairo_pdf_surface_set_metadata (cairo_dl_fn.pdf_surface_set_metadata)
#define cairo_rectangle (cairo_dl_fn.rectangle)
#define cairo_restore (cairo_dl_fn.restore)
#define cairo_rotate (cairo_dl_fn.rotate)
#define cairo_save (cairo_dl_fn.save)
#define cairo_scale (cairo_dl_fn.scale)
#define cairo_select_font_face (cairo_dl_fn.select_font_face)
#define cairo_set_dash (cairo_dl_fn.set_dash)
#define cairo_set_font_options (cairo_dl_fn.set_font_options)
#define cairo_set_font_size (cairo_dl_fn.set_font_size)
#define cairo_set_line_cap (cairo_dl_fn.set_line_cap)
#define cairo_set_line_join (cairo_dl_fn.set_line_join)
#define cairo_set_line_width (cairo_dl_fn.set_line_width)
#define cairo_set_source_rgb (cairo_dl_fn.set_source_rgb)
#define cairo_set_source_rgba (cairo_dl_fn.set_source_rgba)
#define cairo_show_text (cairo_dl_fn.show_text)
#define cairo_status (cairo_dl_fn.status)
#define cairo_status_to_string (cairo_dl_fn.status_to_string)
#define cairo_stroke (cairo_dl_fn.stroke)
#define cairo_surface_destroy (cairo_dl_fn.surface_destroy)
#define cairo_surface_finish (cairo_dl_fn.surface_finish)
#define cairo_surface_flush (cairo_dl_fn.surface_flush)
#define cairo_surface_get_type (cairo_dl_fn.surface_get_type)
#define cairo_surface_status (cairo_dl_fn.surface_status)
#define cairo_surface_write_to_png_stream (cairo_dl_fn.surface_write_to_png_stream)
#define cairo_svg_surface_create_for_stream (cairo_dl_fn.svg_surface_create_for_stream)
#define cairo_text_extents (cairo_dl_fn.text_extents)
#define cairo_translate (cairo_dl_fn.translate)
#endif

#endif
