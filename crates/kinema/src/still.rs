//! `kinema still`: one frame to a PNG, JPEG or WebP file.

use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, ImageEncoder};
use kinema_compose::Bundle;
use kinema_paint::Frame;

/// Output image formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StillFormat {
    Png,
    Jpeg,
    Webp,
}

impl StillFormat {
    /// The format named by a file extension.
    pub fn from_path(path: &Path) -> Result<StillFormat> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("png") => Ok(StillFormat::Png),
            Some("jpg" | "jpeg") => Ok(StillFormat::Jpeg),
            Some("webp") => Ok(StillFormat::Webp),
            _ => bail!(
                "cannot tell the image format of {}: use a .png, .jpg/.jpeg or .webp file name",
                path.display()
            ),
        }
    }
}

/// The `public/` folder frames load `staticFile()` paths from: `--public-dir`'s, else the
/// project's, or for a code file, a `public/` folder beside it.
pub fn public_dir(
    bundle: &Bundle,
    input: &Path,
    given: &crate::input::PublicDirOption,
) -> Result<Option<PathBuf>> {
    if let Some(dir) = given.folder()? {
        return Ok(Some(dir.to_path_buf()));
    }
    Ok(bundle.public_dir().or_else(|| {
        let beside = input.parent()?.join("public");
        beside.is_dir().then_some(beside)
    }))
}

/// Encode a frame. JPEG has no alpha: transparent pixels are composited on white, as a
/// browser screenshot would show them.
pub fn encode(frame: &Frame, format: StillFormat, jpeg_quality: u8) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        StillFormat::Png => PngEncoder::new(&mut out).write_image(
            &frame.pixels,
            frame.width,
            frame.height,
            ExtendedColorType::Rgba8,
        )?,
        StillFormat::Jpeg => {
            let (Ok(width), Ok(height)) = (u16::try_from(frame.width), u16::try_from(frame.height))
            else {
                bail!(
                    "a JPEG is at most 65535 pixels a side; this frame is {}x{}",
                    frame.width,
                    frame.height
                );
            };
            // jpeg-encoder (AVX2) takes 1-100, and keeps full-resolution colour (4:4:4), as the
            // stills always had, so coloured text stays sharp.
            use jpeg_encoder::ColorType;
            let mut encoder = jpeg_encoder::Encoder::new(&mut out, jpeg_quality.max(1));
            encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_1_1);
            // Most frames are opaque, and flattening one changes nothing.
            match frame.is_opaque() {
                true => encoder.encode(&frame.pixels, width, height, ColorType::Rgba)?,
                false => {
                    let rgb = frame.flattened([255, 255, 255]);
                    encoder.encode(&rgb, width, height, ColorType::Rgb)?
                }
            }
        }
        StillFormat::Webp => WebPEncoder::new_lossless(&mut out).write_image(
            &frame.pixels,
            frame.width,
            frame.height,
            ExtendedColorType::Rgba8,
        )?,
    }
    Ok(out)
}

/// Refuses to replace a read-only file: outputs are written beside it and renamed over it, which
/// a file's own permissions do not stop, so without this a write-protected video or image
/// would be replaced silently (`rm` asks first; ffmpeg and `cp` fail).
pub fn refuse_read_only(path: &Path) -> Result<()> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    // Write-protected for everyone (as `chmod a-w` leaves it, which even root's renders keep
    // their hands off), or for this user.
    if meta.is_file() && (meta.permissions().readonly() || !writable(path)) {
        bail!(
            "{} is read-only; make it writable (chmod u+w) or delete it to replace it",
            path.display()
        );
    }
    Ok(())
}

/// Whether this process may write to `path`, as the kernel decides (owner, group, mode, ACLs).
fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt as _;
    let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return true;
    };
    // SAFETY: a valid NUL-terminated path; access only reads it.
    unsafe { libc::access(c_path.as_ptr(), libc::W_OK) == 0 }
}

/// Write `bytes` to `path` atomically: a temporary file beside it, renamed into place, so a
/// failed render never leaves a half-written or clobbered file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // As Remotion does: `out/frame.png` needs no `mkdir out` first.
    if !dir.is_dir() {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    }
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file name", path.display()))?;
    refuse_read_only(path)?;
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| -> Result<()> {
        let write = || -> std::io::Result<()> {
            let mut writer = BufWriter::new(std::fs::File::create(&temp)?);
            writer.write_all(bytes)?;
            writer.into_inner().map_err(|e| e.into_error())?.sync_all()
        };
        write().with_context(|| format!("cannot write {}", path.display()))?;
        std::fs::rename(&temp, path)
            .with_context(|| format!("cannot move the image into {}", path.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Timing of one still, for `--json`.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StillReport {
    pub output: PathBuf,
    pub composition: String,
    pub frame: u32,
    pub width: u32,
    pub height: u32,
    pub bytes: usize,
    pub compose_ms: f64,
    pub paint_ms: f64,
}

pub fn elapsed_ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_extension() {
        assert_eq!(
            StillFormat::from_path(Path::new("a.PNG")).unwrap(),
            StillFormat::Png
        );
        assert_eq!(
            StillFormat::from_path(Path::new("a.jpeg")).unwrap(),
            StillFormat::Jpeg
        );
        assert_eq!(
            StillFormat::from_path(Path::new("a.webp")).unwrap(),
            StillFormat::Webp
        );
        let err = StillFormat::from_path(Path::new("a.gif")).unwrap_err();
        assert!(err.to_string().contains(".png, .jpg/.jpeg or .webp"));
    }

    #[test]
    fn encodes_every_format() {
        let frame = Frame {
            width: 2,
            height: 1,
            pixels: vec![255, 0, 0, 255, 0, 0, 0, 0],
        };
        for format in [StillFormat::Png, StillFormat::Jpeg, StillFormat::Webp] {
            let bytes = encode(&frame, format, 80).unwrap();
            let decoded = image::load_from_memory(&bytes).unwrap().to_rgba8();
            assert_eq!(decoded.dimensions(), (2, 1));
            assert!(decoded.get_pixel(0, 0)[0] > 200);
        }
    }
}
