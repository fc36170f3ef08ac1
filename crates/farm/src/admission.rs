//! What a rendering invocation holds in memory, so that the embedded farm's worker pool starts
//! only as many at once as the machine's memory takes.
//!
//! A `renderer` invocation is one worker process rendering one chunk into one encoder, and one
//! x264 `medium` encoder at 1080p alone holds ~430 MB (see
//! [`kinema_encode::EncoderBackend::memory_bytes`]): one per core on a 16-core machine with
//! 4 GB would run it out of memory. The estimates come from the payload, which names the
//! chunk's size, codec, preset, pixel format and encoder; they are hints for admission, not
//! limits on what a worker may use.

use kinema_encode::memory::{PROCESS_BYTES, one_thread_render_bytes, thread_bytes};
use kinema_encode::{Codec, EncoderBackend, PixelFormat, VideoSettings};
use serde_json::Value;

/// The size a still is assumed to have when its payload does not force one: stills' sizes come
/// from their compositions, which only the worker evaluates.
const STILL_ASSUMED_SIZE: (f64, f64) = (1920.0, 1080.0);

/// About the bytes a rendering invocation (`renderer`, `still`) holds while it runs; `None` for
/// the other routines, which take no rendering slot. Fields the estimate needs but the payload
/// lacks or spells wrongly get Remotion's defaults: the routine itself reports them.
pub fn rendering_bytes(payload: &Value) -> Option<u64> {
    let field = |name: &str| payload.get(name);
    let text = |name: &str| field(name).and_then(Value::as_str);
    let number = |name: &str| field(name).and_then(Value::as_f64);
    match text("type")? {
        "renderer" => {
            let size = |name| {
                number(name)
                    .filter(|n| n.is_finite() && *n >= 1.0)
                    .map_or(1, |n| n.min(f64::from(u32::MAX)) as u32)
            };
            let codec = text("codec")
                .and_then(|c| Codec::parse(c).ok())
                .unwrap_or(Codec::H264);
            let mut settings = VideoSettings::new(codec, size("width"), size("height"), 30.0);
            settings.x264_preset = text("x264Preset").map(str::to_string);
            settings.pixel_format = text("pixelFormat").and_then(|f| PixelFormat::parse(f).ok());
            let backend = match text("encoder") {
                Some("builtin") => EncoderBackend::Builtin,
                // Only the estimate's kind matters here, not where ffmpeg is.
                _ => EncoderBackend::Ffmpeg("ffmpeg".into()),
            };
            Some(one_thread_render_bytes(&backend, &settings))
        }
        "still" => {
            let scale = number("scale")
                .filter(|s| s.is_finite() && *s > 0.0)
                .unwrap_or(1.0)
                .min(16.0);
            let forced = |name, assumed: f64| number(name).filter(|n| *n >= 1.0).unwrap_or(assumed);
            let width = forced("forceWidth", STILL_ASSUMED_SIZE.0) * scale;
            let height = forced("forceHeight", STILL_ASSUMED_SIZE.1) * scale;
            let pixel_side = |n: f64| n.min(f64::from(u32::MAX)) as u32;
            Some(PROCESS_BYTES + thread_bytes(0, pixel_side(width), pixel_side(height)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn renderer(fields: Value) -> Value {
        let mut payload = json!({"type": "renderer", "width": 1920, "height": 1080,
            "codec": "h264", "encoder": "ffmpeg"});
        for (key, value) in fields.as_object().unwrap() {
            payload[key] = value.clone();
        }
        payload
    }

    #[test]
    fn a_chunk_holds_its_process_thread_and_encoder() {
        let mb = |payload: &Value| rendering_bytes(payload).unwrap() / 1_000_000;
        // x264 medium (Remotion's default) at 1080p: ~430 MB of encoder, ~25 MB of frames, the
        // process.
        assert_eq!(mb(&renderer(json!({}))), 537);
        assert_eq!(mb(&renderer(json!({"x264Preset": "veryfast"}))), 329);
        // Four times the pixels, about four times the frames.
        assert_eq!(mb(&renderer(json!({"width": 3840, "height": 2160}))), 1731);
        // yuv444p frames hold twice the samples.
        assert!(mb(&renderer(json!({"pixelFormat": "yuv444p"}))) > 900);
        // The built-in encoder and ProRes (4:2:2 10-bit frames) hold little.
        assert!(mb(&renderer(json!({"encoder": "builtin"}))) < 150);
        assert_eq!(mb(&renderer(json!({"codec": "prores"}))), 230);
    }

    #[test]
    fn bad_or_missing_fields_get_defaults_not_errors() {
        let medium = rendering_bytes(&renderer(json!({}))).unwrap();
        assert_eq!(
            rendering_bytes(&renderer(json!({"codec": "nope", "x264Preset": 7}))),
            Some(medium)
        );
        // A size that is not one counts as a pixel: the routine reports the payload.
        let tiny = rendering_bytes(&json!({"type": "renderer", "width": -5})).unwrap();
        assert!(tiny < medium);
        assert!(rendering_bytes(&json!({"type": "renderer", "width": 1e300})).is_some());
    }

    #[test]
    fn stills_hold_a_frame_at_their_scale_and_other_routines_nothing() {
        let still = |payload: Value| rendering_bytes(&payload).unwrap() / 1_000_000;
        assert_eq!(still(json!({"type": "still"})), 108);
        assert_eq!(still(json!({"type": "still", "scale": 2})), 183);
        assert_eq!(
            still(json!({"type": "still", "forceWidth": 100, "forceHeight": 100})),
            84
        );
        assert_eq!(rendering_bytes(&json!({"type": "status"})), None);
        assert_eq!(rendering_bytes(&json!({"type": "launch"})), None);
        assert_eq!(rendering_bytes(&json!({})), None);
    }
}
