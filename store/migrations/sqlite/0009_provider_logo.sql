-- The provider's logo, printed at the top of every invoice PDF
-- (docs/adr/0013-invoice-pdf-cairo-pango.md, addendum). One row at most,
-- apart from the provider row, which is read on every rating and should
-- not carry the image. The PNG is stored as base64url text (the SQL layer
-- binds text); width and height are its size in pixels, checked on upload.
CREATE TABLE provider_logo (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  png_base64url TEXT NOT NULL,
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  updated_at INTEGER NOT NULL
);
