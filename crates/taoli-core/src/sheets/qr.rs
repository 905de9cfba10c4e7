//! The fingerprint as a QR code: a PNG with one pixel per module and the
//! standard quiet zone, which the template scales up without smoothing.

use qrcode::{Color, EcLevel, QrCode};

use crate::error::InternalError;
use crate::error::{Error, Result};

/// Modules of white border the QR standard asks for around the code.
const QUIET_ZONE: usize = 4;

/// `text` as a QR code (error correction level M), as PNG bytes.
pub fn png(text: &str) -> Result<Vec<u8>> {
    let failed = |e: &dyn std::fmt::Display| {
        Error::Internal(InternalError::SheetsFailed(format!("二维码：{e}")))
    };
    let code = QrCode::with_error_correction_level(text, EcLevel::M).map_err(|e| failed(&e))?;
    let width = code.width();
    let size = width.saturating_add(2 * QUIET_ZONE);
    let mut pixels = vec![255u8; size.saturating_mul(size)];
    let colors = code.to_colors();
    // The code's rows, each drawn into a pixel row below and right of the quiet zone.
    let pixel_rows = pixels.chunks_mut(size.max(1)).skip(QUIET_ZONE);
    for (pixel_row, color_row) in pixel_rows.zip(colors.chunks(width.max(1))) {
        for (pixel, color) in pixel_row.iter_mut().skip(QUIET_ZONE).zip(color_row) {
            if *color == Color::Dark {
                *pixel = 0;
            }
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
