//! The soundtrack's mix and mux, with Debian's ffmpeg decoding and encoding.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use kinema_encode::audio::{self, MixWindow, SAMPLE_RATE, SampleBlocks};
use kinema_encode::{AudioCodec, AudioCue, AudioOnlyCodec, AudioSettings};

const FFMPEG: &str = "ffmpeg";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kinema-audio-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn ffmpeg(args: &[&str]) {
    let out = Command::new(FFMPEG)
        .args(["-v", "error", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A stereo 48 kHz sine of `seconds` at `hz`, as a WAV file.
fn tone(dir: &Path, hz: u32, seconds: f64) -> PathBuf {
    let path = dir.join(format!("tone-{hz}.wav"));
    let source = format!("sine=frequency={hz}:sample_rate=48000:duration={seconds}");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &source,
        "-ac",
        "2",
        path.to_str().unwrap(),
    ]);
    path
}

/// The whole file as interleaved 48 kHz stereo floats, as the mixer decodes it.
fn decoded(file: &Path) -> Vec<f32> {
    let out = Command::new(FFMPEG)
        .args(["-v", "error", "-i"])
        .arg(file)
        .args(["-f", "f32le", "-ac", "2", "-ar", "48000", "pipe:1"])
        .output()
        .unwrap();
    audio::from_bytes(&out.stdout)
}

/// Cues of one element heard at video frames `positions`, from `from` seconds into `file`.
fn cues(file: &Path, positions: std::ops::Range<u32>, fps: f64, volume: f64) -> Vec<AudioCue> {
    let first = positions.start;
    let file: Arc<Path> = Arc::from(file);
    positions
        .map(|position| AudioCue {
            position,
            file: file.clone(),
            start_frame: f64::from(first),
            trim_before: 0.0,
            trim_after: None,
            playback_rate: 1.0,
            looped: false,
            media_time: f64::from(position - first) / fps,
            volume,
        })
        .collect()
}

/// The mix of a whole video of `frames` frames.
fn mix(
    cues: &[AudioCue],
    fps: f64,
    composition_fps: f64,
    frames: u32,
) -> Result<Option<Vec<f32>>, kinema_encode::EncodeError> {
    let window = MixWindow {
        fps,
        composition_fps,
        first: 0,
        frames,
    };
    collected(audio::mix(Path::new(FFMPEG), cues.to_vec(), window))
}

/// Every block of a mix, end to end.
fn collected(
    mix: Result<Option<audio::Mix>, kinema_encode::EncodeError>,
) -> Result<Option<Vec<f32>>, kinema_encode::EncodeError> {
    mix?.map(|mut mix| mix.collect_all()).transpose()
}

const HALF_SECOND: usize = SAMPLE_RATE as usize / 2 * 2;

#[test]
fn an_element_plays_seamlessly_where_its_frames_are() {
    let dir = scratch("seamless");
    let file = tone(&dir, 440, 2.0);
    let reference = decoded(&file);
    // Heard from frame 15 (0.5 s) for 30 frames of a 60-frame video at 30 fps.
    let whole = mix(&cues(&file, 15..45, 30.0, 1.0), 30.0, 30.0, 60)
        .unwrap()
        .unwrap();
    assert_eq!(whole.len(), 2 * 48_000 * 2);
    assert!(whole[..HALF_SECOND].iter().all(|&s| s == 0.0));
    // Sample for sample the file's first second: no seams at the frames' edges.
    assert_eq!(
        &whole[HALF_SECOND..3 * HALF_SECOND],
        &reference[..2 * HALF_SECOND]
    );
    assert!(whole[3 * HALF_SECOND..].iter().all(|&s| s == 0.0));
    // Chunks' mixes end to end are the video's.
    let heard = cues(&file, 15..45, 30.0, 1.0);
    let mut joined = Vec::new();
    for (first, frames) in [(0, 20), (20, 7), (27, 33)] {
        let window = MixWindow {
            fps: 30.0,
            composition_fps: 30.0,
            first,
            frames,
        };
        let part = collected(audio::mix(Path::new(FFMPEG), heard.clone(), window)).unwrap();
        joined.extend(part.unwrap_or_else(|| vec![0.0; frames as usize * 1600 * 2]));
    }
    assert_eq!(joined, whole);

    // At 29.97 fps frames are 1601.6 samples long: still seamless.
    let ntsc = 30_000.0 / 1001.0;
    let mixed = mix(&cues(&file, 0..30, ntsc, 1.0), ntsc, ntsc, 30)
        .unwrap()
        .unwrap();
    let samples = mixed.len();
    assert_eq!(samples / 2, (30.0_f64 * 48_000.0 / ntsc).round() as usize);
    assert_eq!(&mixed[..], &reference[..samples]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn volumes_scale_and_ramp_and_elements_add_up() {
    let dir = scratch("volume");
    let file = tone(&dir, 440, 1.0);
    let reference = decoded(&file);
    let halved = mix(&cues(&file, 0..30, 30.0, 0.5), 30.0, 30.0, 30)
        .unwrap()
        .unwrap();
    for (got, want) in halved.iter().zip(&reference) {
        assert!((got - want * 0.5).abs() < 1e-6);
    }
    // A fade from 0 to 1 over the frames: the level rises within each frame, not in steps.
    let mut fade = cues(&file, 0..30, 30.0, 1.0);
    for cue in &mut fade {
        cue.volume = f64::from(cue.position) / 29.0;
    }
    let faded = mix(&fade, 30.0, 30.0, 30).unwrap().unwrap();
    // Halfway through frame 10 the volume is halfway from 10/29 to 11/29.
    let at = (10 * 1600 + 800) * 2;
    let want = reference[at] * (10.5 / 29.0);
    assert!((faded[at] - want).abs() < 1e-4, "{} {want}", faded[at]);
    // Two elements of the same file a frame apart both sound.
    let mut both = cues(&file, 0..30, 30.0, 1.0);
    both.extend(cues(&file, 1..30, 30.0, 1.0));
    let both = mix(&both, 30.0, 30.0, 30).unwrap().unwrap();
    let at = 2000 * 2;
    assert!((both[at] - (reference[at] + reference[at - 1600 * 2])).abs() < 1e-5);
    // Muted throughout: nothing to hear.
    let silent = mix(&cues(&file, 0..30, 30.0, 0.0), 30.0, 30.0, 30);
    assert_eq!(silent.unwrap(), None);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn loops_wrap_and_rates_keep_the_length() {
    let dir = scratch("loop");
    let file = tone(&dir, 440, 0.5);
    let reference = decoded(&file);
    let mut looped = cues(&file, 0..60, 30.0, 1.0);
    for cue in &mut looped {
        cue.looped = true;
    }
    let mixed = mix(&looped, 30.0, 30.0, 60).unwrap().unwrap();
    // The half-second file plays four times in two seconds.
    for round in 0..4 {
        let at = round * HALF_SECOND;
        assert_eq!(
            &mixed[at..at + HALF_SECOND],
            &reference[..HALF_SECOND],
            "{round}"
        );
    }
    // A loop up to trimAfter lasts whole frames: 7.5 frames of the file are 7 of the video,
    // so each round restarts after 7 frames' samples (1600 each at 30 fps).
    let mut trimmed = cues(&file, 0..30, 30.0, 1.0);
    for cue in &mut trimmed {
        cue.looped = true;
        cue.trim_after = Some(7.5);
    }
    let mixed = mix(&trimmed, 30.0, 30.0, 30).unwrap().unwrap();
    let round = 7 * 1600 * 2;
    assert_eq!(&mixed[round..2 * round], &reference[..round]);
    assert_eq!(&mixed[2 * round..3 * round], &reference[..round]);
    // Twice as fast, a two-second file fills one second (its pitch kept by atempo).
    let file = tone(&dir, 440, 2.0);
    let mut fast = cues(&file, 0..30, 30.0, 1.0);
    for cue in &mut fast {
        cue.playback_rate = 2.0;
        cue.media_time *= 2.0;
    }
    let mixed = mix(&fast, 30.0, 30.0, 30).unwrap().unwrap();
    let second = &mixed[..];
    let loud = second.iter().filter(|s| s.abs() > 0.05).count();
    assert!(loud > second.len() / 2, "{loud} of {}", second.len());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_mix_is_muxed_beside_the_video_without_re_encoding_it() {
    let dir = scratch("mux");
    let video = dir.join("video.mp4");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=64x36:rate=30:duration=1",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        video.to_str().unwrap(),
    ]);
    // A video file without sound leaves nothing to hear rather than failing.
    let silent = cues(&video, 0..30, 30.0, 1.0);
    assert_eq!(mix(&silent, 30.0, 30.0, 30).unwrap(), None);
    let file = tone(&dir, 440, 1.0);
    let mixed = mix(&cues(&file, 0..30, 30.0, 1.0), 30.0, 30.0, 30)
        .unwrap()
        .unwrap();
    for (codec, name, extension) in [
        (AudioCodec::Aac, "aac", "mp4"),
        (AudioCodec::Opus, "opus", "mkv"),
        (AudioCodec::Pcm16, "pcm_s16le", "mov"),
        (AudioCodec::Mp3, "mp3", "mp4"),
    ] {
        let output = dir.join(format!("with-sound-{name}.{extension}"));
        let settings = AudioSettings::new(codec, None).unwrap();
        let mut sound = Some(mixed.clone());
        audio::mux(Path::new(FFMPEG), &video, &mut sound, &settings, &output).unwrap();
        let probe = Command::new("ffprobe")
            .args([
                "-v",
                "error",
                "-show_entries",
                "stream=codec_type,codec_name",
            ])
            .args(["-show_entries", "format=duration", "-of", "json"])
            .arg(&output)
            .output()
            .unwrap();
        let probe: serde_json::Value = serde_json::from_slice(&probe.stdout).unwrap();
        let streams = probe["streams"].as_array().unwrap();
        assert_eq!(streams[0]["codec_name"], "h264", "{probe}");
        assert_eq!(streams[1]["codec_name"], name, "{probe}");
        let duration: f64 = probe["format"]["duration"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((duration - 1.0).abs() < 0.05, "{name}: {duration}");
    }
    // A broken file names itself.
    let broken = dir.join("broken.mp3");
    std::fs::write(&broken, b"not sound").unwrap();
    let err = mix(&cues(&broken, 0..3, 30.0, 1.0), 30.0, 30.0, 3)
        .unwrap_err()
        .to_string();
    assert!(err.contains("broken.mp3"), "{err}");
    // A playlist is not a sound: it could name any file on the machine for ffmpeg to read.
    let playlist = dir.join("list.m3u8");
    let entry = format!(
        "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:1,\n{}\n#EXT-X-ENDLIST\n",
        file.display()
    );
    std::fs::write(&playlist, entry).unwrap();
    let err = mix(&cues(&playlist, 0..3, 30.0, 1.0), 30.0, 30.0, 3)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("list.m3u8") && err.contains("whitelist"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_audio_only_render_is_a_sound_file_with_its_tags() {
    let dir = scratch("sound-file");
    let file = tone(&dir, 440, 1.0);
    let mixed = mix(&cues(&file, 0..30, 30.0, 0.5), 30.0, 30.0, 30)
        .unwrap()
        .unwrap();
    let tags = vec![
        ("title".to_string(), "Quarterly Review".to_string()),
        ("comment".to_string(), "made by Kinema".to_string()),
    ];
    for (codec, extension, name, format) in [
        (AudioOnlyCodec::Mp3, "mp3", "mp3", "mp3"),
        (AudioOnlyCodec::Aac, "aac", "aac", "aac"),
        (AudioOnlyCodec::Aac, "m4a", "aac", "mov,mp4,m4a,3gp,3g2,mj2"),
        (AudioOnlyCodec::Wav, "wav", "pcm_s16le", "wav"),
    ] {
        let output = dir.join(format!("sound.{extension}"));
        let settings = AudioSettings::for_audio_only(codec, None, false, None, extension).unwrap();
        let mut sound = Some(mixed.clone());
        audio::encode(Path::new(FFMPEG), &mut sound, &settings, &tags, &output).unwrap();
        let probe = Command::new("ffprobe")
            .args(["-v", "error", "-show_entries"])
            .args(["stream=codec_type,codec_name,sample_rate,channels"])
            .args(["-show_entries", "format=format_name,duration:format_tags"])
            .args(["-of", "json"])
            .arg(&output)
            .output()
            .unwrap();
        let probe: serde_json::Value = serde_json::from_slice(&probe.stdout).unwrap();
        let streams = probe["streams"].as_array().unwrap();
        assert_eq!(streams.len(), 1, "{extension}: {probe}");
        assert_eq!(streams[0]["codec_type"], "audio", "{probe}");
        assert_eq!(streams[0]["codec_name"], name, "{probe}");
        assert_eq!(streams[0]["sample_rate"], "48000", "{probe}");
        assert_eq!(streams[0]["channels"], 2, "{probe}");
        assert_eq!(probe["format"]["format_name"], format, "{probe}");
        assert_eq!(
            probe["format"]["tags"]["title"], "Quarterly Review",
            "{extension}: {probe}"
        );
        // The tone comes back at the volume it was mixed at (lossy codecs, within a little).
        let back = decoded(&output);
        let samples = back.len() / 2;
        // MP3 and AAC pad the start and end with their codec's delay; the length is right
        // to within a few thousand samples.
        assert!(
            (samples as i64 - 48_000).abs() < 3_000,
            "{extension}: {samples} samples"
        );
        let middle = &back[back.len() / 4..back.len() * 3 / 4];
        let peak = middle.iter().fold(0f32, |m, s| m.max(s.abs()));
        let expected = decoded(&file).iter().fold(0f32, |m, s| m.max(s.abs())) * 0.5;
        assert!(
            (peak - expected).abs() < 0.02,
            "{extension}: peak {peak}, expected {expected}"
        );
    }
    // A file its sound cannot go in is refused before ffmpeg runs, naming the setting.
    let misfit = AudioSettings::for_audio_only(AudioOnlyCodec::Mp3, None, false, None, "wav")
        .unwrap_err()
        .to_string();
    assert!(
        misfit.contains("codec: mp3 writes .mp3, not a .wav file"),
        "{misfit}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Mixes `cues` over `frames` frames at `fps` in blocks of `block_frames`, end to end.
fn mixed_in_blocks(cues: &[AudioCue], fps: f64, frames: u32, block_frames: u32) -> Vec<f32> {
    let window = MixWindow {
        fps,
        composition_fps: fps,
        first: 0,
        frames,
    };
    let mix = audio::mix_in_blocks(Path::new(FFMPEG), cues.to_vec(), window, block_frames);
    collected(mix).unwrap().expect("audible")
}

#[test]
fn the_track_is_the_same_whatever_the_blocks_it_is_made_in() {
    let dir = scratch("blocks");
    let long = tone(&dir, 440, 3.0);
    let short = tone(&dir, 660, 0.4);
    let ntsc = 30_000.0 / 1001.0;
    // Heard late (the blocks before are silence), a fade, a loop cut at trimAfter, twice as
    // fast through atempo, and a gap where the volume is 0 (the element reads on from where
    // its media time says).
    let mut heard = cues(&long, 20..80, ntsc, 1.0);
    for cue in &mut heard {
        cue.volume = f64::from(cue.position % 25) / 24.0;
    }
    let mut looped = cues(&short, 30..90, ntsc, 0.5);
    for cue in &mut looped {
        cue.looped = true;
        cue.trim_after = Some(9.5);
    }
    let mut fast = cues(&long, 40..70, ntsc, 0.7);
    for cue in &mut fast {
        cue.playback_rate = 2.0;
        cue.media_time *= 2.0;
    }
    heard.extend(looped);
    heard.extend(fast);
    let reference = mixed_in_blocks(&heard, ntsc, 90, 1000);
    assert_eq!(reference.len() / 2, audio::sample_at(90, ntsc));
    assert!(
        reference[..audio::sample_at(20, ntsc) * 2]
            .iter()
            .all(|&s| s == 0.0)
    );
    assert!(reference.iter().any(|&s| s.abs() > 0.1));
    for block_frames in [1, 7, 29] {
        let blocks = mixed_in_blocks(&heard, ntsc, 90, block_frames);
        assert!(
            blocks == reference,
            "blocks of {block_frames} frames differ"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_sound_that_fails_part_way_leaves_no_file() {
    let dir = scratch("fails-late");
    let file = tone(&dir, 440, 2.0);
    let broken = dir.join("broken.mp3");
    std::fs::write(&broken, b"not sound").unwrap();
    // The good sound plays from the start; the broken one is first decoded in a later block,
    // after the encoder has been fed.
    let mut heard = cues(&file, 0..60, 30.0, 1.0);
    heard.extend(cues(&broken, 45..60, 30.0, 1.0));
    let window = MixWindow {
        fps: 30.0,
        composition_fps: 30.0,
        first: 0,
        frames: 60,
    };
    let mut mix = audio::mix_in_blocks(Path::new(FFMPEG), heard, window, 10)
        .unwrap()
        .expect("audible");
    let output = dir.join("sound.wav");
    let settings = AudioSettings::new(AudioCodec::Pcm16, None).unwrap();
    let err = audio::encode(Path::new(FFMPEG), &mut mix, &settings, &[], &output)
        .unwrap_err()
        .to_string();
    assert!(err.contains("broken.mp3"), "{err}");
    assert!(!output.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn silence_is_as_long_as_the_frames() {
    let samples = audio::silence(90, 30_000.0 / 1001.0).collect_all().unwrap();
    assert_eq!(samples.len(), audio::sample_at(90, 30_000.0 / 1001.0) * 2);
    assert!(samples.iter().all(|&s| s == 0.0));
    // An hour comes in blocks, never whole.
    let mut hour = audio::silence(108_000, 30.0);
    let first = hour.next_block().unwrap().unwrap();
    assert!(first.len() < 48_000 * 2 * 60);
}
