//! QR codes of the device-verification payload (SPEC §4.3): SVG for the web page, PNG, and
//! Unicode half blocks for a terminal.
//!
//! ```
//! use twnhi_notify::{QrCode, TerminalColors};
//!
//! let qr = QrCode::new("3w21G7yR")?;
//! assert!(qr.to_svg().starts_with("<?xml"));
//! assert!(qr.to_png(4)?.starts_with(b"\x89PNG"));
//! let term = qr.to_terminal(TerminalColors::DarkBackground);
//! assert!(term.lines().count() > 10);
//! # Ok::<(), twnhi_notify::QrError>(())
//! ```

use qrcode::{Color, EcLevel};
use twnhi_account::messages::bilingual;

use crate::raster::Gray;

/// The quiet zone around the code, in modules (ISO/IEC 18004 asks for 4).
const QUIET: usize = 4;

/// Why a QR code could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QrError {
    /// The payload does not fit in a QR code.
    #[error("{}", bilingual("notify-qr-too-long"))]
    TooLong,
    /// The payload is empty.
    #[error("{}", bilingual("notify-qr-empty"))]
    Empty,
    /// The module size is 0 or the image would be too large.
    #[error("{}", bilingual("notify-qr-size"))]
    BadSize,
    /// The PNG encoder failed.
    #[error("{}", bilingual("notify-png"))]
    Png(#[source] png::EncodingError),
}

/// Which way round to draw in a terminal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TerminalColors {
    /// Light text on a dark background (most terminals): light modules are drawn with block
    /// characters, dark modules are left as background.
    #[default]
    DarkBackground,
    /// Dark text on a light background.
    LightBackground,
}

/// An encoded QR code (error correction level M: 15 % of the symbol may be damaged).
#[derive(Clone, Debug)]
pub struct QrCode {
    width: usize,
    dark: Vec<bool>,
}

impl QrCode {
    /// Encodes `payload` (UTF-8 text; byte, alphanumeric or numeric mode chosen for the
    /// smallest symbol).
    ///
    /// # Errors
    /// [`QrError::Empty`], [`QrError::TooLong`].
    pub fn new(payload: &str) -> Result<Self, QrError> {
        if payload.is_empty() {
            return Err(QrError::Empty);
        }
        let code = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
            .map_err(|_| QrError::TooLong)?;
        let width = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        Ok(QrCode { width, dark })
    }

    /// The number of modules per side (without the quiet zone).
    #[must_use]
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether the module at (x, y) is dark; `false` in the quiet zone and outside.
    #[must_use]
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width
            && y < self.width
            && self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }

    /// Dark in coordinates that include the quiet zone.
    fn dark_q(&self, x: usize, y: usize) -> bool {
        x >= QUIET && y >= QUIET && self.is_dark(x - QUIET, y - QUIET)
    }

    /// A scalable SVG: one `<path>` of unit squares in a `viewBox` that includes the quiet
    /// zone, `role="img"` with a title for screen readers.
    #[must_use]
    pub fn to_svg(&self) -> String {
        let side = self.width + 2 * QUIET;
        let mut path = String::new();
        for y in 0..self.width {
            for x in 0..self.width {
                if self.is_dark(x, y) {
                    path.push_str(&format!("M{} {}h1v1h-1z", x + QUIET, y + QUIET));
                }
            }
        }
        format!(
            concat!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 {s} {s}\" ",
                "width=\"{px}\" height=\"{px}\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR Code\">",
                "<title>QR Code</title>",
                "<rect width=\"{s}\" height=\"{s}\" fill=\"#fff\"/>",
                "<path fill=\"#000\" d=\"{d}\"/></svg>\n"
            ),
            s = side,
            px = side * 8,
            d = path
        )
    }

    /// A greyscale PNG, `module_px` pixels per module (1–64), with the quiet zone.
    ///
    /// # Errors
    /// [`QrError::BadSize`], [`QrError::Png`].
    pub fn to_png(&self, module_px: u32) -> Result<Vec<u8>, QrError> {
        if !(1..=64).contains(&module_px) {
            return Err(QrError::BadSize);
        }
        let side_modules = u32::try_from(self.width + 2 * QUIET).map_err(|_| QrError::BadSize)?;
        let side = side_modules * module_px;
        let mut img = Gray::filled(side, side, 255);
        for my in 0..side_modules {
            for mx in 0..side_modules {
                if !self.dark_q(mx as usize, my as usize) {
                    continue;
                }
                for dy in 0..module_px {
                    for dx in 0..module_px {
                        img.set(
                            i64::from(mx * module_px + dx),
                            i64::from(my * module_px + dy),
                            0,
                        );
                    }
                }
            }
        }
        img.to_png().map_err(QrError::Png)
    }

    /// Unicode half blocks (`▀ ▄ █`), two module rows per text line, with the quiet zone; one
    /// line per row, each ending in `\n`.
    #[must_use]
    pub fn to_terminal(&self, colors: TerminalColors) -> String {
        let side = self.width + 2 * QUIET;
        // "ink" = drawn with a block character.
        let ink = |x: usize, y: usize| -> bool {
            if y >= side {
                // Below the last row: background.
                return false;
            }
            let dark = self.dark_q(x, y);
            match colors {
                TerminalColors::DarkBackground => !dark,
                TerminalColors::LightBackground => dark,
            }
        };
        let mut out = String::with_capacity(side * side * 2);
        for row in (0..side).step_by(2) {
            for x in 0..side {
                out.push(match (ink(x, row), ink(x, row + 1)) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                });
            }
            out.push('\n');
        }
        out
    }
}
