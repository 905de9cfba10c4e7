//! The fingerprint as a QR code: a PNG with one pixel per module and the
//! standard quiet zone, which the template scales up without smoothing.

use qrcode::{Color, EcLevel, QrCode};

use crate::error::{Error, Result};

/// Modules of white border the QR standard asks for around the code.
const QUIET_ZONE: usize = 4;

/// `text` as a QR code (error correction level M), as PNG bytes.
pub fn png(text: &str) -> Result<Vec<u8>> {
    let failed = |e: &dyn std::fmt::Display| Error::SheetsFailed(format!("二维码：{e}"));
    let code = QrCode::with_error_correction_level(text, EcLevel::M).map_err(|e| failed(&e))?;
    let width = code.width();
    let size = width + 2 * QUIET_ZONE;
    let mut pixels = vec![255u8; size * size];
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            pixels[(i / width + QUIET_ZONE) * size + i % width + QUIET_ZONE] = 0;
        }
    }
    let side = u32::try_from(size).map_err(|e| failed(&e))?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| failed(&e))?;
    writer.write_image_data(&pixels).map_err(|e| failed(&e))?;
    writer.finish().map_err(|e| failed(&e))?;
    Ok(out)
}
