//! Checks of a render's parameters that need no composition, run by `start` so bad input is
//! refused before anything is invoked. Each error names its field.

use kinema_encode::{
    AudioOnlyCodec, AudioSettings, Codec, ColorSpace, EncoderBackend, MediaCodec, PixelFormat,
    ProresProfile, VideoSettings,
};

use crate::error::FarmError;
use crate::payload::{OutNameInput, RenderParams};

pub const DELETE_AFTER: &[&str] = &["1-day", "3-days", "7-days", "30-days"];
const PRIVACY: &[&str] = &["public", "private", "no-acl"];

pub fn codec(name: &str) -> Result<MediaCodec, FarmError> {
    MediaCodec::parse(name).map_err(setting_error)
}

pub fn privacy(value: &str) -> Result<(), FarmError> {
    if PRIVACY.contains(&value) {
        Ok(())
    } else {
        Err(FarmError::field(
            "privacy",
            format!("\"{value}\" is not valid: use public, private or no-acl"),
        ))
    }
}

pub fn delete_after(value: Option<&str>) -> Result<(), FarmError> {
    match value {
        Some(v) if !DELETE_AFTER.contains(&v) => Err(FarmError::field(
            "deleteAfter",
            format!("\"{v}\" is not valid: use {}", DELETE_AFTER.join(", ")),
        )),
        _ => Ok(()),
    }
}

pub fn scale(value: f64) -> Result<(), FarmError> {
    if value.is_finite() && value > 0.0 && value <= 16.0 {
        Ok(())
    } else {
        Err(FarmError::field(
            "scale",
            format!("must be a number above 0 and at most 16, got {value}"),
        ))
    }
}

/// `outName` as a string must end in an extension the codec can write (`extensions`, for the
/// codec named `codec`).
pub fn out_name(
    out: Option<&OutNameInput>,
    extensions: &[&str],
    codec: &str,
) -> Result<(), FarmError> {
    let (field, key) = match out {
        None => return Ok(()),
        Some(OutNameInput::Name(name)) => ("outName", name.as_str()),
        Some(OutNameInput::Custom { bucket_name, key }) => {
            crate::bucket::validate_bucket_name(bucket_name)
                .map_err(|e| FarmError::field("outName.bucketName", e.to_string()))?;
            ("outName.key", key.as_str())
        }
    };
    crate::bucket::validate_key(key).map_err(|e| FarmError::field(field, e.to_string()))?;
    let extension = key.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension {
        Some(ext) if extensions.contains(&ext.as_str()) => Ok(()),
        _ => Err(FarmError::field(
            field,
            format!(
                "\"{key}\" must end in {} for codec {codec}",
                extensions
                    .iter()
                    .map(|e| format!(".{e}"))
                    .collect::<Vec<_>>()
                    .join(" or "),
            ),
        )),
    }
}

/// That the encoder the farm will use (see [`EncoderBackend::choose`]) can write `codec` with
/// these settings: without ffmpeg only the built-in H.264 encoder is there, which writes
/// yuv420p and has no x264 presets. Refused here rather than quietly ignored in the launch.
pub fn encoder(
    params: &RenderParams,
    codec: MediaCodec,
    ffmpeg: Option<&std::path::Path>,
) -> Result<(), FarmError> {
    let codec = match codec {
        MediaCodec::Video(codec) => codec,
        MediaCodec::Audio(audio) => {
            let program = ffmpeg.unwrap_or(kinema_encode::DEFAULT_FFMPEG.as_ref());
            if EncoderBackend::ffmpeg_found(program) {
                return Ok(());
            }
            return Err(FarmError::field(
                "codec",
                format!(
                    "{}: the sound is mixed and encoded by ffmpeg, and the farm has none (none \
                     on its PATH): install ffmpeg where the farm runs",
                    audio.name()
                ),
            ));
        }
    };
    let no_ffmpeg = "the farm has no ffmpeg (none on its PATH), and its built-in H.264 encoder";
    match EncoderBackend::choose(ffmpeg, codec) {
        Ok(EncoderBackend::Ffmpeg(_)) => Ok(()),
        Ok(EncoderBackend::Builtin) => {
            let format = params.pixel_format.as_deref();
            if format.is_some_and(|f| f != PixelFormat::Yuv420p.name()) {
                return Err(FarmError::field(
                    "pixelFormat",
                    format!("{no_ffmpeg} writes yuv420p only"),
                ));
            }
            if params.x264_preset.is_some() {
                return Err(FarmError::field(
                    "x264Preset",
                    format!("{no_ffmpeg} is not x264; leave it unset or install ffmpeg"),
                ));
            }
            let key = match &params.out_name {
                Some(OutNameInput::Name(name)) => Some(("outName", name)),
                Some(OutNameInput::Custom { key, .. }) => Some(("outName.key", key)),
                None => None,
            };
            if let Some((field, key)) = key {
                let extension = key.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
                if !matches!(extension.as_deref(), Some("mp4" | "mov")) {
                    return Err(FarmError::field(
                        field,
                        format!("{no_ffmpeg} writes .mp4 or .mov, not \"{key}\""),
                    ));
                }
            }
            Ok(())
        }
        Err(no_ffmpeg) => Err(FarmError::field(
            "codec",
            format!("{no_ffmpeg}: install ffmpeg where the farm runs"),
        )),
    }
}

/// The extension of the file the launch writes: the output name's where the codec can write
/// it (`extensions`: `.mkv` and `.mov` for H.264), else `usual`.
pub fn output_extension(out: Option<&OutNameInput>, extensions: &[&str], usual: &str) -> String {
    let key = match out {
        Some(OutNameInput::Name(name)) => name.as_str(),
        Some(OutNameInput::Custom { key, .. }) => key.as_str(),
        None => "",
    };
    key.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| extensions.contains(&e.as_str()))
        .unwrap_or_else(|| usual.to_string())
}

/// The extension of the video the launch writes: `outName`'s, else the codec's usual one, or
/// as Remotion picks it, the first of its others that holds the sound (`.mkv` for H.264 with
/// pcm-16 sound).
pub fn video_extension(params: &RenderParams, codec: Codec) -> String {
    let sound = match (params.muted, kinema_encode::AudioCodec::default_for(codec)) {
        (true, _) | (_, None) => None,
        (false, Some(default)) => match params.audio_codec.as_deref() {
            Some(name) => kinema_encode::AudioCodec::parse(name).ok(),
            None => Some(default.lossless_if(params.prefer_lossless)),
        },
    };
    let extensions = codec.extensions();
    let usual = extensions
        .iter()
        .find(|e| sound.is_none_or(|s| s.fits(e)))
        .unwrap_or(&extensions[0]);
    output_extension(params.out_name.as_ref(), extensions, usual)
}

/// The soundtrack's settings (`None`: muted, or a GIF), checked against the codec and the file
/// the launch writes.
pub fn sound(params: &RenderParams, codec: Codec) -> Result<Option<AudioSettings>, FarmError> {
    AudioSettings::choose(
        codec,
        params.audio_codec.as_deref(),
        params.prefer_lossless,
        params.audio_bitrate.as_deref(),
        params.muted,
        &video_extension(params, codec),
    )
    .map_err(setting_error)
}

/// The sound file an audio-only render writes: its settings and its extension (`outName`'s,
/// which must hold that sound, else the usual one: mp3 `.mp3`, aac `.aac`, wav and pcm-16
/// `.wav`).
pub fn sound_file(
    params: &RenderParams,
    codec: AudioOnlyCodec,
) -> Result<(AudioSettings, String), FarmError> {
    let audio_codec = match params.audio_codec.as_deref() {
        Some(name) => kinema_encode::AudioCodec::parse(name).map_err(setting_error)?,
        None => codec
            .default_audio_codec()
            .lossless_if(params.prefer_lossless),
    };
    let extensions = audio_codec.sound_file_extensions();
    // The codec's own checks (which sound codecs it takes, and their bitrates), for its usual
    // file; the name given is checked next, in its own field.
    let settings = AudioSettings::for_audio_only(
        codec,
        params.audio_codec.as_deref(),
        params.prefer_lossless,
        params.audio_bitrate.as_deref(),
        extensions.first().copied().unwrap_or_default(),
    )
    .map_err(setting_error)?;
    let named = match (params.audio_codec.as_deref(), params.prefer_lossless) {
        _ if audio_codec == codec.default_audio_codec() => codec.name().to_string(),
        (Some(_), _) => format!("{} with audioCodec {}", codec.name(), audio_codec.name()),
        (None, _) => format!("{} with preferLossless", codec.name()),
    };
    out_name(params.out_name.as_ref(), extensions, &named)?;
    let usual = extensions.first().copied().unwrap_or_default();
    Ok((
        settings,
        output_extension(params.out_name.as_ref(), extensions, usual),
    ))
}

/// The host a webhook URL names (an IPv6 address without its brackets), if it parses.
fn webhook_host(url: &str) -> Option<String> {
    let uri: ureq::http::Uri = url.parse().ok()?;
    let host = uri.host()?.trim_matches(['[', ']']).trim_end_matches('.');
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// A webhook URL that names a private address outright (`localhost`, `10.0.0.5`, `[::1]`) is
/// refused when the render starts, unless the farm allows private addresses; a name that
/// resolves to one is refused when the webhook is sent.
pub fn webhook_address(params: &RenderParams, allow_private: bool) -> Result<(), FarmError> {
    let Some(host) = params.webhook.as_ref().and_then(|w| webhook_host(&w.url)) else {
        return Ok(());
    };
    let private = match host.parse::<std::net::IpAddr>() {
        Ok(ip) => !kinema_paint::public_hosts::is_public(ip),
        Err(_) => host == "localhost" || host.ends_with(".localhost"),
    };
    if private && !allow_private {
        return Err(FarmError::field(
            "webhook.url",
            format!(
                "{host} is a private address: the render farm calls webhooks at public addresses \
                 only (its --fetch-private-addresses or fetch_private_addresses setting allows \
                 others)"
            ),
        ));
    }
    Ok(())
}

/// The `proResProfile` named, if any.
pub fn prores_profile(name: Option<&str>) -> Result<Option<ProresProfile>, FarmError> {
    name.map(ProresProfile::parse)
        .transpose()
        .map_err(setting_error)
}

/// The `colorSpace` named (`null`: the default).
pub fn color_space(name: Option<&str>) -> Result<ColorSpace, FarmError> {
    name.map(ColorSpace::parse)
        .transpose()
        .map(Option::unwrap_or_default)
        .map_err(setting_error)
}

/// `metadata`'s tags: Remotion's `Record<string, string>`.
pub fn metadata(params: &RenderParams) -> Result<Vec<(String, String)>, FarmError> {
    let Some(map) = &params.metadata else {
        return Ok(Vec::new());
    };
    map.iter()
        .map(|(key, value)| match value {
            serde_json::Value::String(text) => Ok((key.clone(), text.clone())),
            other => Err(FarmError::field(
                "metadata",
                format!("{key}: must be a string, not {other}"),
            )),
        })
        .collect()
}

/// A setting the encoder refused, as an error of the payload field it names.
fn setting_error(error: kinema_encode::EncodeError) -> FarmError {
    match error {
        kinema_encode::EncodeError::Setting { field, reason } => FarmError::field(field, reason),
        other => other.into(),
    }
}

/// Everything `start` can check without the composition.
pub fn render_params(params: &RenderParams) -> Result<MediaCodec, FarmError> {
    let codec = codec(&params.codec)?;
    match codec {
        MediaCodec::Video(video) => video_params(params, video)?,
        MediaCodec::Audio(audio) => no_picture_params(params, audio)?,
    }
    if let Some((first, Some(last))) = params.frame_range.map(|r| r.as_pair())
        && first > last
    {
        return Err(FarmError::field(
            "frameRange",
            format!("[{first}, {last}] is backwards: the first frame must not come after the last"),
        ));
    }
    if params.frames_per_lambda.is_some() && params.concurrency.is_some() {
        return Err(FarmError::field(
            "framesPerLambda",
            "Both 'framesPerLambda' and 'concurrency' were set. Set only one of them",
        ));
    }
    if let Some(c) = params.concurrency
        && !(1..=200).contains(&c)
    {
        return Err(FarmError::field(
            "concurrency",
            format!("must be between 1 and 200, got {c}"),
        ));
    }
    if params.frames_per_lambda == Some(0) {
        return Err(FarmError::field("framesPerLambda", "must be at least 1"));
    }
    if params.every_nth_frame == 0 {
        return Err(FarmError::field("everyNthFrame", "must be 1 or more"));
    }
    if params.max_retries > 100 {
        return Err(FarmError::field("maxRetries", "must be at most 100"));
    }
    privacy(&params.privacy)?;
    scale(params.scale)?;
    delete_after(params.delete_after.as_deref())?;
    if let Some(webhook) = &params.webhook {
        if !(webhook.url.starts_with("http://") || webhook.url.starts_with("https://"))
            || webhook_host(&webhook.url).is_none()
        {
            return Err(FarmError::field(
                "webhook.url",
                format!("\"{}\" is not an http(s) URL", webhook.url),
            ));
        }
        if let Some(data) = &webhook.custom_data {
            let size = serde_json::to_string(data).map(|s| s.len()).unwrap_or(0);
            if size > 1024 {
                return Err(FarmError::field(
                    "webhook.customData",
                    format!("is {size} characters of JSON; at most 1024 are allowed"),
                ));
            }
        }
    }
    overrides(&params.force.overrides())?;
    if let Some(name) = &params.renderer_function_name {
        return Err(FarmError::field(
            "rendererFunctionName",
            format!("\"{name}\": the embedded farm renders with its own function; leave it unset"),
        ));
    }

    match codec {
        MediaCodec::Video(video) => {
            out_name(params.out_name.as_ref(), video.extensions(), video.name())?;
            sound(params, video)?;
        }
        MediaCodec::Audio(audio) => {
            sound_file(params, audio)?;
            kinema_encode::validate_metadata(&metadata(params)?).map_err(setting_error)?;
        }
    }
    Ok(codec)
}

/// The settings of a video's pictures.
fn video_params(params: &RenderParams, codec: Codec) -> Result<(), FarmError> {
    if let Some(profile) = prores_profile(params.pro_res_profile.as_deref())? {
        // The encoder's own check: ProRes only, and a profile that fits the pixel format.
        let pixel_format = params
            .pixel_format
            .as_deref()
            .map(PixelFormat::parse)
            .transpose()
            .map_err(setting_error)?;
        VideoSettings {
            prores_profile: Some(profile),
            pixel_format,
            ..VideoSettings::new(codec, 16, 16, 30.0)
        }
        .validate()
        .map_err(setting_error)?;
    }
    if let Some(crf) = params.crf {
        match codec.crf_range() {
            None => {
                return Err(FarmError::field(
                    "crf",
                    format!("{} takes no crf; leave it unset", codec.name()),
                ));
            }
            Some(range) if !range.contains(&crf) => {
                return Err(FarmError::field(
                    "crf",
                    format!(
                        "{crf} is out of range for {}: use {} to {}",
                        codec.name(),
                        range.start(),
                        range.end()
                    ),
                ));
            }
            Some(_) => {}
        }
        if params.video_bitrate.is_some() {
            return Err(FarmError::field(
                "crf",
                "crf and videoBitrate cannot both be set",
            ));
        }
    }
    if params.video_bitrate.is_some() && !codec.takes_bitrate() {
        return Err(FarmError::field(
            "videoBitrate",
            format!("{} takes no bitrate; leave it unset", codec.name()),
        ));
    }
    if let Some(bitrate) = &params.video_bitrate
        && let Err(error) = kinema_encode::parse_bitrate(bitrate)
    {
        let reason = match error {
            kinema_encode::EncodeError::Setting { reason, .. } => reason,
            other => other.to_string(),
        };
        return Err(FarmError::field("videoBitrate", reason));
    }
    if let Some(format) = &params.pixel_format {
        let format = PixelFormat::parse(format)
            .map_err(|e| FarmError::field("pixelFormat", e.to_string()))?;
        if !codec.pixel_formats().contains(&format) {
            return Err(FarmError::field(
                "pixelFormat",
                format!("{} cannot be used with {}", format.name(), codec.name()),
            ));
        }
    }
    if let Some(preset) = &params.x264_preset {
        if codec != Codec::H264 {
            return Err(FarmError::field(
                "x264Preset",
                "only applies to the h264 codec",
            ));
        }
        if !kinema_encode::X264_PRESETS.contains(&preset.as_str()) {
            return Err(FarmError::field(
                "x264Preset",
                format!(
                    "\"{preset}\" is not one of {}",
                    kinema_encode::X264_PRESETS.join(", ")
                ),
            ));
        }
    }
    if params.every_nth_frame > 1 && codec != Codec::Gif {
        return Err(FarmError::field(
            "everyNthFrame",
            format!("only applies to gif; {} renders every frame", codec.name()),
        ));
    }
    if params.number_of_gif_loops.is_some() && codec != Codec::Gif {
        return Err(FarmError::field("numberOfGifLoops", "only applies to gif"));
    }
    if let Some(loops) = params.number_of_gif_loops {
        // The encoder's own check of the count.
        VideoSettings {
            gif_loops: Some(loops),
            ..VideoSettings::new(codec, 16, 16, 30.0)
        }
        .validate()
        .map_err(setting_error)?;
    }
    // The encoder's own checks of the colour space and the bitrate ceiling, which depend on
    // the codec alone.
    VideoSettings {
        color_space: color_space(params.color_space.as_deref())?,
        max_rate: params.encoding_max_rate.clone(),
        buffer_size: params.encoding_buffer_size.clone(),
        metadata: metadata(params)?,
        ..VideoSettings::new(codec, 16, 16, 30.0)
    }
    .validate()
    .map_err(setting_error)?;
    Ok(())
}

/// An audio-only render has no pictures: their settings are refused rather than ignored, as
/// is `muted`, which would leave nothing to write. The defaults Remotion's clients send
/// whatever the codec (`pixelFormat: "yuv420p"` from its CLI, `colorSpace: "default"`) are
/// taken as not given.
fn no_picture_params(params: &RenderParams, codec: AudioOnlyCodec) -> Result<(), FarmError> {
    let color_space = params
        .color_space
        .as_deref()
        .is_some_and(|c| c != ColorSpace::default().name());
    let pixel_format = params
        .pixel_format
        .as_deref()
        .is_some_and(|f| f != PixelFormat::Yuv420p.name());
    let picture_fields = [
        ("crf", params.crf.is_some()),
        ("videoBitrate", params.video_bitrate.is_some()),
        ("pixelFormat", pixel_format),
        ("x264Preset", params.x264_preset.is_some()),
        ("proResProfile", params.pro_res_profile.is_some()),
        ("everyNthFrame", params.every_nth_frame > 1),
        ("numberOfGifLoops", params.number_of_gif_loops.is_some()),
        ("colorSpace", color_space),
        ("encodingMaxRate", params.encoding_max_rate.is_some()),
        ("encodingBufferSize", params.encoding_buffer_size.is_some()),
    ];
    if let Some((field, _)) = picture_fields.iter().find(|(_, given)| *given) {
        return Err(FarmError::field(
            *field,
            format!(
                "applies to pictures, and codec {} renders the sound alone; leave it unset",
                codec.name()
            ),
        ));
    }
    if params.muted {
        return Err(FarmError::field(
            "muted",
            format!(
                "codec {} renders the sound alone, so a muted render would have nothing to write",
                codec.name()
            ),
        ));
    }
    Ok(())
}

/// `forceWidth`, `forceHeight`, `forceFps`, `forceDurationInFrames`: positive when given.
pub(crate) fn overrides(overrides: &kinema_compose::ConfigOverrides) -> Result<(), FarmError> {
    for (field, value) in [
        ("forceWidth", overrides.width),
        ("forceHeight", overrides.height),
        ("forceDurationInFrames", overrides.duration_in_frames),
    ] {
        if value == Some(0) {
            return Err(FarmError::field(field, "must be a positive integer"));
        }
    }
    if let Some(fps) = overrides.fps
        && !(fps.is_finite() && fps > 0.0)
    {
        return Err(FarmError::field("forceFps", "must be a positive number"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_webhook(url: &str) -> RenderParams {
        crate::payload::parse(&serde_json::json!({
            "serveUrl": "site",
            "composition": "Main",
            "webhook": {"url": url, "secret": null},
        }))
        .unwrap()
    }

    fn audio_params(fields: serde_json::Value) -> RenderParams {
        let mut payload = serde_json::json!({"serveUrl": "site", "composition": "Main"});
        payload
            .as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        crate::payload::parse(&payload).unwrap()
    }

    #[test]
    fn audio_only_renders_take_sound_fields_and_refuse_picture_ones() {
        use serde_json::json;
        let file = |fields| {
            let params = audio_params(fields);
            let MediaCodec::Audio(codec) = render_params(&params).unwrap() else {
                panic!("not audio-only");
            };
            let (settings, extension) = sound_file(&params, codec).unwrap();
            (settings.codec.name(), extension)
        };
        assert_eq!(file(json!({"codec": "mp3"})), ("mp3", "mp3".into()));
        assert_eq!(file(json!({"codec": "wav"})), ("pcm-16", "wav".into()));
        assert_eq!(
            file(json!({"codec": "aac", "audioCodec": "pcm-16"})),
            ("pcm-16", "wav".into())
        );
        assert_eq!(
            file(json!({"codec": "aac", "outName": "talk.M4A"})),
            ("aac", "m4a".into())
        );
        // Remotion's clients send these as null or their defaults: its Lambda CLI sends
        // `npx remotion lambda render … --codec=mp3` as this (less what has no bearing here).
        file(json!({
            "codec": "mp3", "crf": null, "pixelFormat": "yuv420p", "imageFormat": "jpeg",
            "colorSpace": "default", "everyNthFrame": 1, "numberOfGifLoops": null,
            "x264Preset": null, "proResProfile": null, "videoBitrate": null,
            "encodingMaxRate": null, "encodingBufferSize": null, "muted": false,
            "audioCodec": null, "audioBitrate": null, "jpegQuality": 80, "scale": 1,
        }));
        let refused = |fields| {
            render_params(&audio_params(fields))
                .unwrap_err()
                .to_string()
        };
        for (fields, says) in [
            (
                json!({"codec": "mp3", "crf": 18}),
                "crf: applies to pictures",
            ),
            (
                json!({"codec": "wav", "pixelFormat": "yuv444p"}),
                "pixelFormat: applies to pictures",
            ),
            (
                json!({"codec": "aac", "colorSpace": "bt709"}),
                "colorSpace: applies to pictures",
            ),
            (
                json!({"codec": "aac", "everyNthFrame": 2}),
                "everyNthFrame: applies to pictures",
            ),
            (
                json!({"codec": "mp3", "muted": true}),
                "muted: codec mp3 renders the sound alone",
            ),
            (
                json!({"codec": "wav", "audioCodec": "aac"}),
                "audioCodec: aac is not a sound codec of wav",
            ),
            (
                json!({"codec": "mp3", "audioBitrate": "500k"}),
                "audioBitrate",
            ),
            (
                json!({"codec": "aac", "outName": "talk.mp3"}),
                "outName: \"talk.mp3\" must end in .aac or .m4a or .m4b for codec aac",
            ),
            (
                json!({"codec": "aac", "audioCodec": "pcm-16", "outName": "talk.aac"}),
                "must end in .wav for codec aac with audioCodec pcm-16",
            ),
            (
                json!({"codec": "mp3", "metadata": {"a=b": "c"}}),
                "metadata: \"a=b\" is not a tag name",
            ),
        ] {
            let err = refused(fields.clone());
            assert!(err.contains(says), "{fields}: {err}");
        }
    }

    #[test]
    fn webhooks_named_by_private_addresses_are_refused_unless_allowed() {
        for url in [
            "http://localhost:3000/hook",
            "http://LOCALHOST./hook",
            "http://app.localhost/hook",
            "http://127.0.0.1/hook",
            "https://10.1.2.3:8443/hook",
            "http://169.254.169.254/latest",
            "http://[::1]:8080/hook",
            "http://[::ffff:192.168.0.1]/hook",
        ] {
            let params = with_webhook(url);
            render_params(&params).unwrap();
            let err = webhook_address(&params, false).unwrap_err().to_string();
            assert!(
                err.contains("webhook.url") && err.contains("private address"),
                "{url}: {err}"
            );
            webhook_address(&params, true).unwrap();
        }
        // Names are checked when the webhook is sent, where they resolve.
        for url in ["https://example.com/hook", "http://93.184.215.14/hook"] {
            webhook_address(&with_webhook(url), false).unwrap();
        }
    }

    #[test]
    fn encoder_settings_are_checked_against_the_codec_when_the_render_starts() {
        let params = |fields: serde_json::Value| {
            let mut payload = serde_json::json!({"serveUrl": "site", "composition": "Main"});
            payload
                .as_object_mut()
                .unwrap()
                .extend(fields.as_object().unwrap().clone());
            crate::payload::parse::<RenderParams>(&payload).unwrap()
        };
        for (fields, says) in [
            (
                serde_json::json!({"proResProfile": "hq"}),
                "proResProfile: only applies to prores, not h264",
            ),
            (
                serde_json::json!({"codec": "prores", "proResProfile": "best"}),
                "proResProfile: \"best\" is not one of 4444-xq, 4444, hq",
            ),
            (
                serde_json::json!({"codec": "prores", "proResProfile": "4444",
                    "pixelFormat": "yuv422p10le"}),
                "proResProfile: 4444 is a 4:4:4 profile",
            ),
            (
                serde_json::json!({"colorSpace": "bt2020-ncl"}),
                "colorSpace: bt2020-ncl is not supported yet",
            ),
            (
                serde_json::json!({"colorSpace": "rec709"}),
                "colorSpace: \"rec709\" is not one of default, bt601, bt709, bt2020-ncl",
            ),
            (
                serde_json::json!({"codec": "vp8", "colorSpace": "bt709"}),
                "colorSpace: vp8's bitstream knows BT.601 only",
            ),
            (
                serde_json::json!({"encodingMaxRate": "2M"}),
                "encodingMaxRate: needs encodingBufferSize",
            ),
            (
                serde_json::json!({"metadata": {"year": 2026}}),
                "metadata: year: must be a string, not 2026",
            ),
            (
                serde_json::json!({"codec": "gif", "metadata": {"title": "x"}}),
                "metadata: a GIF holds no metadata tags",
            ),
            (
                serde_json::json!({"encodingMaxRate": "2M", "encodingBufferSize": "lots"}),
                "encodingBufferSize: \"lots\" is not a bitrate",
            ),
        ] {
            let err = render_params(&params(fields.clone()))
                .unwrap_err()
                .to_string();
            assert!(err.contains(says), "{fields}: {err}");
        }
        for fields in [
            serde_json::json!({"codec": "prores", "proResProfile": "proxy"}),
            serde_json::json!({"codec": "prores", "proResProfile": "4444"}),
            serde_json::json!({"codec": "prores", "proResProfile": "4444-xq",
                "pixelFormat": "yuva444p10le"}),
            serde_json::json!({"colorSpace": null, "encodingMaxRate": null}),
            serde_json::json!({"colorSpace": "bt601", "encodingMaxRate": "2M",
                "encodingBufferSize": "4M", "metadata": {"title": "Launch"}}),
        ] {
            render_params(&params(fields)).unwrap();
        }
    }

    #[test]
    fn webhook_urls_must_parse() {
        for url in ["ftp://example.com/", "http://", "http://exa mple.com/"] {
            let err = render_params(&with_webhook(url)).unwrap_err().to_string();
            assert!(err.contains("webhook.url"), "{url}: {err}");
        }
    }
}
