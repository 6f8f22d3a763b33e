//! A greyscale raster and its PNG encoding (the `png` crate, nothing else).

/// An 8-bit greyscale image, row-major, 0 = black, 255 = white.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Gray {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl Gray {
    /// A `width` × `height` image filled with `value`.
    pub fn filled(width: u32, height: u32, value: u8) -> Self {
        let len = usize::try_from(u64::from(width) * u64::from(height)).unwrap_or(0);
        Gray {
            width,
            height,
            pixels: vec![value; len],
        }
    }

    fn index(&self, x: i64, y: i64) -> Option<usize> {
        let (w, h) = (i64::from(self.width), i64::from(self.height));
        if (0..w).contains(&x) && (0..h).contains(&y) {
            usize::try_from(y * w + x).ok()
        } else {
            None
        }
    }

    /// The pixel at (x, y), or `None` outside.
    pub fn get(&self, x: i64, y: i64) -> Option<u8> {
        self.index(x, y).and_then(|i| self.pixels.get(i).copied())
    }

    /// Sets the pixel at (x, y); outside is ignored.
    pub fn set(&mut self, x: i64, y: i64, v: u8) {
        if let Some(p) = self.index(x, y).and_then(|i| self.pixels.get_mut(i)) {
            *p = v;
        }
    }

    /// Encodes as an 8-bit greyscale PNG.
    pub fn to_png(&self) -> Result<Vec<u8>, png::EncodingError> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, self.width, self.height);
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::Eight);
            enc.set_compression(png::Compression::Balanced);
            let mut writer = enc.write_header()?;
            writer.write_image_data(&self.pixels)?;
            writer.finish()?;
        }
        Ok(out)
    }
}
