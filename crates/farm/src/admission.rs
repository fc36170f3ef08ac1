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
            // An audio-only chunk is composed, not encoded: an engine and a document.
            if text("codec").is_some_and(|c| kinema_encode::AudioOnlyCodec::parse(c).is_some()) {
                return Some(PROCESS_BYTES.saturating_add(thread_bytes(
                    0,
                    size("width"),
                    size("height"),
                )));
            }
            let codec = text("codec")
                .and_then(|c| Codec::parse(c).ok())
                .unwrap_or(Codec::H264);
            let mut settings = VideoSettings::new(codec, size("width"), size("height"), 30.0);
            settings.x264_preset = text("x264Preset").map(str::to_string);
            settings.pixel_format = text("pixelFormat").and_then(|f| PixelFormat::parse(f).ok());
            // Only the encoder's kind matters to the estimate, not where ffmpeg is.
            let backend =
                EncoderBackend::from_name(text("encoder").unwrap_or("ffmpeg"), "ffmpeg".as_ref());
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
            let frame = thread_bytes(0, pixel_side(width), pixel_side(height));
            Some(PROCESS_BYTES.saturating_add(frame))
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
        // A sound file's chunk holds no encoder and no frames on their way to one.
        let sound = mb(&renderer(json!({"codec": "mp3"})));
        assert!(sound < 150, "{sound}");
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
        // Sizes no machine holds saturate rather than overflow (or wrap to a small figure).
        for huge in [json!(4294967295u32), json!(1e300)] {
            let chunk = json!({"type": "renderer", "width": huge, "height": huge});
            assert_eq!(rendering_bytes(&chunk), Some(u64::MAX));
            let still = json!({"type": "still", "forceWidth": huge, "forceHeight": huge});
            assert_eq!(rendering_bytes(&still), Some(u64::MAX));
        }
        assert_eq!(rendering_bytes(&json!("renderer")), None);
        assert_eq!(rendering_bytes(&json!({"type": 3})), None);
    }

    /// The estimate reads the fields the launch writes: a renamed field fails here.
    #[test]
    fn the_estimate_reads_the_payloads_the_farm_writes() {
        use crate::payload::{ForceFields, LaunchFunctionConfig, RendererPayload};
        let chunk = RendererPayload {
            chunk: 0,
            frame_range: [0, 19],
            fps: 30.0,
            width: 1920,
            height: 1080,
            duration_in_frames: 100,
            composition_start: 0,
            frames_per_lambda: 20,
            progress_every_nth_frame: 1,
            retries_left: 1,
            attempt: 1,
            input_props: Default::default(),
            resolved_props: None,
            render_id: "r".into(),
            bucket_name: "b".into(),
            serve_url: "s".into(),
            composition: "c".into(),
            codec: "h264".into(),
            crf: None,
            x264_preset: None,
            pixel_format: None,
            video_bitrate: None,
            pro_res_profile: None,
            color_space: None,
            encoding_max_rate: None,
            encoding_buffer_size: None,
            scale: 1.0,
            every_nth_frame: 1,
            launch_function_config: LaunchFunctionConfig {
                version: "4.0.527".into(),
            },
            encoder: "ffmpeg".into(),
            enable_cancellation: false,
            overrides: Default::default(),
            sound: false,
            env_variables: Default::default(),
            resolved_metadata: None,
        };
        let bytes = |payload: &RendererPayload| {
            let mut value = serde_json::to_value(payload).unwrap();
            value["type"] = json!("renderer");
            rendering_bytes(&value).unwrap()
        };
        let medium = bytes(&chunk);
        assert_eq!(medium, rendering_bytes(&renderer(json!({}))).unwrap());
        let changed = [
            RendererPayload {
                x264_preset: Some("veryfast".into()),
                ..chunk.clone()
            },
            RendererPayload {
                pixel_format: Some("yuv444p".into()),
                ..chunk.clone()
            },
            RendererPayload {
                encoder: "builtin".into(),
                ..chunk.clone()
            },
            RendererPayload {
                codec: "vp8".into(),
                ..chunk.clone()
            },
            RendererPayload {
                height: 2160,
                ..chunk.clone()
            },
        ];
        for payload in &changed {
            assert_ne!(bytes(payload), medium, "{payload:?}");
        }

        let still = crate::payload::StillPayload {
            version: None,
            serve_url: "s".into(),
            composition: "c".into(),
            input_props: Default::default(),
            image_format: "png".into(),
            jpeg_quality: None,
            frame: 0,
            privacy: "public".into(),
            out_name: None,
            scale: 2.0,
            bucket_name: None,
            delete_after: None,
            download_behavior: None,
            env_variables: Default::default(),
            force: ForceFields {
                force_width: Some(100),
                force_height: Some(100),
                force_fps: None,
                force_duration_in_frames: None,
            },
        };
        let mut value = serde_json::to_value(&still).unwrap();
        value["type"] = json!("still");
        // 200x200 pixels.
        assert_eq!(rendering_bytes(&value), Some(84_480_000));
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
