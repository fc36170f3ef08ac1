//! `<Video>` and `<OffthreadVideo>` paint the picture of their media time (needs Debian's
//! ffmpeg, which the test suite installs).

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use kinema_compose::{Bundle, CodeComposition, Engine, FrameTree, Limits};
use kinema_paint::{BlitzRenderer, FrameRenderer, PaintOptions};

/// A public folder with `counter.mov`: 60 pictures of 160x90 at 30 fps, picture `n` filled
/// with rgb(4n, 128, 255 - 4n), stored losslessly (PNG in QuickTime).
fn public_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kinema-video-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg("nullsrc=s=160x90:r=30:d=2")
        .args(["-vf", "geq=r='N*4':g=128:b='255-N*4',format=rgb24"])
        .args(["-c:v", "png", "-f", "mov"])
        .arg(dir.join("counter.mov"))
        .status()
        .expect("ffmpeg runs");
    assert!(status.success());
    std::fs::write(dir.join("notes.txt"), "not a video").unwrap();
    // The same counting at 24 fps, 2 s, with 3 s of sound: its pictures end first.
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg("nullsrc=s=160x90:r=24:d=2")
        .args(["-f", "lavfi", "-i", "sine=frequency=440:duration=3"])
        .args(["-vf", "geq=r='N*4':g=128:b='255-N*4',format=rgb24"])
        .args(["-c:v", "png", "-c:a", "pcm_s16le", "-f", "mov"])
        .arg(dir.join("counter24.mov"))
        .status()
        .expect("ffmpeg runs");
    assert!(status.success());
    dir
}

/// The picture index each frame of a one-video composition shows, painting `frames` in order
/// with one renderer.
fn pictures_shown(dir: &std::path::Path, video: &str, frames: &[u32]) -> Vec<Option<u32>> {
    let code = format!(
        "import {{AbsoluteFill, OffthreadVideo, staticFile}} from 'remotion';\n\
         export default () => <AbsoluteFill style={{{{background: 'black'}}}}>{video}</AbsoluteFill>;"
    );
    let mut renderer =
        BlitzRenderer::new(PaintOptions::for_public_dir(Some(dir.to_path_buf()))).unwrap();
    trees(&code, frames)
        .iter()
        .map(|tree| picture_at(&renderer.render(tree).unwrap(), 80))
        .collect()
}

#[test]
fn a_video_shows_the_same_pictures_however_its_decoder_got_there() {
    let dir = public_dir("rates");
    let video =
        "<OffthreadVideo src={staticFile('counter24.mov')} style={{width: 160, height: 90}} />";
    let in_order = pictures_shown(&dir, video, &(0..75).collect::<Vec<_>>());
    // At 30 fps frame k shows the 24 fps picture on screen at its time, floor(0.8 k); from
    // frame 60 (2 s, while its sound still plays) the last picture, 47, holds.
    for (k, shown) in in_order.iter().enumerate() {
        let expected = (k as u32 * 4 / 5).min(47);
        assert_eq!(*shown, Some(expected), "frame {k}");
    }
    // Renderers that start anywhere (a chunk's first frame, past the end) agree.
    for k in [7u32, 13, 22, 31, 59, 60, 70] {
        assert_eq!(
            pictures_shown(&dir, video, &[k])[0],
            in_order[k as usize],
            "frame {k}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn loops_last_whole_frames() {
    let dir = public_dir("loops");
    // (15 - 0) / 2 is 7.5 frames: the loop restarts every 7, as Remotion's does.
    let video = "<OffthreadVideo src={staticFile('counter.mov')} loop trimAfter={15} playbackRate={2} \
                 style={{width: 160, height: 90}} />";
    let shown = pictures_shown(&dir, video, &(0..30).collect::<Vec<_>>());
    for (f, shown) in shown.iter().enumerate() {
        assert_eq!(*shown, Some(2 * (f as u32 % 7)), "frame {f}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn trees(code: &str, frames: &[u32]) -> Vec<FrameTree> {
    let bundle = Bundle::from_code(
        code,
        CodeComposition {
            id: "DynamicComp".into(),
            duration_in_frames: 120,
            fps: 30.0,
            width: 480,
            height: 90,
        },
    )
    .unwrap();
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).unwrap();
    engine
        .select("DynamicComp", &serde_json::json!({}))
        .unwrap();
    frames
        .iter()
        .map(|f| engine.render_frame(*f).unwrap())
        .collect()
}

const THREE_VIDEOS: &str = r#"
import {AbsoluteFill, OffthreadVideo, Sequence, Video, staticFile} from 'remotion';
const at = (left) => ({position: 'absolute', left, top: 0, width: 160, height: 90});
export default function Videos() {
  return (
    <AbsoluteFill style={{background: 'black'}}>
      <Sequence from={10}>
        <OffthreadVideo src={staticFile('counter.mov')} style={at(0)} />
      </Sequence>
      <Video src={staticFile('counter.mov')} loop trimBefore={40} playbackRate={2} style={at(160)} />
      <OffthreadVideo src={staticFile('counter.mov')} loop trimBefore={5} trimAfter={15} style={at(320)} />
    </AbsoluteFill>
  );
}
"#;

/// The picture index a pixel of `frame` shows, from its red and blue channels.
fn picture_at(frame: &kinema_paint::Frame, x: u32) -> Option<u32> {
    let at = ((45 * frame.width + x) * 4) as usize;
    let [r, g, b, _] = frame.pixels[at..at + 4] else {
        unreachable!()
    };
    if (r, g, b) == (0, 0, 0) {
        return None;
    }
    assert_eq!((g, u32::from(r) + u32::from(b)), (128, 255), "{r} {g} {b}");
    assert_eq!(r % 4, 0, "{r}");
    Some(u32::from(r) / 4)
}

#[test]
fn videos_show_the_picture_of_their_media_time() {
    let dir = public_dir("times");
    let mut options = PaintOptions::for_public_dir(Some(dir.clone()));
    options.resources.allow_remote = false;
    // In order (one stream read on), then jumps back and ahead (new streams).
    let mut frames: Vec<u32> = (0..=75).collect();
    frames.extend([65, 12, 3, 100, 11]);
    let mut renderer = BlitzRenderer::new(options).unwrap();
    for tree in trees(THREE_VIDEOS, &frames) {
        let f = tree.frame;
        let frame = renderer.render(&tree).unwrap();
        // From frame 10, holding the last picture after the file's 60.
        let first = (f >= 10).then(|| (f - 10).min(59));
        // Pictures 40 to 59 at twice the speed, again and again.
        let second = Some(40 + (2 * f) % 20);
        // Pictures 5 to 14, again and again.
        let third = Some(5 + f % 10);
        assert_eq!(
            [
                picture_at(&frame, 80),
                picture_at(&frame, 240),
                picture_at(&frame, 400)
            ],
            [first, second, third],
            "frame {f}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn videos_that_cannot_be_read_name_their_src_and_the_frame() {
    let dir = public_dir("errors");
    for (src, reason) in [
        ("gone.mp4", "does not exist"),
        ("notes.txt", "ffmpeg cannot decode the pictures"),
    ] {
        let code = format!(
            "import {{OffthreadVideo, Sequence, staticFile}} from 'remotion';\n\
             export default () => <Sequence from={{2}}><OffthreadVideo src={{staticFile('{src}')}} /></Sequence>;"
        );
        let mut renderer =
            BlitzRenderer::new(PaintOptions::for_public_dir(Some(dir.clone()))).unwrap();
        let trees = trees(&code, &[0, 1, 2]);
        renderer.render(&trees[0]).unwrap();
        renderer.render(&trees[1]).unwrap();
        let err = renderer.render(&trees[2]).unwrap_err().to_string();
        assert!(
            err.contains("frame 2")
                && err.contains(&format!("/static/{src}"))
                && err.contains(reason),
            "{err}"
        );
    }
    // Without ffmpeg, the error says what is missing.
    let mut options = PaintOptions::for_public_dir(Some(dir.clone()));
    options.ffmpeg = Some(dir.join("no-ffmpeg"));
    let trees = trees(
        "import {OffthreadVideo, staticFile} from 'remotion';\n\
         export default () => <OffthreadVideo src={staticFile('counter.mov')} />;",
        &[0],
    );
    let err = BlitzRenderer::new(options)
        .unwrap()
        .render(&trees[0])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("frame 0") && err.contains("no-ffmpeg"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The ffmpeg processes this thread started that are still running.
fn decoders_running() -> usize {
    let children = std::fs::read_to_string("/proc/thread-self/children").unwrap_or_default();
    children
        .split_whitespace()
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "ffmpeg")
        })
        .count()
}

#[test]
fn videos_that_have_finished_playing_stop_their_decoders() {
    let dir = public_dir("series");
    let code = r#"
import {Series, OffthreadVideo, staticFile} from 'remotion';
export default () => (
  <Series>
    {[0, 10, 20, 30].map((from) => (
      <Series.Sequence key={from} durationInFrames={5}>
        <OffthreadVideo src={staticFile('counter.mov')} trimBefore={from} style={{width: 160, height: 90}} />
      </Series.Sequence>
    ))}
  </Series>
);
"#;
    let mut renderer = BlitzRenderer::new(PaintOptions::for_public_dir(Some(dir.clone()))).unwrap();
    let mut most = 0;
    for tree in trees(code, &(0..25).collect::<Vec<_>>()) {
        renderer.render(&tree).unwrap();
        most = most.max(decoders_running());
    }
    // One clip plays at a time, so one decoder runs at a time; none once all have finished.
    assert_eq!(most, 1);
    assert_eq!(decoders_running(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Serves `body` to every GET on a loopback port, counting the requests.
fn serve(body: Vec<u8>) -> (u16, Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 2 {
                line.clear();
            }
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    (port, hits)
}

/// The media files this process downloaded and still holds: unlinked files, seen only through
/// its open descriptors. None may be left in the temporary folder, even while held.
fn downloads() -> std::collections::BTreeSet<PathBuf> {
    let prefix = format!("kinema-media-{}-", std::process::id());
    let named = |path: &std::path::Path| {
        path.file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with(&prefix))
    };
    let in_temp_folder: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|path| named(path))
        .collect();
    assert!(in_temp_folder.is_empty(), "{in_temp_folder:?}");
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter(|target| named(target))
        .collect()
}

#[test]
fn a_remote_video_is_downloaded_once_for_all_renderers_and_freed_after() {
    let dir = public_dir("remote");
    let (port, hits) = serve(std::fs::read(dir.join("counter.mov")).unwrap());
    let code = format!(
        "import {{OffthreadVideo}} from 'remotion';\n\
         export default () => <OffthreadVideo src=\"http://127.0.0.1:{port}/clip.mov\" \
         style={{{{width: 160, height: 90}}}} />;"
    );
    let mut options = PaintOptions::default();
    options.resources.allow_private_addresses = true;
    // Two render threads' renderers.
    let mut first = BlitzRenderer::new(options.clone()).unwrap();
    let mut second = BlitzRenderer::new(options).unwrap();
    let trees = trees(&code, &[3, 40]);
    assert_eq!(picture_at(&first.render(&trees[0]).unwrap(), 80), Some(3));
    assert_eq!(picture_at(&second.render(&trees[1]).unwrap(), 80), Some(40));
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(downloads().len(), 1);
    drop(first);
    assert_eq!(downloads().len(), 1);
    drop(second);
    assert!(downloads().is_empty(), "{:?}", downloads());
    let _ = std::fs::remove_dir_all(&dir);
}
